"""Stored analyses by id: read one, create a manual one, delete one; each scoped to the caller's rows.

A sourcer key reaches only the analyses its key created (``created_by``); another owner's row is answered like
one that does not exist (404), so ids of other keys' rows reveal nothing. An admin key reaches every row.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from arbvault.analyses.exceptions import AnalysisNotFoundError
from arbvault.analyses.filters import owned_by
from arbvault.analyses.manual import ManualInput, evaluate
from arbvault.analysis import read_config
from arbvault.config import effective_config, normalise_category
from arbvault.db import affected_rows
from arbvault.models import Analysis

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MANUAL_SOURCE = "manual"


def get_analysis(session: Session, analysis_id: uuid.UUID, *, owner_key_id: str | None) -> Analysis:
    """The analysis ``analysis_id`` if ``owner_key_id`` owns it (any owner for ``None``); raises
    :class:`AnalysisNotFoundError` (404) when there is no such row or another key owns it."""
    statement = select(Analysis).where(Analysis.id == analysis_id, *owned_by(owner_key_id))
    row = session.scalars(statement).one_or_none()
    if row is None:
        raise AnalysisNotFoundError(analysis_id)
    return row


def create_manual_analysis(session: Session, data: ManualInput, *, created_by: str, domain_id: int = 1) -> Analysis:
    """Analyse ``data`` under the effective rules of ``domain_id`` and its category, store it and return the row.

    The row is marked ``source="manual"`` and ``created_by`` (the caller's API key id, its owner). Raises
    ``InvalidScopeError`` for a category that cannot name a config scope, and the errors
    of :func:`arbvault.analyses.manual.evaluate` (all 422).
    """
    layer = normalise_category(data.category, field="body.category")
    rules = effective_config(session, domain_id=domain_id, category=layer)
    result = evaluate(data, read_config(rules.document))
    profit = result.profit
    row = Analysis(
        domain_id=domain_id,
        identifier=data.identifier.value,
        asin=result.asin,
        isbn13=data.identifier.isbn13,
        title=data.title,
        category=data.category,
        strategy=result.strategy,
        buy_price=profit.buy_price,
        buy_price_source=result.buy_price_source,
        buy_condition=result.buy_condition,
        sell_price=profit.sell_price,
        sell_price_source=result.sell_price_source,
        fees=result.fees.total,
        profit=profit.net_profit,
        max_buy_price=result.max_buy_price,
        roi_pct=profit.roi_pct,
        margin_pct=profit.margin_pct,
        velocity_score=result.velocity.score,
        stability_score=result.stability.score,
        confidence_score=result.confidence.score,
        overall_rating=result.overall_rating,
        recommendation=result.recommendation.label,
        combined_score=result.combined_score,
        bsr=data.bsr,
        metrics=result.metrics(),
        source=MANUAL_SOURCE,
        created_by=created_by,
    )
    session.add(row)
    session.flush()  # the id and timestamps, for the response and its Location header
    return row


def delete_analysis(session: Session, analysis_id: uuid.UUID, *, owner_key_id: str | None) -> None:
    """Delete ``analysis_id`` if ``owner_key_id`` owns it (any owner for ``None``, an admin); raises
    :class:`AnalysisNotFoundError` (404) when there is no such row or another key owns it."""
    statement = delete(Analysis).where(Analysis.id == analysis_id, *owned_by(owner_key_id))
    if not affected_rows(session.execute(statement, execution_options={"synchronize_session": False})):
        raise AnalysisNotFoundError(analysis_id)
