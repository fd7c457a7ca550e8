"""Helpers for the analyses function tests: random product ids and calls to the list and top routes."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from support import ADMIN, call

BASE_TIME = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
# The `seed` fixture: store analyses under one job (rows override column defaults), get the rows back.
Seed = Callable[..., list[dict[str, Any]]]


def random_asin() -> str:
    """An ASIN-shaped id no other test uses (B0 and eight random letters or digits)."""
    return "B0" + "".join(random.choices(string.ascii_uppercase + string.digits, k=8))


def list_analyses(query: str = "", *, identity: dict[str, str] | None = ADMIN) -> tuple[int, Any]:
    """GET /api/v1/analyses through the handler."""
    status, _, body = call("analyses", "GET", "/api/v1/analyses", query=query, identity=identity)
    return status, body


def top_analyses(query: str = "", *, identity: dict[str, str] | None = ADMIN) -> tuple[int, Any]:
    """GET /api/v1/analyses/top through the handler."""
    status, _, body = call("analyses", "GET", "/api/v1/analyses/top", query=query, identity=identity)
    return status, body
