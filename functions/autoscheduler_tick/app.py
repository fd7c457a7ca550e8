"""AutoScheduler tick (hourly, on the hour): queue the scheduled hour's AutoSourcing run, once per UTC date and
hour however often the schedule fires; the slot is the event's scheduled time (now without one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arbvault.observability import logger
from arbvault.scheduler.tick import run_tick, scheduled_time

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = run_tick(at=scheduled_time(event))
    logger.info("scheduler tick", extra=report.as_dict())
    return report.as_dict()
