"""Keepa time: whole minutes since 2011-01-01T00:00Z ("Keepa minutes").

``unix_ms = (keepa_minutes + 21_564_000) * 60_000``; the offset is Keepa's own ``keepaStartMinute`` (another
epoch, such as 2000-10-21, would age every date by about ten years).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate, repeat

KEEPA_EPOCH = datetime(2011, 1, 1, tzinfo=UTC)
KEEPA_EPOCH_OFFSET_MINUTES = 21_564_000
"""Minutes from the Unix epoch to the Keepa epoch."""

_MINUTES_PER_DAY = 1440
# Building a timedelta from an int was most of the cost of dating a point (a product has ~50), so a point is
# its day's midnight (cached) plus a ready-made time of day. Summing builds the table ~10x faster at import.
_TIME_OF_DAY = tuple(accumulate(repeat(timedelta(0, 60), _MINUTES_PER_DAY - 1), initial=timedelta(0)))


@lru_cache(maxsize=16_384)  # Keepa's whole history is ~5,500 days
def _midnight(day: int) -> datetime:
    return KEEPA_EPOCH + timedelta(day)


def int_minutes_to_datetime(minutes: int) -> datetime:
    """``keepa_minutes_to_datetime`` for a plain non-negative ``int`` (the hot path of csv histories)."""
    day, minute = divmod(minutes, _MINUTES_PER_DAY)
    return _midnight(day) + _TIME_OF_DAY[minute]


def date_int_points(points: Iterable[tuple[int, int]]) -> list[tuple[datetime, int]]:
    """``(int_minutes_to_datetime(minutes), value)`` for each pair of plain ints with neither one negative.

    The fast path of csv histories (a product dates ~40 points): the day arithmetic is written out in one
    comprehension because a call per point cost a third of it.
    """
    midnight, time_of_day, per_day = _midnight, _TIME_OF_DAY, _MINUTES_PER_DAY
    return [(midnight(minutes // per_day) + time_of_day[minutes % per_day], value)
            for minutes, value in points if value >= 0 and minutes >= 0]


def keepa_minutes_to_datetime(minutes: int | str | None) -> datetime | None:
    """Aware UTC datetime for Keepa minutes; ``None``, negatives (-1 "no date") and "" give ``None``.

    History strings such as ``buyBoxSellerIdHistory`` carry minutes as decimal strings, so those are accepted.

    >>> keepa_minutes_to_datetime(7_777_548)
    datetime.datetime(2025, 10, 15, 1, 48, tzinfo=datetime.timezone.utc)
    """
    if type(minutes) is int:  # the usual case, before the string checks
        return int_minutes_to_datetime(minutes) if minutes >= 0 else None
    if minutes is None or minutes == "":
        return None
    value = int(minutes)
    if value < 0:
        return None
    return int_minutes_to_datetime(value)


def datetime_to_keepa_minutes(moment: datetime) -> int:
    """Keepa minutes for an aware datetime, floored to the minute (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() // 60) - KEEPA_EPOCH_OFFSET_MINUTES


def unix_ms_to_keepa_minutes(unix_ms: int) -> int:
    """Keepa minutes for a Unix time in milliseconds (floor, as Keepa does)."""
    return unix_ms // 60_000 - KEEPA_EPOCH_OFFSET_MINUTES


def keepa_minutes_to_unix_ms(minutes: int) -> int:
    """Unix milliseconds for Keepa minutes."""
    return (minutes + KEEPA_EPOCH_OFFSET_MINUTES) * 60_000
