"""A run's three steps on the jobs pipeline.

1. ``submit_run`` (the request): the safeguards answer first (422 / 429, nothing spent), then the job (kind
   ``autosourcing``, no chunks yet), its run row and one discovery message are written in one transaction.
2. ``discover`` (the jobs worker, for that message): candidates from Keepa's finder or best-seller list, written
   as the job's ordinary identifier chunks, which the chunk handler analyses like any batch. A short balance
   re-queues the message with Keepa's wait; a redelivered message after the chunks exist does nothing.
3. ``finish_run`` (when the job settles): the job's analyses are rated against the run's scoring config, kept,
   tiered, de-duplicated against the owner's picks of the last 7 days and stored. Picks are unique per run and
   ASIN and the run records when they were stored, so a second finish adds nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import SQLAlchemyError

from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
from arbvault.autosourcing.profiles import active_profile
from arbvault.autosourcing.rating import Scores, meets_criteria, rate, summary, tier
from arbvault.autosourcing.safeguards import estimate_run
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.exceptions import TokenBudgetError
from arbvault.db import session_scope
from arbvault.discovery.candidates import find_candidates
from arbvault.identifiers import InvalidIdentifierError, normalise
from arbvault.jobs.chunking import chunk_identifiers
from arbvault.jobs.claims import lock_job
from arbvault.jobs.creation import add_chunks
from arbvault.jobs.exceptions import JobMessageError
from arbvault.jobs.lifecycle import apply_status, settle_if_finished
from arbvault.jobs.outbox import add_message, publish_pending
from arbvault.jobs.states import ACTIVE_STATUSES, FINISHED_STATUSES, JobStatus
from arbvault.keepa.exceptions import TokensExhaustedError
from arbvault.models.analysis import Analysis
from arbvault.models.autosourcing import AutosourcingPick, AutosourcingRun
from arbvault.models.job import Job
from arbvault.observability import logger

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from arbvault.autosourcing.safeguards import RunEstimate
    from arbvault.identifiers import Identifier
    from arbvault.keepa.client import KeepaClient

    RunGate = Callable[[Session, uuid.UUID, RunEstimate], None]

DISCOVER_STEP: Final = "autosourcing_discover"
DEDUPLICATION_WINDOW: Final = timedelta(days=7)


def discover_message(job_id: uuid.UUID) -> str:
    return json.dumps({"job_id": str(job_id), "step": DISCOVER_STEP}, separators=(",", ":"))


def discover_job_id(body: str) -> uuid.UUID | None:
    """The job of a discovery message; ``None`` for any other body, which the chunk handler then parses (and
    refuses when malformed, so it reaches the dead-letter queue)."""
    try:
        raw = json.loads(body)
        return uuid.UUID(str(raw["job_id"])) if raw.get("step") == DISCOVER_STEP else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _publish(job_id: uuid.UUID) -> None:
    try:
        publish_pending(job_id=job_id)  # queue trouble never raises: the rows stay for the relay
    except SQLAlchemyError as exc:
        logger.warning("outbox publish deferred to the relay", extra={"job_id": str(job_id),
                                                                      "error_type": type(exc).__name__})


def submit_run(*, discovery: DiscoverySpec, scoring: ScoringSpec, owner_key_id: str,
               profile_id: uuid.UUID | None = None, gate: RunGate | None = None) -> tuple[uuid.UUID, int]:
    """Check the safeguards, then write the run's job, run row and discovery message; returns the job id and
    the tokens estimated. Raises 404 for an unknown or inactive profile, 422 for an unknown strategy or a run
    above the per-run limit, 429 (``TokenBudgetError``) when the balance is short. ``gate`` (the scheduler's)
    is called in the run's transaction once the safeguards pass, with the job id to be and the estimate; what it
    raises refuses the run and what it writes commits with the run."""
    keepa_client(discovery.domain_id)  # 422 naming domain_id for a marketplace Keepa does not serve
    job_id = uuid.uuid4()
    with session_scope() as session:
        profile = active_profile(session, profile_id) if profile_id is not None else None
        estimate = estimate_run(session, discovery, scoring)
        estimate.check()
        if gate is not None:
            gate(session, job_id, estimate)
        params = scoring.job_params(discovery.domain_id, offers=estimate.offers)
        name = profile.name if profile is not None else None
        session.add(Job(id=job_id, kind="autosourcing", name=name, status=JobStatus.PENDING.value,
                        owner_key_id=owner_key_id, params=params.as_dict(), items_total=0, chunks_total=0,
                        tokens_used=0))
        session.flush()
        session.add(AutosourcingRun(job_id=job_id, owner_key_id=owner_key_id, profile_id=profile_id,
                                    profile_name=name, discovery_config=discovery.as_dict(),
                                    scoring_config=scoring.as_dict(), tokens_estimated=estimate.tokens_estimated))
        if profile is not None:
            profile.usage_count += 1
            profile.last_used_at = datetime.now(UTC)
        add_message(session, discover_message(job_id), job_id=job_id)
    _publish(job_id)
    logger.info("autosourcing run created", extra={"job_id": str(job_id), "tokens": estimate.tokens_estimated})
    return job_id, estimate.tokens_estimated


DiscoverAction = Literal["discovered", "skipped", "waiting"]


@dataclass(frozen=True, slots=True)
class DiscoverOutcome:
    action: DiscoverAction
    job_id: uuid.UUID
    candidates: int = 0
    wait_seconds: int | None = None


def _identifiers(asins: tuple[str, ...]) -> list[Identifier]:
    parsed: dict[str, Identifier] = {}
    for asin in asins:
        try:
            identifier = normalise(asin)
        except InvalidIdentifierError:  # Keepa named it; it cannot be looked up
            continue
        parsed.setdefault(identifier.value, identifier)
    return list(parsed.values())


def _pending_run(session: Session, job_id: uuid.UUID) -> tuple[Job, AutosourcingRun] | None:
    """The locked job and its run while discovery is still to do; ``None`` when done or the job ended."""
    job = lock_job(session, job_id)
    run = session.get(AutosourcingRun, job_id)
    if job is None or run is None:
        raise JobMessageError(f"unknown autosourcing run {job_id}")
    if run.discovered_at is not None or JobStatus(job.status) not in ACTIVE_STATUSES:
        return None
    return job, run


def discover(job_id: uuid.UUID, *, client: KeepaClient | None = None) -> DiscoverOutcome:
    """Run the discovery step of ``job_id``: candidates become the job's chunks (see the module)."""
    with session_scope() as session:
        pending = _pending_run(session, job_id)
        if pending is None:
            return DiscoverOutcome("skipped", job_id)
        job, run = pending
        if job.status == JobStatus.PENDING.value:
            apply_status(job, JobStatus.RUNNING)
        spec = DiscoverySpec.from_dict(run.discovery_config)
    try:
        candidates = find_candidates(spec.filters(), client=client or keepa_client(spec.domain_id))
    except (TokenBudgetError, TokensExhaustedError) as exc:
        with session_scope() as session:
            add_message(session, discover_message(job_id), job_id=job_id, delay_seconds=exc.retry_after_seconds)
        _publish(job_id)
        return DiscoverOutcome("waiting", job_id, wait_seconds=exc.retry_after_seconds)
    identifiers = _identifiers(candidates.asins)[:spec.max_results]
    settled = None
    with session_scope() as session:
        pending = _pending_run(session, job_id)
        if pending is None:
            return DiscoverOutcome("skipped", job_id)
        job, run = pending
        chunks = chunk_identifiers(identifiers)
        add_chunks(session, job_id, chunks)
        job.items_total, job.chunks_total = len(identifiers), len(chunks)
        job.tokens_used += candidates.tokens_consumed
        run.candidates_found, run.discovered_at = len(identifiers), datetime.now(UTC)
        if not chunks:
            session.flush()
            settled = settle_if_finished(session, job)
    _publish(job_id)
    if settled is not None:
        finish_run(job_id)
    return DiscoverOutcome("discovered", job_id, candidates=len(identifiers))


def fail_discovery(job_id: uuid.UUID, reason: str) -> bool:
    """End a run whose discovery message gave up (the dead-letter queue): its job becomes ERROR with the reason.
    Returns whether it changed anything (not when discovery had run or the job had ended)."""
    with session_scope() as session:
        job = lock_job(session, job_id)
        run = session.get(AutosourcingRun, job_id)
        if job is None or run is None or run.discovered_at is not None:
            return False
        if JobStatus(job.status) not in ACTIVE_STATUSES:
            return False
        job.error_summary = {"failed_chunks": 0, "failed_identifiers": 0, "reasons": [],
                             "message": f"discovery failed: {reason}"[:1000]}
        apply_status(job, JobStatus.ERROR)
    return True


def _scores(row: Analysis) -> Scores | None:
    if row.roi_pct is None or row.profit is None:
        return None
    return Scores(roi_pct=row.roi_pct, net_profit=row.profit, velocity=row.velocity_score,
                  stability=Decimal(row.stability_score), confidence=Decimal(row.confidence_score))


def _pick_rows(session: Session, run: AutosourcingRun, scoring: ScoringSpec) -> list[dict[str, object]]:
    minima = scoring.minima()
    since = datetime.now(UTC) - DEDUPLICATION_WINDOW
    recent = set(session.scalars(select(AutosourcingPick.asin).where(
        AutosourcingPick.owner_key_id == run.owner_key_id, AutosourcingPick.run_id != run.job_id,
        AutosourcingPick.created_at >= since)))
    kept = []
    for row in session.scalars(select(Analysis).where(Analysis.job_id == run.job_id)):
        scores = _scores(row)
        if scores is None or row.asin in recent:
            continue
        rating = rate(scores, minima)
        if meets_criteria(scores, rating, minima):
            kept.append((row, scores, rating))
    kept.sort(key=lambda item: (-item[1].roi_pct, item[0].asin))
    rows = []
    for row, scores, rating in kept[:scoring.max_results]:
        priority = tier(scores, rating)
        rows.append({
            "id": uuid.uuid4(), "run_id": run.job_id, "owner_key_id": run.owner_key_id, "analysis_id": row.id,
            "asin": row.asin, "title": row.title, "category": row.category, "bsr": row.bsr,
            "buy_price": row.buy_price, "sell_price": row.sell_price, "net_profit": scores.net_profit,
            "roi_pct": scores.roi_pct, "velocity_score": scores.velocity, "stability_score": row.stability_score,
            "confidence_score": row.confidence_score, "overall_rating": rating, "priority_tier": priority,
            "is_featured": priority == "HOT", "readable_summary": summary(rating, scores, row.bsr),
        })
    return rows


def finish_run(job_id: uuid.UUID) -> int | None:
    """Store the picks of a settled run once; returns how many were stored, ``None`` when there was nothing
    to do (not a run, not settled, cancelled, or already stored)."""
    with session_scope() as session:
        if session.get(AutosourcingRun, job_id) is None:
            return None
        job = lock_job(session, job_id)
        run = session.get_one(AutosourcingRun, job_id, with_for_update=True)
        if job is None or job.status not in FINISHED_STATUSES or run.picks_stored_at is not None:
            return None
        rows = _pick_rows(session, run, ScoringSpec.from_dict(run.scoring_config))
        if rows:
            session.execute(pg_insert(AutosourcingPick).values(rows)
                            .on_conflict_do_nothing(constraint="uq_autosourcing_picks_run_id_asin"))
        run.picks_stored_at = datetime.now(UTC)
    logger.info("autosourcing picks stored", extra={"job_id": str(job_id), "picks": len(rows)})
    return len(rows)
