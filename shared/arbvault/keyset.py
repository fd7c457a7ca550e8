"""Lists ordered newest first by (timestamp, id): jobs, API keys, picks, watches, audit rows.

A page ends at its last row's position; the next page holds the rows strictly after it in that order.
:func:`newest_first` reads one page of a filtered select. Round trip through an opaque cursor::

    page = newest_first(session, select(Job).where(...), at=Job.created_at, id=Job.id, limit=limit, after=after)
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from sqlalchemy import tuple_

from arbvault.bounds import parse_timestamp
from arbvault.exceptions import InvalidCursorError

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")

KEYSET_KEYS: Final = ("created_at", "id")
"""The keys of :meth:`KeysetPosition.as_dict`, for ``decode_cursor(cursor, keys=KEYSET_KEYS)``."""


@dataclass(frozen=True, slots=True)
class KeysetPosition:
    """The (timestamp, id) of a page's last row: the next page starts strictly after it. The timestamp is
    ``created_at`` in the cursor whatever the column is called."""

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


@dataclass(frozen=True, slots=True)
class KeysetPage(Generic[T]):
    """One page of items and the position the next page starts after (``None`` on the last page)."""

    items: list[T]
    next_position: KeysetPosition | None


def newest_first(session: Session, statement: Select[T], *, at: InstrumentedAttribute[datetime],
                 id: InstrumentedAttribute[uuid.UUID], limit: int, after: KeysetPosition | None) -> KeysetPage[T]:
    """Up to ``limit`` rows of ``statement`` (a select of one entity, filtered, not ordered), newest first by
    (``at``, ``id``), starting strictly after ``after``.

    One row more than the page is read: it tells that another page exists.
    """
    if after is not None:
        # One row comparison, not an OR of two: an index on the timestamp can bound the scan.
        statement = statement.where(tuple_(at, id) < tuple_(after.created_at, after.id))
    rows = list(session.scalars(statement.order_by(at.desc(), id.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return KeysetPage(rows, None)
    last = rows[limit - 1]
    return KeysetPage(rows[:limit], KeysetPosition(getattr(last, at.key), getattr(last, id.key)))
