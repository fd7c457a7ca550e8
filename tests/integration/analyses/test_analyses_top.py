"""GET /api/v1/analyses/top: the best N by combined score or a chosen metric, with the list's filters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from analyses_support import BASE_TIME, Seed, top_analyses


def test_top_defaults_to_combined_score_best_first(seed: Seed) -> None:
    # GIVEN twelve analyses of one job with distinct combined scores
    rows = seed([{"combined_score": Decimal(score)} for score in (5, 80, 42, 99, 13, 64, 7, 71, 30, 55, 20, 88)])
    # WHEN the top is asked for without a metric or limit
    status, body = top_analyses(f"job_id={rows[0]['job_id']}")
    # THEN the ten best come back, highest first
    assert status == 200, body
    assert body["metric"] == "combined_score"
    assert [item["combined_score"] for item in body["items"]] == [99, 88, 80, 71, 64, 55, 42, 30, 20, 13]


@pytest.mark.parametrize(("metric", "column"), [("roi_pct", "roi_pct"), ("net_profit", "profit"),
                                               ("velocity_score", "velocity_score")])
def test_top_by_a_chosen_metric_leaves_out_rows_without_it(seed: Seed, metric: str, column: str) -> None:
    # velocity is never missing (0 when unknown); ROI and net profit are, without a sell price
    values = [Decimal("12.5"), Decimal(0) if metric == "velocity_score" else None, Decimal("80"), Decimal("3")]
    rows = seed([{column: value} for value in values])
    status, body = top_analyses(f"job_id={rows[0]['job_id']}&metric={metric}&limit=3")
    assert status == 200, body
    assert body["metric"] == metric
    assert [item[metric] for item in body["items"]] == [80, 12.5, 3]
    status, body = top_analyses(f"job_id={rows[0]['job_id']}&metric={metric}")
    assert len(body["items"]) == (4 if metric == "velocity_score" else 3)


def test_top_ties_go_to_the_newer_analysis(seed: Seed) -> None:
    rows = seed([{"combined_score": Decimal(50), "created_at": BASE_TIME + timedelta(hours=h)} for h in (1, 3, 2)])
    status, body = top_analyses(f"job_id={rows[0]['job_id']}&limit=2")
    assert status == 200
    assert [item["id"] for item in body["items"]] == [str(rows[1]["id"]), str(rows[2]["id"])]


def test_top_applies_the_list_filters(seed: Seed) -> None:
    rows = seed([
        {"combined_score": Decimal(90), "recommendation": "PASS", "roi_pct": Decimal(5)},
        {"combined_score": Decimal(70), "recommendation": "BUY", "roi_pct": Decimal(25)},
        {"combined_score": Decimal(60), "recommendation": "BUY", "roi_pct": Decimal(22)},
        {"combined_score": Decimal(50), "recommendation": "BUY", "roi_pct": Decimal(45)},
    ])
    job = f"job_id={rows[0]['job_id']}"
    status, body = top_analyses(f"{job}&recommendation=buy&limit=2")
    assert status == 200
    assert [item["id"] for item in body["items"]] == [str(rows[1]["id"]), str(rows[2]["id"])]
    status, body = top_analyses(f"{job}&roi_min=23&metric=roi_pct")
    assert [item["roi_pct"] for item in body["items"]] == [45, 25]


@pytest.mark.parametrize(("query", "field"), [
    ("metric=created_at", "query.metric"),
    ("metric=balanced", "query.metric"),
    ("limit=0", "query.limit"),
    ("limit=101", "query.limit"),
    ("roi_min=9&roi_max=1", "query.roi_min"),
    ("velocity_min=200", "query.velocity_min"),
])
def test_top_bad_query_is_422_naming_the_parameter(query: str, field: str) -> None:
    status, body = top_analyses(query)
    assert status == 422, body
    assert field in [detail["field"] for detail in body["error"]["details"]]


def test_top_is_not_taken_for_an_analysis_id() -> None:
    # /top is its own route, not GET /{analysis_id} with a malformed id
    status, body = top_analyses("limit=1")
    assert status == 200 and set(body) == {"metric", "items"}


def test_top_with_latest_ranks_only_each_products_newest(seed: Seed) -> None:
    # GIVEN a product whose older analysis scored 90 and whose newest scores 10
    old = seed([{"combined_score": Decimal(90), "created_at": BASE_TIME}])[0]
    new = seed([{"asin": old["asin"], "combined_score": Decimal(10), "created_at": BASE_TIME + timedelta(hours=1)}])[0]
    # THEN top with latest=true ranks the newest only
    status, body = top_analyses(f"asin={old['asin']}&latest=true")
    assert status == 200, body
    assert [item["id"] for item in body["items"]] == [str(new["id"])]
