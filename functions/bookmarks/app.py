"""Bookmarks: niches saved by the calling API key, and their filters re-run as ``niche`` jobs.

A saved niche keeps the niche discover or analyze request it was found with; ``POST .../run`` passes the token
guard for that request's estimate (429 with Retry-After when short; nothing spent) and queues its candidates as
a ``niche`` job: 202 with Location ``/api/v1/batches/{id}``. Every route sees the caller's own niches (an admin
key: every key's); another key's id is 404. Names are unique per key in any case (409). The logic lives in
``arbvault.bookmarks``.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from arbvault.bookmarks.schemas import FiltersOut, SavedNicheIn, SavedNicheOut, SavedNicheUpdateIn
from arbvault.bookmarks.store import (
    create_saved_niche,
    delete_saved_niche,
    get_saved_niche,
    list_saved_niches,
    update_saved_niche,
)
from arbvault.db import session_scope
from arbvault.jobs.schemas import JobOut, accepted_headers
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.web.app import create_app, create_handler
from arbvault.web.headers import IdempotencyKey
from arbvault.web.identity import CurrentIdentity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor

PREFIX = "/api/v1/bookmarks/niches"
router = APIRouter(prefix=PREFIX, tags=["bookmarks"], responses=error_responses(503))


@router.post("", status_code=201, summary="Save a niche", responses=error_responses(409))
def save(body: SavedNicheIn, identity: CurrentIdentity, response: Response) -> SavedNicheOut:
    """A named niche with the discover or analyze request it was found with; 409 when the key has that name."""
    with session_scope() as session:
        saved = SavedNicheOut.of(create_saved_niche(session, body.values(), owner_key_id=identity.key_id))
    response.headers["Location"] = f"{PREFIX}/{saved.id}"
    return saved


@router.get("", response_model=Page[SavedNicheOut], summary="List saved niches")
def saved_niches(identity: CurrentIdentity, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[SavedNicheOut]:
    """The caller's saved niches (an admin's: every key's), newest first."""
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
    with session_scope() as session:
        page = list_saved_niches(session, owner_key_id=identity.owner_scope, limit=limit, after=after)
        return Page[SavedNicheOut](items=[SavedNicheOut.of(saved) for saved in page.items],
                                   next_cursor=encode_cursor(page.next_position.as_dict()) if page.next_position
                                   else None)


@router.get("/{niche_id}", summary="Get a saved niche", responses=error_responses(404))
def saved_niche(niche_id: uuid.UUID, identity: CurrentIdentity) -> SavedNicheOut:
    with session_scope() as session:
        return SavedNicheOut.of(get_saved_niche(session, niche_id, owner_key_id=identity.owner_scope))


@router.put("/{niche_id}", summary="Change a saved niche", responses=error_responses(404, 409))
def change(niche_id: uuid.UUID, body: SavedNicheUpdateIn, identity: CurrentIdentity) -> SavedNicheOut:
    """Change the fields sent; 409 when the new name is another of the owner's niches."""
    with session_scope() as session:
        return SavedNicheOut.of(update_saved_niche(session, niche_id, body.values(),
                                                   owner_key_id=identity.owner_scope))


@router.delete("/{niche_id}", status_code=204, response_class=Response, summary="Delete a saved niche",
               responses=error_responses(404))
def remove(niche_id: uuid.UUID, identity: CurrentIdentity) -> Response:
    with session_scope() as session:
        delete_saved_niche(session, niche_id, owner_key_id=identity.owner_scope)
    return Response(status_code=204)


@router.get("/{niche_id}/filters", summary="A saved niche's filters", responses=error_responses(404))
def filters(niche_id: uuid.UUID, identity: CurrentIdentity) -> FiltersOut:
    """The request the niche was saved with, to post again to the niches route it names."""
    with session_scope() as session:
        return FiltersOut(filters=get_saved_niche(session, niche_id, owner_key_id=identity.owner_scope).filters)


@router.post("/{niche_id}/run", status_code=202, summary="Re-run a saved niche as a job",
             responses=error_responses(404, 409, 413, 429))
def run(niche_id: uuid.UUID, identity: CurrentIdentity, response: Response,
        idempotency_key: IdempotencyKey = None) -> JobOut:
    """Queue the saved filters' candidates as a ``niche`` job of the niche's owner (follow it at the Location);
    429 with Retry-After when the Keepa balance is short, 422 when the searches find no product (nothing queued
    either way)."""
    from arbvault.bookmarks.runs import run_saved_niche  # the guard, discovery and the job path: only a re-run

    submitted = run_saved_niche(niche_id, scope=identity.owner_scope, idempotency_key=idempotency_key)
    response.headers.update(accepted_headers(submitted))
    return JobOut.of(submitted.job)


app = create_app(router, title="ArbitrageVault bookmarks")
handler = create_handler(app)
