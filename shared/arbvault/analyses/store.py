"""Stored analyses by id: read one, delete one; each scoped to the caller's rows (``manual`` creates them).

A sourcer key reaches only the analyses its key created (``created_by``); another owner's row is answered like
one that does not exist (404), so ids of other keys' rows reveal nothing. An admin key reaches every row.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from arbvault.analyses.exceptions import AnalysisNotFoundError
from arbvault.analyses.filters import owned_by
from arbvault.db import affected_rows
from arbvault.models.analysis import Analysis

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

def get_analysis(session: Session, analysis_id: uuid.UUID, *, owner_key_id: str | None) -> Analysis:
    """The analysis ``analysis_id`` if ``owner_key_id`` owns it (any owner for ``None``); raises
    :class:`AnalysisNotFoundError` (404) when there is no such row or another key owns it."""
    statement = select(Analysis).where(Analysis.id == analysis_id, *owned_by(owner_key_id))
    row = session.scalars(statement).one_or_none()
    if row is None:
        raise AnalysisNotFoundError(analysis_id)
    return row


def delete_analysis(session: Session, analysis_id: uuid.UUID, *, owner_key_id: str | None) -> None:
    """Delete ``analysis_id`` if ``owner_key_id`` owns it (any owner for ``None``, an admin); raises
    :class:`AnalysisNotFoundError` (404) when there is no such row or another key owns it."""
    statement = delete(Analysis).where(Analysis.id == analysis_id, *owned_by(owner_key_id))
    if not affected_rows(session.execute(statement, execution_options={"synchronize_session": False})):
        raise AnalysisNotFoundError(analysis_id)
