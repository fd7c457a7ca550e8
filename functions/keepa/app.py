"""Keepa: ingest (analyse and store up to the synchronous threshold; above it, queue a job and answer 202), one
product's metrics, its raw Keepa object (admin), and the token balance (free: never spends a token).

Products come through the catalog's snapshots, so a repeat within ``KEEPA_SNAPSHOT_TTL_SECONDS`` costs 0
tokens; ``force_refresh`` bypasses them. Every paid call is checked by the token guard first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from arbvault.analyses.out import AnalysisOut
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.fetch_options import DEFAULT_STATS_DAYS, FetchOptions
from arbvault.catalog.guard import current_estimate
from arbvault.db import session_scope
from arbvault.engine.conditions import BuyCondition
from arbvault.jobs.schemas import (
    JobAccepted,
    JobOptionsIn,
    RejectedIdentifierOut,
    accepted_headers,
)
from arbvault.web.app import create_app, create_handler
from arbvault.web.headers import IdempotencyKey
from arbvault.web.identity import AdminIdentity, CurrentIdentity, Identity, RoleCheckedRoute
from arbvault.web.openapi_errors import error_responses
from arbvault.web.schema_types import DEFAULT_OFFERS, DomainId, Offers, PriceIn, ProductIdentifier, StrategyName, Text

router = APIRouter(prefix="/api/v1/keepa", tags=["keepa"], route_class=RoleCheckedRoute,
                   responses=error_responses(503))


class IngestIn(JobOptionsIn):
    """What to analyse and how."""

    identifiers: list[Text] = Field(min_length=1, description=(
        "ASINs, ISBN-10s or ISBN-13s; duplicates count once; entries that are none of these are left out and "
        "listed in invalid_identifiers (422 only when none is usable)"))


class IngestOut(BaseModel):
    items: list[AnalysisOut]
    not_found_identifiers: list[str]
    tokens_used: int
    snapshot_hits: int = Field(description="products served from stored snapshots (0 tokens)")
    cached_not_found: int = Field(description="identifiers known missing from a recent lookup (0 tokens)")
    invalid_identifiers: list[RejectedIdentifierOut] = Field(description="entries that are no ASIN, ISBN-10 or ISBN-13")



class MetricsOut(BaseModel):
    identifier: str
    asin: str
    analysis: dict[str, Any]
    tokens_used: int
    snapshot_hit: bool


class RawOut(BaseModel):
    identifier: str
    asin: str
    fetched_at: datetime
    snapshot_hit: bool
    options: dict[str, Any]
    tokens_used: int
    product: dict[str, Any]


class TokensOut(BaseModel):
    tokens_left: int = Field(description="balance in the last Keepa answer")
    estimated_now: int = Field(description="that balance plus the refills since, capped at an hour's worth")
    refill_rate: int
    refill_in_ms: int | None
    token_flow_reduction: float
    observed_at: datetime
    server_time: datetime | None
    estimated_at: datetime
    source: str = Field(description="last_response (any Keepa call) or token_endpoint (/token, free)")


def _options(offers: int) -> FetchOptions:
    return FetchOptions(stats_days=DEFAULT_STATS_DAYS, offers=offers or None)


def _queue_ingest(body: IngestIn, identity: Identity, idempotency_key: str | None) -> JSONResponse:
    """The batches route's job, of kind ``ingest``: created (or found by its key), token-guarded, published."""
    from arbvault.jobs.submit import submit_job  # the job path: only lists above the synchronous threshold

    submitted = submit_job(kind="ingest", identifiers=body.identifiers, owner_key_id=identity.key_id,
                           params=body.params(), request_body=body.model_dump(mode="json"),
                           idempotency_key=idempotency_key)
    answer = JobAccepted.of_submission(submitted)
    return JSONResponse(answer.model_dump(mode="json"), status_code=202, headers=accepted_headers(submitted))


@router.post("/ingest", response_model=IngestOut, summary="Analyse and store products",
             responses={202: {"model": JobAccepted, "description": "above the threshold: queued as a job"},
                        **error_responses(409, 413, 429)})
def post_ingest(body: IngestIn, identity: CurrentIdentity, response: Response,
                idempotency_key: IdempotencyKey = None) -> IngestOut | JSONResponse:
    """Analyse up to the synchronous threshold of identifiers and store each analysis; larger lists become a
    job (202, its status URL in ``status_url`` and Location)."""
    from arbvault.catalog.ingest import TooManyForSync, ingest  # the engine: /tokens never loads it

    result = ingest(body.identifiers, created_by=identity.key_id, buy_price=body.buy_price,
                    buy_condition=body.buy_condition,
                    strategy=body.strategy, domain_id=body.domain_id, force_refresh=body.force_refresh,
                    options=_options(body.offers))
    if isinstance(result, TooManyForSync):
        return _queue_ingest(body, identity, idempotency_key)
    response.headers["Server-Timing"] = result.timings.server_timing()
    return IngestOut(items=[AnalysisOut.model_validate(item) for item in result.items],
                     not_found_identifiers=list(result.not_found), tokens_used=result.tokens_consumed,
                     snapshot_hits=result.snapshot_hits, cached_not_found=result.miss_hits,
                     invalid_identifiers=RejectedIdentifierOut.listed(result.rejected))


@router.get("/tokens", summary="Keepa token balance")
def get_tokens(
    _: CurrentIdentity,
    refresh: Annotated[bool, Query(description="ask Keepa's /token (free) instead of the stored balance")] = False,
) -> TokensOut:
    """The last known balance projected to now; asks Keepa's free /token only when none is known or asked to."""
    client = keepa_client()
    with session_scope() as session:
        current = current_estimate(session, client, refresh=refresh)
    return TokensOut.model_validate(current.as_dict())


@router.get("/{asin}/metrics", summary="Analyse one product", responses=error_responses(404, 429))
def get_metrics(
    asin: ProductIdentifier,
    _: CurrentIdentity,
    buy_price: Annotated[PriceIn | None, Query()] = None,
    buy_condition: Annotated[BuyCondition | None, Query(description="condition of the copy at buy_price")] = None,
    strategy: Annotated[StrategyName | None, Query()] = None,
    domain_id: Annotated[DomainId, Query()] = 1,
    force_refresh: bool = False,
    offers: Annotated[Offers, Query()] = DEFAULT_OFFERS,
) -> MetricsOut:
    """The analysis of one ASIN, ISBN-10 or ISBN-13 under the effective rules (not stored)."""
    from arbvault.catalog.single import analyse_one  # the engine: /tokens never loads it

    metrics, answer = analyse_one(asin, domain_id=domain_id, buy_price=buy_price, buy_condition=buy_condition,
                                  strategy=strategy,
                                  force_refresh=force_refresh, options=_options(offers))
    return MetricsOut(identifier=answer.item.identifier.value, asin=answer.item.asin, analysis=metrics,
                      tokens_used=answer.tokens_consumed, snapshot_hit=answer.item.from_snapshot)


@router.get("/{asin}/raw", summary="Raw Keepa product (admin)", responses=error_responses(404, 429))
def get_raw(
    asin: ProductIdentifier,
    _: AdminIdentity,
    domain_id: Annotated[DomainId, Query()] = 1,
    force_refresh: bool = False,
    offers: Annotated[Offers, Query()] = 0,
) -> RawOut:
    """The Keepa product object as stored in the snapshot (fetched first if none is fresh)."""
    from arbvault.catalog.single import lookup_one  # the engine: /tokens never loads it

    answer = lookup_one(asin, domain_id=domain_id, force_refresh=force_refresh, options=_options(offers))
    item = answer.item
    return RawOut(identifier=item.identifier.value, asin=item.asin, fetched_at=item.fetched_at,
                  snapshot_hit=item.from_snapshot, options=item.options.as_dict(),
                  tokens_used=answer.tokens_consumed, product=item.raw)


app = create_app(router, title="ArbitrageVault Keepa")
handler = create_handler(app)
