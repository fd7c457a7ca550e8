"""The watch list: which products each API key wants tracked daily. A key sees and removes its own watches;
an admin key sees and removes any."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from arbvault.db import session_scope
from arbvault.history.exceptions import WatchNotFoundError
from arbvault.history.points import HISTORY_OPTIONS
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.asin_history import AsinWatch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TITLE_MAX = 500


@dataclass(frozen=True, slots=True)
class WatchAdded:
    watch: AsinWatch
    created: bool
    """False when the key already watched the product (the existing watch is returned)."""
    tokens_used: int


def add_watch(identifier: str, *, domain_id: int, owner_key_id: str) -> WatchAdded:
    """Watch the product ``identifier`` names (ASIN, ISBN-10 or ISBN-13) for ``owner_key_id``.

    The product is looked up first (through the snapshots: 0 tokens when one is fresh), so only products Keepa
    knows are tracked (``ProductNotFoundError``, 404) and an ISBN-13 is stored as its ASIN. Opens its own
    sessions: call it while holding none.
    """
    from arbvault.catalog.single import lookup_one  # the catalog and the engine: only this route looks up

    answer = lookup_one(identifier, domain_id=domain_id, options=HISTORY_OPTIONS, field="body.asin")
    title = answer.item.raw.get("title")
    statement = insert(AsinWatch).values(
        id=uuid.uuid4(), owner_key_id=owner_key_id, domain_id=domain_id, asin=answer.item.asin,
        title=str(title)[:TITLE_MAX] if title else None,
    ).on_conflict_do_nothing(index_elements=["owner_key_id", "domain_id", "asin"]).returning(AsinWatch.id)
    with session_scope() as session:
        created = session.execute(statement).scalar_one_or_none() is not None
        watch = session.scalars(select(AsinWatch).where(
            AsinWatch.owner_key_id == owner_key_id, AsinWatch.domain_id == domain_id,
            AsinWatch.asin == answer.item.asin)).one()
    return WatchAdded(watch, created, answer.tokens_consumed)


def list_watches(session: Session, *, owner_key_id: str | None, limit: int,
                 after: KeysetPosition | None = None) -> KeysetPage[AsinWatch]:
    """Up to ``limit`` watches newest first, of one owner or, with ``owner_key_id=None``, of every key."""
    query = select(AsinWatch)
    if owner_key_id is not None:
        query = query.where(AsinWatch.owner_key_id == owner_key_id)
    return newest_first(session, query, at=AsinWatch.created_at, id=AsinWatch.id, limit=limit, after=after)


def remove_watch(session: Session, watch_id: uuid.UUID, *, owner_key_id: str | None) -> None:
    """Delete a watch of ``owner_key_id`` (any key's with ``None``); ``WatchNotFoundError`` (404) otherwise, so a
    key cannot learn which ids other keys hold."""
    statement = delete(AsinWatch).where(AsinWatch.id == watch_id)
    if owner_key_id is not None:
        statement = statement.where(AsinWatch.owner_key_id == owner_key_id)
    if session.execute(statement.returning(AsinWatch.id)).first() is None:
        raise WatchNotFoundError(watch_id)
