"""Outbox relay (every minute): re-drive job chunks stuck past their lease, then send unsent outbox messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arbvault.jobs.relay import relay_once
from arbvault.observability import logger, metrics
from arbvault.snapstart import register_restore_hooks

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


register_restore_hooks()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = relay_once()
    logger.info("relay run", extra=report.as_dict())
    return report.as_dict()
