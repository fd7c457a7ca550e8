"""Records, latest and trends through the asin_history function: trends from tracked points when tracking covers
the window, else from Keepa's csv history (so an untracked product has one at once)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from history_support import OTHER_SOURCER, product_read

from arbvault.catalog.single import lookup_one
from arbvault.history.daily import days_from_csv, window_start
from db_testing import execute
from infra.keepa_offline import OfflineKeepa
from keepa_testing import book_asins, product_requests

TODAY = datetime.now(UTC).date()


def store_points(asin: str, values: list[tuple[date, str | None, int | None, int | None]]) -> None:
    """Tracked points as the tracker leaves them: (day, price, rank, new offers)."""
    for day, price, bsr, sellers in values:
        execute("INSERT INTO asin_history (id, domain_id, asin, tracked_on, tracked_at, observed_at, price, bsr,"
                " seller_count, amazon_on_listing, extra_data) VALUES (:id, 1, :asin, :day, :at, :at, :price,"
                " :bsr, :sellers, false, '{}')",
                id=uuid.uuid4(), asin=asin, day=day, at=datetime.combine(day, datetime.min.time(), UTC),
                price=Decimal(price) if price else None, bsr=bsr, sellers=sellers)


def test_trend_of_an_untracked_product_comes_from_keepas_csv(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1, start=200)

    status, _, body = product_read("trends", asin, "days=30")

    assert status == 200, body
    assert body["source"] == "KEEPA_CSV" and body["tokens_used"] == 1 and body["days"] == 30
    expected = days_from_csv(lookup_one(asin).item.raw, window_start(TODAY, 30), TODAY)
    assert body["data_points"] == len(expected) == 30  # offline books have years of history: every day a value
    assert body["date_range"] == {"start": str(window_start(TODAY, 30)), "end": str(TODAY)}
    ranks = [d.bsr for d in expected if d.bsr is not None]
    bsr = body["bsr_summary"]
    assert (bsr["current"], bsr["earliest"]) == (ranks[-1], ranks[0])
    assert (bsr["lowest_rank"], bsr["highest_rank"], bsr["change"]) == (min(ranks), max(ranks), ranks[-1] - ranks[0])
    prices = [d.price for d in expected if d.price is not None]
    assert body["price_summary"]["current"] == float(prices[-1])
    assert body["price_summary"]["volatility"] == float(max(prices) - min(prices))
    assert body["seller_summary"]["current"] == [d.seller_count for d in expected if d.seller_count is not None][-1]

    # a second look reads the snapshot: no token
    assert product_read("trends", asin, "days=30")[2]["tokens_used"] == 0
    assert len(product_requests(keepa)) == 1


def test_trend_of_a_tracked_product_comes_from_its_points(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1, start=210)
    start = window_start(TODAY, 3)
    store_points(asin, [(start - timedelta(days=1), "30.00", 9000, 9),  # before the window: not read
                        (start, "20.00", 5000, 4), (start + timedelta(days=1), "25.50", 7000, 6),
                        (TODAY, "22.00", 4000, 3)])

    status, _, body = product_read("trends", asin, "days=3", identity=OTHER_SOURCER)

    assert status == 200, body
    assert body["source"] == "RECORDS" and body["tokens_used"] == 0 and body["data_points"] == 3
    assert body["bsr_summary"] == {"current": 4000, "earliest": 5000, "lowest_rank": 4000, "highest_rank": 7000,
                                   "direction": "IMPROVING", "change": -1000}
    assert body["price_summary"] == {"current": 22.0, "average": 22.5, "min": 20.0, "max": 25.5,
                                     "volatility": 5.5}
    assert body["seller_summary"] == {"current": 3, "average": 4, "min": 3, "max": 6, "direction": "DECREASING"}
    assert product_requests(keepa) == []


def test_tracking_younger_than_the_window_leaves_the_trend_to_keepa(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1, start=220)
    store_points(asin, [(TODAY, "22.00", 4000, 3)])

    status, _, body = product_read("trends", asin, "days=7")

    assert status == 200, body
    assert body["source"] == "KEEPA_CSV" and body["data_points"] == 7


def test_trend_of_a_product_keepa_does_not_know_is_404(keepa: OfflineKeepa) -> None:
    (unknown,) = book_asins(1, known=False, start=3)
    status, _, body = product_read("trends", unknown)
    assert status == 404 and body["error"]["code"] == "product_not_found"


def test_records_are_newest_first_within_the_window_and_page_by_cursor(database_url: str) -> None:
    asin = "0134685997"
    store_points(asin, [(TODAY - timedelta(days=n), f"{20 + n}.00", 1000 + n, n) for n in range(5)])

    status, _, first = product_read("records", asin, "days=4&limit=3")
    _, _, second = product_read("records", asin, f"days=4&limit=3&cursor={first['next_cursor']}")

    assert status == 200, first
    assert [p["tracked_on"] for p in first["items"]] == [str(TODAY - timedelta(days=n)) for n in range(3)]
    assert [p["tracked_on"] for p in second["items"]] == [str(TODAY - timedelta(days=3))]
    assert second["next_cursor"] is None
    newest = first["items"][0]
    assert newest["asin"] == asin and newest["price"] == 20.0 and newest["bsr"] == 1000
    assert newest["seller_count"] == 0 and newest["amazon_on_listing"] is False and newest["metadata"] == {}


def test_records_of_an_untracked_product_are_an_empty_page(database_url: str) -> None:
    status, _, body = product_read("records", "0134685997")
    assert status == 200 and body == {"items": [], "next_cursor": None}


def test_latest_is_the_newest_point_or_404(database_url: str) -> None:
    asin = "0134685997"
    assert product_read("latest", asin)[0] == 404
    store_points(asin, [(TODAY - timedelta(days=40), "19.99", 1500, 2), (TODAY - timedelta(days=2), "18.00", 900, 5)])

    status, _, body = product_read("latest", "9780134685991")  # the same book by its ISBN-13

    assert status == 200, body
    assert body["tracked_on"] == str(TODAY - timedelta(days=2)) and body["bsr"] == 900 and body["price"] == 18.0
