"""History tracker (scheduled): record today's point for every tracked product still missing one, within the
day's token budget and the invocation's time; a later run the same day resumes where this one stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arbvault.history.tracker import run_tracker
from arbvault.observability import logger
from arbvault.snapstart import register_restore_hooks

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


register_restore_hooks()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = run_tracker(time_left=lambda: context.get_remaining_time_in_millis() / 1000)
    logger.info("tracker run", extra=report.as_dict())
    return report.as_dict()
