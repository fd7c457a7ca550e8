"""View-specific scoring through the views function: the six views, scores and ranks, unknown products and
views, and the catalog's snapshots (0 tokens on a repeat)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from views_fixtures import BOOK_A, BOOK_C, store_books

from infra.keepa_offline import OfflineKeepa
from keepa_testing import book_asins, product_requests
from support import SOURCER, call

Response = tuple[int, dict[str, str], Any]
# The views' weights as published (ROI, velocity, stability) and the strategies' boosts.
WEIGHTS = {"dashboard": (50, 50, 30), "mes_niches": (60, 40, 50), "analyse_strategique": (40, 60, 20),
           "auto_sourcing": (30, 70, 10), "stock_estimates": (45, 45, 60), "niche_discovery": (50, 50, 40)}
BOOSTS = {"textbook": (1.2, 1.0, 1.1), "velocity": (1.0, 1.2, 0.9), "balanced": (1.0, 1.0, 1.0)}


def score(view: str, body: dict[str, Any]) -> Response:
    return call("views", "POST", f"/api/v1/views/{view}", route="/api/v1/views/{view_type}",
                path_parameters={"view_type": view}, json_body=body, identity=SOURCER)


def _by_hand(view: str, strategy: str, raw: dict[str, float]) -> float:
    weights, boosts = WEIGHTS[view], BOOSTS[strategy]
    metrics = (raw["roi_pct"], raw["velocity_score"], raw["stability_score"])
    total = sum(weights)
    value = sum(m * w * b for m, w, b in zip(metrics, weights, boosts, strict=True)) / total
    return float(Decimal(str(min(max(value, 0), 100))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_list_gives_six_views_with_normalised_weights(keepa: OfflineKeepa) -> None:
    status, _, body = call("views", "GET", "/api/v1/views", identity=SOURCER)

    assert status == 200, body
    assert [view["view_type"] for view in body["views"]] == list(WEIGHTS)
    for view in body["views"]:
        roi, velocity, stability = WEIGHTS[view["view_type"]]
        total = roi + velocity + stability
        assert view["weights"] == {"roi_weight": round(roi / total, 4), "velocity_weight": round(velocity / total, 4),
                                   "stability_weight": round(stability / total, 4)}
    assert body["strategy_boosts"]["textbook"] == {"roi_boost": 1.2, "velocity_boost": 1.0, "stability_boost": 1.1}


def test_scores_rank_products_by_the_view_formula(keepa: OfflineKeepa) -> None:
    asins = store_books()
    status, _, body = score("mes_niches", {"identifiers": asins, "strategy": "velocity", "buy_price": 10,
                                           "buy_condition": "new"})

    assert status == 200, body
    products = body["products"]
    assert [p["rank"] for p in products] == [1, 2, 3, 4]
    assert [p["score"] for p in products] == sorted((p["score"] for p in products), reverse=True)
    for product in products:
        assert product["score"] == _by_hand("mes_niches", "velocity", product["raw_metrics"])
        assert product["raw_metrics"]["roi_pct"] == min(max(product["roi_pct"], 0), 100)
    by_asin = {p["asin"]: p for p in products}
    # A new copy bought at $10 sells at the new Buy Box. Books fees at 1 lb: referral 15 %, closing 1.80, FBA
    # 2.90, inbound 0.40, prep 0.20; buffer 5 %, returns 2 %, storage 0.10 a month over the velocity strategy's
    # 30 days (midpoint of 15-45) = 0.10. A sells at 20: costs 0.22 x 20 + 5.40 = 9.80, net 0.20, ROI 2 %;
    # C at 60: costs 13.20 + 5.40 = 18.60, net 31.40, ROI 314 % (clamped to 100): C's ROI part is the larger.
    assert (by_asin[BOOK_A.asin]["net_profit"], by_asin[BOOK_A.asin]["roi_pct"]) == (0.2, 2.0)
    assert (by_asin[BOOK_C.asin]["net_profit"], by_asin[BOOK_C.asin]["roi_pct"]) == (31.4, 314.0)
    assert by_asin[BOOK_C.asin]["raw_metrics"]["roi_pct"] == 100.0
    assert by_asin[BOOK_C.asin]["components"]["roi_points"] > by_asin[BOOK_A.asin]["components"]["roi_points"]
    assert by_asin[BOOK_C.asin]["components"]["roi_points"] == round(100 * 60 / 150, 2)
    metadata = body["metadata"]
    assert metadata["successful_scores"] == 4 and metadata["failed_scores"] == 0
    assert metadata["strategy_requested"] == "velocity"
    # The mean of the 2 dp scores, rounded half up (Python's round() would round a trailing 5 to even).
    average = sum(Decimal(str(p["score"])) for p in products) / 4
    assert metadata["avg_score"] == float(average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert body["tokens_used"] == 0 and body["snapshot_hits"] == 4 and product_requests(keepa) == []


def test_unknown_products_are_errors_and_a_repeat_costs_nothing(keepa: OfflineKeepa) -> None:
    known = book_asins(2, start=500)
    (unknown,) = book_asins(1, known=False)
    status, _, body = score("dashboard", {"identifiers": [*known, unknown]})

    assert status == 200, body
    assert {p["asin"] for p in body["products"]} == set(known)
    assert body["errors"] == [{"identifier": unknown, "code": "PRODUCT_NOT_FOUND",
                               "message": "Keepa has no product for it"}]
    assert body["metadata"]["total_products"] == 3 and body["metadata"]["failed_scores"] == 1
    assert body["tokens_used"] == 3

    _, _, again = score("dashboard", {"identifiers": [*known, unknown]})
    assert again["tokens_used"] == 0 and again["snapshot_hits"] == 2
    assert [p["score"] for p in again["products"]] == [p["score"] for p in body["products"]]


def test_missing_metrics_are_named(keepa: OfflineKeepa) -> None:
    asins = store_books()
    _, _, body = score("dashboard", {"identifiers": asins})
    for product in body["products"]:
        if product["roi_pct"] is None:
            assert "roi" in product["missing_metrics"]
        assert set(product["missing_metrics"]) <= {"roi", "velocity", "stability"}
    # Twenty daily prices: enough for a stability score of the product's own.
    assert all("stability" not in p["missing_metrics"] for p in body["products"])


def test_unknown_view_is_404_listing_the_six(keepa: OfflineKeepa) -> None:
    status, _, body = score("overview", {"identifiers": ["1739104269"]})
    assert status == 404, body
    assert body["error"]["code"] == "view_not_found"
    assert body["error"]["details"][0]["allowed"] == list(WEIGHTS)
    assert product_requests(keepa) == []


def test_bad_bodies_are_422(keepa: OfflineKeepa) -> None:
    for body, field in (({"identifiers": []}, "body.identifiers"),
                        ({"identifiers": book_asins(101)}, "body.identifiers"),
                        ({"identifiers": ["NOT-AN-ASIN!"]}, "identifiers[0]"),
                        ({"identifiers": ["1739104269"], "buy_price": -1}, "body.buy_price"),
                        ({"identifiers": ["1739104269"], "strategy": "nope"}, "strategy")):
        status, _, answer = score("dashboard", body)
        assert status == 422, answer
        assert answer["error"]["details"][0]["field"] == field
    assert product_requests(keepa) == []
