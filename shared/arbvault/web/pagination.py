"""Cursor pagination: ``limit`` (1–500, default 50) and an opaque ``cursor``; pages are ``{items, next_cursor}``."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from arbvault.exceptions import InvalidCursorError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
CURSOR_MAX_LENGTH = 1000
Cursor = Annotated[str | None, Query(max_length=CURSOR_MAX_LENGTH,
                                     description="opaque cursor from the previous page's next_cursor")]


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(position: dict[str, Any]) -> str:
    """Encode a keyset position (JSON-serialisable values) as an opaque cursor."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, keys: tuple[str, ...]) -> dict[str, Any]:
    """Decode a cursor made by :func:`encode_cursor`; a damaged one is a 422 naming the ``cursor`` field."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("malformed") from exc
    if not isinstance(position, dict) or set(position) != set(keys):
        raise InvalidCursorError("unexpected keys")
    return position
