"""When the scheduler runs: pure rules over its control values (no I/O), all in UTC.

A day is off when it is a skip date or falls on or before ``pause_until``; the scheduler is effectively on for
a day when its flag is on and the day is not off. A slot is a (date, hour) the schedule names; the next run is
the first slot after the current hour on a day that is not off.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True, slots=True)
class Calendar:
    """The control values the rules read."""

    enabled: bool
    scheduled_hours: tuple[int, ...]
    skip_dates: frozenset[date]
    pause_until: date | None

    def paused_on(self, day: date) -> bool:
        return self.pause_until is not None and day <= self.pause_until

    def day_off(self, day: date) -> bool:
        return day in self.skip_dates or self.paused_on(day)

    def effective_on(self, day: date) -> bool:
        return self.enabled and not self.day_off(day)

    def next_run(self, now: datetime) -> datetime | None:
        """The first scheduled hour after ``now``'s hour on a day that is not off; ``None`` when disabled."""
        if not self.enabled or not self.scheduled_hours:
            return None
        now = now.astimezone(UTC)
        later = [hour for hour in sorted(self.scheduled_hours) if hour > now.hour]
        if later and not self.day_off(now.date()):
            return _at(now.date(), later[0])
        day = now.date() + timedelta(days=1)
        if self.pause_until is not None and day <= self.pause_until:
            day = self.pause_until + timedelta(days=1)
        while day in self.skip_dates:  # ends: there are finitely many skip dates
            day += timedelta(days=1)
        return _at(day, min(self.scheduled_hours))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def utc_today() -> date:
    return datetime.now(UTC).date()


def slot_of(moment: datetime) -> tuple[date, int]:
    """The UTC date and hour a moment falls in."""
    moment = moment.astimezone(UTC)
    return moment.date(), moment.hour


def upcoming_skips(skip_dates: Collection[date], today: date) -> list[date]:
    """The skip dates from ``today`` on, sorted (past ones no longer matter)."""
    return sorted({day for day in skip_dates if day >= today})
