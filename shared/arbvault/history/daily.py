"""A product's days as trends read them: one value per day of price, sales rank and new offers.

Tracked points give them directly. Keepa's csv histories are change events (a value holds until the next
one), so a day's value from them is the one holding at the day's end (UTC); days before the first event, or
while Keepa reports no data (negative values), have none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.history import points, series
from arbvault.keepa.time import datetime_to_keepa_minutes
from arbvault.keepa.units import cents_to_decimal
from arbvault.models.asin_history import AsinHistoryPoint

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class DayValues:
    """One day of a product; ``None`` where no value is known."""

    day: date
    price: Decimal | None
    bsr: int | None
    seller_count: int | None


def window_start(end: date, days: int) -> date:
    """The first of ``days`` days ending with ``end``."""
    return end - timedelta(days=days - 1)


def _day_end_values(flat: Sequence[int] | None, kind: CsvType, days: Sequence[date]) -> list[int | None]:
    """The value of ``kind`` holding at the end of each of ``days`` (ascending); negative values are ``None``."""
    events = points(flat, kind)
    result: list[int | None] = []
    index, current = 0, None
    for day in days:
        day_end = datetime_to_keepa_minutes(datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC))
        while index < len(events) and events[index][0] < day_end:
            current = events[index][1]
            index += 1
        result.append(current if current is not None and current >= 0 else None)
    return result


def days_from_csv(raw: Mapping[str, Any], start: date, end: date) -> list[DayValues]:
    """The days from ``start`` to ``end`` with any value in the product's csv: lowest new price (NEW), sales rank
    (SALES) and new offers (COUNT_NEW), the same three a tracked point records."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    prices = _day_end_values(series(raw, CsvType.NEW), CsvType.NEW, days)
    ranks = _day_end_values(series(raw, CsvType.SALES), CsvType.SALES, days)
    sellers = _day_end_values(series(raw, CsvType.COUNT_NEW), CsvType.COUNT_NEW, days)
    result = []
    for day, price, rank, count in zip(days, prices, ranks, sellers, strict=True):
        values = DayValues(day, cents_to_decimal(price), rank if rank else None, count)
        if values.price is not None or values.bsr is not None or values.seller_count is not None:
            result.append(values)
    return result


def days_from_points(session: Session, *, domain_id: int, asin: str, start: date, end: date) -> list[DayValues]:
    """The tracked points of the product from ``start`` to ``end``, oldest first."""
    rows = session.execute(
        select(AsinHistoryPoint.tracked_on, AsinHistoryPoint.price, AsinHistoryPoint.bsr,
               AsinHistoryPoint.seller_count)
        .where(AsinHistoryPoint.domain_id == domain_id, AsinHistoryPoint.asin == asin,
               AsinHistoryPoint.tracked_on.between(start, end))
        .order_by(AsinHistoryPoint.tracked_on))
    return [DayValues(row.tracked_on, row.price, row.bsr, row.seller_count) for row in rows]
