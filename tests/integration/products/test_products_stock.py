"""GET /api/v1/products/{asin}/stock-estimate through the handler: real offers, the 24-hour row, fallbacks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from products_support import STOCK_ROUTE

from arbvault.keepa.client import KeepaClient
from arbvault.keepa.product import KeepaProduct
from db_testing import execute, scalar
from keepa_testing import MakeKeepa, RecordingKeepa, book_asins, paid, spent
from support import SOURCER, call

SIX_FBA = "0134227050"
"""A generated book with 7 live offers: 6 FBA (58.89, 76.19, 137.19, 147.19, 158.39, 164.29) and 1 merchant-fulfilled
(a used copy)."""
NO_LIVE_OFFERS = "0037615254"
"""A generated book whose only offer is no longer listed."""
DAY = 86_400


def stock(asin: str, query: str = "", **options: Any) -> tuple[int, dict[str, str], Any]:
    return call("products", "GET", STOCK_ROUTE.format(asin=asin), route=STOCK_ROUTE, path_parameters={"asin": asin},
                query=query, **options)


def live_product(keepa: RecordingKeepa, asin: str) -> KeepaProduct:
    """The product with its offers, asked from the same offline Keepa by a client of the test's own."""
    with KeepaClient(api_key="test-key", base_url=keepa.base_url) as client:
        return client.get_products([asin], offers=20).found[asin]


def age_everything(days: int = 2) -> None:
    """Make the stock row and the catalog's snapshot older than any TTL."""
    execute(f"UPDATE stock_estimates SET fetched_at = fetched_at - interval '{days} days'")
    execute(f"UPDATE keepa_snapshots SET fetched_at = fetched_at - interval '{days} days'")


def test_stock_estimate_is_fresh_then_served_from_the_row(keepa: RecordingKeepa) -> None:
    status, _, fresh = stock(SIX_FBA, identity=SOURCER)
    charged = spent(keepa)

    status_again, _, cached = stock(SIX_FBA)

    assert status == status_again == 200, (fresh, cached)
    live = live_product(keepa, SIX_FBA).live_offers
    fba = sum(1 for offer in live if offer.is_fba)
    assert (fresh["offers_fba"], fresh["offers_mfn"]) == (fba, len(live) - fba) == (6, 1)
    assert fresh["units_available_estimate"] == 6
    assert fresh["source"] == "fresh" and fresh["tokens_used"] == charged == 6  # one page of offers
    request = paid(keepa)[0]
    assert request.params["offers"] == "20" and request.params["asin"] == SIX_FBA
    assert DAY - 5 <= fresh["ttl_seconds_left"] <= DAY
    assert cached["source"] == "cache" and cached["tokens_used"] == 0
    assert {k: cached[k] for k in ("offers_fba", "offers_mfn", "units_available_estimate", "updated_at")} == \
        {k: fresh[k] for k in ("offers_fba", "offers_mfn", "units_available_estimate", "updated_at")}
    assert DAY - 10 <= cached["ttl_seconds_left"] <= fresh["ttl_seconds_left"]
    assert len(paid(keepa)) == 2  # the route's lookup and this test's own


@pytest.mark.parametrize(("target", "expected"), [
    ("140", 3),  # 119.00-161.00: 137.19, 147.19 and 158.39
    ("135", 2),  # 114.75-155.25: 137.19 and 147.19 (158.39 is just outside)
    ("55", 1),  # 46.75-63.25: 58.89
    ("500", 0),
])
def test_stock_estimate_price_target_counts_fba_offers_within_15_percent(keepa: RecordingKeepa, target: str,
                                                                          expected: int) -> None:
    status, _, answer = stock(SIX_FBA, query=f"price_target={target}")

    assert status == 200, answer
    prices = [o.price for o in live_product(keepa, SIX_FBA).live_offers if o.is_fba and o.price is not None]
    low, high = Decimal(target) * Decimal("0.85"), Decimal(target) * Decimal("1.15")
    assert answer["offers_fba"] == answer["units_available_estimate"] == sum(low <= p <= high for p in prices)
    assert answer["offers_fba"] == expected
    assert answer["offers_mfn"] == 1 and answer["price_target"] == float(target)


def test_stock_estimate_other_price_targets_reuse_the_same_row(keepa: RecordingKeepa) -> None:
    stock(SIX_FBA, query="price_target=70")

    _, _, answer = stock(SIX_FBA, query="price_target=55")

    assert answer["source"] == "cache" and answer["offers_fba"] == 1
    assert len(paid(keepa)) == 1


def test_stock_estimate_falls_back_to_a_stale_row_when_keepa_is_down(keepa: RecordingKeepa) -> None:
    _, _, fresh = stock(SIX_FBA)
    age_everything()
    keepa.fail_next(4, status=500)  # every attempt of the client's retry policy

    status, _, answer = stock(SIX_FBA)

    assert status == 200, answer
    assert answer["source"] == "cache_fallback" and answer["ttl_seconds_left"] == 0
    assert (answer["offers_fba"], answer["offers_mfn"]) == (fresh["offers_fba"], fresh["offers_mfn"])
    updated = datetime.fromisoformat(answer["updated_at"])
    assert datetime.fromisoformat(fresh["updated_at"]) - updated == timedelta(days=2)


def test_stock_estimate_stale_row_is_refreshed_when_keepa_answers(keepa: RecordingKeepa) -> None:
    stock(SIX_FBA)
    age_everything()

    _, _, answer = stock(SIX_FBA)

    assert answer["source"] == "fresh" and answer["tokens_used"] == 6
    assert DAY - 5 <= answer["ttl_seconds_left"] <= DAY
    assert scalar("SELECT count(*) FROM stock_estimates") == 1


def test_stock_estimate_falls_back_to_a_stale_row_when_tokens_are_short(keepa: RecordingKeepa) -> None:
    stock(SIX_FBA)
    age_everything()
    keepa.set_tokens(2)
    execute("UPDATE keepa_token_state SET tokens_left = 2, observed_at = now()")
    before = len(keepa.requests)

    status, _, answer = stock(SIX_FBA)

    assert status == 200 and answer["source"] == "cache_fallback", answer
    assert len(keepa.requests) == before  # the guard refused without asking Keepa


def test_stock_estimate_without_a_row_is_503_when_keepa_is_down(keepa: RecordingKeepa) -> None:
    keepa.fail_next(8, status=500)

    status, _, answer = stock(SIX_FBA)

    assert status == 503, answer
    assert answer["error"]["code"] == "keepa_unavailable"
    assert scalar("SELECT count(*) FROM stock_estimates") == 0


def test_stock_estimate_without_a_row_is_429_when_tokens_are_short(
        make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=3, refill_rate=20)

    status, headers, answer = stock(SIX_FBA)

    assert status == 429, answer
    assert answer["error"]["details"][0]["required"] == 6 and "retry-after" in headers
    assert paid(keepa) == []


def test_stock_estimate_of_a_product_without_live_offers_is_no_data(keepa: RecordingKeepa) -> None:
    status, _, answer = stock(NO_LIVE_OFFERS)

    assert status == 200, answer
    assert answer["source"] == "no_data"
    assert (answer["units_available_estimate"], answer["offers_fba"], answer["offers_mfn"]) == (0, 0, 0)


def test_stock_estimate_accepts_the_isbn13_of_a_book(keepa: RecordingKeepa) -> None:
    status, _, answer = stock("978-0-13-422705-4")

    assert status == 200, answer
    assert answer["asin"] == SIX_FBA and answer["offers_fba"] == 6


def test_stock_estimate_of_an_unknown_product_is_404(keepa: RecordingKeepa) -> None:
    (unknown,) = book_asins(1, known=False)

    status, _, answer = stock(unknown)

    assert status == 404, answer
    assert answer["error"]["code"] == "product_not_found"


@pytest.mark.parametrize(("asin", "query", "field"), [
    ("NOT-AN-ASIN!", "", "path.asin"),
    ("3883951065", "", "path.asin"),  # wrong ISBN-10 check digit
    ("9791032300824", "", "path.asin"),  # a 979 ISBN-13 has no ISBN-10
    (SIX_FBA, "price_target=0", "query.price_target"),
    (SIX_FBA, "price_target=ten", "query.price_target"),
], ids=["garbage", "check-digit", "isbn13-979", "zero-target", "text-target"])
def test_stock_estimate_bad_input_is_422_before_any_keepa_call(keepa: RecordingKeepa, asin: str, query: str,
                                                              field: str) -> None:
    status, _, answer = stock(asin, query=query)

    assert status == 422, answer
    assert field in [detail["field"] for detail in answer["error"]["details"]]
    assert list(keepa.requests) == []


class OffersFailingKeepa(RecordingKeepa):
    """The offline Keepa answering every product without its offers (``offersSuccessful`` false), as Keepa does
    when it could not fetch them."""

    def respond(self, method: str, path: str, query: Mapping[str, str], body: bytes | None) -> tuple[int, bytes, int]:
        status, payload, consumed = super().respond(method, path, query, body)
        if path.strip("/") != "product" or status != 200:
            return status, payload, consumed
        answer = json.loads(payload)
        for product in answer.get("products") or []:
            product.update(offers=None, liveOffersOrder=None, offersSuccessful=False)
        return status, json.dumps(answer).encode(), consumed


def test_stock_estimate_reads_the_offers_a_later_analysis_read(keepa: RecordingKeepa) -> None:
    # GIVEN a stock row an hour old that saw no offers, and an ingest with offers since (the snapshot is newer)
    stock(SIX_FBA)
    execute("UPDATE stock_estimates SET offers = '[]', fetched_at = fetched_at - interval '2 hours'")
    execute("UPDATE keepa_snapshots SET fetched_at = fetched_at - interval '2 hours'")
    status, _, ingested = call("keepa", "POST", "/api/v1/keepa/ingest",
                               json_body={"identifiers": [SIX_FBA], "offers": 20})
    assert status == 200, ingested
    paid_before = len(paid(keepa))
    # WHEN the stock is estimated again within the row's 24 hours
    status, _, answer = stock(SIX_FBA)
    # THEN it reads the analysis' offers: 7 live offers, not "no_data", without another Keepa call
    assert status == 200, answer
    assert answer["source"] == "fresh" and answer["tokens_used"] == 0
    assert answer["offers_fba"] + answer["offers_mfn"] == ingested["items"][0]["offers_count"] == 7
    assert answer["updated_at"].replace("Z", "+00:00") == ingested["items"][0]["metrics"]["keepa"]["fetched_at"]
    assert len(paid(keepa)) == paid_before
    # and the row now holds those offers
    _, _, again = stock(SIX_FBA)
    assert again["source"] == "cache" and again["offers_fba"] == 6


def test_stock_estimate_is_never_no_data_when_keepa_did_not_deliver_the_offers(make_keepa: MakeKeepa) -> None:
    make_keepa(OffersFailingKeepa, tokens=100_000)

    status, _, answer = stock(SIX_FBA)

    assert status == 503, answer
    assert answer["error"]["code"] == "dependency_unavailable" and SIX_FBA in answer["error"]["message"]
    assert scalar("SELECT count(*) FROM stock_estimates") == 0


def test_stock_estimate_falls_back_to_a_stale_row_when_keepa_did_not_deliver_the_offers(
        keepa: RecordingKeepa, make_keepa: MakeKeepa) -> None:
    _, _, fresh = stock(SIX_FBA)
    age_everything()
    make_keepa(OffersFailingKeepa, tokens=100_000)

    status, _, answer = stock(SIX_FBA)

    assert status == 200, answer
    assert answer["source"] == "cache_fallback"
    assert (answer["offers_fba"], answer["offers_mfn"]) == (fresh["offers_fba"], fresh["offers_mfn"]) == (6, 1)
