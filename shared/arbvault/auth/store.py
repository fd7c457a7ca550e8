"""API keys in PostgreSQL: create (the key is returned once), authenticate, list and revoke."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from arbvault.auth.exceptions import ApiKeyNotFoundError, LastAdminKeyError
from arbvault.auth.keys import check_role, display_prefix, generate_key, hash_key, is_well_formed, normalise_name
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.api_key import ApiKey
from arbvault.observability import logger

# last_used_at is a hint for people, not an audit trail: recording it at most once a minute per key keeps the
# authorizer, which runs on every request, to a single read almost always.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_key(session: Session, *, name: str, role: str) -> tuple[ApiKey, str]:
    """Create a key named ``name`` with ``role``; return the row and the key, which is never available again.

    Raises :class:`InvalidKeyFieldError` (422) when the name or role breaks its rules.
    """
    plaintext = generate_key()
    row = ApiKey(name=normalise_name(name), role=check_role(role), prefix=display_prefix(plaintext),
                 key_hash=hash_key(plaintext))
    session.add(row)
    session.flush()  # assigns created_at (RETURNING) so callers can show it
    return row, plaintext


def authenticate(session: Session, plaintext: str) -> ApiKey | None:
    """The active key ``plaintext`` is, or ``None`` when it is malformed, unknown or revoked.

    One indexed lookup by digest; ``last_used_at`` is written only when older than a minute.
    """
    if not isinstance(plaintext, str) or not is_well_formed(plaintext):
        return None
    # Equality on the digest, not on the key: timing differences of the index lookup reveal nothing about
    # stored keys, since an attacker controls the preimage, not the digest.
    row = session.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(plaintext))).one_or_none()
    if row is None:
        return None
    if row.revoked_at is not None:
        logger.info("revoked API key presented", extra={"key_id": str(row.id)})
        return None
    _record_use(session, row)
    return row


def _record_use(session: Session, row: ApiKey) -> None:
    now = datetime.now(UTC)
    if row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
        return
    # The database re-checks the age, so concurrent authorizers write at most once between them.
    used_at = session.execute(
        update(ApiKey)
        .where(ApiKey.id == row.id,
               or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < func.now() - LAST_USED_RESOLUTION))
        .values(last_used_at=func.now())
        .returning(ApiKey.last_used_at),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if used_at is not None:
        set_committed_value(row, "last_used_at", used_at)


def get_api_key(session: Session, key_id: uuid.UUID | str) -> ApiKey:
    """The key ``key_id``, revoked or not; :class:`ApiKeyNotFoundError` (404) when no key has that id."""
    try:
        wanted = key_id if isinstance(key_id, uuid.UUID) else uuid.UUID(str(key_id))
    except ValueError:
        raise ApiKeyNotFoundError(key_id) from None
    row = session.get(ApiKey, wanted)
    if row is None:
        raise ApiKeyNotFoundError(wanted)
    return row


def list_api_keys(
    session: Session, *, limit: int, after: KeysetPosition | None = None, include_revoked: bool = False
) -> KeysetPage[ApiKey]:
    """Up to ``limit`` keys, newest first, starting after the keyset position ``after``."""
    query = select(ApiKey)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return newest_first(session, query, at=ApiKey.created_at, id=ApiKey.id, limit=limit, after=after)


def revoke_api_key(session: Session, key_id: uuid.UUID) -> ApiKey:
    """Revoke the key ``key_id`` and return it; revoking a revoked key returns it unchanged.

    Raises :class:`ApiKeyNotFoundError` (404) for an unknown id and :class:`LastAdminKeyError` (409) when the
    key is the last active admin key.
    """
    row = session.get(ApiKey, key_id)
    if row is None:
        raise ApiKeyNotFoundError(key_id)
    if row.revoked_at is not None:
        return row
    if row.role == "admin":
        # Lock every active admin key, always in id order, so two admins revoking the last two admin keys
        # at once serialise here (no deadlock) and the second one sees the first one's revocation.
        active_admins = session.scalars(
            select(ApiKey.id).where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.id).with_for_update()
        ).all()
        if row.id in active_admins and len(active_admins) == 1:
            raise LastAdminKeyError(key_id)
    session.execute(
        update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=func.now()),
        execution_options={"synchronize_session": False},
    )
    # Someone else may have revoked it first; either way the stored revoked_at is the answer.
    session.refresh(row)
    return row
