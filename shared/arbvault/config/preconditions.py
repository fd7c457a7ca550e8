"""The If-Match header of a config write: an integer scope version, as the ETag of a read gave it."""

from __future__ import annotations

from typing import Final

from arbvault.config.exceptions import MalformedIfMatchError

_MAX_DIGITS: Final = 10  # versions are PostgreSQL integers; longer strings are malformed, not just stale


def parse_if_match(value: str | None) -> int | None:
    """The version ``value`` names, or None when the header is absent or blank.

    Accepts ``3``, ``"3"`` and ``W/"3"`` (the weak marker and the quotes are stripped); ``0`` means the
    scope must not exist yet. Anything else (lists, ``*``, signs, text) raises :class:`MalformedIfMatchError`.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS):
        raise MalformedIfMatchError(value)
    return int(text)
