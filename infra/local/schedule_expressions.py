"""EventBridge schedule expressions: ``rate(value unit)`` and ``cron(min hour day-of-month month day-of-week year)``.

:func:`parse_expression` checks an expression as EventBridge does and returns an object whose ``next_after``
gives the first firing time after a moment. Rates fire every period from when the schedule was created;
cron fields take numbers, ``*``, ``?``, lists, ranges and ``/`` steps, month and weekday names, with weekdays
numbered 1 (SUN) to 7 (SAT) as EventBridge numbers them. ``L``, ``W`` and ``#`` raise
:class:`UnsupportedExpressionError`: valid on AWS, not emulated here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

_RATE = re.compile(r"^rate\(\s*(\d+)\s+([a-z]+)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86_400}
_MONTHS = {name: i for i, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
_WEEKDAYS = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
# How far ahead a cron expression is searched; an expression matching nothing in that time never fires.
_SEARCH_DAYS = 366 * 5


class UnsupportedExpressionError(ValueError):
    """Raised for a valid expression that the local scheduler does not emulate."""


@dataclass(frozen=True, slots=True)
class Rate:
    """``rate(value unit)``: every ``seconds`` from the schedule's creation."""

    seconds: int

    def next_after(self, moment: datetime, *, created: datetime) -> datetime:
        periods = int((moment - created).total_seconds() // self.seconds) + 1
        return created + timedelta(seconds=periods * self.seconds)


@dataclass(frozen=True, slots=True)
class Cron:
    """A cron expression's allowed values per field (``None``: any), evaluated in ``zone``."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1 = Sunday
    years: frozenset[int] | None
    zone: tzinfo

    def next_after(self, moment: datetime, *, created: datetime) -> datetime:
        """The first matching minute after ``moment``; ``ValueError`` when none comes within five years."""
        start = (moment.astimezone(self.zone) + timedelta(minutes=1)).replace(second=0, microsecond=0)
        day = start.date()
        for _ in range(_SEARCH_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
                        if candidate >= start:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError("the cron expression matches no time in the next five years")

    def _day_matches(self, day: date) -> bool:
        weekday = day.isoweekday() % 7 + 1  # isoweekday: Monday 1 .. Sunday 7; EventBridge: Sunday 1
        return (day.month in self.months
                and (self.years is None or day.year in self.years)
                and (self.days is None or day.day in self.days)
                and (self.weekdays is None or weekday in self.weekdays))


Expression = Rate | Cron


def _rate(value: int, unit: str, text: str) -> Rate:
    singular = unit.rstrip("s")
    if singular not in _UNITS or value < 1:
        raise ValueError(f"{text!r}: a rate needs a positive whole number and minute(s), hour(s) or day(s)")
    if (value == 1) != (unit == singular):  # EventBridge: rate(1 minute), rate(5 minutes)
        raise ValueError(f"{text!r}: use the singular unit for 1 and the plural otherwise")
    return Rate(value * _UNITS[singular])


def _field(text: str, low: int, high: int, names: dict[str, int], *, question: bool,
           what: str) -> frozenset[int] | None:
    """The values a cron field allows; ``None`` for ``?`` (and ``*`` in the two day fields)."""
    if text == "?":
        if not question:
            raise ValueError(f"'?' is not allowed in the {what} field")
        return None
    unnamed = text.upper()
    for name in names:  # JUL and WED contain the letters of the unsupported operators
        unnamed = unnamed.replace(name, "")
    if re.search(r"[LW#]", unnamed):
        raise UnsupportedExpressionError(f"L, W and # in the {what} field are not emulated locally")
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"bad step {part!r} in the {what} field")
        if body == "*":
            first, last = low, high
        else:
            bounds = [names.get(b.upper()) or (int(b) if b.isdigit() else None) for b in body.split("-")]
            if len(bounds) > 2 or any(b is None or not low <= b <= high for b in bounds):
                raise ValueError(f"bad value {part!r} in the {what} field (allowed {low}-{high})")
            first = bounds[0]
            # "5/15" runs from 5 to the end of the field; "5" and "5-20/3" end where they say.
            last = high if len(bounds) == 1 and step is not None else bounds[-1]
            assert first is not None and last is not None
        values.update(range(first, last + 1, step or 1))
    if text == "*" and question:
        return None
    return frozenset(values)


def _cron(fields: list[str], zone: tzinfo, text: str) -> Cron:
    if len(fields) != 6:
        raise ValueError(f"{text!r}: cron takes six fields (minutes hours day-of-month month day-of-week year)")
    minutes, hours, days, months, weekdays, years = fields
    if (days == "?") == (weekdays == "?"):
        raise ValueError(f"{text!r}: exactly one of day-of-month and day-of-week must be '?'")
    try:
        minute_set = _field(minutes, 0, 59, {}, question=False, what="minutes")
        hour_set = _field(hours, 0, 23, {}, question=False, what="hours")
        month_set = _field(months, 1, 12, _MONTHS, question=False, what="month")
        year_set = _field(years, 1970, 2199, {}, question=False, what="year")
        assert minute_set is not None and hour_set is not None and month_set is not None
        return Cron(minute_set, hour_set, _field(days, 1, 31, {}, question=True, what="day-of-month"), month_set,
                    _field(weekdays, 1, 7, _WEEKDAYS, question=True, what="day-of-week"),
                    None if years == "*" else year_set, zone)
    except UnsupportedExpressionError as exc:
        raise UnsupportedExpressionError(f"{text!r}: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None


def parse_expression(text: str, *, timezone_name: str | None = None) -> Expression:
    """Parse a schedule expression; ``ValueError`` (or :class:`UnsupportedExpressionError`) when it cannot run.

    >>> parse_expression("rate(5 minutes)")
    Rate(seconds=300)
    """
    stripped = text.strip()
    if rate := _RATE.match(stripped):
        return _rate(int(rate.group(1)), rate.group(2), text)
    if cron := _CRON.match(stripped):
        zone: tzinfo = ZoneInfo(timezone_name) if timezone_name else UTC
        return _cron(cron.group(1).split(), zone, text)
    if stripped.startswith("at("):
        raise UnsupportedExpressionError(f"{text!r}: one-time at() schedules are not emulated locally")
    raise ValueError(f"{text!r} is not a rate(...) or cron(...) expression")
