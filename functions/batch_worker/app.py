"""Batch worker: one job chunk per SQS record, failures reported per record (ReportBatchItemFailures).

The batch's chunk records go through one ``ChunkPipeline``: while a chunk is analysed and stored, the next one
is claimed and its Keepa request is on its way. An autosourcing run's discovery message writes the run's chunks;
a chunk that settles an autosourcing job stores the run's picks.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from arbvault.autosourcing.runs import discover, discover_job_id, finish_run
from arbvault.deadline import invocation_deadline
from arbvault.jobs.claims import lease_seconds_for, start_margin_for
from arbvault.jobs.worker import ChunkPipeline
from arbvault.observability import logger, metrics
from arbvault.snapstart import register_restore_hooks

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Every record failing is reported like any partial failure, not raised: an invocation error is kept for crashes.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


register_restore_hooks()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    records = event.get("Records") or []
    metrics.add_metric(name="ChunkMessagesReceived", unit="Count", value=len(records))
    # A claim lasts as long as this invocation can: SQS only redelivers after the (6x longer) visibility timeout.
    # Discovery messages of AutoSourcing runs go their own way; records the invocation has no time left to start
    # are handed back at once, as fresh messages.
    discoveries = {record["messageId"]: discover_job_id(record["body"]) for record in records}
    pipeline = ChunkPipeline([(record["messageId"], record["body"]) for record in records
                              if discoveries[record["messageId"]] is None],
                             lease_seconds=lambda: lease_seconds_for(context.get_remaining_time_in_millis()),
                             start_margin_seconds=start_margin_for(context.get_remaining_time_in_millis()))

    def record_handler(record: SQSRecord) -> None:
        """Process one message; raising reports this record alone as failed."""
        logger.append_keys(message_id=record.message_id)
        run_id = discoveries[record.message_id]
        if run_id is not None:
            discover(run_id)
            return
        outcome = pipeline.process(record.message_id)
        if outcome.job_status is not None:
            finish_run(outcome.job_id)

    with invocation_deadline(context):  # Keepa calls end before the invocation does
        return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                        context=context)


# What init built lives as long as the environment: the collector need not walk it again after every chunk. A
# chunk keeps a few hundred thousand acyclic objects alive until its transaction is written; collecting every
# 50,000 allocations instead of 700 still finds the few cycles, without dozens of full passes a chunk.
gc.freeze()
gc.set_threshold(50_000)
