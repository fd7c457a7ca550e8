"""Config function tests: the run's migrated database, calls through the real handler, unique scopes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from arbvault.db import build_engine
from support import ADMIN, call

Call = tuple[int, dict[str, str], Any]


@pytest.fixture(autouse=True)
def _database(database_url: str) -> str:
    return database_url


@pytest.fixture
def category() -> str:
    """A category name no other test uses."""
    return f"test_{uuid.uuid4().hex[:16]}"


@pytest.fixture
def other_environment(database_url: str) -> Iterator[Engine]:
    """An engine of its own, as another Lambda environment (or an operator's psql) would have."""
    engine = build_engine(database_url, pool="null")
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def put_config() -> Callable[..., Call]:
    """PUT /api/v1/config through the handler."""

    def put(scope: str, patch: Any, *, if_match: str | None = None, identity: dict[str, str] | None = ADMIN,
            reason: str | None = None, body: Any = None) -> Call:
        headers = {"if-match": if_match} if if_match is not None else None
        payload = body if body is not None else {"config_patch": patch, **({"change_reason": reason} if reason else {})}
        return call("config", "PUT", "/api/v1/config", query=f"scope={scope}", json_body=payload, headers=headers,
                    identity=identity)

    return put


@pytest.fixture
def get_config() -> Callable[..., Call]:
    """GET /api/v1/config through the handler."""

    def get(query: str = "", *, identity: dict[str, str] | None = ADMIN) -> Call:
        return call("config", "GET", "/api/v1/config", query=query, identity=identity)

    return get


@pytest.fixture
def stored_scope(other_environment: Engine) -> Callable[[str], dict[str, Any] | None]:
    """Read a scope's row as the database holds it (id, data, version, is_active, change count), or None."""

    def read(scope: str) -> dict[str, Any] | None:
        with other_environment.connect() as connection:
            row = connection.execute(text(
                "SELECT c.id, c.data, c.version, c.is_active,"
                " (SELECT count(*) FROM config_changes x WHERE x.config_id = c.id) AS changes"
                " FROM business_config c WHERE c.scope = :s"
            ), {"s": scope}).mappings().one_or_none()
        return dict(row) if row else None

    return read
