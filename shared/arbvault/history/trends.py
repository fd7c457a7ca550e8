"""A product's trend over the last ``days`` days: from its tracked points when they cover the window, else from
Keepa's csv history (years of it), so a product nobody tracked yet has a trend at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import func, select

from arbvault.db import session_scope
from arbvault.history.daily import DayValues, days_from_csv, days_from_points, window_start
from arbvault.history.exceptions import NoHistoryError
from arbvault.history.points import HISTORY_OPTIONS
from arbvault.keepa.units import CENT
from arbvault.models.asin_history import AsinHistoryPoint

TrendSource = Literal["RECORDS", "KEEPA_CSV"]


@dataclass(frozen=True, slots=True)
class Trend:
    """The days a trend was computed from, where they came from, and what reading them cost."""

    asin: str
    domain_id: int
    source: TrendSource
    days: list[DayValues]
    tokens_used: int


def _direction(first: int, last: int, *, down: str, up: str) -> str:
    return "STABLE" if first == last else (down if last < first else up)


def bsr_summary(days: Sequence[DayValues]) -> dict[str, Any] | None:
    """Current, earliest, best and worst rank; IMPROVING when the rank fell (lower is better)."""
    ranks = [d.bsr for d in days if d.bsr is not None]
    if not ranks:
        return None
    first, last = ranks[0], ranks[-1]
    return {"current": last, "earliest": first, "lowest_rank": min(ranks), "highest_rank": max(ranks),
            "direction": _direction(first, last, down="IMPROVING", up="DECLINING"), "change": last - first}


def price_summary(days: Sequence[DayValues]) -> dict[str, Any] | None:
    """Current, average, lowest and highest price, and the spread between them (dollars, to the cent)."""
    prices = [d.price for d in days if d.price is not None]
    if not prices:
        return None
    average = (sum(prices, Decimal(0)) / len(prices)).quantize(CENT, ROUND_HALF_UP)
    return {"current": prices[-1], "average": average, "min": min(prices), "max": max(prices),
            "volatility": max(prices) - min(prices)}


def seller_summary(days: Sequence[DayValues]) -> dict[str, Any] | None:
    """Current, average (whole sellers), fewest and most new offers; DECREASING when there are fewer now."""
    counts = [d.seller_count for d in days if d.seller_count is not None]
    if not counts:
        return None
    average = int((Decimal(sum(counts)) / len(counts)).quantize(Decimal(1), ROUND_HALF_UP))
    return {"current": counts[-1], "average": average, "min": min(counts), "max": max(counts),
            "direction": _direction(counts[0], counts[-1], down="DECREASING", up="INCREASING")}


def _first_tracked(domain_id: int, asin: str) -> date | None:
    with session_scope() as session:
        first: date | None = session.scalar(select(func.min(AsinHistoryPoint.tracked_on)).where(
            AsinHistoryPoint.domain_id == domain_id, AsinHistoryPoint.asin == asin))
    return first


def trend(asin: str, *, domain_id: int, days: int, today: date) -> Trend:
    """The trend of ``asin`` over ``days`` days ending ``today``. Tracked points serve it when tracking began by
    the window's first day; otherwise Keepa's csv does (through the snapshots: 0 tokens when one is fresh, else
    1). ``NoHistoryError`` (404) when the window has no data either way."""
    start = window_start(today, days)
    first = _first_tracked(domain_id, asin)
    if first is not None and first <= start:
        with session_scope() as session:
            values = days_from_points(session, domain_id=domain_id, asin=asin, start=start, end=today)
        result = Trend(asin, domain_id, "RECORDS", values, tokens_used=0)
    else:
        from arbvault.catalog.single import lookup_one  # the Keepa fallback: only for products never tracked

        answer = lookup_one(asin, domain_id=domain_id, options=HISTORY_OPTIONS, field="path.asin")
        result = Trend(answer.item.asin or asin, domain_id, "KEEPA_CSV", days_from_csv(answer.item.raw, start, today),
                       tokens_used=answer.tokens_consumed)
    if not result.days:
        raise NoHistoryError(asin, f"price, rank or offer data in the last {days} days")
    return result
