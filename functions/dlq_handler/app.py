"""DLQ handler: records each dead-lettered job message and fails its chunk with the reason; an autosourcing
run's dead discovery message ends the run's job ERROR, and a run settled here gets its picks stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from arbvault.autosourcing.runs import discover_job_id, fail_discovery, finish_run
from arbvault.jobs.dead_letters import record_dead_letter
from arbvault.observability import logger, metrics
from arbvault.snapstart import register_restore_hooks

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Every record failing is reported like any partial failure, not raised: an invocation error is kept for crashes.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> None:
    """Record one dead letter; raising (database down) leaves it on the DLQ for another try."""
    receives = record.attributes.approximate_receive_count
    run_id = discover_job_id(record.body)
    if run_id is not None:
        fail_discovery(run_id, f"gave up after {receives or 'every'} deliveries")
    outcome = record_dead_letter(record.message_id, record.body, receive_count=int(receives) if receives else None)
    if outcome.job_status is not None and outcome.job_id is not None:
        finish_run(outcome.job_id)


register_restore_hooks()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    metrics.add_metric(name="DeadLetterMessagesReceived", unit="Count", value=len(event.get("Records") or []))
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
