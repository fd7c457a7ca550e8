"""Batches: analyse up to 10,000 identifiers as a job (202), list jobs, follow one's progress, read its analyses,
cancel it, move it through its legal statuses, and estimate what a batch costs in Keepa tokens.

Every job is a batch here, whatever created it (this route or a large ``POST /api/v1/keepa/ingest``), so each
job's status URL is ``/api/v1/batches/{id}``. A key sees its own jobs; an admin key sees all. The job logic
(chunks, outbox, state machine, progress) lives in ``arbvault.jobs``; the token guard in ``arbvault.catalog``.

Creation answers 202 with a status URL (work is queued, not done; docs/pipeline.md), statuses are the job
pipeline's PENDING/RUNNING/SUCCESS/ERROR/CANCELLED, an illegal status change is 409, and lists page by cursor.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from arbvault.analyses.filters import AnalysisFilters
from arbvault.analyses.out import AnalysisOut
from arbvault.analyses.schemas import AnalysisQuery, page_out, page_request
from arbvault.analyses.store import SortKey, SortOrder
from arbvault.catalog.screening import screen_identifiers
from arbvault.db import session_scope
from arbvault.exceptions import InvalidInputError
from arbvault.jobs.chunking import MAX_JOB_IDENTIFIERS, check_job_size
from arbvault.jobs.lifecycle import cancel_job, transition
from arbvault.jobs.params import JobParams, estimate_tokens
from arbvault.jobs.queries import get_job, list_jobs
from arbvault.jobs.results import (
    UNRESOLVED_CURSOR_KEYS,
    UnresolvedPosition,
    UnresolvedStatus,
    job_results,
    unresolved_identifiers,
)
from arbvault.jobs.schemas import (
    JobAccepted,
    JobOptionsIn,
    JobOut,
    RejectedIdentifierOut,
    accepted_headers,
)
from arbvault.jobs.states import JobKind, parse_status
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.web.app import create_app, create_handler
from arbvault.web.headers import IdempotencyKey
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor
from arbvault.web.schema_types import DEFAULT_OFFERS, DomainId, Offers, Text

router = APIRouter(prefix="/api/v1/batches", tags=["batches"], responses=error_responses(503))

class BatchIn(JobOptionsIn):
    """A batch to analyse: identifiers and the options every one of them is analysed with."""

    name: Text = Field(min_length=1, max_length=200, description="your label for the batch")
    identifiers: list[Text] = Field(min_length=1, description=(
        f"ASINs, ISBN-10s or ISBN-13s; duplicates count once; at most {MAX_JOB_IDENTIFIERS:,} distinct; entries "
        "that are none of these are left out and listed in the answer (422 only when none is usable)"))
    config_profile: Text | None = Field(default=None, min_length=1, max_length=50,
                                        description="a label kept with the job and echoed back")


ResultStatus = Literal["analysed", UnresolvedStatus]


class UnresolvedIdentifierOut(BaseModel):
    """An identifier of the job without an analysis: Keepa had no product for it, or its chunk failed."""

    identifier: str = Field(description="as the job holds it (normalised)")
    status: UnresolvedStatus
    reason: str | None = Field(description="why: no product at Keepa, or the failed chunk's last error")


class StatusIn(BaseModel):
    """The status to move to (any case); only the state machine's transitions are allowed."""

    model_config = ConfigDict(extra="forbid")

    status: Text = Field(min_length=1, max_length=20, examples=["CANCELLED"])
    error_message: Text | None = Field(default=None, max_length=500, description="kept when the status is ERROR")


class EstimateIn(BaseModel):
    """What to price: the identifiers of a batch, or just how many there will be."""

    model_config = ConfigDict(extra="forbid")

    identifiers: list[Text] | None = Field(default=None, min_length=1,
                                          description="duplicates count once; entries that are no identifier do not")
    count: int | None = Field(default=None, ge=1, le=MAX_JOB_IDENTIFIERS)
    domain_id: DomainId = 1
    offers: Offers = DEFAULT_OFFERS

    @model_validator(mode="after")
    def _one_of(self) -> EstimateIn:
        if (self.identifiers is None) == (self.count is None):
            raise ValueError("send either identifiers or count, not both and not neither")
        return self


class EstimateOut(BaseModel):
    """A batch's token cost against the balance the token guard would use for it now."""

    items_total: int = Field(description="distinct identifiers priced")
    invalid_identifiers: list[RejectedIdentifierOut] = Field(
        default_factory=list, description="entries a batch of these identifiers would leave out")
    tokens_required: int = Field(description="at most this many (stored snapshots cost 0)")
    balance: int = Field(description="the last known balance plus refills since")
    sufficient: bool = Field(description="whether POST /api/v1/batches would pass the token guard now")
    deficit: int
    capacity_exceeded: bool = Field(description="more than the plan's bucket ever holds: split the batch")
    retry_after_seconds: int | None = Field(description="when refills will have covered the deficit")
    refill_rate: int = Field(description="tokens added per minute")
    refill_in_ms: int | None
    balance_source: str
    observed_at: datetime


@router.post("", status_code=202, summary="Create a batch job", responses=error_responses(409, 413, 429))
def create_batch(body: BatchIn, identity: CurrentIdentity, response: Response,
                 idempotency_key: IdempotencyKey = None) -> JobAccepted:
    """Queue the identifiers for analysis; follow the job at ``status_url`` (also the Location header)."""
    from arbvault.jobs.submit import submit_job  # the business rules and the outbox: only creating loads them

    submitted = submit_job(kind="batch", identifiers=body.identifiers, owner_key_id=identity.key_id,
                           params=body.params(config_profile=body.config_profile),
                           request_body=body.model_dump(mode="json"),
                           idempotency_key=idempotency_key, name=body.name)
    response.headers.update(accepted_headers(submitted))
    return JobAccepted.of_submission(submitted)


@router.get("", response_model=Page[JobOut], summary="List batch jobs")
def list_batches(
    identity: CurrentIdentity,
    status: Annotated[Text | None, Query(min_length=1, max_length=20, description="one status, any case")] = None,
    kind: Annotated[JobKind | None, Query(description="batch (this route) or ingest (a large Keepa ingest)")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[JobOut]:
    """The caller's jobs (an admin's: everyone's), newest first, with their progress."""
    wanted = parse_status(status, field="query.status") if status is not None else None
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
    with session_scope() as session:
        page = list_jobs(session, owner_key_id=identity.owner_scope, status=wanted, kind=kind, limit=limit,
                         after=after)
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[JobOut](items=[JobOut.of(job) for job in page.items], next_cursor=next_cursor)


@router.post("/estimate", summary="Estimate a batch's Keepa token cost", responses=error_responses(413))
def estimate_batch(body: EstimateIn, _: CurrentIdentity) -> EstimateOut:
    """Tokens a batch needs, the balance now, and whether creating it would pass the token guard (free)."""
    from arbvault.catalog.clients import keepa_client  # the token guard and Keepa: only the estimate reads them
    from arbvault.catalog.guard import would_pass

    screened = screen_identifiers(body.identifiers) if body.identifiers is not None else None
    count = len(screened.valid) if screened is not None else int(body.count or 0)
    check_job_size(count, field="body.identifiers")
    required = estimate_tokens(count, params=JobParams(domain_id=body.domain_id, offers=body.offers or None))
    client = keepa_client(body.domain_id)
    with session_scope() as session:
        answer = would_pass(session, client, required)
    current = answer.current
    rejected = RejectedIdentifierOut.listed(screened.rejected) if screened is not None else []
    return EstimateOut(items_total=count, invalid_identifiers=rejected, tokens_required=required,
                       balance=current.estimated, sufficient=answer.sufficient,
                       deficit=max(0, required - current.estimated), capacity_exceeded=answer.capacity_exceeded,
                       retry_after_seconds=answer.retry_after_seconds, refill_rate=current.balance.refill_rate,
                       refill_in_ms=current.refill_in_ms, balance_source=current.source,
                       observed_at=current.balance.observed_at)


@router.get("/{batch_id}", summary="Get a batch job with its progress", responses=error_responses(404))
def get_batch(batch_id: uuid.UUID, identity: CurrentIdentity) -> JobOut:
    """The job, its progress and, if chunks failed, the failure count and reasons."""
    with session_scope() as session:
        return JobOut.of(get_job(session, batch_id, owner_key_id=identity.owner_scope))


@router.get("/{batch_id}/results", response_model=Page[AnalysisOut] | Page[UnresolvedIdentifierOut],
            summary="A batch job's analyses, or its identifiers without one", responses=error_responses(404))
def batch_results(
    batch_id: uuid.UUID,
    identity: CurrentIdentity,
    filters: AnalysisQuery,
    status: Annotated[ResultStatus, Query(description=(
        "analysed (default): the stored analyses; not_found / failed: the identifiers Keepa had no product for "
        "or whose chunk failed, with the reason (the analysis filters and sort_by do not apply to these)"))]
    = "analysed",
    sort_by: SortKey = "created_at",
    sort_order: SortOrder = "desc",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[AnalysisOut] | Page[UnresolvedIdentifierOut]:
    """The analyses the job stored so far, filtered and sorted like ``/api/v1/analyses``; or, with ``status``,
    the identifiers that got none and why. Paged."""
    owner = identity.owner_scope
    if status == "analysed":
        page = page_request(sort_by, sort_order, limit, cursor)
        with session_scope() as session:
            return page_out(job_results(session, batch_id, owner_key_id=owner, filters=filters, sort=page.sort,
                                        limit=page.limit, after=page.after))
    if filters != AnalysisFilters():
        raise InvalidInputError(f"the analysis filters do not apply to status={status}",
                                details=[{"field": "query.status", "message": "filters apply to analysed only"}])
    after = UnresolvedPosition.from_dict(decode_cursor(cursor, keys=UNRESOLVED_CURSOR_KEYS)) if cursor else None
    with session_scope() as session:
        found = unresolved_identifiers(session, batch_id, status=status, owner_key_id=owner, limit=limit,
                                       after=after)
    items = [UnresolvedIdentifierOut(identifier=i.identifier, status=i.status, reason=i.reason) for i in found.items]
    next_cursor = encode_cursor(found.next_position.as_dict()) if found.next_position else None
    return Page[UnresolvedIdentifierOut](items=items, next_cursor=next_cursor)


@router.post("/{batch_id}/cancel", summary="Cancel a batch job", responses=error_responses(404, 409))
def cancel_batch(batch_id: uuid.UUID, identity: CurrentIdentity) -> JobOut:
    """Stop a pending or running job: unclaimed chunks are skipped, stored analyses stay; 409 once finished."""
    with session_scope() as session:
        return JobOut.of(cancel_job(session, batch_id, owner_key_id=identity.owner_scope))


@router.patch("/{batch_id}/status", summary="Change a batch job's status", responses=error_responses(404, 409))
def patch_status(batch_id: uuid.UUID, body: StatusIn, identity: CurrentIdentity) -> JobOut:
    """Move the job along PENDING -> RUNNING -> SUCCESS | ERROR | CANCELLED (or PENDING -> CANCELLED); 409 else."""
    target = parse_status(body.status, field="body.status")
    with session_scope() as session:
        return JobOut.of(transition(session, batch_id, target, owner_key_id=identity.owner_scope,
                                      error_message=body.error_message))


app = create_app(router, title="ArbitrageVault batches")
handler = create_handler(app)
