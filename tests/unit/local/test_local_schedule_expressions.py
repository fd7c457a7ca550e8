"""EventBridge schedule expressions as the local scheduler reads them: rates, cron fields, refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from infra.local.schedule_expressions import Rate, UnsupportedExpressionError, parse_expression

# A Wednesday.
NOW = datetime(2024, 7, 3, 10, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "seconds"), [
    ("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(1 hour)", 3600), ("rate(2 days)", 172_800),
])
def test_rate_fires_every_period_from_its_creation(text: str, seconds: int) -> None:
    expression = parse_expression(text)
    assert expression == Rate(seconds)
    created = NOW - timedelta(seconds=seconds * 2.5)
    assert expression.next_after(NOW, created=created) == created + timedelta(seconds=seconds * 3)


@pytest.mark.parametrize(("text", "due"), [
    ("cron(0/15 * * * ? *)", datetime(2024, 7, 3, 10, 15)),
    ("cron(0 12 ? * MON-FRI *)", datetime(2024, 7, 3, 12, 0)),
    ("cron(0 8 ? * WED *)", datetime(2024, 7, 10, 8, 0)),  # today's 08:00 has passed
    ("cron(0 8 ? * 1 *)", datetime(2024, 7, 7, 8, 0)),  # 1 is Sunday in EventBridge
    ("cron(30 9 1 JUL ? *)", datetime(2025, 7, 1, 9, 30)),
    ("cron(0 0 29 FEB ? *)", datetime(2028, 2, 29, 0, 0)),
    ("cron(5,10 10 * * ? 2024)", datetime(2024, 7, 3, 10, 10)),
    ("cron(0 10-12/2 ? * * *)", datetime(2024, 7, 3, 12, 0)),
])
def test_cron_gives_the_next_matching_minute_in_utc(text: str, due: datetime) -> None:
    assert parse_expression(text).next_after(NOW, created=NOW) == due.replace(tzinfo=UTC)


def test_cron_runs_in_the_schedules_time_zone() -> None:
    expression = parse_expression("cron(0 9 * * ? *)", timezone_name="Europe/Berlin")
    assert expression.next_after(NOW, created=NOW) == datetime(2024, 7, 4, 7, 0, tzinfo=UTC)  # CEST


@pytest.mark.parametrize(("text", "message"), [
    ("rate(1 minutes)", "singular"),
    ("rate(5 minute)", "plural"),
    ("rate(0 minutes)", "positive"),
    ("rate(3 weeks)", "minute(s), hour(s) or day(s)"),
    ("cron(* * * * * *)", "exactly one of day-of-month and day-of-week"),
    ("cron(0 12 * *)", "six fields"),
    ("cron(60 * * * ? *)", "allowed 0-59"),
    ("cron(0 0 ? * FUNDAY *)", "day-of-week"),
    ("every minute", "not a rate"),
])
def test_invalid_expressions_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_expression(text)


@pytest.mark.parametrize("text", ["cron(0 0 L * ? *)", "cron(0 0 ? * 6#3 *)", "cron(0 0 15W * ? *)",
                                  "at(2030-01-01T00:00:00)"])
def test_valid_expressions_the_emulator_lacks_are_marked_unsupported(text: str) -> None:
    with pytest.raises(UnsupportedExpressionError):
        parse_expression(text)
