"""Readiness checks: each returns ``{"status": "ok"|"failed"|"skipped", ...}`` and never raises."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.migrations import status as migration_status
from arbvault.observability import logger

Check = dict[str, Any]


def _database_and_migrations() -> tuple[Check, Check]:
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            database: Check = {"status": "ok"}
            state = migration_status(connection)
    except Exception as exc:  # any failure here means "not ready", reported by name
        logger.warning("readiness: database check failed", extra={"error_type": type(exc).__name__})
        failed: Check = {"status": "failed", "reason": "database unreachable"}
        return failed, {"status": "skipped", "reason": "needs the database"}
    if state.at_head:
        return database, {"status": "ok", "revision": state.current}
    return database, {"status": "failed", "reason": "schema is not at the newest migration",
                      "current": state.current, "head": state.head}


def run_checks() -> dict[str, Check]:
    """Run every readiness check."""
    database, migrations = _database_and_migrations()
    return {"database": database, "migrations": migrations}
