"""Stored analyses: a page of them, the top N, one by id, deleting one; each scoped to the caller's rows
(``manual`` creates them).

A sourcer key reaches only the analyses its key created (``created_by``); another owner's row is answered like
one that does not exist (404), so ids of other keys' rows reveal nothing. An admin key reaches every row.

Pages take any sort key in either direction, paged by keyset on (sort key, id). Keyset, not offsets: a page
starts strictly after the last row of the one before, so rows written meanwhile neither repeat nor hide rows,
and ties on the sort key (every row of one ingest shares ``created_at``) are broken by id. Sort keys that may be
NULL (ROI and profit of a product without a sell price) sort last in both directions; the cursor carries the
NULL so the next page resumes inside the NULL tail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from sqlalchemy import and_, delete, or_, select, tuple_

from arbvault.analyses.exceptions import AnalysisNotFoundError, InvalidAnalysisQueryError
from arbvault.analyses.filters import AnalysisFilters, owned_by
from arbvault.bounds import bounded_amount, bounded_score, parse_timestamp
from arbvault.db import affected_rows
from arbvault.exceptions import InvalidCursorError
from arbvault.models.analysis import Analysis

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import InstrumentedAttribute, Session


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


SortKey = Literal["created_at", "roi_pct", "velocity_score", "net_profit", "combined_score"]
SortOrder = Literal["asc", "desc"]
TopMetric = Literal["combined_score", "roi_pct", "velocity_score", "net_profit"]
SORT_KEYS: Final[tuple[SortKey, ...]] = get_args(SortKey)
TOP_METRICS: Final[tuple[TopMetric, ...]] = get_args(TopMetric)
CURSOR_KEYS: Final = ("sort_by", "sort_order", "value", "id")

_SCORES: Final = frozenset({"velocity_score", "combined_score"})
# The API's name of each sort key's column, where they differ (the column ``profit`` holds the net profit).
_COLUMN_NAMES: Final = {"net_profit": "profit"}
_COLUMNS: Final[dict[str, InstrumentedAttribute[Any]]] = {
    key: getattr(Analysis, _COLUMN_NAMES.get(key, key)) for key in SORT_KEYS}

SortValue = Decimal | datetime | None


@dataclass(frozen=True, slots=True)
class Sort:
    """A sort key and direction; ``id`` in the same direction breaks ties."""

    key: SortKey = "created_at"
    order: SortOrder = "desc"


@dataclass(frozen=True, slots=True)
class Position:
    """The last row of a page under one sort: its sort-key value and id. The next page starts after it."""

    sort: Sort
    value: SortValue
    id: uuid.UUID

    def as_dict(self) -> dict[str, str | None]:
        value = self.value.isoformat() if isinstance(self.value, datetime) else self.value
        return {"sort_by": self.sort.key, "sort_order": self.sort.order,
                "value": None if value is None else str(value), "id": str(self.id)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, sort: Sort) -> Position:
        """Rebuild a position from :meth:`as_dict` output for a request sorted by ``sort``.

        Raises :class:`InvalidAnalysisQueryError` naming ``query.cursor`` when the cursor was made under another
        sort (its position means nothing in this order), ``InvalidCursorError`` when it is damaged or its value
        is one the sort key's column cannot hold.
        """
        if (raw.get("sort_by"), raw.get("sort_order")) != (sort.key, sort.order):
            raise InvalidAnalysisQueryError(
                "query.cursor",
                f"belongs to sort_by={raw.get('sort_by')}&sort_order={raw.get('sort_order')}, not "
                f"sort_by={sort.key}&sort_order={sort.order}; start again without a cursor")
        try:
            return cls(sort, _parse_value(sort.key, raw["value"]), uuid.UUID(str(raw["id"])))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise InvalidCursorError(f"malformed: {exc}") from exc


def _parse_value(key: SortKey, value: Any) -> SortValue:
    if value is None:
        if not _nullable(key):
            raise ValueError(f"{key} is never null")
        return None
    if key == "created_at":
        return parse_timestamp(str(value))
    number = Decimal(str(value))
    return bounded_score(number) if key in _SCORES else bounded_amount(number)


@dataclass(frozen=True, slots=True)
class AnalysisPage:
    """One page of analyses and the position to continue from (None on the last page)."""

    items: list[Analysis]
    next_position: Position | None


def _nullable(key: SortKey) -> bool:
    return bool(Analysis.__table__.c[_COLUMNS[key].key].nullable)


def _after(position: Position) -> ColumnElement[bool]:
    """Rows strictly after ``position`` in its order (NULL sort values last)."""
    column = _COLUMNS[position.sort.key]
    ascending = position.sort.order == "asc"
    if not _nullable(position.sort.key):
        # NOT NULL key: one row comparison, which the planner turns into a range scan of the column's index.
        keyset = tuple_(column, Analysis.id)
        mark = tuple_(position.value, position.id)
        return keyset > mark if ascending else keyset < mark
    id_after = Analysis.id > position.id if ascending else Analysis.id < position.id
    if position.value is None:
        return and_(column.is_(None), id_after)
    value_after = column > position.value if ascending else column < position.value
    return or_(value_after, and_(column == position.value, id_after), column.is_(None))


def _order_by(sort: Sort) -> tuple[Any, ...]:
    column = _COLUMNS[sort.key]
    if sort.order == "asc":
        return column.asc().nulls_last(), Analysis.id.asc()
    # NULLS LAST only where NULLs exist: on a NOT NULL column it would stop a backward index scan.
    return (column.desc().nulls_last() if _nullable(sort.key) else column.desc()), Analysis.id.desc()


def list_analyses(session: Session, *, owner_key_id: str | None, filters: AnalysisFilters = AnalysisFilters(),
                  sort: Sort = Sort(), limit: int = 50, after: Position | None = None) -> AnalysisPage:
    """Up to ``limit`` analyses of ``owner_key_id`` (every owner's for ``None``) matching ``filters``, in ``sort``
    order, starting after ``after``.

    Raises :class:`InvalidAnalysisQueryError` when the filters contradict each other or ``after`` was made
    under another sort.
    """
    if after is not None and after.sort != sort:
        raise InvalidAnalysisQueryError("query.cursor", "was made under another sort; start again without it")
    statement = (select(Analysis).where(*owned_by(owner_key_id), *filters.conditions())
                 .order_by(*_order_by(sort)).limit(limit + 1))
    if after is not None:
        statement = statement.where(_after(after))
    rows = list(session.scalars(statement))
    if len(rows) <= limit:
        return AnalysisPage(rows, None)
    last = rows[limit - 1]
    return AnalysisPage(rows[:limit], Position(sort, getattr(last, _COLUMNS[sort.key].key), last.id))


def top_analyses(session: Session, *, owner_key_id: str | None, metric: TopMetric = "combined_score",
                 filters: AnalysisFilters = AnalysisFilters(), limit: int = 10) -> list[Analysis]:
    """The ``limit`` analyses of ``owner_key_id`` (every owner's for ``None``) with the highest ``metric`` among
    those matching ``filters``.

    Rows without a value for the metric (no sell price, so no ROI or profit) are not candidates. Ties go to
    the newer analysis.
    """
    column = _COLUMNS[metric]
    statement = (
        select(Analysis)
        .where(*owned_by(owner_key_id), *filters.conditions(), column.is_not(None))
        .order_by(column.desc(), Analysis.created_at.desc(), Analysis.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
