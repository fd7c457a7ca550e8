"""The bounds of every value a client may send, matched to the columns it is compared with or stored in.

One set for bodies, query strings and cursors. ``arbvault.web.schema_types`` turns them into pydantic types;
code that decodes values without pydantic (cursors, in packages the workers import) calls the checks here.
Each check returns the value, or raises ``ValueError`` saying why it is out of bounds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Final

AMOUNT_MAX: Final = Decimal("9999999999.99")
"""Largest magnitude of a numeric(12, 2) column: money (prices, fees, profit) and ROI/margin percentages."""

SCORE_MIN: Final = Decimal(0)
SCORE_MAX: Final = Decimal(100)
"""Scores (velocity, combined) are 0-100, stored as numeric(5, 2)."""

KEEPA_DOMAINS: Final = frozenset({1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12})
"""Keepa's domain ids (Amazon marketplaces): 1 .com, 2 .co.uk, 3 .de, 4 .fr, 5 .co.jp, 6 .ca, 8 .it, 9 .es,
10 .in, 11 .com.mx, 12 .com.br; 7 (ex-.cn) is reserved."""
DOMAIN_RULE: Final = f"must be a Keepa domain: one of {', '.join(map(str, sorted(KEEPA_DOMAINS)))}"

TIMESTAMP_MIN: Final = datetime(1, 1, 2, tzinfo=UTC)
TIMESTAMP_MAX: Final = datetime(9999, 12, 30, tzinfo=UTC)
"""A day inside Python's calendar at each end, so the instant exists in UTC and in every offset."""

TEXT_RULE: Final = "must not contain NUL or unpaired surrogate characters"


def bounded_amount(value: Decimal) -> Decimal:
    """``value`` if it is finite and fits numeric(12, 2) before rounding."""
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value.copy_abs() > AMOUNT_MAX:  # copy_abs: abs() would overflow the context on 1e999999999
        raise ValueError(f"must be between -{AMOUNT_MAX} and {AMOUNT_MAX}")
    return value


def keepa_domain(value: int) -> int:
    """``value`` if it is one of :data:`KEEPA_DOMAINS` (a bool is no domain)."""
    if isinstance(value, bool) or value not in KEEPA_DOMAINS:
        raise ValueError(DOMAIN_RULE)
    return value


def bounded_score(value: Decimal) -> Decimal:
    """``value`` if it is a finite number from 0 to 100."""
    if not value.is_finite() or not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(f"must be a number from {SCORE_MIN} to {SCORE_MAX}")
    return value


def bounded_timestamp(value: datetime) -> datetime:
    """``value`` if it has a time zone and lies between :data:`TIMESTAMP_MIN` and :data:`TIMESTAMP_MAX`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must have a time zone")
    if not TIMESTAMP_MIN <= value <= TIMESTAMP_MAX:
        raise ValueError(f"must be between {TIMESTAMP_MIN.isoformat()} and {TIMESTAMP_MAX.isoformat()}")
    return value


def parse_timestamp(text: str) -> datetime:
    """An ISO-8601 timestamp within bounds, from its text."""
    return bounded_timestamp(datetime.fromisoformat(plain_text(text)))


def plain_text(value: str) -> str:
    """``value`` if PostgreSQL can store it: no NUL, and valid UTF-8 (no unpaired surrogate)."""
    if "\x00" in value:
        raise ValueError(TEXT_RULE)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(TEXT_RULE) from None
    return value


def plain_json(value: object) -> object:
    """``value`` (a JSON document) if every string in it, keys included, is :func:`plain_text`.

    Iterative: a client's document may nest deeper than the interpreter's recursion limit allows."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            plain_text(node)
        elif isinstance(node, dict):
            for key, item in node.items():
                plain_text(str(key))
                pending.append(item)
        elif isinstance(node, list):
            pending.extend(node)
    return value
