"""Opaque cursors round-trip and damaged ones are a 422 naming the cursor."""

from __future__ import annotations

import pytest

from arbvault.exceptions import InvalidInputError
from arbvault.web.pagination import decode_cursor, encode_cursor


def test_cursor_round_trips_a_keyset_position() -> None:
    position = {"created_at": "2026-11-26T05:00:00+00:00", "id": "4f1c"}
    assert decode_cursor(encode_cursor(position), keys=("created_at", "id")) == position


@pytest.mark.parametrize("cursor", ["not base64 !", "e30", encode_cursor({"other": 1})])
def test_damaged_cursor_is_rejected_naming_the_field(cursor: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        decode_cursor(cursor, keys=("created_at", "id"))
    assert caught.value.details[0]["field"] == "query.cursor"
