"""Batch worker: one job chunk per SQS record, failures reported per record (ReportBatchItemFailures)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from arbvault.jobs import metrics, process_chunk_message
from arbvault.jobs.claims import lease_seconds_for
from arbvault.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Every record failing is reported like any partial failure, not raised: an invocation error is kept for crashes.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> None:
    """Process one chunk message; raising reports this record alone as failed."""
    logger.append_keys(message_id=record.message_id)
    # A claim lasts as long as this invocation can: SQS only redelivers after the (6x longer) visibility timeout.
    process_chunk_message(record.body, lease_seconds=lease_seconds_for(lambda_context.get_remaining_time_in_millis()))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    metrics.add_metric(name="ChunkMessagesReceived", unit="Count", value=len(event.get("Records") or []))
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
