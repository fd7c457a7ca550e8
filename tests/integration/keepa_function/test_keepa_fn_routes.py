"""GET metrics, raw and tokens through the keepa function."""

from __future__ import annotations

from typing import Any

from keepa_fn_support import INGEST
from sqlalchemy import text

from arbvault.db import get_engine
from infra.keepa_offline import OfflineKeepa
from keepa_testing import book_asins, book_isbns, product_requests, spent
from support import ADMIN, SOURCER, call

Response = tuple[int, dict[str, str], Any]
FIXTURE_ASIN = "1739104269"
"""A stored fixture book (Keepa's own product-response example)."""


def metrics(identifier: str, query: str = "") -> Response:
    return call("keepa", "GET", f"/api/v1/keepa/{identifier}/metrics", route="/api/v1/keepa/{asin}/metrics",
                path_parameters={"asin": identifier}, query=query, identity=SOURCER)


def raw(identifier: str, identity: dict[str, str] = ADMIN) -> Response:
    return call("keepa", "GET", f"/api/v1/keepa/{identifier}/raw", route="/api/v1/keepa/{asin}/raw",
                path_parameters={"asin": identifier}, identity=identity)


def test_metrics_analyses_one_product_and_reuses_its_snapshot(keepa: OfflineKeepa) -> None:
    # A used copy (the strategy's default condition) is priced from the used Buy Box, which takes offers=.
    status, _, first = metrics(FIXTURE_ASIN, "buy_price=4.50&offers=20")

    assert status == 200, first
    assert first["asin"] == FIXTURE_ASIN and first["tokens_used"] == 6 and first["snapshot_hit"] is False
    analysis = first["analysis"]
    assert analysis["buy_price"] == 4.5 and analysis["buy_price_source"] == "requested"
    assert (analysis["buy_condition"], analysis["sell_price"], analysis["sell_price_source"]) == (
        "used_good", 6.89, "buy_box_used")  # the fixture's buyBoxUsedPrice 689 + shipping 0
    assert analysis["profit"]["roi_pct"] is not None
    assert analysis["keepa"]["stats_days"] == 90

    status, _, second = metrics(FIXTURE_ASIN, "buy_price=4.50&offers=20")
    assert status == 200 and second["tokens_used"] == 0 and second["snapshot_hit"] is True
    assert second["analysis"]["profit"] == analysis["profit"]
    assert len(product_requests(keepa)) == 1


def test_metrics_does_not_store_an_analysis(keepa: OfflineKeepa) -> None:
    with get_engine().connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM analyses")).scalar_one()
    assert metrics(book_asins(1, start=40)[0])[0] == 200
    with get_engine().connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM analyses")).scalar_one() == before


def test_metrics_needing_offers_never_uses_a_snapshot_without_them(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1, start=60)
    assert metrics(asin, "offers=0")[2]["tokens_used"] == 1

    status, _, with_offers = metrics(asin)  # the default page of 20 offers

    assert status == 200, with_offers
    assert with_offers["snapshot_hit"] is False and with_offers["tokens_used"] >= 6
    assert product_requests(keepa)[-1].params["offers"] == "20"
    # The snapshot now holds offers, so a lookup without them is served from it.
    assert metrics(asin, "offers=0")[2]["snapshot_hit"] is True


def test_metrics_by_isbn13_and_not_found_and_malformed(keepa: OfflineKeepa) -> None:
    (isbn,) = book_isbns(1, start=10)
    status, _, body = metrics(isbn)
    assert status == 200 and body["identifier"] == isbn and body["asin"] == book_asins(1, start=10)[0]

    (unknown,) = book_asins(1, known=False)
    status, _, body = metrics(unknown)
    assert status == 404, body
    assert body["error"]["code"] == "product_not_found" and unknown in body["error"]["message"]

    status, _, body = metrics("NOT-AN-ASIN!")
    assert status == 422, body
    assert body["error"]["details"][0]["field"] == "asin"
    assert len(product_requests(keepa)) == 2


def test_metrics_unknown_strategy_is_422(keepa: OfflineKeepa) -> None:
    status, _, body = metrics(FIXTURE_ASIN, "strategy=nope")

    assert status == 422 and body["error"]["code"] == "validation_error"
    assert body["error"]["details"][0]["code"] == "unknown_strategy"
    assert spent(keepa) == 0


def test_metrics_unknown_buy_condition_is_422_before_any_token(keepa: OfflineKeepa) -> None:
    status, _, body = metrics(FIXTURE_ASIN, "buy_price=4&buy_condition=mint")

    assert status == 422, body
    assert any("buy_condition" in str(detail.get("field")) for detail in body["error"]["details"]), body
    assert spent(keepa) == 0


def test_raw_returns_the_stored_keepa_object_for_admins(keepa: OfflineKeepa) -> None:
    assert call("keepa", "POST", INGEST, json_body={"identifiers": [FIXTURE_ASIN]})[0] == 200

    status, _, body = raw(FIXTURE_ASIN)

    assert status == 200, body
    assert body["snapshot_hit"] is True and body["tokens_used"] == 0
    assert body["product"]["asin"] == FIXTURE_ASIN and len(body["product"]["csv"]) == 36
    # The ingest fetched the default page of offers; raw (no offers asked) is served from that snapshot.
    assert body["options"] == {"stats_days": 90, "offers": 20, "history": True, "buybox": False}
    assert len(product_requests(keepa)) == 1


def test_raw_is_forbidden_for_a_sourcer(keepa: OfflineKeepa) -> None:
    status, _, body = raw(FIXTURE_ASIN, identity=SOURCER)

    assert status == 403 and body["error"]["code"] == "forbidden"
    assert keepa.requests == type(keepa.requests)()


def test_tokens_asks_the_free_endpoint_once_then_reads_the_stored_balance(keepa: OfflineKeepa) -> None:
    status, _, first = call("keepa", "GET", "/api/v1/keepa/tokens", identity=SOURCER)

    assert status == 200, first
    assert first["source"] == "token_endpoint" and first["tokens_left"] == 1200 == first["estimated_now"]
    assert first["refill_rate"] == 20 and 0 <= first["refill_in_ms"] <= 60_000

    status, _, again = call("keepa", "GET", "/api/v1/keepa/tokens", identity=SOURCER)
    assert status == 200 and again["observed_at"] == first["observed_at"]
    assert [r.endpoint for r in keepa.requests] == ["token"]
    assert spent(keepa) == 0


def test_tokens_after_an_ingest_come_from_its_response(keepa: OfflineKeepa) -> None:
    ingest = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(7)})[2]

    status, _, body = call("keepa", "GET", "/api/v1/keepa/tokens")

    assert status == 200, body
    # 7 products with offers cost at least 6 tokens each; the balance is what Keepa's answer left.
    assert ingest["tokens_used"] >= 7 * 6 and ingest["tokens_used"] == spent(keepa)
    assert body["source"] == "last_response" and body["tokens_left"] == 1200 - ingest["tokens_used"]
    assert [r.endpoint for r in keepa.requests] == ["token", "product"]


def test_tokens_refresh_asks_keepa_again_for_free(keepa: OfflineKeepa) -> None:
    call("keepa", "GET", "/api/v1/keepa/tokens")
    keepa.set_tokens(900)

    status, _, body = call("keepa", "GET", "/api/v1/keepa/tokens", query="refresh=true")

    assert status == 200 and body["tokens_left"] == 900 and body["source"] == "token_endpoint"
    assert spent(keepa) == 0
