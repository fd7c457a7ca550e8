"""The HTTP side of jobs: the analysis options a job-creating body carries, with one set of limits for every
route that creates a job (``POST /api/v1/batches`` and a large ``POST /api/v1/keepa/ingest``), and the one shape
of a job every route returns (``GET /api/v1/batches/{batch_id}``; the two 202s add the identifiers left out).

Import them from this module: the package does not re-export them, because the workers import
``arbvault.jobs`` and have no use for pydantic at cold start.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, ConfigDict, Field

from arbvault.engine.conditions import BuyCondition
from arbvault.jobs.params import JobParams, estimate_tokens
from arbvault.jobs.states import JobKind, JobStatus
from arbvault.web.schema_types import DEFAULT_OFFERS, DecimalNumber, DomainId, Offers, PriceIn, StrategyName

if TYPE_CHECKING:
    from arbvault.catalog.screening import RejectedIdentifier
    from arbvault.jobs.queries import JobSummary
    from arbvault.jobs.submit import Submission

BATCHES_PATH: Final = "/api/v1/batches"


def job_status_url(job_id: uuid.UUID) -> str:
    """Where a job's status and progress are read: the batches route serves every job, whatever created it."""
    return f"{BATCHES_PATH}/{job_id}"


def accepted_headers(submission: Submission) -> dict[str, str]:
    """A 202 answer's headers: ``Location`` (the job's status URL) and, when an earlier request with the same
    Idempotency-Key created the job, ``Idempotent-Replayed: true``."""
    headers = {"Location": job_status_url(submission.job.id)}
    if not submission.created:
        headers["Idempotent-Replayed"] = "true"
    return headers


class RejectedIdentifierOut(BaseModel):
    """An entry of ``identifiers`` that is no ASIN, ISBN-10 or ISBN-13, left out of the work."""

    index: int = Field(description="its position in the request's identifiers")
    value: str = Field(description="as sent")
    reason: str

    @classmethod
    def listed(cls, rejected: Iterable[RejectedIdentifier]) -> list[RejectedIdentifierOut]:
        return [cls(index=r.index, value=r.value, reason=r.reason) for r in rejected]


class JobOptionsIn(BaseModel):
    """How every identifier of a job is analysed; a job-creating body extends it with its identifiers."""

    model_config = ConfigDict(extra="forbid")

    strategy: StrategyName | None = None
    domain_id: DomainId = 1
    buy_price: PriceIn | None = Field(default=None, description="your acquisition cost; else the strategy's source")
    buy_condition: BuyCondition | None = Field(default=None, description="condition of the copy at buy_price; "
                                               "else the strategy's default condition")
    force_refresh: bool = Field(default=False, description="ignore stored Keepa snapshots (spends tokens again)")
    offers: Offers = DEFAULT_OFFERS

    def params(self, *, config_profile: str | None = None) -> JobParams:
        """The job's parameters: these options, and ``config_profile`` (a label echoed back) when given."""
        return JobParams(domain_id=self.domain_id, strategy=self.strategy, buy_price=self.buy_price,
                         buy_condition=self.buy_condition,
                         force_refresh=self.force_refresh, offers=self.offers or None, config_profile=config_profile)


class JobParamsOut(BaseModel):
    """The options every identifier of a job is analysed with."""

    domain_id: int
    strategy: str | None
    buy_price: DecimalNumber | None
    buy_condition: str | None
    force_refresh: bool
    offers: int | None
    config_profile: str | None


class ProgressOut(BaseModel):
    """How far a job is, derived from its chunks: processed = succeeded + not_found + failed."""

    total: int
    processed: int
    succeeded: int
    not_found: int
    failed: int
    percent: float
    chunks_total: int
    chunks_done: int
    chunks_failed: int


class JobOut(BaseModel):
    """A job, its options, its progress and, when chunks failed, how many and why."""

    id: uuid.UUID
    kind: JobKind
    name: str | None
    status: JobStatus
    owner_key_id: str
    params: JobParamsOut
    items_total: int = Field(description="distinct identifiers in the job")
    tokens_estimated: int = Field(description="Keepa tokens the job needs at most (stored snapshots cost 0)")
    tokens_used: int
    error_summary: dict[str, Any] | None
    progress: ProgressOut
    status_url: str
    results_url: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None

    @classmethod
    def of(cls, job: JobSummary) -> JobOut:
        url = job_status_url(job.id)
        return cls.model_validate({**job.as_dict(), "params": job.params, "status_url": url,
                                   "results_url": f"{url}/results",
                                   "tokens_estimated": estimate_tokens(job.items_total, params=job.params)},
                                  from_attributes=True)


class JobAccepted(JobOut):
    """A job just accepted (or the one an earlier request with the same Idempotency-Key created), with the entries
    of the request it left out."""

    invalid_identifiers: list[RejectedIdentifierOut] = Field(
        description="entries left out of the job: no ASIN, ISBN-10 or ISBN-13")

    @classmethod
    def of_submission(cls, submission: Submission) -> JobAccepted:
        return cls(**dict(JobOut.of(submission.job)),
                   invalid_identifiers=RejectedIdentifierOut.listed(submission.rejected))
