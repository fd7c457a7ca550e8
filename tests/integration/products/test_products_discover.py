"""POST /api/v1/products/discover through the handler: the request Keepa sees, the 24-hour cache, the guard."""

from __future__ import annotations

from typing import Any

import pytest
from products_support import DISCOVER

from arbvault.keepa.client import KeepaClient
from arbvault.keepa.csv_types import CsvType
from db_testing import execute, scalar
from infra.keepa_offline.finder import find
from keepa_testing import MakeKeepa, RecordingKeepa, paid, spent
from support import SOURCER, call


def discover(body: dict[str, Any], **options: Any) -> tuple[int, dict[str, str], Any]:
    return call("products", "POST", DISCOVER, json_body=body, **options)


def test_discover_sends_keepa_a_finder_selection_with_cents_and_a_rank_floor(keepa: RecordingKeepa) -> None:
    body = {"category_id": 3839, "bsr_min": 1000, "bsr_max": 900_000, "price_min": 12.5, "price_max": 80,
            "max_results": 5}

    status, _, answer = discover(body, identity=SOURCER)

    assert status == 200, answer
    expected_selection = {"current_SALES_gte": 1000, "current_SALES_lte": 900_000, "current_NEW_gte": 1250,
                          "current_NEW_lte": 8000, "categories_include": [3839],
                          "sort": [["current_SALES", "asc"]], "page": 0, "perPage": 200}
    assert keepa.selections == [expected_selection]
    (request,) = paid(keepa)
    assert (request.method, request.endpoint, request.params["domain"]) == ("POST", "query", "1")
    matched, total = find(keepa.catalogue.pool(), expected_selection)
    assert matched and answer["asins"] == matched[:5] and answer["count"] == min(5, total)
    assert answer["total_results"] == total
    assert answer["query"] == {"domain_id": 1, **body}
    assert answer["cache_hit"] is False and answer["source"] == "keepa"
    assert answer["tokens_used"] == request.tokens_consumed == 10 + 1  # 10 + 1 per 100 ASINs returned
    # What came back does lie in the price range, by the products' own current NEW price.
    with KeepaClient(api_key="k", base_url=keepa.base_url) as client:
        products = client.get_products(answer["asins"], stats=90, history=False).found.values()
    for product in products:
        assert product.stats is not None
        assert 1250 <= product.stats.current[CsvType.NEW] <= 8000
        assert 1000 <= product.stats.current[CsvType.SALES] <= 900_000


@pytest.mark.parametrize(("body", "expected"), [
    ({"price_max": 30}, {"current_SALES_gte": 1, "current_NEW_lte": 3000}),
    ({"bsr_max": 50_000}, {"current_SALES_gte": 1, "current_SALES_lte": 50_000}),
    ({}, {"current_SALES_gte": 1}),
    ({"category_id": 283155, "price_min": 0.015},
     {"current_SALES_gte": 1, "current_NEW_gte": 2, "rootCategory": [283155]}),
    ({"category_id": 424242, "bsr_min": 7}, {"current_SALES_gte": 7, "categories_include": [424242]}),
], ids=["price-only", "rank-only", "no-filter", "root-category", "unlisted-category"])
def test_discover_never_lets_a_product_without_sales_rank_through(keepa: RecordingKeepa, body: dict[str, Any],
                                                                   expected: dict[str, Any]) -> None:
    status, _, answer = discover(body)

    assert status == 200, answer
    assert keepa.selections == [{**expected, "sort": [["current_SALES", "asc"]], "page": 0, "perPage": 200}]
    assert answer["count"] == len(answer["asins"]) <= 50


def test_discover_with_a_category_alone_reads_its_best_sellers(keepa: RecordingKeepa) -> None:
    status, _, answer = discover({"category_id": 283155, "max_results": 7})

    assert status == 200, answer
    (request,) = paid(keepa)
    assert (request.endpoint, request.params["category"], request.tokens_consumed) == ("bestsellers", "283155", 50)
    assert keepa.selections == []
    assert len(answer["asins"]) == 7 and answer["tokens_used"] == 50
    assert answer["total_results"] == scalar("SELECT total_results FROM discovery_results") > 7
    assert scalar("SELECT cardinality(asins) FROM discovery_results") == 200


def test_discover_repeat_is_served_from_the_cache_for_any_max_results(keepa: RecordingKeepa) -> None:
    body = {"bsr_max": 400_000, "price_min": 10}
    _, _, first = discover({**body, "max_results": 20})
    charged = spent(keepa)

    status, _, again = discover({**body, "max_results": 60})
    _, _, smaller = discover({**body, "max_results": 3, "price_min": 10.001})  # the same cents: the same key

    assert status == 200, again
    assert spent(keepa) == charged > 0 and len(paid(keepa)) == 1
    assert again["cache_hit"] is True and again["source"] == "cache" and again["tokens_used"] == 0
    assert again["asins"][:20] == first["asins"] and len(again["asins"]) == 60
    assert smaller["asins"] == first["asins"][:3] and smaller["cache_hit"] is True
    assert again["fetched_at"] == first["fetched_at"]


def test_discover_asks_keepa_again_once_the_result_is_a_day_old(keepa: RecordingKeepa) -> None:
    body = {"bsr_max": 300_000}
    discover(body)
    execute("UPDATE discovery_results SET fetched_at = fetched_at - interval '24 hours 1 minute'")

    status, _, answer = discover(body)

    assert status == 200 and answer["cache_hit"] is False
    assert [r.endpoint for r in paid(keepa)] == ["query", "query"]
    assert scalar("SELECT count(*) FROM discovery_results") == 1


def test_discover_different_filters_are_cached_apart(keepa: RecordingKeepa) -> None:
    discover({"bsr_max": 300_000})
    _, _, other = discover({"bsr_max": 300_001})

    assert other["cache_hit"] is False and len(keepa.selections) == 2
    assert scalar("SELECT count(*) FROM discovery_results") == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"bsr_min": 5000, "bsr_max": 10}, "body.bsr_max"),
    ({"price_min": 30, "price_max": 20}, "body.price_max"),
    ({"max_results": 201}, "body.max_results"),
    ({"max_results": 0}, "body.max_results"),
    ({"bsr_min": 0}, "body.bsr_min"),
    ({"price_min": -1}, "body.price_min"),
    ({"domain_id": 7}, "body.domain_id"),
    ({"category_id": "books"}, "body.category_id"),
    ({"sort": "bsr"}, "body.sort"),
], ids=["bsr-range", "price-range", "too-many", "none", "rank-zero", "negative-price", "domain", "category-name",
        "unknown-field"])
def test_discover_bad_filters_are_422_naming_the_field_and_cost_nothing(keepa: RecordingKeepa, body: dict[str, Any],
                                                                        field: str) -> None:
    status, _, answer = discover(body)

    assert status == 422, answer
    assert field in [detail["field"] for detail in answer["error"]["details"]]
    assert list(keepa.requests) == []


def test_discover_guard_refuses_a_short_balance_before_any_query(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=5, refill_rate=20)

    status, headers, answer = discover({"bsr_max": 100_000})

    assert status == 429, answer
    assert answer["error"]["code"] == "keepa_tokens_insufficient"
    (details,) = answer["error"]["details"]
    assert (details["required"], details["balance"], details["deficit"]) == (12, 5, 7)
    assert 1 <= int(headers["retry-after"]) <= 60
    assert [r.endpoint for r in keepa.requests] == ["token"] and spent(keepa) == 0
    assert scalar("SELECT count(*) FROM discovery_results") == 0


def test_discover_best_sellers_guard_asks_for_fifty(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=40, refill_rate=20)

    status, _, answer = discover({"category_id": 283155})

    assert status == 429, answer
    assert answer["error"]["details"][0]["required"] == 50
    assert paid(keepa) == []


def test_discover_keepa_unavailable_is_503_and_nothing_is_cached(keepa: RecordingKeepa) -> None:
    discover({"bsr_max": 100})  # stores the balance, so the guard needs no /token below
    keepa.fail_next(10, status=503)

    status, _, answer = discover({"bsr_max": 200_000})

    assert status == 503, answer
    assert answer["error"]["code"] == "keepa_unavailable"
    assert scalar("SELECT count(*) FROM discovery_results") == 1
