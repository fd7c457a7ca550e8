"""Saved niches in PostgreSQL, each scoped to its owner: ``owner_key_id=None`` reads and changes any owner's
(admin), a key id only that key's; another key's niche is :class:`SavedNicheNotFoundError` (404)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from arbvault.bookmarks.exceptions import NicheNameTakenError, SavedNicheNotFoundError
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.saved_niche import NICHE_NAME_INDEX, SavedNiche

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _violated_constraint(exc: DatabaseError) -> str | None:
    """The constraint PostgreSQL names in the error (pg8000 raises every server error as one class, carrying
    the server's fields: ``n`` is the constraint's name)."""
    fields = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return fields.get("n") if isinstance(fields, dict) else None


@contextmanager
def _unique_name(session: Session, name: str) -> Iterator[None]:
    """Run the block in a savepoint; the unique index on (owner, lower(name)) refusing it is a 409."""
    try:
        with session.begin_nested():
            yield
    except DatabaseError as exc:
        if _violated_constraint(exc) == NICHE_NAME_INDEX:
            raise NicheNameTakenError(name) from exc
        raise


def create_saved_niche(session: Session, values: dict[str, Any], *, owner_key_id: str) -> SavedNiche:
    """Save a niche for ``owner_key_id``; 409 when the key has one of that name (in any case)."""
    saved = SavedNiche(id=uuid.uuid4(), owner_key_id=owner_key_id, **values)
    with _unique_name(session, values["niche_name"]):
        session.add(saved)
        session.flush()
    session.refresh(saved)
    return saved


def get_saved_niche(session: Session, niche_id: uuid.UUID, *, owner_key_id: str | None) -> SavedNiche:
    saved = session.get(SavedNiche, niche_id)
    if saved is None or (owner_key_id is not None and saved.owner_key_id != owner_key_id):
        raise SavedNicheNotFoundError(niche_id)
    return saved


def list_saved_niches(session: Session, *, owner_key_id: str | None, limit: int,
                      after: KeysetPosition | None) -> KeysetPage[SavedNiche]:
    """Newest first, of one owner or, with ``owner_key_id=None``, of every key."""
    query = select(SavedNiche)
    if owner_key_id is not None:
        query = query.where(SavedNiche.owner_key_id == owner_key_id)
    return newest_first(session, query, at=SavedNiche.created_at, id=SavedNiche.id, limit=limit, after=after)


def update_saved_niche(session: Session, niche_id: uuid.UUID, values: dict[str, Any], *,
                       owner_key_id: str | None) -> SavedNiche:
    """Change the given fields; 404 when the caller may not see the niche, 409 when the new name is taken."""
    saved = get_saved_niche(session, niche_id, owner_key_id=owner_key_id)
    with _unique_name(session, values.get("niche_name", saved.niche_name)):
        for field, value in values.items():
            setattr(saved, field, value)
        session.flush()
    session.refresh(saved)
    return saved


def delete_saved_niche(session: Session, niche_id: uuid.UUID, *, owner_key_id: str | None) -> None:
    statement = delete(SavedNiche).where(SavedNiche.id == niche_id)
    if owner_key_id is not None:
        statement = statement.where(SavedNiche.owner_key_id == owner_key_id)
    if session.execute(statement.returning(SavedNiche.id)).first() is None:
        raise SavedNicheNotFoundError(niche_id)


def record_run(session: Session, niche_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Remember the job a re-run queued (nothing when the niche was deleted meanwhile)."""
    session.execute(update(SavedNiche).where(SavedNiche.id == niche_id)
                    .values(last_run_job_id=job_id, last_run_at=datetime.now(UTC)))
