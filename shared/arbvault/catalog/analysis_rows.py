"""Looked-up products analysed under their effective rules, as ``analyses`` rows, and those rows written in one
statement for a whole ingest or batch chunk: the one path that ingest and batch jobs share (rules per category
layer, the engine, the row shape, the write)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import orjson

from arbvault.catalog.bulk import ROWS_PARAM, insert_from_json, rows_parameter
from arbvault.catalog.records import analysis_row
from arbvault.catalog.rules import RulesBook
from arbvault.catalog.timing import Timings
from arbvault.db import affected_rows, session_scope
from arbvault.engine.analyze import analyze
from arbvault.models.analysis import Analysis

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.orm import Session

    from arbvault.catalog.lookup import CatalogLookup
    from arbvault.engine.config_view import EngineConfig
    from arbvault.keepa.product import KeepaProduct


def analyse_found(lookup: CatalogLookup, *, domain_id: int, buy_price: Decimal | None, strategy: str | None,
                  source: str, created_by: str, job_id: uuid.UUID | None = None, rules: RulesBook | None = None,
                  timings: Timings | None = None, buy_condition: str | None = None) -> list[dict[str, Any]]:
    """One ``analysis_row`` per product ``lookup`` found (request order).

    The rules come from ``rules`` (a book on the caller's session: a batch chunk reads them in the transaction
    that writes its rows), else from a session of its own. ``timings`` (if given) receives the parsing and
    engine time as analysis and the rules read as database.
    """
    timings = timings or Timings()
    with timings.measure("analysis"):
        products = [(item, item.parse()) for item in lookup.found.values()]
    with timings.measure("database"):
        if rules is not None:
            configs = _configs(rules, [product for _, product in products])
        else:
            with session_scope() as session:
                configs = _configs(RulesBook(session, domain_id=domain_id), [product for _, product in products])
    with timings.measure("analysis"):
        now = datetime.now(UTC)
        return [
            analysis_row(analyze(product, config, now=now, buy_price=buy_price, buy_condition=buy_condition,
                                 strategy=strategy), product, item, source=source, created_by=created_by, job_id=job_id)
            for (item, product), config in zip(products, configs, strict=True)
        ]


def _configs(book: RulesBook, products: list[KeepaProduct]) -> list[EngineConfig]:
    return [book.for_product(product) for product in products]


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
