"""Analyses: stored analyses listed with filters and any sort (keyset cursor), the top N, get, manual create, delete.

Velocity is on the 0-100 scale everywhere (filters too); pages are ``limit`` + ``cursor``; ``sort_by`` /
``sort_order`` choose the order; a job's analyses are filtered by ``job_id``; a manual analysis states prices and
lets the rules compute fees, profit, ROI and scores (docs/rules.md) rather than storing caller-computed ones.
"""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from arbvault.analyses.filters import AnalysisFilters
from arbvault.analyses.out import AnalysisOut
from arbvault.analyses.schemas import AnalysisQuery, PageQuery, page_out
from arbvault.analyses.store import TopMetric, delete_analysis, get_analysis, list_analyses, top_analyses
from arbvault.db import session_scope
from arbvault.engine.conditions import BuyCondition
from arbvault.identifiers import normalise
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import Page
from arbvault.web.schema_types import DomainId, PriceIn, ProductIdentifier, StrategyName, Text

router = APIRouter(prefix="/api/v1/analyses", tags=["analyses"], responses=error_responses(503))

TOP_LIMIT_MAX = 100
TOP_LIMIT_DEFAULT = 10


class TopOut(BaseModel):
    """The highest-ranked analyses by ``metric``, best first."""

    metric: TopMetric
    items: list[AnalysisOut]


class ManualAnalysisIn(BaseModel):
    """Prices the caller states; the effective rules compute the rest."""

    model_config = ConfigDict(extra="forbid")

    identifier: ProductIdentifier
    buy_price: PriceIn = Field(description="what the caller would pay, dollars")
    sell_price: PriceIn = Field(description="what the caller expects to sell for on Amazon, dollars")
    category: Text = Field(default="books", min_length=1, max_length=41,
                           description="picks the fee schedule, the rank benchmark and the category's rules")
    weight_lb: Decimal | None = Field(default=None, gt=0, le=150, decimal_places=3,
                                      description="package weight in pounds (1 lb when not given)")
    bsr: int | None = Field(default=None, ge=1, le=2**31 - 1, description="Amazon sales rank")
    strategy: StrategyName | None = None
    title: Text | None = Field(default=None, max_length=500)
    buy_condition: BuyCondition | None = Field(default=None,
                                               description="condition of the copy bought; else the strategy's default")
    domain_id: DomainId = 1


def _filters(
    common: AnalysisQuery,
    job_id: Annotated[uuid.UUID | None, Query(description="analyses of one job")] = None,
) -> AnalysisFilters:
    return dataclasses.replace(common, job_id=job_id)


Filters = Annotated[AnalysisFilters, Depends(_filters)]


@router.get("", response_model=Page[AnalysisOut], summary="List analyses")
def list_route(identity: CurrentIdentity, filters: Filters, page: PageQuery) -> Page[AnalysisOut]:
    """The caller's analyses (an admin's: everyone's) matching the filters, in ``sort_by``/``sort_order`` order
    (missing ROI/profit last), paged."""
    with session_scope() as session:
        return page_out(list_analyses(session, owner_key_id=identity.owner_scope, filters=filters, sort=page.sort,
                                      limit=page.limit, after=page.after))


@router.get("/top", response_model=TopOut, summary="Top analyses")
def top_route(
    identity: CurrentIdentity,
    filters: Filters,
    metric: TopMetric = "combined_score",
    limit: Annotated[int, Query(ge=1, le=TOP_LIMIT_MAX)] = TOP_LIMIT_DEFAULT,
) -> TopOut:
    """The caller's best analyses by ``metric`` among those matching the filters (rows without it left out)."""
    with session_scope() as session:
        rows = top_analyses(session, owner_key_id=identity.owner_scope, metric=metric, filters=filters, limit=limit)
        return TopOut(metric=metric, items=[AnalysisOut.model_validate(row) for row in rows])


@router.get("/{analysis_id}", response_model=AnalysisOut, summary="Get an analysis", responses=error_responses(404))
def get_route(analysis_id: uuid.UUID, identity: CurrentIdentity) -> AnalysisOut:
    """One stored analysis of the caller's (any, for an admin); another key's is 404."""
    with session_scope() as session:
        return AnalysisOut.model_validate(get_analysis(session, analysis_id, owner_key_id=identity.owner_scope))


@router.post("", status_code=201, response_model=AnalysisOut, summary="Create a manual analysis")
def create_route(body: ManualAnalysisIn, identity: CurrentIdentity, response: Response) -> AnalysisOut:
    """Analyse stated prices under the effective rules and store the result as this key's manual analysis."""
    from arbvault.analyses.manual import ManualInput, create_manual_analysis  # the engine serves this route only

    data = ManualInput(
        identifier=normalise(body.identifier, field="body.identifier"), buy_price=body.buy_price,
        sell_price=body.sell_price, category=body.category, weight_lb=body.weight_lb, bsr=body.bsr,
        strategy=body.strategy, title=body.title, buy_condition=body.buy_condition,
    )
    with session_scope() as session:
        row = create_manual_analysis(session, data, created_by=identity.key_id, domain_id=body.domain_id)
        created = AnalysisOut.model_validate(row)
    response.headers["Location"] = f"{router.prefix}/{created.id}"
    return created


@router.delete("/{analysis_id}", status_code=204, response_class=Response, summary="Delete an analysis",
                responses=error_responses(404))
def delete_route(analysis_id: uuid.UUID, identity: CurrentIdentity) -> Response:
    """Delete an analysis of the caller's (any, for an admin); another key's is 404."""
    with session_scope() as session:
        delete_analysis(session, analysis_id, owner_key_id=identity.owner_scope)
    return Response(status_code=204)


app = create_app(router, title="ArbitrageVault analyses")
handler = create_handler(app)
