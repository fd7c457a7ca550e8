"""ASIN history: the caller's watch list, and each product's tracked points (records, latest) and trend.

The history_tracker function records one point per watched product and day. Points are market data, the same
for every key: any key reads any product's records, latest point and trend. Watches belong to the key that
made them; an admin key sees and removes every key's. A trend comes from the tracked points when tracking
covers the window, else from Keepa's csv history (``source`` says which), so an untracked product has one too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from arbvault.db import session_scope
from arbvault.history.daily import window_start
from arbvault.history.records import RECORDS_CURSOR_KEYS, cursor_day, latest_point, list_points, product_asin
from arbvault.history.schemas import PointOut, TrendOut, WatchCreatedOut, WatchOut
from arbvault.history.trends import trend
from arbvault.history.watchlist import add_watch, list_watches, remove_watch
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity, Identity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor
from arbvault.web.schema_types import DomainId, ProductIdentifier

router = APIRouter(prefix="/api/v1/asin-history", tags=["asin-history"], responses=error_responses(503))

Days = Annotated[int, Query(ge=1, le=365, description="the window, in days ending today (UTC)")]
DomainQuery = Annotated[DomainId, Query()]


class WatchIn(BaseModel):
    """A product to track daily."""

    model_config = ConfigDict(extra="forbid")

    asin: ProductIdentifier
    domain_id: DomainId = 1


def _owner_scope(identity: Identity) -> str | None:
    """Whose watches a caller may see and remove: its own, or every key's for an admin."""
    return None if identity.is_admin else identity.key_id


@router.post("/watch", status_code=201, response_model=WatchCreatedOut, summary="Watch a product",
             responses={200: {"model": WatchCreatedOut, "description": "the key already watched it"},
                        **error_responses(404, 429)})
def post_watch(body: WatchIn, identity: CurrentIdentity, response: Response) -> WatchCreatedOut:
    """Have the tracker record this product every day for the calling key (201; 200 if already watched)."""
    added = add_watch(body.asin, domain_id=body.domain_id, owner_key_id=identity.key_id)
    if not added.created:
        response.status_code = 200
    return WatchCreatedOut.of(added)


@router.get("/watch", response_model=Page[WatchOut], summary="List watched products")
def get_watches(identity: CurrentIdentity, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[WatchOut]:
    """The calling key's watches (an admin's: every key's), newest first."""
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
    with session_scope() as session:
        page = list_watches(session, owner_key_id=_owner_scope(identity), limit=limit, after=after)
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[WatchOut](items=[WatchOut.model_validate(row) for row in page.items], next_cursor=next_cursor)


@router.delete("/watch/{watch_id}", status_code=204, response_class=Response, summary="Stop watching a product",
               responses=error_responses(404))
def delete_watch(watch_id: uuid.UUID, identity: CurrentIdentity) -> Response:
    """Remove a watch of the calling key (an admin: of any key). Points already recorded stay."""
    with session_scope() as session:
        remove_watch(session, watch_id, owner_key_id=_owner_scope(identity))
    return Response(status_code=204)


@router.get("/trends/{asin}", response_model=TrendOut, summary="A product's trend",
            responses=error_responses(404, 429))
def get_trend(asin: ProductIdentifier, _: CurrentIdentity, days: Days = 90,
              domain_id: DomainQuery = 1) -> TrendOut:
    """Price, sales rank and new offers over the window: from tracked points, or Keepa's csv history."""
    today = datetime.now(UTC).date()
    return TrendOut.of(trend(product_asin(asin), domain_id=domain_id, days=days, today=today), days=days)


@router.get("/records/{asin}", response_model=Page[PointOut], summary="A product's tracked points")
def get_records(asin: ProductIdentifier, _: CurrentIdentity, days: Days = 30, limit: Limit = 100,
                cursor: Cursor = None, domain_id: DomainQuery = 1) -> Page[PointOut]:
    """The tracked points of the window, newest first (an empty page when none)."""
    before = cursor_day(decode_cursor(cursor, keys=RECORDS_CURSOR_KEYS)) if cursor else None
    wanted = product_asin(asin)
    since = window_start(datetime.now(UTC).date(), days)
    with session_scope() as session:
        points, next_day = list_points(session, domain_id=domain_id, asin=wanted, since=since,
                                       limit=limit, before=before)
        items = [PointOut.of(point) for point in points]
    next_cursor = encode_cursor({"tracked_on": next_day.isoformat()}) if next_day else None
    return Page[PointOut](items=items, next_cursor=next_cursor)


@router.get("/latest/{asin}", response_model=PointOut, summary="A product's newest tracked point",
            responses=error_responses(404))
def get_latest(asin: ProductIdentifier, _: CurrentIdentity, domain_id: DomainQuery = 1) -> PointOut:
    """The newest point the tracker recorded for the product; 404 when it was never tracked."""
    wanted = product_asin(asin)
    with session_scope() as session:
        return PointOut.of(latest_point(session, domain_id=domain_id, asin=wanted))


app = create_app(router, title="ArbitrageVault ASIN history")
handler = create_handler(app)
