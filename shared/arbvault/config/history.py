"""The change history of business config: audit rows newest first, paged by keyset."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, tuple_

from arbvault.config.scopes import parse_scope
from arbvault.keyset import KeysetPage, KeysetPosition
from arbvault.models.business_config import BusinessConfig, ConfigChange

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One audited change, as the history lists it."""

    change_id: uuid.UUID
    config_scope: str
    changed_by: str
    change_reason: str | None
    change_source: str
    old_version: int
    new_version: int
    diff_summary: str
    diff_jsonpatch: list[dict[str, Any]]
    changed_at: datetime


def diff_summary(operations: Iterable[dict[str, Any]]) -> str:
    """``"3 changes (replace x2, add x1)"``: the count of JSON Patch operations, by kind, most frequent first."""
    counts = Counter(str(operation.get("op")) for operation in operations)
    total = sum(counts.values())
    noun = "change" if total == 1 else "changes"
    if not total:
        return f"0 {noun}"
    kinds = ", ".join(f"{op} x{n}" for op, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return f"{total} {noun} ({kinds})"


def list_changes(
    session: Session,
    *,
    scope: str | None = None,
    changed_by: str | None = None,
    limit: int = 50,
    after: KeysetPosition | None = None,
) -> KeysetPage[ChangeRecord]:
    """Changes newest first, optionally of one ``scope`` (normalised) and by one ``changed_by``, ``limit`` per page."""
    # Only the listed columns: the old and new documents stay in the database.
    statement = (
        select(ConfigChange.id, BusinessConfig.scope, ConfigChange.changed_by, ConfigChange.change_reason,
               ConfigChange.change_source, ConfigChange.old_version, ConfigChange.new_version,
               ConfigChange.diff_jsonpatch, ConfigChange.created_at)
        .join(BusinessConfig, BusinessConfig.id == ConfigChange.config_id)
        .order_by(ConfigChange.created_at.desc(), ConfigChange.id.desc())
        .limit(limit + 1)
    )
    if scope:
        statement = statement.where(BusinessConfig.scope == parse_scope(scope))
    if changed_by:
        statement = statement.where(ConfigChange.changed_by == changed_by)
    if after is not None:
        statement = statement.where(
            tuple_(ConfigChange.created_at, ConfigChange.id) < tuple_(after.created_at, after.id)
        )
    rows = session.execute(statement).all()
    items = [
        ChangeRecord(
            change_id=row.id, config_scope=row.scope, changed_by=row.changed_by, change_reason=row.change_reason,
            change_source=row.change_source, old_version=row.old_version, new_version=row.new_version,
            diff_summary=diff_summary(row.diff_jsonpatch), diff_jsonpatch=row.diff_jsonpatch,
            changed_at=row.created_at.astimezone(UTC),
        )
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    return KeysetPage(items, KeysetPosition(items[-1].changed_at, items[-1].change_id) if more else None)
