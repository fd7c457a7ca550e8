"""Looked-up products analysed under their effective rules, as ``analyses`` rows: the one path that ingest and
batch jobs share (rules per category layer, the engine, the row shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arbvault.analysis import analyze
from arbvault.catalog.records import analysis_row
from arbvault.catalog.rules import RulesBook
from arbvault.catalog.timing import Timings
from arbvault.db import session_scope

if TYPE_CHECKING:
    import uuid

    from arbvault.catalog.lookup import CatalogLookup


def analyse_found(lookup: CatalogLookup, *, domain_id: int, buy_price: Decimal | None, strategy: str | None,
                  source: str, created_by: str, job_id: uuid.UUID | None = None,
                  timings: Timings | None = None) -> list[dict[str, Any]]:
    """One ``analysis_row`` per product ``lookup`` found (request order); reads the rules in its own session.

    ``timings`` (if given) receives the parsing and engine time as analysis and the rules read as database.
    """
    timings = timings or Timings()
    with timings.measure("analysis"):
        products = [(item, item.parse()) for item in lookup.found.values()]
    with timings.measure("database"), session_scope() as session:
        book = RulesBook(session, domain_id=domain_id)
        configs = [book.for_product(product) for _, product in products]
    with timings.measure("analysis"):
        now = datetime.now(UTC)
        return [
            analysis_row(analyze(product, config, now=now, buy_price=buy_price, strategy=strategy), product, item,
                         source=source, created_by=created_by, job_id=job_id)
            for (item, product), config in zip(products, configs, strict=True)
        ]
