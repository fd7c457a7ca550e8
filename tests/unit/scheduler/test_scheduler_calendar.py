"""The scheduler's calendar: which days are on, and the next run, around midnight UTC (the clock is an argument)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from arbvault.scheduler.calendar import Calendar, slot_of, upcoming_skips

DAY = date(2026, 12, 6)


def calendar(*, enabled: bool = True, hours: tuple[int, ...] = (8, 15, 20), skip: tuple[date, ...] = (),
             pause_until: date | None = None) -> Calendar:
    return Calendar(enabled=enabled, scheduled_hours=hours, skip_dates=frozenset(skip), pause_until=pause_until)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(("control", "on"), [
    (calendar(), True),
    (calendar(enabled=False), False),
    (calendar(skip=(DAY,)), False),
    (calendar(skip=(DAY - timedelta(days=1),)), True),
    (calendar(pause_until=DAY), False),                          # the pause's last day is still paused
    (calendar(pause_until=DAY + timedelta(days=3)), False),
    (calendar(pause_until=DAY - timedelta(days=1)), True),       # a pause that ended yesterday
])
def test_a_day_is_effectively_on_when_enabled_not_skipped_and_not_paused(control: Calendar, on: bool) -> None:
    assert control.effective_on(DAY) is on


@pytest.mark.parametrize(("now", "expected"), [
    (at(DAY, 0), at(DAY, 8)),
    (at(DAY, 7, 59, 59), at(DAY, 8)),
    (at(DAY, 8), at(DAY, 15)),                                   # the current hour's slot has fired
    (at(DAY, 14, 30), at(DAY, 15)),
    (at(DAY, 20), at(DAY + timedelta(days=1), 8)),               # tomorrow's first hour
    (at(DAY, 23, 59, 59), at(DAY + timedelta(days=1), 8)),
    (at(date(2026, 12, 31), 21), at(date(2027, 1, 1), 8)),       # across the year
])
def test_the_next_run_is_the_first_scheduled_hour_after_the_current_one(now: datetime, expected: datetime) -> None:
    assert calendar().next_run(now) == expected


def test_the_next_run_is_computed_in_utc_whatever_the_clock_offset() -> None:
    paris = timezone(timedelta(hours=1))
    # 00:30 in Paris is 23:30 UTC of the day before: tomorrow (UTC) at 08:00 is next, not 08:00 Paris time.
    now = datetime(2026, 12, 7, 0, 30, tzinfo=paris)
    assert calendar().next_run(now) == at(DAY + timedelta(days=1), 8)
    assert slot_of(now) == (DAY, 23)


def test_skipping_today_moves_the_next_run_to_tomorrow_and_skips_a_run_of_skipped_days() -> None:
    skip = (DAY, DAY + timedelta(days=1), DAY + timedelta(days=2))
    assert calendar(skip=(DAY,)).next_run(at(DAY, 9)) == at(DAY + timedelta(days=1), 8)
    assert calendar(skip=skip).next_run(at(DAY, 1)) == at(DAY + timedelta(days=3), 8)


def test_a_pause_resumes_the_day_after_pause_until() -> None:
    pause_until = DAY + timedelta(days=2)
    assert calendar(pause_until=pause_until).next_run(at(DAY, 9)) == at(DAY + timedelta(days=3), 8)
    both = calendar(pause_until=pause_until, skip=(DAY + timedelta(days=3),))
    assert both.next_run(at(DAY, 9)) == at(DAY + timedelta(days=4), 8)


def test_a_pause_that_ends_today_allows_no_more_run_today() -> None:
    assert calendar(pause_until=DAY).next_run(at(DAY, 1)) == at(DAY + timedelta(days=1), 8)


def test_disabled_means_no_next_run() -> None:
    assert calendar(enabled=False).next_run(at(DAY, 1)) is None


def test_a_single_hour_wraps_to_the_same_hour_tomorrow() -> None:
    assert calendar(hours=(0,)).next_run(at(DAY, 0, 0, 1)) == at(DAY + timedelta(days=1), 0)
    assert calendar(hours=(23,)).next_run(at(DAY, 22, 59)) == at(DAY, 23)


def test_only_skip_dates_from_today_on_are_kept_sorted_once() -> None:
    kept = upcoming_skips([DAY + timedelta(days=2), DAY - timedelta(days=1), DAY, DAY], DAY)
    assert kept == [DAY, DAY + timedelta(days=2)]
