"""csv histories: no-data points left out, landed prices for S types, and the all-int fast path agreeing with
the general converters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from arbvault.keepa.csv_types import CsvType
from arbvault.keepa.history import count_history, price_history

D = Decimal


def test_price_history_leaves_out_no_data(novel: dict[str, Any]) -> None:
    # Amazon's -1 (out of stock 2026-04-10) is left out: 8 points, 7 prices
    assert [p for _, p in price_history(novel, CsvType.AMAZON)] == [
        D("17.99"), D("12.99"), D("17.99"), D("15.99"), D("11.99"), D("15.99"), D("14.99")]


def test_shipping_history_is_landed(novel: dict[str, Any]) -> None:
    assert [p for _, p in price_history(novel, CsvType.BUY_BOX_SHIPPING)][-3:] == [
        D("15.99"), D("15.62"), D("14.99")]


def test_count_history(novel: dict[str, Any]) -> None:
    assert [n for _, n in count_history(novel, CsvType.COUNT_NEW)] == [1, 2, 3, 4, 5, 4, 5]


def test_only_no_data_points_give_an_empty_history(paperback: dict[str, Any]) -> None:
    assert price_history(paperback, CsvType.AMAZON) == ()  # csv[0] is [trackingSince, -1]


def _csv(kind: CsvType, flat: list[Any]) -> dict[str, Any]:
    csv: list[Any] = [None] * 36
    csv[kind] = flat
    return {"csv": csv}


# Minutes around midnight, a day boundary a year later, and Keepa's -1 as time and as value.
FLAT = [0, 5, 1439, 7, 1440, -1, 1441, 9, 527_039, 0, 527_040, 3, -1, 4, 8_107_153, 38214]


@pytest.mark.parametrize("kind", [CsvType.SALES, CsvType.NEW])
def test_fast_path_matches_the_general_converters(kind: CsvType) -> None:
    history = count_history if kind == CsvType.SALES else price_history
    mixed = list(FLAT)
    mixed[-2] = str(mixed[-2])  # one text time sends the series through keepa_minutes_to_datetime
    fast, general = history(_csv(kind, FLAT), kind), history(_csv(kind, mixed), kind)
    assert fast == general
    assert [type(v) for _, v in fast] == [type(v) for _, v in general]
    epoch = datetime(2011, 1, 1, tzinfo=UTC)
    assert [t for t, _ in fast] == [epoch + timedelta(minutes=m) for m in (0, 1439, 1441, 527_039, 527_040,
                                                                           8_107_153)]
    assert fast[-1] == (datetime(2026, 5, 31, 23, 13, tzinfo=UTC), 38214 if kind == CsvType.SALES else D("382.14"))
