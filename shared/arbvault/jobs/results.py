"""A job's results: its stored analyses, through the analyses room's list query (filters, sort, cursor)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING

from arbvault.analyses.filters import AnalysisFilters
from arbvault.analyses.listing import AnalysisPage, Position, Sort, list_analyses
from arbvault.jobs.queries import load_job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def job_results(session: Session, job_id: uuid.UUID | str, *, owner_key_id: str | None = None,
                filters: AnalysisFilters | None = None, sort: Sort | None = None, limit: int = 50,
                after: Position | None = None) -> AnalysisPage:
    """A page of the job's analyses matching ``filters`` (their ``job_id`` is replaced by this job's).

    Raises ``JobNotFoundError`` (404) when the job is unknown or not the caller's, and the analyses room's
    ``InvalidAnalysisQueryError`` (422) for contradictory filters or a cursor made under another sort.
    """
    job = load_job(session, job_id, owner_key_id=owner_key_id)
    scoped = dataclasses.replace(filters or AnalysisFilters(), job_id=job.id)
    return list_analyses(session, owner_key_id=owner_key_id, filters=scoped, sort=sort or Sort(), limit=limit,
                         after=after)
