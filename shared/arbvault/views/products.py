"""Products looked up through the catalog (snapshots, token guard, Keepa) and analysed by the engine under their
effective rules, kept with their Keepa data: the views read both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.ingest import check_buy_price
from arbvault.catalog.lookup import fetch_products
from arbvault.catalog.rules import RulesBook
from arbvault.db import session_scope
from arbvault.engine.analyze import analyze

if TYPE_CHECKING:
    from arbvault.catalog.lookup import CatalogProduct
    from arbvault.engine.analyze import Analysis
    from arbvault.engine.config_view import EngineConfig
    from arbvault.identifiers import Identifier
    from arbvault.keepa.product import KeepaProduct


@dataclass(frozen=True)
class AnalysedProduct:
    """One product: its catalog entry (raw Keepa object, data age), parsed form, rules and analysis."""

    item: CatalogProduct
    product: KeepaProduct
    config: EngineConfig
    analysis: Analysis

    @property
    def raw(self) -> dict[str, Any]:
        return self.item.raw


@dataclass(frozen=True)
class AnalysedLookup:
    """Analysed products in request order, identifiers Keepa has no product for, and what the lookup cost."""

    products: list[AnalysedProduct]
    not_found: tuple[str, ...]
    tokens_consumed: int
    snapshot_hits: int


def analyse_products(identifiers: Sequence[Identifier], *, domain_id: int, buy_price: Decimal | None,
                     strategy: str | None, options: FetchOptions,
                     buy_condition: str | None = None) -> AnalysedLookup:
    """Look ``identifiers`` up and analyse each found product, as ingest does, without storing anything.

    ``buy_price`` is for a copy in ``buy_condition`` (else the strategy's default condition); without it the
    strategy's buy source prices each product. An unknown strategy, a negative buy price or an unknown buy
    condition is refused before any token is spent.
    """
    check_buy_price(buy_price, buy_condition)
    client = keepa_client(domain_id)
    with session_scope() as session:
        RulesBook(session, domain_id=domain_id).check_strategy(strategy)
    lookup = fetch_products(identifiers, domain_id=domain_id, options=options, client=client)
    parsed = [(item, item.parse()) for item in lookup.found.values()]
    with session_scope() as session:
        book = RulesBook(session, domain_id=domain_id)
        configs = [book.for_product(product) for _, product in parsed]
    now = datetime.now(UTC)
    products = [AnalysedProduct(item, product, config,
                                analyze(product, config, now=now, buy_price=buy_price,
                                        buy_condition=buy_condition, strategy=strategy))
                for (item, product), config in zip(parsed, configs, strict=True)]
    return AnalysedLookup(products, lookup.not_found, lookup.tokens_consumed, lookup.snapshot_hits)
