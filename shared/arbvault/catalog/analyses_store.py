"""Writes of stored analyses: one statement for a whole ingest."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arbvault.catalog.bulk import insert_from_json, rows_parameter
from arbvault.models import Analysis

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_TABLE = Analysis.__table__
_RETURNED = (_TABLE.c.id, _TABLE.c.created_at, _TABLE.c.updated_at)


def insert_analyses(session: Session, rows: Sequence[dict[str, Any]], *,
                    skip_existing: bool = False) -> list[dict[str, Any]]:
    """Insert ``rows`` (``analysis_row`` values) in one statement; returns them with id and timestamps.

    ``skip_existing`` (job rows): a row whose ``(job_id, asin)`` is already stored is skipped, not duplicated
    (``ON CONFLICT DO NOTHING`` on the partial unique index), and only the rows inserted are returned.
    """
    if not rows:
        return []
    values = [{**row, "id": uuid.uuid4()} for row in rows]
    statement = insert_from_json(_TABLE, tuple(values[0]))  # type: ignore[arg-type]
    if skip_existing:
        statement = statement.on_conflict_do_nothing(index_elements=["job_id", "asin"],
                                                     index_where=_TABLE.c.job_id.is_not(None))
    result = session.execute(statement.returning(*_RETURNED), rows_parameter(values))
    stamps = {row.id: row for row in result}
    return [{**value, "created_at": stamps[value["id"]].created_at, "updated_at": stamps[value["id"]].updated_at}
            for value in values if value["id"] in stamps]
