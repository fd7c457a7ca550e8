"""Reads and writes of ``business_config`` rows and their ``config_changes`` audit (PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert

from arbvault.models.business_config import GLOBAL_CONFIG_ID, BusinessConfig, ConfigChange

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# xmin is the id of the transaction that wrote the row's current version: it changes on every UPDATE, even
# one made by hand that forgets to bump ``version``, so it makes cache validation exact.
_XMIN = literal_column("business_config.xmin::text", String).label("xmin")

Fingerprint = tuple[tuple[str, int, str], ...]


@dataclass(frozen=True, slots=True)
class ScopeRow:
    """One stored scope: its document, version and last write time."""

    id: int
    scope: str
    data: dict[str, Any]
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Layers:
    """The active rows of some scopes, and the fingerprint that says whether they have changed since."""

    rows: dict[str, ScopeRow]
    fingerprint: Fingerprint


def layer_fingerprint(session: Session, scopes: Sequence[str]) -> Fingerprint:
    """(scope, version, xmin) of the active rows among ``scopes``: one indexed query, no documents read."""
    result = session.execute(
        select(BusinessConfig.scope, BusinessConfig.version, _XMIN)
        .where(BusinessConfig.scope.in_(scopes), BusinessConfig.is_active)
        .order_by(BusinessConfig.scope)
    )
    return tuple((scope, version, xmin) for scope, version, xmin in result)


def load_layers(session: Session, scopes: Sequence[str]) -> Layers:
    """The active rows among ``scopes`` with their fingerprint, read in one statement."""
    result = session.execute(
        select(BusinessConfig.id, BusinessConfig.scope, BusinessConfig.data, BusinessConfig.version,
               BusinessConfig.updated_at, _XMIN)
        .where(BusinessConfig.scope.in_(scopes), BusinessConfig.is_active)
        .order_by(BusinessConfig.scope)
    ).all()
    rows = {r.scope: ScopeRow(r.id, r.scope, r.data, r.version, r.updated_at) for r in result}
    return Layers(rows=rows, fingerprint=tuple((r.scope, r.version, r.xmin) for r in result))


def active_documents(session: Session) -> dict[str, dict[str, Any]]:
    """Every active scope's document, by scope."""
    result = session.execute(select(BusinessConfig.scope, BusinessConfig.data).where(BusinessConfig.is_active))
    return {scope: data for scope, data in result}


def lock_scope(session: Session, scope: str) -> ScopeRow | None:
    """The row of ``scope``, locked until the transaction ends (a concurrent writer waits here), or None."""
    row = session.execute(
        select(BusinessConfig.id, BusinessConfig.scope, BusinessConfig.data, BusinessConfig.version,
               BusinessConfig.updated_at)
        .where(BusinessConfig.scope == scope)
        .with_for_update()
    ).one_or_none()
    return ScopeRow(row.id, row.scope, row.data, row.version, row.updated_at) if row else None


def current_version(session: Session, scope: str) -> int:
    """The stored version of ``scope``; 0 when it does not exist."""
    version = session.scalar(select(BusinessConfig.version).where(BusinessConfig.scope == scope))
    return version or 0


def create_scope(session: Session, scope: str, data: dict[str, Any]) -> ScopeRow | None:
    """Insert ``scope`` at version 1; None if a concurrent transaction created it first."""
    row = session.execute(
        insert(BusinessConfig)
        .values(scope=scope, data=data, version=1, parent_id=GLOBAL_CONFIG_ID, is_active=True)
        .on_conflict_do_nothing(index_elements=[BusinessConfig.scope])
        .returning(BusinessConfig.id, BusinessConfig.version, BusinessConfig.updated_at)
    ).one_or_none()
    return ScopeRow(row.id, scope, data, row.version, row.updated_at) if row else None


def replace_document(session: Session, row: ScopeRow, data: dict[str, Any]) -> ScopeRow:
    """Store ``data`` as the document of the locked ``row`` and bump its version."""
    saved = session.execute(
        update(BusinessConfig)
        .where(BusinessConfig.id == row.id)
        .values(data=data, version=BusinessConfig.version + 1, updated_at=func.now())
        .returning(BusinessConfig.version, BusinessConfig.updated_at)
        .execution_options(synchronize_session=False)
    ).one()
    return ScopeRow(row.id, row.scope, data, saved.version, saved.updated_at)


def record_change(
    session: Session,
    *,
    before: ScopeRow | None,
    after: ScopeRow,
    diff: list[dict[str, Any]],
    changed_by: str,
    change_reason: str | None,
    change_source: str,
) -> uuid.UUID:
    """Write the audit row of one change to a scope; returns its id."""
    change_id = uuid.uuid4()
    session.execute(
        insert(ConfigChange).values(
            id=change_id, config_id=after.id, old_config=before.data if before else {}, new_config=after.data,
            diff_jsonpatch=diff, changed_by=changed_by, change_reason=change_reason,
            change_source=change_source, old_version=before.version if before else 0,
            new_version=after.version,
        )
    )
    return change_id
