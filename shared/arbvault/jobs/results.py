"""A job's results: its stored analyses, and its identifiers that produced no analysis.

The analyses are read through the analyses room's list query (filters, sort, cursor). The unresolved
identifiers are those Keepa had no product for, and those of failed chunks. Neither list is stored: a settled
chunk keeps its identifiers, its state and its last error, and the job's analyses say which identifiers were
found. An identifier counts as found when an analysis of the job has it as identifier, ASIN or ISBN-13, so an
ISBN-10 and the ISBN-13 of the same book (one stored row) both count. Pages of unresolved identifiers follow the
chunks' order and each chunk's own order: a position is (chunk index, place in the chunk).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, Literal, get_args

from sqlalchemy import or_, select

from arbvault.analyses.filters import AnalysisFilters
from arbvault.analyses.store import AnalysisPage, Position, Sort, list_analyses
from arbvault.exceptions import InvalidInputError
from arbvault.identifiers import normalise
from arbvault.jobs.queries import load_job
from arbvault.jobs.states import ChunkState
from arbvault.models.analysis import Analysis
from arbvault.models.job import JobChunk

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from sqlalchemy.orm import Session


def job_results(session: Session, job_id: uuid.UUID | str, *, owner_key_id: str | None = None,
                filters: AnalysisFilters | None = None, sort: Sort | None = None, limit: int = 50,
                after: Position | None = None) -> AnalysisPage:
    """A page of the job's analyses matching ``filters`` (their ``job_id`` is replaced by this job's).

    Raises ``JobNotFoundError`` (404) when the job is unknown or not the caller's, and the analyses room's
    ``InvalidAnalysisQueryError`` (422) for contradictory filters or a cursor made under another sort.
    """
    job = load_job(session, job_id, owner_key_id=owner_key_id)
    scoped = replace(filters or AnalysisFilters(), job_id=job.id)
    return list_analyses(session, owner_key_id=owner_key_id, filters=scoped, sort=sort or Sort(), limit=limit,
                         after=after)


UnresolvedStatus = Literal["not_found", "failed"]
UNRESOLVED_STATUSES: Final[tuple[UnresolvedStatus, ...]] = get_args(UnresolvedStatus)
UNRESOLVED_CURSOR_KEYS: Final = ("chunk", "place")


@dataclass(frozen=True, slots=True)
class UnresolvedPosition:
    """Where a page of unresolved identifiers ended: the next page starts after this place of this chunk."""

    chunk: int
    place: int

    def as_dict(self) -> dict[str, int]:
        return {"chunk": self.chunk, "place": self.place}

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> UnresolvedPosition:
        """A position from :meth:`as_dict` output; 422 naming ``query.cursor`` when damaged."""
        chunk, place = raw.get("chunk"), raw.get("place")
        if not (isinstance(chunk, int) and isinstance(place, int) and chunk >= 0 and place >= 0):
            raise InvalidInputError("cursor is not valid", details=[{"field": "query.cursor", "message": "malformed"}])
        return cls(chunk, place)


@dataclass(frozen=True, slots=True)
class UnresolvedIdentifier:
    """An identifier of a job without an analysis, and why: Keepa has no product, or its chunk failed."""

    identifier: str
    status: UnresolvedStatus
    reason: str | None
    position: UnresolvedPosition


@dataclass(frozen=True, slots=True)
class UnresolvedPage:
    """One page of unresolved identifiers and where the next starts (``None`` on the last page)."""

    items: list[UnresolvedIdentifier]
    next_position: UnresolvedPosition | None


NOT_FOUND_REASON: Final = "Keepa has no product for this identifier"


def _found(session: Session, job_id: uuid.UUID, identifiers: list[str]) -> set[str]:
    """Of ``identifiers``, those an analysis of the job stands for (by identifier, ASIN or ISBN-13)."""
    parsed = {value: normalise(value) for value in identifiers}
    asins = [i.asin for i in parsed.values() if i.asin is not None]
    rows = session.execute(
        select(Analysis.identifier, Analysis.asin, Analysis.isbn13)
        .where(Analysis.job_id == job_id,
               or_(Analysis.identifier.in_(identifiers), Analysis.asin.in_(asins), Analysis.isbn13.in_(identifiers)))
    ).all()
    known = {value for row in rows for value in row if value is not None}
    return {value for value, parsed_value in parsed.items()
            if value in known or (parsed_value.asin is not None and parsed_value.asin in known)}


def _unresolved(session: Session, job_id: uuid.UUID, status: UnresolvedStatus,
                after: UnresolvedPosition | None) -> Iterator[UnresolvedIdentifier]:
    statement = select(JobChunk).where(JobChunk.job_id == job_id).order_by(JobChunk.index)
    if status == "failed":
        statement = statement.where(JobChunk.state == ChunkState.FAILED.value)
    else:
        statement = statement.where(JobChunk.state == ChunkState.DONE.value, JobChunk.not_found > 0)
    if after is not None:
        statement = statement.where(JobChunk.index >= after.chunk)
    for chunk in session.scalars(statement):
        found = _found(session, job_id, list(chunk.identifiers)) if status == "not_found" else set()
        reason = chunk.last_error if status == "failed" else NOT_FOUND_REASON
        start = after.place + 1 if after is not None and chunk.index == after.chunk else 0
        for place, identifier in enumerate(chunk.identifiers[start:], start=start):
            if identifier not in found:
                yield UnresolvedIdentifier(identifier, status, reason, UnresolvedPosition(chunk.index, place))


def unresolved_identifiers(session: Session, job_id: uuid.UUID | str, *, status: UnresolvedStatus,
                           owner_key_id: str | None = None, limit: int = 50,
                           after: UnresolvedPosition | None = None) -> UnresolvedPage:
    """A page of the job's identifiers of ``status``: ``not_found`` (Keepa has no product) or ``failed`` (their
    chunk failed; the reason is the chunk's last error). Chunks still pending or running are not listed yet.

    Raises ``JobNotFoundError`` (404) when the job is unknown or not the caller's.
    """
    job = load_job(session, job_id, owner_key_id=owner_key_id)
    items: list[UnresolvedIdentifier] = []
    for item in _unresolved(session, job.id, status, after):
        if len(items) == limit:
            return UnresolvedPage(items, items[-1].position)
        items.append(item)
    return UnresolvedPage(items, None)
