"""Looked-up products analysed under their effective rules, as ``analyses`` rows: the one path that ingest and
batch jobs share (rules per category layer, the engine, the row shape)."""

from __future__ import annotations

from dataclasses import dataclass
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

    from arbvault.analysis import EngineConfig
    from arbvault.catalog.lookup import CatalogLookup, CatalogProduct
    from arbvault.keepa import KeepaProduct


@dataclass(frozen=True, slots=True)
class PreparedAnalyses:
    """A lookup's products, parsed and paired with their rules: ``rows`` analyses any slice of them, so a
    caller can send the first rows to the database while the rest are analysed."""

    products: list[tuple[CatalogProduct, KeepaProduct, EngineConfig]]
    buy_price: Decimal | None
    strategy: str | None
    source: str
    created_by: str
    job_id: uuid.UUID | None
    now: datetime

    def __len__(self) -> int:
        return len(self.products)

    def rows(self, part: slice = slice(None)) -> list[dict[str, Any]]:
        """One ``analysis_row`` per product of ``part`` (request order)."""
        return [
            analysis_row(analyze(product, config, now=self.now, buy_price=self.buy_price, strategy=self.strategy),
                         product, item, source=self.source, created_by=self.created_by, job_id=self.job_id)
            for item, product, config in self.products[part]
        ]


def prepare_analyses(lookup: CatalogLookup, *, domain_id: int, buy_price: Decimal | None, strategy: str | None,
                     source: str, created_by: str, job_id: uuid.UUID | None = None, rules: RulesBook | None = None,
                     timings: Timings | None = None) -> PreparedAnalyses:
    """Parse the products ``lookup`` found and pick each one's rules.

    The rules come from ``rules`` (a book on the caller's session: a batch chunk reads them in the transaction
    that writes its rows), else from a session of its own. ``timings`` (if given) receives the parsing time as
    analysis and the rules read as database.
    """
    timings = timings or Timings()
    with timings.measure("analysis"):
        parsed = [(item, item.parse()) for item in lookup.found.values()]
    with timings.measure("database"):
        if rules is not None:
            configs = _configs(rules, [product for _, product in parsed])
        else:
            with session_scope() as session:
                configs = _configs(RulesBook(session, domain_id=domain_id), [product for _, product in parsed])
    return PreparedAnalyses([(item, product, config) for (item, product), config in zip(parsed, configs, strict=True)],
                            buy_price=buy_price, strategy=strategy, source=source, created_by=created_by,
                            job_id=job_id, now=datetime.now(UTC))


def analyse_found(lookup: CatalogLookup, *, domain_id: int, buy_price: Decimal | None, strategy: str | None,
                  source: str, created_by: str, timings: Timings | None = None) -> list[dict[str, Any]]:
    """One ``analysis_row`` per product ``lookup`` found (request order), under rules read in a session of its
    own; ``timings`` receives parsing and engine time as analysis and the rules read as database."""
    timings = timings or Timings()
    prepared = prepare_analyses(lookup, domain_id=domain_id, buy_price=buy_price, strategy=strategy,
                                source=source, created_by=created_by, timings=timings)
    with timings.measure("analysis"):
        return prepared.rows()


def _configs(book: RulesBook, products: list[KeepaProduct]) -> list[EngineConfig]:
    return [book.for_product(product) for product in products]
