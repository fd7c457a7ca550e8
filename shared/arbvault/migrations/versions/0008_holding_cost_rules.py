"""The global business rules gain the holding-cost rates every profit now charges: ``fees.storage_per_unit_month``
(0.10 a unit a month) and ``fees.returns_pct`` (2 % of the sell price).

A database seeded before them has a global document without these keys, which the engine refuses to read; the
upgrade adds each missing one (a value already set is kept) as a recorded config change, and the downgrade
removes them the same way.

Revision ID: 0008_holding_cost_rules
Revises: 0007_verdict_table
Create Date: 2026-12-05
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_holding_cost_rules"
down_revision = "0007_verdict_table"
branch_labels = None
depends_on = None

HOLDING_COST_RATES: dict[str, float] = {"storage_per_unit_month": 0.10, "returns_pct": 2.0}
_JSONB = postgresql.JSONB()


def _change_global_fees(diff: list[dict[str, Any]], fees: dict[str, Any], data: dict[str, Any], version: int,
                        reason: str) -> None:
    """Store ``fees`` in the global document and record the change (``diff`` as a JSON Patch)."""
    connection = op.get_bind()
    new = {**data, "fees": fees}
    connection.execute(
        sa.text("UPDATE business_config SET data = :data, version = version + 1, updated_at = now() WHERE id = 1")
        .bindparams(sa.bindparam("data", type_=_JSONB)), {"data": new})
    connection.execute(
        sa.text("INSERT INTO config_changes (id, config_id, old_config, new_config, diff_jsonpatch, changed_by, "
                "change_reason, change_source, old_version, new_version) VALUES (:id, 1, :old, :new, :diff, "
                "'migration', :reason, 'migration', :version, :version + 1)")
        .bindparams(sa.bindparam("old", type_=_JSONB), sa.bindparam("new", type_=_JSONB),
                    sa.bindparam("diff", type_=_JSONB)),
        {"id": uuid.uuid4(), "old": data, "new": new, "diff": diff, "reason": reason, "version": version})


def _global() -> tuple[dict[str, Any], dict[str, Any], int] | None:
    row = op.get_bind().execute(
        sa.text("SELECT data, version FROM business_config WHERE id = 1 FOR UPDATE")).one_or_none()
    if row is None or not isinstance(row.data.get("fees"), dict):
        return None
    return row.data, dict(row.data["fees"]), row.version


def upgrade() -> None:
    found = _global()
    if found is None:
        return
    data, fees, version = found
    missing = {key: value for key, value in HOLDING_COST_RATES.items() if key not in fees}
    if missing:
        diff = [{"op": "add", "path": f"/fees/{key}", "value": value} for key, value in missing.items()]
        _change_global_fees(diff, {**fees, **missing}, data, version, "storage and returns rates added")


def downgrade() -> None:
    found = _global()
    if found is None:
        return
    data, fees, version = found
    present = [key for key in HOLDING_COST_RATES if key in fees]
    if present:
        diff = [{"op": "remove", "path": f"/fees/{key}"} for key in present]
        kept = {key: value for key, value in fees.items() if key not in HOLDING_COST_RATES}
        _change_global_fees(diff, kept, data, version, "storage and returns rates removed")
