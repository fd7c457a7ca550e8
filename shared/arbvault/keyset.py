"""The keyset position of lists ordered newest first by (created_at, id): jobs, API keys, config changes.

A page ends at its last row's position; the next page holds the rows strictly after it in that order.
Round trip through an opaque cursor::

    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from arbvault.bounds import parse_timestamp
from arbvault.exceptions import InvalidCursorError

KEYSET_KEYS: Final = ("created_at", "id")
"""The keys of :meth:`KeysetPosition.as_dict`, for ``decode_cursor(cursor, keys=KEYSET_KEYS)``."""


@dataclass(frozen=True, slots=True)
class KeysetPosition:
    """The (created_at, id) of a page's last row: the next page starts strictly after it."""

    created_at: datetime
    id: uuid.UUID

    def as_dict(self) -> dict[str, str]:
        """JSON-ready values (ISO-8601 timestamp with its offset, the id as a string)."""
        return {"created_at": self.created_at.isoformat(), "id": str(self.id)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> KeysetPosition:
        """A position from :meth:`as_dict` output.

        Raises ``InvalidCursorError`` (422) when a value is missing or damaged, or the timestamp is out of
        bounds or has no time zone (it could not be compared with the stored ones).
        """
        try:
            return cls(parse_timestamp(str(raw["created_at"])), uuid.UUID(str(raw["id"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidCursorError(f"malformed: {exc}") from exc
