"""One product through the snapshots: its analysis (not stored) or its raw Keepa object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.exceptions import ProductNotFoundError
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.ingest import check_buy_price
from arbvault.catalog.lookup import CatalogProduct, fetch_products
from arbvault.catalog.records import analysis_metrics
from arbvault.catalog.rules import RulesBook
from arbvault.db import session_scope
from arbvault.engine.analyze import analyze
from arbvault.identifiers import normalise

if TYPE_CHECKING:
    from arbvault.keepa.client import KeepaClient


@dataclass(frozen=True, slots=True)
class ProductAnswer:
    """One product's Keepa data and what fetching it cost (0 from a snapshot)."""

    item: CatalogProduct
    tokens_consumed: int


def lookup_one(identifier: str, *, domain_id: int = 1, force_refresh: bool = False,
               options: FetchOptions | None = None, client: KeepaClient | None = None,
               field: str = "asin") -> ProductAnswer:
    """The product for ``identifier`` (422 naming ``field`` when malformed, ``ProductNotFoundError`` 404)."""
    wanted = normalise(identifier, field=field)
    lookup = fetch_products([wanted], domain_id=domain_id, options=options, force_refresh=force_refresh,
                            client=client)
    item = lookup.found.get(wanted.value)
    if item is None:
        raise ProductNotFoundError(wanted.value)
    return ProductAnswer(item=item, tokens_consumed=lookup.tokens_consumed)


def analyse_one(identifier: str, *, domain_id: int = 1, buy_price: Decimal | None = None,
                buy_condition: str | None = None, strategy: str | None = None, force_refresh: bool = False,
                options: FetchOptions | None = None,
                client: KeepaClient | None = None) -> tuple[dict[str, Any], ProductAnswer]:
    """The analysis detail (as the API returns it) of one product under its effective rules; nothing is stored."""
    check_buy_price(buy_price, buy_condition)
    normalise(identifier, field="asin")  # a malformed identifier is refused before any database work
    client = client or keepa_client(domain_id)
    with session_scope() as session:
        RulesBook(session, domain_id=domain_id).check_strategy(strategy)
    answer = lookup_one(identifier, domain_id=domain_id, force_refresh=force_refresh, options=options,
                        client=client)
    product = answer.item.parse()
    with session_scope() as session:
        config = RulesBook(session, domain_id=domain_id).for_product(product)
    analysis = analyze(product, config, now=datetime.now(UTC), buy_price=buy_price, buy_condition=buy_condition,
                       strategy=strategy)
    return analysis_metrics(analysis, answer.item), answer
