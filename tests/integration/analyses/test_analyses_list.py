"""GET /api/v1/analyses: every sort both ways across pages, the keyset cursor, every filter, bad input."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from itertools import product
from typing import Any

import pytest
from analyses_support import BASE_TIME, Seed, list_analyses

from arbvault.analyses.store import SORT_KEYS
from arbvault.web.pagination import encode_cursor


def _tied_rows(count: int = 23) -> list[dict[str, Any]]:
    """Rows whose sort keys repeat (ties) and, for ROI and profit, are sometimes missing (no sell price)."""
    rows = []
    for i in range(count):
        priced = i % 5 != 0
        rows.append({
            "created_at": BASE_TIME + timedelta(minutes=i // 3),
            "roi_pct": Decimal((i % 4) * 10) if priced else None,
            "profit": Decimal(i % 3) if priced else None,
            "velocity_score": Decimal((i % 6) * 10),
            "combined_score": Decimal((i % 4) * 5),
        })
    return rows


def _expected_order(rows: list[dict[str, Any]], sort_by: str, order: str) -> list[str]:
    """Ids in (key, id) order, rows without a key value last, ids breaking ties in the same direction."""
    key = "profit" if sort_by == "net_profit" else sort_by  # the column holding the net profit
    reverse = order == "desc"
    valued = sorted((r for r in rows if r[key] is not None), key=lambda r: (r[key], r["id"]), reverse=reverse)
    missing = sorted((r for r in rows if r[key] is None), key=lambda r: r["id"], reverse=reverse)
    return [str(r["id"]) for r in valued + missing]


def _all_pages(query: str, limit: int) -> tuple[list[str], int]:
    ids: list[str] = []
    pages = 0
    cursor = None
    while True:
        status, body = list_analyses(f"{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, body
        assert len(body["items"]) <= limit
        ids += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages


@pytest.mark.parametrize(("key", "order"), list(product(SORT_KEYS, ("asc", "desc"))))
def test_each_sort_pages_in_order_without_duplicates_or_gaps(seed: Seed, key: str, order: str) -> None:
    # GIVEN 23 analyses of one job whose sort keys tie in groups (and ROI/profit are missing on some)
    rows = seed(_tied_rows())
    job_id = rows[0]["job_id"]
    # WHEN every page of 4 is read in that sort
    ids, pages = _all_pages(f"job_id={job_id}&sort_by={key}&sort_order={order}", limit=4)
    # THEN the pages hold each row once, in exactly the (key, id) order, missing values last
    assert ids == _expected_order(rows, key, order)
    assert len(set(ids)) == len(rows) == 23
    assert pages == 6


def test_default_order_is_newest_first(seed: Seed) -> None:
    rows = seed([{"created_at": BASE_TIME + timedelta(hours=h)} for h in (2, 0, 1)])
    status, body = list_analyses(f"job_id={rows[0]['job_id']}")
    assert status == 200
    assert [item["id"] for item in body["items"]] == [str(rows[i]["id"]) for i in (0, 2, 1)]
    assert body["next_cursor"] is None


def test_rows_written_between_pages_neither_repeat_nor_hide_others(seed: Seed) -> None:
    # GIVEN six analyses and the first page of three, newest first
    rows = seed([{} for _ in range(6)])
    job_id = rows[0]["job_id"]
    status, first = list_analyses(f"job_id={job_id}&limit=3")
    assert status == 200
    # WHEN a newer analysis of the same job is stored before the second page is read
    newer = seed([{"created_at": BASE_TIME + timedelta(days=1)}], job_id=job_id)
    status, second = list_analyses(f"job_id={job_id}&limit=3&cursor={first['next_cursor']}")
    # THEN the second page is exactly the three oldest rows; the new one belongs before the first page
    assert status == 200
    seen = [item["id"] for item in first["items"] + second["items"]]
    assert seen == [str(r["id"]) for r in reversed(rows)]
    assert str(newer[0]["id"]) not in seen
    assert second["next_cursor"] is None


def test_item_carries_columns_and_metrics(seed: Seed) -> None:
    row = seed([{"isbn13": "9780134685991", "asin": "0134685997"}])[0]
    status, body = list_analyses(f"job_id={row['job_id']}")
    assert status == 200
    item = body["items"][0]
    assert item["id"] == str(row["id"]) and item["job_id"] == str(row["job_id"])
    assert item["asin"] == "0134685997" and item["isbn13"] == "9780134685991"
    assert item["roi_pct"] == 33.75 and item["velocity_score"] == 85.0 and item["net_profit"] == 2.7
    assert item["recommendation"] == "BUY" and item["overall_rating"] == "GOOD"
    assert item["metrics"] == {"seeded": 0}
    assert item["source"] == "batch" and item["created_at"].startswith("2026-01-05T12:00:00")


def test_cursor_of_another_sort_is_refused(seed: Seed) -> None:
    rows = seed([{} for _ in range(3)])
    job_id = rows[0]["job_id"]
    _, first = list_analyses(f"job_id={job_id}&limit=1&sort_by=roi_pct&sort_order=desc")
    for other in ("sort_by=roi_pct&sort_order=asc", "sort_by=net_profit&sort_order=desc", ""):
        status, body = list_analyses(f"job_id={job_id}&limit=1&{other}&cursor={first['next_cursor']}")
        assert status == 422, other
        assert body["error"]["details"][0]["field"] == "query.cursor"
        assert "sort_by=roi_pct&sort_order=desc" in body["error"]["message"]


@pytest.mark.parametrize("position", [
    {"sort_by": "created_at", "sort_order": "desc", "value": "yesterday", "id": str(uuid.uuid4())},
    {"sort_by": "created_at", "sort_order": "desc", "value": "2026-01-05T12:00:00", "id": str(uuid.uuid4())},
    {"sort_by": "created_at", "sort_order": "desc", "value": None, "id": str(uuid.uuid4())},
    {"sort_by": "created_at", "sort_order": "desc", "value": "2026-01-05T12:00:00+00:00", "id": "not-a-uuid"},
    {"sort_by": "created_at", "sort_order": "desc", "id": str(uuid.uuid4())},
])
def test_damaged_cursor_is_refused(position: dict[str, Any]) -> None:
    status, body = list_analyses(f"cursor={encode_cursor(position)}")
    assert status == 422
    assert body["error"]["details"][0]["field"] == "query.cursor"


@pytest.mark.parametrize(("query", "field"), [
    ("sort_by=title", "query.sort_by"),
    ("sort_by=roi", "query.sort_by"),
    ("sort_order=up", "query.sort_order"),
    ("limit=0", "query.limit"),
    ("limit=501", "query.limit"),
    ("cursor=%%%", "query.cursor"),
    ("velocity_min=-1", "query.velocity_min"),
    ("velocity_max=101", "query.velocity_max"),
    ("roi_min=abc", "query.roi_min"),
    ("roi_max=NaN", "query.roi_max"),
    ("roi_min=50&roi_max=10", "query.roi_min"),
    ("velocity_min=80&velocity_max=20", "query.velocity_min"),
    ("job_id=42", "query.job_id"),
    ("asin=XYZ", "query.asin"),
    ("asin=9780134685992", "query.asin"),
])
def test_bad_query_is_422_naming_the_parameter(query: str, field: str) -> None:
    status, body = list_analyses(query)
    assert status == 422, body
    assert field in [detail["field"] for detail in body["error"]["details"]]
    assert set(body) == {"error", "request_id"}


def test_limit_500_is_allowed() -> None:
    status, body = list_analyses("limit=500")
    assert status == 200 and isinstance(body["items"], list)


def test_without_identity_is_401() -> None:
    status, body = list_analyses("", identity=None)
    assert status == 401 and body["error"]["code"] == "unauthorized"


def _ids(query: str) -> set[str]:
    status, body = list_analyses(query)
    assert status == 200, body
    return {item["id"] for item in body["items"]}


def test_roi_range_is_inclusive_and_leaves_out_rows_without_roi(seed: Seed) -> None:
    rows = seed([{"roi_pct": Decimal(v) if v is not None else None} for v in ("10", "20", "30", None, "40.01")])
    ids = [str(r["id"]) for r in rows]
    job = f"job_id={rows[0]['job_id']}"
    assert _ids(f"{job}&roi_min=20&roi_max=30") == {ids[1], ids[2]}
    assert _ids(f"{job}&roi_min=40.01") == {ids[4]}
    assert _ids(f"{job}&roi_max=40") == {ids[0], ids[1], ids[2]}
    assert _ids(f"{job}&roi_min=-1000") == set(ids) - {ids[3]}


def test_velocity_range_uses_the_0_to_100_scale(seed: Seed) -> None:
    rows = seed([{"velocity_score": Decimal(v)} for v in ("0", "49.9", "50", "90", "100")])
    ids = [str(r["id"]) for r in rows]
    job = f"job_id={rows[0]['job_id']}"
    assert _ids(f"{job}&velocity_min=50") == {ids[2], ids[3], ids[4]}
    assert _ids(f"{job}&velocity_max=50") == {ids[0], ids[1], ids[2]}
    assert _ids(f"{job}&velocity_min=49.9&velocity_max=90") == {ids[1], ids[2], ids[3]}
    # velocity is 0-100: 0.7 is not 70
    assert _ids(f"{job}&velocity_min=0.7") == {ids[1], ids[2], ids[3], ids[4]}


@pytest.mark.parametrize(("asked", "expected"), [
    ("STRONG BUY", {0}), ("strong buy", {0}), ("Strong_Buy", {0}), ("BUY", {1}), ("pass", {2}), ("CONSIDER", set()),
])
def test_recommendation_matches_label_loosely(seed: Seed, asked: str, expected: set[int]) -> None:
    rows = seed([{"recommendation": label} for label in ("STRONG_BUY", "BUY", "PASS")])
    found = _ids(f"job_id={rows[0]['job_id']}&recommendation={asked.replace(' ', '%20')}")
    assert found == {str(rows[i]["id"]) for i in expected}


@pytest.mark.parametrize(("asked", "expected"), [
    ("0134685997", {0}), ("0-13-468599-7", {0}), ("978-0-13-468599-1", {0}), ("9780134685991", {0}),
    ("{asin}", {1}), ("{asin_lower}", {1}), ("9791234567896", {2}),
])
def test_product_filter_takes_asin_isbn10_or_isbn13(seed: Seed, asked: str, expected: set[int]) -> None:
    # GIVEN a book stored by ISBN-10 as ASIN, a plain ASIN product and a 979 book known only by ISBN-13
    rows = seed([
        {"asin": "0134685997", "isbn13": "9780134685991"},
        {},
        {"asin": "B0TESTB979", "isbn13": "9791234567896"},
    ])
    asin = rows[1]["asin"]
    query = asked.format(asin=asin, asin_lower=asin.lower())
    # WHEN filtered by that identifier within the job
    found = _ids(f"job_id={rows[0]['job_id']}&asin={query}")
    # THEN only the matching product comes back
    assert found == {str(rows[i]["id"]) for i in expected}


def test_job_id_filters_one_job(seed: Seed) -> None:
    rows = seed([{}, {}])
    other = seed([{}])
    job = rows[0]["job_id"]
    assert _ids(f"job_id={job}") == {str(r["id"]) for r in rows}
    assert _ids(f"job_id={other[0]['job_id']}") == {str(other[0]["id"])}
    assert _ids(f"job_id={uuid.uuid4()}") == set()


def test_filters_combine(seed: Seed) -> None:
    rows = seed([
        {"roi_pct": Decimal(40), "velocity_score": Decimal(80), "recommendation": "STRONG_BUY"},
        {"roi_pct": Decimal(40), "velocity_score": Decimal(40), "recommendation": "CONSIDER"},
        {"roi_pct": Decimal(10), "velocity_score": Decimal(80), "recommendation": "CONSIDER"},
    ])
    job = f"job_id={rows[0]['job_id']}"
    assert _ids(f"{job}&roi_min=30&velocity_min=50") == {str(rows[0]["id"])}
    assert _ids(f"{job}&recommendation=CONSIDER&roi_min=30") == {str(rows[1]["id"])}
    assert _ids(f"{job}&roi_min=30&velocity_min=50&recommendation=CONSIDER") == set()


def _latest_pages(query: str, mine: set[str], limit: int = 7) -> list[dict[str, Any]]:
    """Every page of ``latest=true&{query}``; the items of the products in ``mine`` (other tests store rows too)."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        status, body = list_analyses(f"latest=true&{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, body
        items += [item for item in body["items"] if item["asin"] in mine]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize(("key", "order"), [("created_at", "desc"), ("roi_pct", "desc"), ("net_profit", "asc")])
def test_latest_pages_one_row_per_product_the_newest(seed: Seed, key: str, order: str) -> None:
    # GIVEN three products analysed in a first job, two of them again later in a second job
    first = seed([{"roi_pct": Decimal(10 * i), "created_at": BASE_TIME} for i in range(3)])
    again = seed([{"asin": first[i]["asin"], "roi_pct": Decimal(5 + i), "created_at": BASE_TIME + timedelta(days=1)}
                  for i in range(2)])
    mine = {row["asin"] for row in first}
    # WHEN every page of latest=true is read in that sort, through the cursor
    items = _latest_pages(f"sort_by={key}&sort_order={order}", mine)
    # THEN each product appears once, as its newest analysis
    assert sorted(item["id"] for item in items) == sorted(str(r["id"]) for r in (*again, first[2]))


def test_latest_breaks_a_created_at_tie_by_id(seed: Seed) -> None:
    rows = [*seed([{"asin": "B0LATESTT1", "created_at": BASE_TIME}]), *seed([{"asin": "B0LATESTT1",
                                                                              "created_at": BASE_TIME}])]
    newest = max(rows, key=lambda r: r["id"])
    assert _ids("latest=true&asin=B0LATESTT1") == {str(newest["id"])}
    assert _ids("asin=B0LATESTT1") == {str(r["id"]) for r in rows}


def test_latest_applies_the_filters_to_the_newest_row(seed: Seed) -> None:
    # GIVEN a product whose older analysis had 40 % ROI and whose newest has 10 %
    old = seed([{"roi_pct": Decimal(40), "created_at": BASE_TIME}])[0]
    new = seed([{"asin": old["asin"], "roi_pct": Decimal(10), "created_at": BASE_TIME + timedelta(hours=1)}])[0]
    product = f"asin={old['asin']}"
    # THEN latest=true with roi_min=30 leaves the product out; without latest the older row still matches
    assert _ids(f"{product}&latest=true&roi_min=30") == set()
    assert _ids(f"{product}&latest=true") == {str(new["id"])}
    assert _ids(f"{product}&roi_min=30") == {str(old["id"])}


def test_latest_keeps_one_row_per_marketplace(seed: Seed) -> None:
    rows = [*seed([{"asin": "B0LATESTD2", "domain_id": 1, "created_at": BASE_TIME}]),
            *seed([{"asin": "B0LATESTD2", "domain_id": 3, "created_at": BASE_TIME + timedelta(minutes=5)}])]
    assert _ids("latest=true&asin=B0LATESTD2") == {str(r["id"]) for r in rows}


def test_latest_within_a_job_is_the_jobs_own_rows(seed: Seed) -> None:
    # GIVEN a job's rows and a newer analysis of one of its products outside the job
    rows = seed([{}, {}])
    seed([{"asin": rows[0]["asin"], "created_at": BASE_TIME + timedelta(days=2)}])
    # THEN the job's listing with latest=true still holds both of its rows
    assert _ids(f"job_id={rows[0]['job_id']}&latest=true") == {str(r["id"]) for r in rows}


def test_latest_must_be_a_boolean() -> None:
    status, body = list_analyses("latest=sometimes")
    assert status == 422 and body["error"]["details"][0]["field"] == "query.latest"
