"""Keepa minutes both ways (minutes since 2011-01-01 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arbvault.keepa.time import (
    KEEPA_EPOCH_OFFSET_MINUTES,
    datetime_to_keepa_minutes,
    keepa_minutes_to_datetime,
    keepa_minutes_to_unix_ms,
    unix_ms_to_keepa_minutes,
)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (7_777_548, datetime(2025, 10, 15, 1, 48, tzinfo=UTC)),
        (0, datetime(2011, 1, 1, tzinfo=UTC)),
        (411_180, datetime(2011, 10, 13, 13, 0, tzinfo=UTC)),        # Keepa's Javadoc example
        (7_364_160, datetime(2025, 1, 1, tzinfo=UTC)),
        (8_107_200, datetime(2026, 6, 1, tzinfo=UTC)),
        ("8107153", datetime(2026, 5, 31, 23, 13, tzinfo=UTC)),      # history strings carry minutes as text
    ],
)
def test_keepa_minutes_to_datetime_known_instants(minutes: int | str, expected: datetime) -> None:
    assert keepa_minutes_to_datetime(minutes) == expected


@pytest.mark.parametrize("missing", [-1, None, "", -2])
def test_keepa_minutes_no_date_is_none(missing: int | str | None) -> None:
    assert keepa_minutes_to_datetime(missing) is None


def test_keepa_minutes_far_future_is_after_2025() -> None:
    moment = keepa_minutes_to_datetime(10_000_000)
    assert moment is not None and moment.year > 2025


def test_offset_is_minutes_from_unix_epoch_to_2011() -> None:
    assert KEEPA_EPOCH_OFFSET_MINUTES == 21_564_000
    assert int(datetime(2011, 1, 1, tzinfo=UTC).timestamp()) == KEEPA_EPOCH_OFFSET_MINUTES * 60


@pytest.mark.parametrize("minutes", [0, 1, 411_180, 7_777_548, 8_107_153])
def test_round_trip_datetime_and_unix_ms(minutes: int) -> None:
    moment = keepa_minutes_to_datetime(minutes)
    assert moment is not None
    assert datetime_to_keepa_minutes(moment) == minutes
    assert unix_ms_to_keepa_minutes(keepa_minutes_to_unix_ms(minutes)) == minutes


def test_datetime_to_keepa_minutes_floors_and_treats_naive_as_utc() -> None:
    assert datetime_to_keepa_minutes(datetime(2025, 10, 15, 1, 48, 59)) == 7_777_548
    assert unix_ms_to_keepa_minutes(1_318_510_800_000 + 59_999) == 411_180


def test_cached_midnights_agree_with_plain_arithmetic() -> None:
    # Every minute of two days, then one minute a day across Keepa's whole range, each against the epoch sum.
    epoch = datetime(2011, 1, 1, tzinfo=UTC)
    for minutes in [*range(2 * 1440 + 1), *range(7, 11_000_000, 1441)]:
        assert keepa_minutes_to_datetime(minutes) == epoch + timedelta(minutes=minutes)
    moment = keepa_minutes_to_datetime(8_107_153)
    assert moment is not None and moment.tzinfo is UTC
