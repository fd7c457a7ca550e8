"""POST /api/v1/batches/estimate: a batch's token cost against the balance the guard would use, for free; its
"sufficient" is exactly what creating the batch would find."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from batches_support import BATCHES

from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues
from keepa_testing import MakeKeepa, book_isbns, store_balance
from support import call

ESTIMATE = f"{BATCHES}/estimate"


def _estimate(payload: dict[str, Any]) -> tuple[int, Any]:
    status, _, body = call("batches", "POST", ESTIMATE, json_body=payload)
    return status, body


def test_estimate_by_count_with_a_sufficient_balance(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=1_000, refill_rate=20)

    status, body = _estimate({"count": 150})

    # A page of offers (6 tokens) per product by default.
    assert status == 200, body
    assert (body["items_total"], body["tokens_required"], body["balance"]) == (150, 900, 1_000)
    assert body["sufficient"] is True and body["deficit"] == 0 and body["retry_after_seconds"] is None
    assert body["capacity_exceeded"] is False
    assert body["refill_rate"] == 20 and 0 <= body["refill_in_ms"] <= 60_000
    assert body["balance_source"] == "token_endpoint"
    # Asked /token once (free); nothing was spent.
    assert [r.endpoint for r in keepa.requests] == ["token"] and keepa.bucket.peek().tokens_left == 1_000


def test_estimate_by_identifiers_counts_distinct_ones_and_offers_cost_a_page_each(make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=10_000, refill_rate=200)
    identifiers = book_isbns(40)

    status, body = _estimate({"identifiers": identifiers + identifiers[:10], "offers": 20})

    assert status == 200, body
    assert (body["items_total"], body["tokens_required"]) == (40, 40 * 6)
    assert body["invalid_identifiers"] == []


def test_estimate_leaves_out_and_lists_what_a_batch_would_leave_out(make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=10_000, refill_rate=200)

    status, body = _estimate({"identifiers": [*book_isbns(3), "bad"]})

    assert status == 200, body
    assert (body["items_total"], body["tokens_required"]) == (3, 3 * 6)
    assert [(r["index"], r["value"]) for r in body["invalid_identifiers"]] == [(3, "bad")]


def test_a_short_balance_says_when_to_retry_and_creating_agrees(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=100, refill_rate=20)

    status, body = _estimate({"count": 30})
    created, headers, refusal = call("batches", "POST", BATCHES,
                                     json_body={"name": "x", "identifiers": book_isbns(30)})

    # 30 products with offers need 180 tokens: 80 more than the 100 held.
    assert status == 200, body
    assert body["sufficient"] is False and body["deficit"] == 80 and body["capacity_exceeded"] is False
    assert created == 429, refusal
    assert abs(body["retry_after_seconds"] - int(headers["retry-after"])) <= 1


def test_estimate_uses_the_stored_balance_projected_to_now(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=5)
    store_balance(0, refill_in_ms=1000, refill_rate=20, observed_at=datetime.now(UTC) - timedelta(minutes=3))

    status, body = _estimate({"count": 10})

    # 0 tokens three minutes ago at 20 a minute -> 60 now, enough for 10 products with offers (6 each).
    assert status == 200, body
    assert body["balance"] == 60 and body["sufficient"] is True and body["balance_source"] == "last_response"
    assert list(keepa.requests) == []


def test_more_than_the_plan_holds_is_flagged(make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=10, refill_rate=1)

    status, body = _estimate({"count": 70})

    assert status == 200, body
    assert body["sufficient"] is False and body["capacity_exceeded"] is True and body["retry_after_seconds"] is None


@pytest.mark.parametrize(("payload", "status_code", "field"), [
    ({}, 422, "body"),
    ({"count": 3, "identifiers": ["0134685997"]}, 422, "body"),
    ({"count": 0}, 422, "body.count"),
    ({"count": 10_001}, 422, "body.count"),
    ({"identifiers": []}, 422, "body.identifiers"),
    ({"identifiers": ["bad", "0134685998"]}, 422, "identifiers[0]"),
    ({"count": 3, "offers": 7}, 422, "body.offers"),
])
def test_bad_estimates_name_the_field(keepa: OfflineKeepa, payload: dict[str, Any], status_code: int,
                                      field: str) -> None:
    status, body = _estimate(payload)

    assert status == status_code, body
    assert body["error"]["details"][0]["field"] == field
    assert list(keepa.requests) == []


def test_more_than_a_batch_holds_is_413(keepa: OfflineKeepa) -> None:
    status, body = _estimate({"identifiers": book_isbns(10_001)})

    assert status == 413, body
    assert body["error"]["details"][0] == {"field": "body.identifiers", "code": "too_many_identifiers", "count": 10_001,
                                                 "max": 10_000}
