"""The HTTP side of jobs: the analysis options a job-creating body carries, with one set of limits for every
route that creates a job (``POST /api/v1/batches`` and a large ``POST /api/v1/keepa/ingest``), and the one shape
of a job every route returns (those two 202s and ``GET /api/v1/batches/{batch_id}``).

Import them from this module: the package does not re-export them, because the workers import
``arbvault.jobs`` and have no use for pydantic at cold start.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from arbvault.jobs.creation import JobKind
from arbvault.jobs.estimate import estimate_tokens
from arbvault.jobs.params import JobParams
from arbvault.jobs.queries import JobSummary
from arbvault.jobs.states import JobStatus
from arbvault.jobs.submit import job_status_url
from arbvault.web.schema_types import DecimalNumber, DomainId, PriceIn, StrategyName

Offers = Annotated[int, Field(ge=20, le=100, description="live offers to fetch per product (6 tokens per 10)")]


class JobOptionsIn(BaseModel):
    """How every identifier of a job is analysed; a job-creating body extends it with its identifiers."""

    model_config = ConfigDict(extra="forbid")

    strategy: StrategyName | None = None
    domain_id: DomainId = 1
    buy_price: PriceIn | None = Field(default=None, description="your acquisition cost; else the strategy's source")
    force_refresh: bool = Field(default=False, description="ignore stored Keepa snapshots (spends tokens again)")
    offers: Offers | None = None

    def params(self, *, config_profile: str | None = None) -> JobParams:
        """The job's parameters: these options, and ``config_profile`` (a label echoed back) when given."""
        return JobParams(domain_id=self.domain_id, strategy=self.strategy, buy_price=self.buy_price,
                         force_refresh=self.force_refresh, offers=self.offers, config_profile=config_profile)


class JobParamsOut(BaseModel):
    """The options every identifier of a job is analysed with."""

    domain_id: int
    strategy: str | None
    buy_price: DecimalNumber | None
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
