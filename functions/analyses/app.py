"""Analyses: stored analyses listed with filters and any sort (keyset cursor), the top N, get, manual create, delete.

Differences from the original a client would notice: velocity is on the 0-100 scale everywhere (filters
too); pages are ``limit`` + ``cursor`` instead of ``page``/``per_page``; ``sort_by``/``sort_order`` are honoured
(the original always sorted by ROI); ``batch_id`` is accepted as an alias of ``job_id``; a manual analysis
states prices and lets the rules compute fees, profit, ROI and scores instead of storing caller-computed ones.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from arbvault.analyses import (
    CURSOR_KEYS,
    AnalysisFilters,
    InvalidAnalysisQueryError,
    ManualInput,
    Position,
    Sort,
    SortKey,
    SortOrder,
    TopMetric,
    create_manual_analysis,
    delete_analysis,
    get_analysis,
    list_analyses,
    top_analyses,
)
from arbvault.db import session_scope
from arbvault.identifiers import normalise
from arbvault.web import CurrentIdentity, Cursor, Limit, Page, create_app, create_handler, decode_cursor, encode_cursor
from arbvault.web.pagination import DEFAULT_LIMIT

router = APIRouter(prefix="/api/v1/analyses", tags=["analyses"])

PRICE_MAX = 100_000  # keeps ROI and margin inside their numeric(12, 2) columns at a one-cent price
DOMAIN_ID_MAX = 32_767  # analyses.domain_id is a smallint
TOP_LIMIT_MAX = 100
TOP_LIMIT_DEFAULT = 10

Money = Annotated[Decimal, Field(gt=0, le=PRICE_MAX, decimal_places=2, description="dollars, at most 2 decimals")]


class AnalysisOut(BaseModel):
    """A stored analysis: the filterable columns, and ``metrics``, the full detail it was computed with."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    job_id: uuid.UUID | None
    domain_id: int
    identifier: str
    asin: str
    isbn13: str | None
    title: str | None
    category: str | None
    strategy: str
    source: str
    created_by: str
    buy_price: float | None
    sell_price: float | None
    fees: float | None
    profit: float | None
    max_buy_price: float | None
    roi_pct: float | None
    margin_pct: float | None
    velocity_score: float
    stability_score: int
    confidence_score: int
    overall_rating: str
    recommendation: str
    combined_score: float
    bsr: int | None
    offers_count: int | None
    metrics: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class TopOut(BaseModel):
    """The highest-ranked analyses by ``metric``, best first."""

    metric: TopMetric
    items: list[AnalysisOut]


class ManualAnalysisIn(BaseModel):
    """Prices the caller states; the effective rules compute the rest."""

    model_config = ConfigDict(extra="forbid")

    identifier: str = Field(min_length=1, max_length=32, description="ASIN, ISBN-10 or ISBN-13",
                            examples=["0134685997"])
    buy_price: Money = Field(description="what the caller would pay, dollars")
    sell_price: Money = Field(description="what the caller expects to sell for on Amazon, dollars")
    category: str = Field(default="books", min_length=1, max_length=41,
                          description="picks the fee schedule, the rank benchmark and the category's rules")
    weight_lb: Decimal | None = Field(default=None, gt=0, le=150, decimal_places=3,
                                      description="package weight in pounds (1 lb when not given)")
    bsr: int | None = Field(default=None, ge=1, le=2**31 - 1, description="Amazon sales rank")
    strategy: str | None = Field(default=None, min_length=1, max_length=20,
                                 description="a strategy of the rules; chosen by price and rank when not given")
    title: str | None = Field(default=None, max_length=500)
    domain_id: int = Field(default=1, ge=1, le=DOMAIN_ID_MAX, description="Amazon marketplace (Keepa domain id)")


def _filters(
    job_id: Annotated[uuid.UUID | None, Query(description="analyses of one job")] = None,
    batch_id: Annotated[uuid.UUID | None, Query(description="the original's name for job_id")] = None,
    roi_min: Annotated[Decimal | None, Query(description="ROI % at least")] = None,
    roi_max: Annotated[Decimal | None, Query(description="ROI % at most")] = None,
    velocity_min: Annotated[Decimal | None, Query(ge=0, le=100, description="velocity score (0-100) at least")] = None,
    velocity_max: Annotated[Decimal | None, Query(ge=0, le=100, description="velocity score (0-100) at most")] = None,
    recommendation: Annotated[str | None, Query(min_length=1, max_length=20,
                                                description="label, any case; _ stands for a space")] = None,
    asin: Annotated[str | None, Query(min_length=1, max_length=32, description="ASIN, ISBN-10 or ISBN-13")] = None,
) -> AnalysisFilters:
    if job_id is not None and batch_id is not None and job_id != batch_id:
        raise InvalidAnalysisQueryError("query.batch_id", "is an alias of job_id; send one, or the same id twice")
    return AnalysisFilters(job_id=job_id or batch_id, roi_min=roi_min, roi_max=roi_max, velocity_min=velocity_min,
                           velocity_max=velocity_max, recommendation=recommendation, product=asin)


Filters = Annotated[AnalysisFilters, Depends(_filters)]


@router.get("", response_model=Page[AnalysisOut], summary="List analyses")
def list_route(
    _: CurrentIdentity,
    filters: Filters,
    sort_by: SortKey = "created_at",
    sort_order: SortOrder = "desc",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[AnalysisOut]:
    """Analyses matching the filters, in ``sort_by``/``sort_order`` order (missing ROI/profit last), paged."""
    sort = Sort(sort_by, sort_order)
    after = Position.from_dict(decode_cursor(cursor, keys=CURSOR_KEYS), sort=sort) if cursor else None
    with session_scope() as session:
        page = list_analyses(session, filters=filters, sort=sort, limit=limit, after=after)
        items = [AnalysisOut.model_validate(row) for row in page.items]
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[AnalysisOut](items=items, next_cursor=next_cursor)


@router.get("/top", response_model=TopOut, summary="Top analyses")
def top_route(
    _: CurrentIdentity,
    filters: Filters,
    metric: TopMetric = "combined_score",
    limit: Annotated[int, Query(ge=1, le=TOP_LIMIT_MAX)] = TOP_LIMIT_DEFAULT,
) -> TopOut:
    """The best analyses by ``metric`` among those matching the filters (rows without that metric left out)."""
    with session_scope() as session:
        rows = top_analyses(session, metric=metric, filters=filters, limit=limit)
        return TopOut(metric=metric, items=[AnalysisOut.model_validate(row) for row in rows])


@router.get("/{analysis_id}", response_model=AnalysisOut, summary="Get an analysis")
def get_route(analysis_id: uuid.UUID, _: CurrentIdentity) -> AnalysisOut:
    """One stored analysis."""
    with session_scope() as session:
        return AnalysisOut.model_validate(get_analysis(session, analysis_id))


@router.post("", status_code=201, response_model=AnalysisOut, summary="Create a manual analysis")
def create_route(body: ManualAnalysisIn, identity: CurrentIdentity, response: Response) -> AnalysisOut:
    """Analyse stated prices under the effective rules and store the result as this key's manual analysis."""
    data = ManualInput(
        identifier=normalise(body.identifier, field="body.identifier"), buy_price=body.buy_price,
        sell_price=body.sell_price, category=body.category, weight_lb=body.weight_lb, bsr=body.bsr,
        strategy=body.strategy, title=body.title,
    )
    with session_scope() as session:
        row = create_manual_analysis(session, data, created_by=identity.key_id, domain_id=body.domain_id)
        created = AnalysisOut.model_validate(row)
    response.headers["Location"] = f"{router.prefix}/{created.id}"
    return created


@router.delete("/{analysis_id}", status_code=204, response_class=Response, summary="Delete an analysis")
def delete_route(analysis_id: uuid.UUID, identity: CurrentIdentity) -> Response:
    """Delete an analysis: its creator's key or an admin key only."""
    with session_scope() as session:
        delete_analysis(session, analysis_id, requester=identity.key_id, is_admin=identity.is_admin)
    return Response(status_code=204)


app = create_app(router, title="ArbitrageVault analyses")
handler = create_handler(app)
