"""Analyses name where their prices came from; recommendations are UPPER_SNAKE; the stored rules get the verdict
table and the condition-aware price sources.

New nullable columns ``buy_price_source``, ``buy_condition`` and ``sell_price_source`` (earlier rows keep
theirs in ``metrics`` or never had them). Stored labels such as ``STRONG BUY`` become ``STRONG_BUY``. In every
stored rules document, the ``recommendation_rules``, ``overall_rating`` and ``summary_templates`` sections give
way to one ``verdicts`` table (built from the document's own rating minima and the labels they had), and the
three price-sourcing strategies buy the cheapest live offer in an allowed condition and sell in that condition.
The values are written out here, not imported: the migration must keep meaning what it meant when written.

Revision ID: 0007_verdict_table
Revises: 0006_outbox_chunk_id
Create Date: 2026-12-05
"""

from __future__ import annotations

import copy
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_verdict_table"
down_revision = "0006_outbox_chunk_id"
branch_labels = None
depends_on = None

_COLUMNS = ("buy_price_source", "buy_condition", "sell_price_source")
_RATINGS = (("STRONG_BUY", "EXCELLENT", "high profit, fast mover",
             "Strong buy: ROI {roi}, {velocity_level} velocity, {stability_level} price stability."),
            ("BUY", "GOOD", "good opportunity",
             "Buy: ROI {roi}, {velocity_level} velocity, {stability_level} price stability."),
            ("CONSIDER", "FAIR", "watch for a better entry",
             "Consider: ROI {roi}, {confidence_level} confidence, {velocity_level} velocity."))
_DEFAULT_MINIMA = {"EXCELLENT": (35, 70, 70, 80), "GOOD": (25, 50, 50, 60), "FAIR": (15, 30, 30, 40)}
_MINIMA = ("min_roi", "min_velocity", "min_stability", "min_confidence")
_PASS = {"label": "PASS", "rating": "PASS", "description": "low profit, slow or uncertain",
         "summary": "Pass: {primary_issue}; ROI {roi}."}
_SOURCING = {"buy_price_source": "cheapest_offer", "sell_price_source": "condition_buy_box",
             "buy_conditions": ["new", "used_like_new", "used_very_good", "used_good"],
             "default_buy_condition": "used_good"}
_SOURCING_STRATEGIES = ("textbook", "velocity", "balanced")
_OLD_SECTIONS = ("recommendation_rules", "overall_rating", "summary_templates")


def _verdicts(ratings: Any) -> list[dict[str, Any]]:
    rows = []
    for label, rating, description, summary in _RATINGS:
        stored = ratings.get(rating) if isinstance(ratings, dict) else None
        minima = [stored.get(key, default) if isinstance(stored, dict) else default
                  for key, default in zip(_MINIMA, _DEFAULT_MINIMA[rating], strict=True)]
        rows.append({"label": label, "rating": rating, **dict(zip(_MINIMA, minima, strict=True)),
                     "description": description, "summary": summary})
    return [*rows, dict(_PASS)]


def _upgraded(document: dict[str, Any], *, is_global: bool) -> dict[str, Any] | None:
    """The document with the new sections; None when it needs no change."""
    if not is_global and not any(key in document for key in _OLD_SECTIONS):
        return None
    data = copy.deepcopy(document)
    ratings = data.get("overall_rating")
    for key in _OLD_SECTIONS:
        data.pop(key, None)
    if is_global or ratings is not None:
        data.setdefault("verdicts", _verdicts(ratings))
    strategies = data.get("strategies")
    if is_global and isinstance(strategies, dict):
        for name in _SOURCING_STRATEGIES:
            if isinstance(strategies.get(name), dict):
                strategies[name].update(copy.deepcopy(_SOURCING))
    return data if data != document else None


def upgrade() -> None:
    for column in _COLUMNS:
        op.add_column("analyses", sa.Column(column, sa.Text(), nullable=True))
    op.execute("UPDATE analyses SET recommendation = replace(recommendation, ' ', '_') WHERE recommendation LIKE '% %'")
    connection = op.get_bind()
    for row in connection.execute(sa.text("SELECT id, scope, data FROM business_config")).all():
        data = row.data if isinstance(row.data, dict) else json.loads(row.data)
        upgraded = _upgraded(data, is_global=row.scope == "global")
        if upgraded is not None:
            connection.execute(sa.text("UPDATE business_config SET data = CAST(:data AS JSONB), version = version + 1 "
                                       "WHERE id = :id"), {"data": json.dumps(upgraded), "id": row.id})


def downgrade() -> None:
    for column in reversed(_COLUMNS):
        op.drop_column("analyses", column)
    op.execute("UPDATE analyses SET recommendation = replace(recommendation, '_', ' ')")
