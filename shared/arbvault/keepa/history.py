"""``csv`` histories as points: ``[t, v, ...]`` pairs, or ``[t, price, shipping, ...]`` triples for S types.

A value holds from its time until the next point. Negative values mean "no data" (-1 no offer / no rank,
-2 not collected); in triples a missing offer is ``[t, -1, -1]`` and the landed price is price + max(shipping, 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from operator import countOf
from typing import Any

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.time import date_int_points, keepa_minutes_to_datetime
from arbvault.keepa.units import cents_to_decimal


def series(raw: Mapping[str, Any], kind: CsvType) -> Sequence[int] | None:
    """The raw flat list for ``kind``, or ``None`` when Keepa sent none (``csv`` null, short, or entry null)."""
    csv = raw.get("csv")
    if not csv or len(csv) <= kind:
        return None
    return csv[kind] or None


def points(flat: Sequence[int] | None, kind: CsvType) -> list[tuple[int, int]]:
    """``(keepa_minutes, value)`` pairs oldest first; S types give the landed price (negative stays negative)."""
    if not flat:
        return []
    if kind.step == 2:
        return list(zip(flat[::2], flat[1::2], strict=False))  # an incomplete last pair is dropped, as zip stops there
    result = []
    for i in range(0, len(flat) - 2, 3):
        price, shipping = flat[i + 1], flat[i + 2]
        result.append((flat[i], price if price < 0 else price + max(shipping, 0)))
    return result


def last_value(raw: Mapping[str, Any], kind: CsvType) -> int | None:
    """Newest value of ``kind`` (landed for S types), ``None`` without data or when it is negative."""
    flat = series(raw, kind)
    step = kind.step
    if not flat or len(flat) < step:
        return None
    newest = points(flat[(len(flat) // step - 1) * step:], kind)[0][1]  # only the last whole point
    return newest if newest >= 0 else None


def _plain_ints(flat: Sequence[int]) -> bool:
    """Every entry is a plain ``int``, as Keepa sends them: such series skip the general converters."""
    return countOf(map(type, flat), int) == len(flat)


def count_history(raw: Mapping[str, Any], kind: CsvType) -> tuple[tuple[datetime, int], ...]:
    """Integer history (ranks, counts) with the no-data points left out."""
    flat = series(raw, kind)
    if flat and _plain_ints(flat):
        return tuple(date_int_points(points(flat, kind)))
    result = []
    for minutes, value in points(flat, kind):
        when = keepa_minutes_to_datetime(minutes)
        if value >= 0 and when is not None:
            result.append((when, value))
    return tuple(result)


def price_history(raw: Mapping[str, Any], kind: CsvType) -> tuple[tuple[datetime, Decimal], ...]:
    """Price history in dollars (landed for S types) with the no-data points left out."""
    flat = series(raw, kind)
    if flat and _plain_ints(flat):
        return tuple([(when, price) for when, cents in date_int_points(points(flat, kind))
                      if (price := cents_to_decimal(cents)) is not None])
    result = []
    for minutes, value in points(flat, kind):
        when = keepa_minutes_to_datetime(minutes)
        price = cents_to_decimal(value)
        if price is not None and when is not None:
            result.append((when, price))
    return tuple(result)
