"""Hand-built Keepa products stored as snapshots, so the views read exactly these values (a uniquely named
module). Each book's expected figures are worked out by hand in the tests from the numbers given here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.snapshots import save_snapshots
from arbvault.db import session_scope
from arbvault.keepa.csv_types import CSV_LENGTH, CsvType
from arbvault.keepa.offers import AMAZON_SELLER_ID
from arbvault.keepa.time import datetime_to_keepa_minutes

BOOKS_ROOT = 283155
THIRD_PARTY_SELLER = "A1THIRDPARTY00"
SNAPSHOT_OPTIONS = FetchOptions(stats_days=90, buybox=True)


@dataclass(frozen=True)
class Book:
    asin: str
    bsr: int
    drops30: int | None
    drops90: int | None
    buy_box: int
    """Current Buy Box price, cents (the sell price under the balanced strategy)."""
    new_sellers: int | None
    amazon_buy_box: bool = False
    history_days: int = 20


# Monthly sales by hand: drops30 x 1.0 (Books) x rank factor (1.5 under 10k, 1.2 under 50k, 0.7 above 500k).
BOOK_A = Book("1111111111", bsr=5_000, drops30=40, drops90=100, buy_box=2000, new_sellers=3)  # 60 a month
BOOK_B = Book("2222222222", bsr=30_000, drops30=20, drops90=70, buy_box=3500, new_sellers=7)  # 24
BOOK_C = Book("3333333333", bsr=200_000, drops30=8, drops90=30, buy_box=6000, new_sellers=12)  # 8
BOOK_D = Book("4444444444", bsr=800_000, drops30=3, drops90=6, buy_box=4500, new_sellers=2,
              amazon_buy_box=True)  # 2
BOOKS = (BOOK_A, BOOK_B, BOOK_C, BOOK_D)
# Keepa gave no rank drops, no offer count and a single price point for this one.
SPARSE_BOOK = Book("5555555555", bsr=40_000, drops30=None, drops90=None, buy_box=3000, new_sellers=None,
                   history_days=1)


def _or_missing(count: int | None) -> int:
    return -1 if count is None else count


def raw_product(book: Book, now: datetime) -> dict[str, Any]:
    """A Keepa product object: rank, NEW price and Buy Box histories over the last days, stats over 90."""
    times = [datetime_to_keepa_minutes(now - timedelta(days=day)) for day in range(book.history_days, 0, -1)]
    new_prices = [book.buy_box - 100 + (i % 3) * 50 for i in range(len(times))]
    csv: list[list[int] | None] = [None] * CSV_LENGTH
    csv[CsvType.NEW] = [v for t, p in zip(times, new_prices, strict=True) for v in (t, p)]
    csv[CsvType.SALES] = [v for t in times for v in (t, book.bsr)]
    csv[CsvType.BUY_BOX_SHIPPING] = [v for t in times for v in (t, book.buy_box, 0)]
    current = [-1] * CSV_LENGTH
    current[CsvType.NEW] = new_prices[-1]
    current[CsvType.SALES] = book.bsr
    current[CsvType.BUY_BOX_SHIPPING] = book.buy_box
    current[CsvType.COUNT_NEW] = -1 if book.new_sellers is None else book.new_sellers
    winner = AMAZON_SELLER_ID if book.amazon_buy_box else THIRD_PARTY_SELLER
    return {
        "asin": book.asin, "domainId": 1, "productType": 0, "title": f"Fixture book {book.asin}",
        "rootCategory": BOOKS_ROOT, "categoryTree": [{"catId": BOOKS_ROOT, "name": "Books"}],
        "lastUpdate": datetime_to_keepa_minutes(now), "availabilityAmazon": -1,
        "buyBoxSellerIdHistory": [times[0], winner],
        "csv": csv,
        "stats": {"current": current, "avg90": current, "salesRankDrops30": _or_missing(book.drops30),
                  "salesRankDrops90": _or_missing(book.drops90), "buyBoxSellerId": winner,
                  "buyBoxStats": {winner: {"percentageWon": 100, "avgPrice": book.buy_box, "isFBA": True}}},
    }


def store_books(books: tuple[Book, ...] = BOOKS) -> list[str]:
    """Store the books as fresh snapshots (a lookup then costs no token); returns their ASINs."""
    now = datetime.now(UTC)
    with session_scope() as session:
        save_snapshots(session, [raw_product(book, now) for book in books], domain_id=1,
                       options=SNAPSHOT_OPTIONS, fetched_at=now)
    return [book.asin for book in books]
