"""Looked-up products analysed under their effective rules, as ``analyses`` rows: the one path that ingest and
batch jobs share (rules per category layer, the engine, the row shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arbvault.catalog.records import analysis_row
from arbvault.catalog.rules import RulesBook
from arbvault.catalog.timing import Timings
from arbvault.db import session_scope
from arbvault.engine.analyze import analyze

if TYPE_CHECKING:
    import uuid

    from arbvault.catalog.lookup import CatalogLookup
    from arbvault.engine.config_view import EngineConfig
    from arbvault.keepa import KeepaProduct


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
