"""The token guard and Keepa's own 429 through the keepa function: refusals cost nothing and say when to retry."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from keepa_fn_support import INGEST
from sqlalchemy import text

from arbvault.db import get_engine
from keepa_testing import MakeKeepa, book_asins, book_isbns, product_requests, spent, store_balance
from support import call


def stored_balance() -> dict[str, object] | None:
    with get_engine().connect() as connection:
        row = connection.execute(text("SELECT * FROM keepa_token_state")).mappings().one_or_none()
    return dict(row) if row else None


def test_guard_refuses_a_short_balance_with_429_details_and_retry_after(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=30, refill_rate=20)

    status, headers, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(8)})

    # 8 products with the default page of offers need 8 * 6 = 48 tokens: 18 more than the 30 held.
    assert status == 429, body
    assert body["error"]["code"] == "keepa_tokens_insufficient"
    (details,) = body["error"]["details"]
    assert details["required"] == 48 and details["balance"] == 30 and details["deficit"] == 18
    # One refill of 20 covers the deficit: it lands within the next minute.
    assert 1 <= int(headers["retry-after"]) <= 60
    assert details["retry_after_seconds"] == int(headers["retry-after"])
    # The check asked the free /token endpoint once (nothing was stored yet) and no product was requested.
    assert [r.endpoint for r in keepa.requests] == ["token"]
    assert spent(keepa) == 0 and keepa.bucket.peek().tokens_left == 30


def test_guard_uses_the_stored_balance_without_asking_keepa(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=1000)
    observed = datetime.now(UTC)
    store_balance(3, refill_in_ms=50_000, refill_rate=5, observed_at=observed)

    status, headers, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(2)})

    # Another environment saw 3 tokens left, refilling 5 a minute; 2 products with offers need 12:
    # 9 short -> 2 refills, the first in ~50 s.
    assert status == 429, body
    assert body["error"]["details"][0]["deficit"] == 9
    expected = (observed + timedelta(milliseconds=50_000 + 60_000) - datetime.now(UTC)).total_seconds()
    assert abs(int(headers["retry-after"]) - math.ceil(expected)) <= 1
    assert list(keepa.requests) == []


def test_guard_estimates_refills_since_the_stored_balance(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=1000)
    store_balance(0, refill_in_ms=1000, refill_rate=20, observed_at=datetime.now(UTC) - timedelta(minutes=3))

    # 0 tokens three minutes ago at 20 a minute -> about 60 now: 55 products pass the guard. Without offers each
    # costs exactly 1 token, so what Keepa leaves is known up front.
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(55), "offers": 0})

    assert status == 200, body
    assert [r.endpoint for r in keepa.requests] == ["product"]
    stored = stored_balance()
    assert stored is not None and stored["tokens_left"] == 1000 - 55


def test_guard_refuses_more_than_the_plan_ever_holds_with_413(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=10, refill_rate=1)  # a bucket of at most 60 tokens

    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(11)})

    # 11 products with offers need 66 tokens, more than the 60 the bucket can ever hold.
    assert status == 413, body
    assert body["error"]["code"] == "keepa_tokens_beyond_capacity"
    assert body["error"]["details"] == [{"code": "keepa_tokens_beyond_capacity", "required": 66, "capacity": 60}]
    assert product_requests(keepa) == []


def test_keepa_429_mid_call_is_a_429_envelope_and_the_balance_is_recorded(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=500, refill_rate=20)
    assert call("keepa", "GET", "/api/v1/keepa/tokens")[0] == 200  # the guard now believes 500 tokens
    keepa.set_tokens(1)  # another client of the same key spends them behind our back

    identifiers = book_asins(10) + book_isbns(5, start=2_000)
    # Without offers the 10 ASINs cost exactly 10 tokens, so the negative balance Keepa reports is known.
    status, headers, body = call("keepa", "POST", INGEST, json_body={"identifiers": identifiers, "offers": 0})

    # The ASIN request is accepted at a balance of 1 (and goes negative); the code request gets Keepa's 429.
    assert status == 429, body
    assert body["error"]["code"] == "keepa_tokens_exhausted"
    assert int(headers["retry-after"]) >= 1
    assert [r.status for r in product_requests(keepa)] == [200, 429]
    stored = stored_balance()
    assert stored is not None and stored["tokens_left"] == 1 - 10 and stored["source"] == "last_response"
    assert "Traceback" not in str(body)


def test_keepa_unreachable_is_503_without_internal_text(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    store_balance(1000, refill_in_ms=1000, refill_rate=20, observed_at=datetime.now(UTC))
    keepa.fail_next(4, status=502)  # every attempt the client makes

    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(2)})

    assert status == 503, body
    assert body["error"]["code"] == "keepa_unavailable"
    assert "test-key" not in str(body) and keepa.base_url not in str(body)
