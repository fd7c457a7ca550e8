"""The strategic views through their function: rankings, filters and target prices checked against figures
worked out by hand from the fixture books (views_fixtures), read from snapshots at no token cost."""

from __future__ import annotations

from typing import Any

import pytest
from views_fixtures import BOOK_A, BOOK_B, BOOK_C, BOOK_D, SPARSE_BOOK, store_books

from infra.keepa_offline import OfflineKeepa
from keepa_testing import book_asins, product_requests
from support import SOURCER, call

Response = tuple[int, dict[str, str], Any]


def ranking(view: str, query: str) -> Response:
    return call("strategic_views", "GET", f"/api/v1/strategic-views/{view}",
                route="/api/v1/strategic-views/{view_type}", path_parameters={"view_type": view}, query=query,
                identity=SOURCER)


def targets(view: str, query: str) -> Response:
    return call("strategic_views", "GET", f"/api/v1/strategic-views/{view}/target-prices",
                route="/api/v1/strategic-views/{view_type}/target-prices", path_parameters={"view_type": view},
                query=query, identity=SOURCER)


# A new copy bought at $10 under the balanced strategy sells at the new Buy Box. With the books fees at 1 lb
# (referral 15 %, closing 1.80, FBA 2.50 + 0.40, inbound 0.40, prep 0.20), the 5 % buffer, 2 % returns and
# storage 0.10 a month over the balanced strategy's 45 days (midpoint of 30-60) = 0.15, a sale at P costs
# 0.15P + 5.30 + 0.05P + 0.02P + 0.15 = 0.22P + 5.45, so net = 0.78P - 15.45 and ROI = net / 10:
# A (P 20) 0.15 -> 1.5 %, B (35) 11.85 -> 118.5 %, C (60) 31.35 -> 313.5 %, D (45) 19.65 -> 196.5 %.
BUY_NEW_AT_10 = "&buy_price=10&buy_condition=new&strategy=balanced"


def _query(extra: str = "") -> str:
    return "asins=" + ",".join(store_books()) + BUY_NEW_AT_10 + extra


def _asins(body: dict[str, Any], key: str = "results") -> list[str]:
    return [item["asin"] for item in body[key]]


def test_list_names_the_five_views_with_their_roi_targets(keepa: OfflineKeepa) -> None:
    status, _, body = call("strategic_views", "GET", "/api/v1/strategic-views", identity=SOURCER)
    assert status == 200, body
    targets_by_view = {view["view_type"]: view["roi_target_pct"] for view in body["views"]}
    assert targets_by_view == {"profit-hunter": 50.0, "velocity": 25.0, "cashflow-hunter": 35.0,
                               "volume-player": 20.0, "balanced-score": 40.0}
    assert all(view["name"] and view["description"] and view["best_for"] for view in body["views"])


def test_velocity_view_ranks_by_monthly_sales_from_rank_drops(keepa: OfflineKeepa) -> None:
    status, _, body = ranking("velocity", _query())

    assert status == 200, body
    # By hand: A 40 x 1.5 = 60, B 20 x 1.2 = 24, C 8 x 1.0 = 8, D floor(3 x 0.7) = 2.
    assert _asins(body) == [BOOK_A.asin, BOOK_B.asin, BOOK_C.asin, BOOK_D.asin]
    assert [item["monthly_sales"] for item in body["results"]] == [60, 24, 8, 2]
    # Quarterly: drops90 x 0.9 x (1.4 / 1.1 / 1.0 / 0.8): 126, 69, 27, 4.
    assert [item["quarterly_sales"] for item in body["results"]] == [126, 69, 27, 4]
    assert [item["sales_tier"] for item in body["results"]] == ["HIGH", "MEDIUM", "LOW", "DEAD"]
    assert body["tokens_used"] == 0 and body["snapshot_hits"] == 4 and product_requests(keepa) == []


def test_profit_hunter_ranks_by_roi_and_reads_competition_and_amazon(keepa: OfflineKeepa) -> None:
    status, _, body = ranking("profit-hunter", _query())

    assert status == 200, body
    # Same buy price, so ROI follows the sell price: C 60, D 45, B 35, A 20.
    assert _asins(body) == [BOOK_C.asin, BOOK_D.asin, BOOK_B.asin, BOOK_A.asin]
    by_asin = {item["asin"]: item for item in body["results"]}
    assert [by_asin[b.asin]["sell_price"] for b in (BOOK_C, BOOK_D, BOOK_B, BOOK_A)] == [60.0, 45.0, 35.0, 20.0]
    assert [by_asin[b.asin]["net_profit"] for b in (BOOK_C, BOOK_D, BOOK_B, BOOK_A)] == [31.35, 19.65, 11.85, 0.15]
    assert [by_asin[b.asin]["roi_pct"] for b in (BOOK_C, BOOK_D, BOOK_B, BOOK_A)] == [313.5, 196.5, 118.5, 1.5]
    assert all((item["buy_price_source"], item["buy_condition"], item["sell_price_source"])
               == ("requested", "new", "buy_box") for item in body["results"])
    # Sellers 3 -> LOW, 7 -> MEDIUM, 12 -> HIGH; Amazon holding the Buy Box -> HIGH whatever the count.
    assert {b.asin: by_asin[b.asin]["competition_level"] for b in (BOOK_A, BOOK_B, BOOK_C, BOOK_D)} == {
        BOOK_A.asin: "LOW", BOOK_B.asin: "MEDIUM", BOOK_C.asin: "HIGH", BOOK_D.asin: "HIGH"}
    assert by_asin[BOOK_D.asin]["amazon_owns_buy_box"] is True
    assert by_asin[BOOK_D.asin]["amazon_buy_box_share_pct"] == 100.0
    assert by_asin[BOOK_A.asin]["amazon_buy_box_share_pct"] == 0.0
    # Rank against the books benchmark (100k): 5k -> 0.95, 30k -> 0.80, 200k -> 0.25, 800k -> 0.25.
    assert [by_asin[b.asin]["demand_consistency"] for b in (BOOK_A, BOOK_B, BOOK_C, BOOK_D)] == [
        0.95, 0.80, 0.25, 0.25]
    assert all(item["missing_inputs"] == [] for item in body["results"])


def test_without_a_buy_price_the_strategy_buys_at_its_default_source(keepa: OfflineKeepa) -> None:
    # The snapshots hold no offers, so the balanced strategy's cheapest-offer source falls back to Keepa's lowest
    # new price (20 daily points, the last P - 0.50) and sells that new copy at the Buy Box P.
    # net = P - (0.22P + 5.45) - (P - 0.50) = -0.22P - 4.95; ROI = net / (P - 0.50):
    # A -9.35 / 19.50 = -47.95 %, B -12.65 / 34.50 = -36.67 %, C -18.15 / 59.50 = -30.50 %,
    # D -14.85 / 44.50 = -33.37 %.
    query = "asins=" + ",".join(store_books()) + "&strategy=balanced"
    status, _, body = ranking("profit-hunter", query)

    assert status == 200, body
    assert _asins(body) == [BOOK_C.asin, BOOK_D.asin, BOOK_B.asin, BOOK_A.asin]
    by_asin = {item["asin"]: item for item in body["results"]}
    order = (BOOK_A, BOOK_B, BOOK_C, BOOK_D)
    assert [by_asin[b.asin]["buy_price"] for b in order] == [19.5, 34.5, 59.5, 44.5]
    assert [by_asin[b.asin]["net_profit"] for b in order] == [-9.35, -12.65, -18.15, -14.85]
    assert [by_asin[b.asin]["roi_pct"] for b in order] == [-47.95, -36.67, -30.5, -33.37]
    assert all((item["buy_price_source"], item["buy_condition"], item["sell_price_source"])
               == ("new", "new", "buy_box") for item in body["results"])


def test_cashflow_and_balanced_views_sort_by_their_own_measure(keepa: OfflineKeepa) -> None:
    _, _, cashflow = ranking("cashflow-hunter", _query())
    values = [item["cashflow_potential"] for item in cashflow["results"]]
    assert values == sorted(values, reverse=True)
    for item in cashflow["results"]:
        assert item["cashflow_potential"] == pytest.approx(item["monthly_sales"] * item["net_profit"], abs=0.01)

    _, _, balanced = ranking("balanced-score", _query())
    scores = [item["opportunity_score"] for item in balanced["results"]]
    assert scores == sorted(scores, reverse=True)
    for item in balanced["results"]:
        by_hand = item["roi_pct"] / 100 * max(item["monthly_sales"], 1) ** 0.5 * item["net_profit"]
        assert item["opportunity_score"] == pytest.approx(max(by_hand, 0), abs=0.06)


def test_filters_keep_what_meets_them(keepa: OfflineKeepa) -> None:
    _, _, by_sales = ranking("velocity", _query("&sales_min=20"))
    assert _asins(by_sales) == [BOOK_A.asin, BOOK_B.asin]
    assert by_sales["total_analyzed"] == 4 and by_sales["results_found"] == 2
    assert by_sales["filters_applied"]["sales_min"] == 20

    _, _, by_tier = ranking("velocity", _query("&velocity_tiers=low,dead"))
    assert _asins(by_tier) == [BOOK_C.asin, BOOK_D.asin]

    # ROI at a $10 buy: A 1.5 %, B 118.5 %, D 196.5 %, C 313.5 % (see BUY_NEW_AT_10).
    _, _, by_roi = ranking("profit-hunter", _query("&roi_min=50"))
    assert _asins(by_roi) == [BOOK_C.asin, BOOK_D.asin, BOOK_B.asin]

    # The list may also come as repeated parameters.
    _, _, repeated = ranking("velocity", f"asins={BOOK_C.asin}&asins={BOOK_A.asin},{BOOK_B.asin}&buy_price=10")
    assert _asins(repeated) == [BOOK_A.asin, BOOK_B.asin, BOOK_C.asin]

    _, _, limited = ranking("velocity", _query("&limit=1"))
    assert _asins(limited) == [BOOK_A.asin] and limited["results_found"] == 4


def test_target_prices_by_hand_and_amazon_filter(keepa: OfflineKeepa) -> None:
    status, _, body = targets("velocity", _query())

    assert status == 200, body
    # Costs that do not scale with the price: buy 10 + closing 1.80 + FBA 2.90 + inbound 0.40 + prep 0.20
    # + storage 0.15 = 15.45. Shares of the price: referral 15 % + buffer 5 % + returns 2 % = 22 %.
    # 15.45 / ((1 - 0.22) x (1 - 0.25)) = 15.45 / 0.585 = 26.4103; x 1.06 = 27.9949 -> 27.99 for every book.
    assert {item["target_price"] for item in body["products"]} == {27.99}
    assert {item["total_costs"] for item in body["products"]} == {15.45}
    by_asin = {item["asin"]: item for item in body["products"]}
    assert BOOK_D.asin not in by_asin  # Amazon holds its Buy Box
    excluded = body["summary"]["amazon_exclusions"]
    assert excluded["enabled"] is True and excluded["excluded_count"] == 1
    assert excluded["excluded_products"][0]["asin"] == BOOK_D.asin
    assert "AMAZON_OWNS_BUY_BOX" in excluded["excluded_products"][0]["reasons"]
    # Market 20: 27.9949 > 21 (5 % over), gap (27.9949 - 20) / 20 = 39.97 %; market 35: 27.9949 <= 36.75,
    # gap (27.9949 - 35) / 35 = -20.01 %; market 60: achievable.
    assert by_asin[BOOK_A.asin]["price_achievable"] is False and by_asin[BOOK_A.asin]["price_gap_pct"] == 39.97
    assert by_asin[BOOK_B.asin]["price_achievable"] is True and by_asin[BOOK_B.asin]["price_gap_pct"] == -20.01
    assert by_asin[BOOK_C.asin]["price_achievable"] is True
    assert body["roi_target_pct"] == 25.0 and body["summary"]["achievable_opportunities"] == 2
    assert body["summary"]["total_products"] == 3 and body["summary"]["avg_target_price"] == 27.99
    # Net profit of the achievable ones at their market price: B 11.85 + C 31.35 = 43.20.
    assert body["summary"]["total_potential_profit"] == 43.2
    scores = [item["strategic_score"] for item in body["products"]]
    assert scores == sorted(scores, reverse=True)

    _, _, unfiltered = targets("velocity", _query("&amazon_filter=false"))
    assert BOOK_D.asin in _asins(unfiltered, "products")
    assert unfiltered["summary"]["amazon_exclusions"]["excluded_count"] == 0


def test_missing_inputs_are_reported_missing_never_the_original_constants(keepa: OfflineKeepa) -> None:
    store_books()
    store_books((SPARSE_BOOK,))
    query = f"asins={BOOK_B.asin},{SPARSE_BOOK.asin}{BUY_NEW_AT_10}&amazon_filter=false"
    status, _, body = targets("balanced-score", query)

    assert status == 200, body
    by_asin = {item["asin"]: item for item in body["products"]}
    sparse, full = by_asin[SPARSE_BOOK.asin], by_asin[BOOK_B.asin]
    assert sparse["missing_inputs"] == ["monthly_sales", "seller_count", "volatility"]
    assert (sparse["monthly_sales"], sparse["quarterly_sales"], sparse["sales_tier"]) == (None, None, None)
    assert (sparse["seller_count"], sparse["competition_level"], sparse["price_volatility"]) == (None, None, None)
    # Rank 40k against the books benchmark: 0.80 because the data says so, not as a stand-in.
    assert sparse["demand_consistency"] == 0.80
    # Three of five inputs missing: the engine's confidence times 2/5, below the complete product's.
    assert sparse["data_confidence"] < full["data_confidence"]
    for item in (sparse, full):
        assert item["data_confidence"] != 0.85 and item["roi_pct"] != 70.0
        assert item["price_volatility"] != 0.20 and item["velocity_score"] != 70.0
    assert full["missing_inputs"] == [] and full["competition_level"] == "MEDIUM"  # 7 sellers: the data gives it


def test_a_used_copy_without_a_used_market_has_no_roi(keepa: OfflineKeepa) -> None:
    # A caller's price with no condition is for a good used copy, which sells at the used Buy Box; the books list
    # no used price at all, so there is no sell price: ROI, profit, score and target are unknown, never invented.
    query = "asins=" + ",".join(store_books()) + "&buy_price=10&strategy=balanced&amazon_filter=false"
    status, _, body = targets("profit-hunter", query)

    assert status == 200, body
    assert len(body["products"]) == 4
    for item in body["products"]:
        assert (item["buy_price"], item["buy_price_source"], item["buy_condition"]) == (10.0, "requested", "used_good")
        assert item["sell_price"] is None and item["roi_pct"] is None and item["net_profit"] is None
        assert item["strategic_score"] is None and item["missing_inputs"][0] == "roi"
        assert item["target_price"] is None and item["target_error"] == "no current sell price"
    assert body["summary"]["achievable_opportunities"] == 0 and body["summary"]["avg_target_price"] is None


def test_missing_data_is_reported_missing(keepa: OfflineKeepa) -> None:
    # Generated books from the offline Keepa (through Keepa, not snapshots) give whatever their data gives.
    asins = book_asins(3, start=300)
    status, _, body = ranking("balanced-score", "asins=" + ",".join(asins))
    assert status == 200, body
    assert body["tokens_used"] > 0
    for item in body["results"]:
        if item["price_volatility"] is None:
            assert "volatility" in item["missing_inputs"]
        if item["monthly_sales"] is None:
            assert "monthly_sales" in item["missing_inputs"] and item["sales_tier"] is None
    status, _, again = ranking("balanced-score", "asins=" + ",".join(asins))
    assert again["tokens_used"] == 0 and again["snapshot_hits"] == 3


@pytest.mark.parametrize(("view", "query", "status", "field"), [
    ("profit-hunter", "asins=" + ",".join(book_asins(51)), 422, "query.asins"),
    ("profit-hunter", "asins=1739104269,,0972351868", 422, "query.asins"),
    ("profit-hunter", "asins=NOT-AN-ASIN!", 422, "asins[0]"),
    ("profit-hunter", "asins=1739104269&velocity_tiers=FAST", 422, "query.velocity_tiers"),
    ("profit-hunter", "", 422, "query.asins"),
])
def test_bad_queries_are_refused_before_any_lookup(keepa: OfflineKeepa, view: str, query: str, status: int,
                                                   field: str) -> None:
    code, _, body = ranking(view, query)
    assert code == status, body
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["details"][0]["field"] == field
    assert product_requests(keepa) == []


def test_unknown_view_is_404_listing_the_five(keepa: OfflineKeepa) -> None:
    for response in (ranking("profit", "asins=1739104269"), targets("profit", "asins=1739104269")):
        status, _, body = response
        assert status == 404, body
        assert body["error"]["details"][0]["allowed"] == ["profit-hunter", "velocity", "cashflow-hunter",
                                                           "volume-player", "balanced-score"]
    assert product_requests(keepa) == []


def test_target_prices_take_at_most_twenty(keepa: OfflineKeepa) -> None:
    status, _, body = targets("velocity", "asins=" + ",".join(book_asins(21)))
    assert status == 422 and body["error"]["details"][0]["field"] == "query.asins"
