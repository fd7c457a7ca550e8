"""One chunk message, processed exactly once in effect.

1. Claim the chunk (``claims.claim``): a settled chunk, a cancelled job or a live claim elsewhere -> skip.
2. Look its products up through the catalog (snapshots first, token guard, Keepa) with no transaction open.
3. In ONE transaction: store the products fetched from Keepa as snapshots, insert the analyses (``ON CONFLICT
   (job_id, asin) DO NOTHING``), mark the chunk done (only if the claim is still ours) and settle the job if it
   was the last. If that transaction does not commit, the snapshots are saved on their own: Keepa was paid
   for them.

Keepa tokens running out is not a failure: the chunk is given back without counting an attempt and a fresh
message is queued (through the outbox) with ``DelaySeconds`` = Keepa's wait; the current message then
succeeds, so SQS deletes it. Its receive count never grows while waiting for tokens, so ``maxReceiveCount``
only ever counts real failures. Any other error gives the chunk back and is raised: the record is reported
as a batch item failure and SQS delivers it again after the visibility timeout, then to the DLQ.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Literal

from arbvault.catalog.analysis_rows import analyse_found, insert_job_analyses
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.exceptions import TokenBudgetError, TokenCapacityError
from arbvault.catalog.lookup import ask_keepa, complete_lookup, plan_lookup
from arbvault.catalog.rules import RulesBook
from arbvault.catalog.timing import Timings
from arbvault.db import session_scope
from arbvault.jobs.claims import Claim, Refusal, claim, release, settle_chunk
from arbvault.jobs.outbox import add_chunk_message, publish_pending
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.states import ChunkState, JobStatus
from arbvault.keepa.exceptions import TokensExhaustedError
from arbvault.observability import count, logger

if TYPE_CHECKING:
    import uuid

    from arbvault.catalog.lookup import CatalogLookup, LookupPlan
    from arbvault.jobs.queue import JobsQueue
    from arbvault.keepa.client import KeepaClient
    from arbvault.keepa.results import RawProductLookup

BATCH_SOURCE = "batch"

Action = Literal["done", "failed", "skipped", "waiting", "handed_back"]


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    """What processing one message did. ``job_status`` is set when this chunk settled its job; ``timings``
    splits the time between Keepa, analysis and the database."""

    action: Action
    job_id: uuid.UUID
    chunk_id: uuid.UUID
    analysed: int = 0
    stored: int = 0
    not_found: int = 0
    tokens_used: int = 0
    wait_seconds: int | None = None
    job_status: JobStatus | None = None
    reason: str | None = None
    timings: Timings = field(default_factory=Timings)


def _log(outcome: ChunkOutcome) -> ChunkOutcome:
    logger.info("chunk processed", extra={
        "job_id": str(outcome.job_id), "chunk_id": str(outcome.chunk_id), "action": outcome.action,
        "analysed": outcome.analysed, "stored": outcome.stored, "not_found": outcome.not_found,
        "tokens_used": outcome.tokens_used, "wait_seconds": outcome.wait_seconds,
        "job_status": outcome.job_status.value if outcome.job_status else None, "reason": outcome.reason,
        "timings_ms": outcome.timings.finish().as_ms()})
    return outcome


def _wait_for_tokens(held: Claim, wait_seconds: int, queue: JobsQueue | None) -> ChunkOutcome:
    """Give the chunk back and queue a fresh, delayed message for it (sent now, or by the relay)."""
    with session_scope() as session:
        if not release(session, held, reason=f"waiting {wait_seconds} s for Keepa tokens", token_wait=True):
            return ChunkOutcome("skipped", held.job_id, held.chunk_id, reason="claim taken over while waiting")
        row_id = add_chunk_message(session, ChunkMessage(held.job_id, held.chunk_id), delay_seconds=wait_seconds)
    publish_pending(ids=[row_id], queue=queue)
    count("ChunkTokenWaits")
    return ChunkOutcome("waiting", held.job_id, held.chunk_id, wait_seconds=wait_seconds)


def _hand_back(body: str, queue: JobsQueue | None) -> ChunkOutcome:
    """Queue a fresh message for a chunk this invocation has no time left to start (sent now, or by the relay):
    the current message then succeeds instead of waiting out the visibility timeout."""
    message = ChunkMessage.parse(body)
    with session_scope() as session:
        row_id = add_chunk_message(session, message)
    publish_pending(ids=[row_id], queue=queue)
    count("ChunksHandedBack")
    return ChunkOutcome("handed_back", message.job_id, message.chunk_id,
                        reason="too little time left in the invocation to start it")


def _fail_now(held: Claim, reason: str) -> ChunkOutcome:
    """Fail a chunk no retry can help (it needs more tokens than the plan ever holds)."""
    with session_scope() as session:
        mine, settled = settle_chunk(session, held, state=ChunkState.FAILED, error=reason)
        if not mine:
            session.rollback()
            return ChunkOutcome("skipped", held.job_id, held.chunk_id, reason="claim taken over")
    count("ChunksFailed")
    return ChunkOutcome("failed", held.job_id, held.chunk_id, job_status=settled, reason=reason)


def _store(held: Claim, lookup: CatalogLookup, timings: Timings) -> ChunkOutcome:
    params = held.params
    # One transaction: the fetched products' snapshots, the rules, the analyses, the chunk and the job. Nothing
    # is locked until the job is settled.
    with session_scope() as session:
        if lookup.unsaved is not None:
            with timings.measure("database"):
                lookup.unsaved.save(session)
        rows = analyse_found(lookup, domain_id=params.domain_id, buy_price=params.buy_price,
                             buy_condition=params.buy_condition,
                             strategy=params.strategy, source=BATCH_SOURCE, created_by=held.owner_key_id,
                             job_id=held.job_id, rules=RulesBook(session, domain_id=params.domain_id),
                             timings=timings)
        with timings.measure("database"):
            stored = insert_job_analyses(session, rows)
            mine, settled = settle_chunk(session, held, state=ChunkState.DONE, succeeded=len(rows),
                                         not_found=len(lookup.not_found), tokens_used=lookup.tokens_consumed)
            if not mine:
                session.rollback()  # another worker took the chunk over after our lease: its write wins
                _save_snapshots_apart(lookup)
                return ChunkOutcome("skipped", held.job_id, held.chunk_id, reason="claim taken over")
            session.commit()  # timed here; the scope then has nothing left to commit
    count("ChunksDone")
    count("IdentifiersAnalysed", len(rows))
    count("KeepaTokensSpent", lookup.tokens_consumed)
    return ChunkOutcome("done", held.job_id, held.chunk_id, analysed=len(rows), stored=stored,
                        not_found=len(lookup.not_found), tokens_used=lookup.tokens_consumed, job_status=settled,
                        timings=timings)


def _save_snapshots_apart(lookup: CatalogLookup) -> None:
    """Keep what Keepa was paid for when the chunk's own transaction did not commit (best effort: the database
    may be what failed)."""
    if lookup.unsaved is None:
        return
    try:
        with session_scope() as session:
            lookup.unsaved.save(session)
    except Exception:
        logger.warning("could not save the fetched snapshots", extra={"products": len(lookup.unsaved.products)})


def _give_back(held: Claim, exc: BaseException) -> None:
    reason = getattr(exc, "message", None) or type(exc).__name__
    try:
        with session_scope() as session:
            release(session, held, reason=f"attempt failed: {reason}")
    except Exception:  # the database may be what failed: the lease then expires on its own
        logger.warning("could not release chunk", extra={"job_id": str(held.job_id),
                                                         "chunk_id": str(held.chunk_id)})


@dataclass(slots=True)
class _Begun:
    """A claimed chunk whose lookup is planned and whose Keepa request may already be on its way."""

    held: Claim
    plan: LookupPlan
    client: KeepaClient
    fetch: Callable[[], RawProductLookup | None]
    timings: Timings


def _attempt_failed(held: Claim, exc: BaseException) -> None:
    count("ChunkAttemptFailures")
    _give_back(held, exc)
    logger.warning("chunk attempt failed", extra={"job_id": str(held.job_id), "chunk_id": str(held.chunk_id),
                                                  "error": type(exc).__name__})


def _begin(body: str, *, lease_seconds: float, client: KeepaClient | None, queue: JobsQueue | None,
           prefetch: bool) -> ChunkOutcome | _Begun:
    """Claim the chunk and plan its lookup; with ``prefetch`` its Keepa request starts in the Keepa thread."""
    message = ChunkMessage.parse(body)
    timings = Timings()
    with timings.measure("database"):
        held = claim(message, lease_seconds=lease_seconds)
    if isinstance(held, Refusal):
        return _log(ChunkOutcome("skipped", message.job_id, message.chunk_id, reason=held.reason, timings=timings))
    params = held.params
    try:
        keepa = client or keepa_client(params.domain_id)
        try:
            plan = plan_lookup(held.identifiers, domain_id=params.domain_id, options=params.fetch_options(),
                               force_refresh=params.force_refresh, client=keepa)
        except TokenBudgetError as exc:
            return _log(_wait_for_tokens(held, exc.retry_after_seconds, queue))
        except TokenCapacityError as exc:
            return _log(_fail_now(held, exc.message))
        timings.add(plan.timings)
        plan.timings = Timings()  # the lookup's own phases from here on
        fetch: Callable[[], RawProductLookup | None] = partial(ask_keepa, plan, keepa)
        if prefetch and plan.remaining:
            # In a copy of this context: the invocation's deadline (arbvault.deadline) bounds the Keepa call.
            fetch = _keepa_thread().submit(contextvars.copy_context().run, fetch).result
        return _Begun(held, plan, keepa, fetch, timings)
    except BaseException as exc:
        _attempt_failed(held, exc)
        raise


def _receive(begun: _Begun, queue: JobsQueue | None) -> ChunkOutcome | CatalogLookup:
    """Wait for the chunk's Keepa answer and record it (balance, misses); a 429 becomes a wait."""
    try:
        try:
            lookup = complete_lookup(begun.plan, begun.fetch, begun.client, store_snapshots=False)
        except TokensExhaustedError as exc:
            return _log(_wait_for_tokens(begun.held, exc.retry_after_seconds, queue))
    except BaseException as exc:
        _attempt_failed(begun.held, exc)
        raise
    begun.timings.add(lookup.timings)
    return lookup


def _store_lookup(begun: _Begun, lookup: CatalogLookup) -> ChunkOutcome:
    try:
        return _log(_store(begun.held, lookup, begun.timings))
    except BaseException as exc:
        _save_snapshots_apart(lookup)
        _attempt_failed(begun.held, exc)
        raise


_keepa_pool: ThreadPoolExecutor | None = None


def _keepa_thread() -> ThreadPoolExecutor:
    """One thread per environment for Keepa requests sent ahead: no database access happens there."""
    global _keepa_pool
    if _keepa_pool is None:
        _keepa_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keepa")
    return _keepa_pool


def process_chunk_message(body: str, *, lease_seconds: float, client: KeepaClient | None = None,
                          queue: JobsQueue | None = None) -> ChunkOutcome:
    """Process the chunk named by the message ``body``; returns what was done, raises what should be retried.

    ``lease_seconds`` is how long the claim lasts (the invocation's remaining time). Raises ``JobMessageError``
    for a malformed body or an unknown job or chunk (it will reach the DLQ), and anything that failed the
    attempt (Keepa or database unavailable) after giving the chunk back.
    """
    begun = _begin(body, lease_seconds=lease_seconds, client=client, queue=queue, prefetch=False)
    if isinstance(begun, ChunkOutcome):
        return begun
    received = _receive(begun, queue)
    return received if isinstance(received, ChunkOutcome) else _store_lookup(begun, received)


class ChunkPipeline:
    """An SQS batch's chunk messages, processed in order, each chunk's Keepa request sent while the chunk before
    it is stored.

    ``process(message_id)`` waits for that message's Keepa answer, then claims the next message and starts its
    Keepa request in the Keepa thread (no database there: the environment keeps its one connection), then
    analyses and stores its own chunk. The token guard still sees every answer before the next request, and one
    request at most is in flight. With Keepa's answer taking longer than a chunk's analysis and writes, a worker
    waits for Keepa once per batch instead of once per chunk. A message begun ahead whose own ``process`` never
    comes (the invocation ended) keeps its claim only until the lease ends, as after a crash. Results and errors
    are those of ``process_chunk_message``, raised from the message's own ``process`` call.

    A message due to begin when less than ``start_margin_seconds`` is left is handed back instead (a fresh
    message, the chunk untouched): an invocation running out of time ends cleanly rather than being cut off
    with records that would wait out the visibility timeout and count a receive towards the DLQ.
    """

    def __init__(self, messages: Sequence[tuple[str, str]], *, lease_seconds: Callable[[], float],
                 start_margin_seconds: float = 0.0, client: KeepaClient | None = None,
                 queue: JobsQueue | None = None) -> None:
        self._ids = [message_id for message_id, _ in messages]
        self._bodies = dict(messages)
        self._lease_seconds = lease_seconds
        self._start_margin = start_margin_seconds
        self._client = client
        self._queue = queue
        self._begun: dict[str, ChunkOutcome | _Begun | BaseException] = {}

    def _begin(self, message_id: str) -> ChunkOutcome | _Begun | BaseException:
        try:
            lease_seconds = self._lease_seconds()
            if lease_seconds < self._start_margin:
                return _log(_hand_back(self._bodies[message_id], self._queue))
            return _begin(self._bodies[message_id], lease_seconds=lease_seconds, client=self._client,
                          queue=self._queue, prefetch=True)
        except BaseException as exc:  # raised when its own turn comes, for its own record
            return exc

    def _begin_next(self, message_id: str) -> ChunkOutcome | _Begun | BaseException | None:
        position = self._ids.index(message_id) + 1
        if position == len(self._ids):
            return None
        following = self._ids[position]
        if following not in self._begun:
            self._begun[following] = self._begin(following)
        return self._begun[following]

    def process(self, message_id: str) -> ChunkOutcome:
        current = self._begun.pop(message_id, None) or self._begin(message_id)
        if isinstance(current, BaseException):
            raise current
        if isinstance(current, ChunkOutcome):
            return current
        received = _receive(current, self._queue)
        with current.timings.paused():  # the next chunk's work, timed as its own
            upcoming = self._begin_next(message_id)
        if isinstance(received, ChunkOutcome):
            return received
        with upcoming.timings.paused() if isinstance(upcoming, _Begun) else nullcontext():
            return _store_lookup(current, received)
