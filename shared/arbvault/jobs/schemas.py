"""The HTTP side of creating a job: the analysis options a job-creating body carries, with one set of limits for
every route that creates a job (``POST /api/v1/batches`` and a large ``POST /api/v1/keepa/ingest``).

Import them from this module: the package does not re-export them, because the workers import
``arbvault.jobs`` and have no use for pydantic at cold start.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from arbvault.analysis import BuyCondition
from arbvault.jobs.params import JobParams
from arbvault.web.schema_types import PriceIn

if TYPE_CHECKING:
    from arbvault.catalog import RejectedIdentifier

STRATEGY_MAX_LENGTH = 50

DomainId = Annotated[int, Field(ge=1, le=12, description="Keepa marketplace (1 = amazon.com)")]
Offers = Annotated[int, Field(ge=20, le=100, description="live offers to fetch per product (6 tokens per 10)")]


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

    strategy: str | None = Field(default=None, min_length=1, max_length=STRATEGY_MAX_LENGTH,
                                 description="a strategy of the business rules; else picked per product")
    domain_id: DomainId = 1
    buy_price: PriceIn | None = Field(default=None, description="your acquisition cost; else the strategy's source")
    buy_condition: BuyCondition | None = Field(default=None, description="condition of the copy at buy_price; "
                                               "else the strategy's default condition")
    force_refresh: bool = Field(default=False, description="ignore stored Keepa snapshots (spends tokens again)")
    offers: Offers | None = None

    def params(self, *, config_profile: str | None = None) -> JobParams:
        """The job's parameters: these options, and ``config_profile`` (a label echoed back) when given."""
        return JobParams(domain_id=self.domain_id, strategy=self.strategy, buy_price=self.buy_price,
                         buy_condition=self.buy_condition,
                         force_refresh=self.force_refresh, offers=self.offers, config_profile=config_profile)
