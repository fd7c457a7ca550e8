"""The (created_at, id) keyset position round-trips through an opaque cursor; damaged values are a 422."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from arbvault.exceptions import InvalidInputError
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.web.errors import status_for
from arbvault.web.pagination import decode_cursor, encode_cursor

ID = uuid.UUID("4f1c0d5e-7a39-4d0b-9a61-3c2f8b7e9d10")


@pytest.mark.parametrize("created_at", [
    datetime(2026, 11, 26, 5, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2))),
])
def test_position_round_trips_through_a_cursor(created_at: datetime) -> None:
    position = KeysetPosition(created_at, ID)

    again = KeysetPosition.from_dict(decode_cursor(encode_cursor(position.as_dict()), keys=KEYSET_KEYS))

    assert again == position
    assert again.created_at.utcoffset() == created_at.utcoffset()


def test_as_dict_has_exactly_the_cursor_keys() -> None:
    raw = KeysetPosition(datetime(2026, 1, 1, tzinfo=UTC), ID).as_dict()

    assert tuple(sorted(raw)) == tuple(sorted(KEYSET_KEYS))
    assert raw == {"created_at": "2026-01-01T00:00:00+00:00", "id": str(ID)}


@pytest.mark.parametrize("raw", [
    {"created_at": "2026-01-01T00:00:00", "id": str(ID)},          # naive: cannot be compared with stored times
    {"created_at": "yesterday", "id": str(ID)},
    {"created_at": "2026-01-01T00:00:00+00:00", "id": "x"},
    {"created_at": None, "id": str(ID)},
    {"id": str(ID)},
    {"created_at": "2026-01-01T00:00:00+00:00"},
    {"created_at": "0001-01-01T00:00:00+14:00", "id": str(ID)},    # before the calendar's first day in UTC
    {"created_at": "9999-12-31T23:59:59-14:00", "id": str(ID)},    # after its last
    {"created_at": "2026-01-01T00:00:00+00:00\u0000", "id": str(ID)},
])
def test_damaged_position_is_422_naming_the_cursor(raw: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as caught:
        KeysetPosition.from_dict(raw)

    assert status_for(caught.value) == 422
    [detail] = caught.value.details
    assert (detail["field"], detail["code"]) == ("query.cursor", "cursor_invalid")
