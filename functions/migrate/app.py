"""Migrate: invoked once after each deploy to apply Alembic migrations (`alembic upgrade head`)."""

from __future__ import annotations

from typing import Any

from arbvault.migrations import head_revision, upgrade
from arbvault.observability import logger
from arbvault.snapstart import register_restore_hooks

register_restore_hooks()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    upgrade()
    head = head_revision()
    logger.info("migrations applied", extra={"revision": head})
    return {"status": "ok", "revision": head}
