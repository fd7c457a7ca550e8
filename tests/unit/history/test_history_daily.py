"""Days from Keepa's csv (the value holding at each day's end) and the trend summaries, without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from arbvault.history.daily import DayValues, days_from_csv, window_start
from arbvault.history.trends import bsr_summary, price_summary, seller_summary
from arbvault.keepa.time import datetime_to_keepa_minutes


def at(day: int, hour: int) -> int:
    return datetime_to_keepa_minutes(datetime(2026, 3, day, hour, tzinfo=UTC))


def product(new: list[int], sales: list[int], count_new: list[int]) -> dict[str, object]:
    csv: list[list[int] | None] = [None] * 36
    csv[1], csv[3], csv[11] = new, sales, count_new
    return {"csv": csv}


def test_a_day_takes_the_value_holding_at_its_end() -> None:
    raw = product(new=[at(2, 8), 1500, at(3, 9), 1700, at(3, 22), 1600, at(5, 1), -1],
                  sales=[at(2, 0), 9000, at(4, 12), 8000],
                  count_new=[at(1, 0), 4])

    days = days_from_csv(raw, date(2026, 3, 1), date(2026, 3, 6))

    assert days == [
        DayValues(date(2026, 3, 1), None, None, 4),  # before the first price and rank
        DayValues(date(2026, 3, 2), Decimal("15.00"), 9000, 4),
        DayValues(date(2026, 3, 3), Decimal("16.00"), 9000, 4),  # the day's last change wins
        DayValues(date(2026, 3, 4), Decimal("16.00"), 8000, 4),
        DayValues(date(2026, 3, 5), None, 8000, 4),  # -1: no new offer that day
        DayValues(date(2026, 3, 6), None, 8000, 4),
    ]


def test_days_without_any_value_are_left_out() -> None:
    raw = product(new=[at(4, 0), 1000], sales=[], count_new=[])
    assert [d.day for d in days_from_csv(raw, date(2026, 3, 1), date(2026, 3, 5))] == [date(2026, 3, 4),
                                                                                      date(2026, 3, 5)]
    assert days_from_csv({"csv": None}, date(2026, 3, 1), date(2026, 3, 5)) == []


def test_the_window_ends_with_its_last_day() -> None:
    assert window_start(date(2026, 3, 10), 1) == date(2026, 3, 10)
    assert window_start(date(2026, 3, 10), 10) == date(2026, 3, 1)


def test_summaries_read_only_known_values_and_say_stable_when_unchanged() -> None:
    days = [DayValues(date(2026, 3, 1), Decimal("10.00"), 500, 3),
            DayValues(date(2026, 3, 2), None, None, None),
            DayValues(date(2026, 3, 3), Decimal("10.01"), 500, 3),
            DayValues(date(2026, 3, 4), Decimal("10.00"), 500, 4)]

    assert bsr_summary(days) == {"current": 500, "earliest": 500, "lowest_rank": 500, "highest_rank": 500,
                                 "direction": "STABLE", "change": 0}
    assert price_summary(days) == {"current": Decimal("10.00"), "average": Decimal("10.00"),
                                   "min": Decimal("10.00"), "max": Decimal("10.01"), "volatility": Decimal("0.01")}
    assert seller_summary(days) == {"current": 4, "average": 3, "min": 3, "max": 4, "direction": "INCREASING"}
    assert bsr_summary(days[1:2]) is None and price_summary([]) is None and seller_summary([]) is None


def test_a_rising_rank_is_declining() -> None:
    days = [DayValues(date(2026, 3, 1), None, 100, None), DayValues(date(2026, 3, 2), None, 300, None)]
    assert bsr_summary(days)["direction"] == "DECLINING"  # type: ignore[index]
