"""Writes of stored analyses: one statement for a whole ingest or batch chunk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from arbvault.catalog.bulk import ROWS_PARAM, insert_from_json, rows_parameter
from arbvault.db import affected_rows
from arbvault.models.analysis import Analysis

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_TABLE = Analysis.__table__
_RETURNED = (_TABLE.c.id, _TABLE.c.created_at, _TABLE.c.updated_at)


def _with_ids(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "id": uuid.uuid4()} for row in rows]


def insert_analyses(session: Session, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert ``rows`` (``analysis_row`` values) in one statement; returns them with id and timestamps."""
    if not rows:
        return []
    values = _with_ids(rows)
    statement = insert_from_json(_TABLE, tuple(values[0]))
    parameter = rows_parameter(values)
    result = session.execute(statement.returning(*_RETURNED), parameter)
    stamps = {row.id: row for row in result}
    # A row's metrics are JSON text (orjson.Fragment); callers get them as the dict the text stands for.
    sent = orjson.loads(parameter[ROWS_PARAM])
    return [{**value, "metrics": written["metrics"], "created_at": stamps[value["id"]].created_at,
             "updated_at": stamps[value["id"]].updated_at} for value, written in zip(values, sent, strict=True)]


def insert_job_analyses(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert a job chunk's ``rows`` in one statement; returns how many were new.

    A row whose ``(job_id, asin)`` is already stored is skipped, not duplicated (``ON CONFLICT DO NOTHING`` on
    the partial unique index). Nothing is returned row by row: a worker needs the count, and reading back ids
    and timestamps (pg8000 parses each timestamp in Python) cost a chunk about 2 ms.
    """
    if not rows:
        return 0
    values = _with_ids(rows)
    statement = insert_from_json(_TABLE, tuple(values[0])).on_conflict_do_nothing(
        index_elements=["job_id", "asin"], index_where=_TABLE.c.job_id.is_not(None))
    return affected_rows(session.execute(statement, rows_parameter(values)))
