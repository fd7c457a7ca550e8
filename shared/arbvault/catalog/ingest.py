"""Ingest: analyse up to the synchronous threshold of identifiers and store every analysis.

Steps and their sessions (the pool holds one connection, and Keepa is never called inside a transaction):
refuse an unknown strategy before spending anything; look the products up through snapshots (guarded);
parse; read the rules of each product's category layer; analyse; insert all analyses in one statement.
Each step is timed, so a caller can see where the time went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from arbvault.catalog.analysis_rows import analyse_found, insert_analyses
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.lookup import fetch_products
from arbvault.catalog.rules import RulesBook
from arbvault.catalog.screening import RejectedIdentifier, screen_identifiers
from arbvault.catalog.timing import Timings
from arbvault.db import session_scope
from arbvault.engine.analyze import check_buy
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from arbvault.keepa.client import KeepaClient

INGEST_SOURCE = "ingest"


@dataclass
class IngestResult:
    """Stored analyses (request order), identifiers Keepa has no product for, entries that are no identifier,
    and what the ingest cost."""

    items: list[dict[str, Any]]
    not_found: tuple[str, ...]
    tokens_consumed: int
    snapshot_hits: int
    miss_hits: int
    rejected: tuple[RejectedIdentifier, ...] = ()
    timings: Timings = field(default_factory=Timings)


@dataclass(frozen=True, slots=True)
class TooManyForSync:
    """What ingest answers instead of analysing when the usable identifiers exceed ``INGEST_ASYNC_THRESHOLD``:
    nothing was looked up or stored, and the caller decides where the work goes (the keepa route queues a job)."""

    count: int
    threshold: int


def check_buy_price(buy_price: Decimal | None, buy_condition: str | None = None) -> None:
    """Refuse a negative buy price or an unknown buy condition before any token is spent (the engine would only
    refuse them afterwards)."""
    check_buy(buy_price, buy_condition)


def ingest(
    identifiers: Sequence[str],
    *,
    created_by: str,
    buy_price: Decimal | None = None,
    buy_condition: str | None = None,
    strategy: str | None = None,
    domain_id: int = 1,
    force_refresh: bool = False,
    options: FetchOptions | None = None,
    client: KeepaClient | None = None,
) -> IngestResult | TooManyForSync:
    """Analyse and store ``identifiers`` (ASINs, ISBN-10s, ISBN-13s) under the effective rules.

    ``buy_price`` is the reseller's acquisition cost (else the strategy's buy source, per the engine) for a copy
    in ``buy_condition`` (else the strategy's default condition); ``strategy`` forces a strategy. Entries that are
    no identifier are skipped and reported in ``rejected``. Above ``INGEST_ASYNC_THRESHOLD`` usable identifiers it
    returns ``TooManyForSync`` without spending anything.
    Raises ``InvalidIdentifiersError`` (422) when no entry is an identifier, ``UnknownStrategyError`` (422) before
    any token is spent, and whatever ``fetch_products`` raises (429 token guard or Keepa, 503).
    """
    timings = Timings()
    check_buy_price(buy_price, buy_condition)
    screened = screen_identifiers(identifiers)
    wanted = screened.valid
    threshold = get_settings().ingest_async_threshold
    if len(wanted) > threshold:
        return TooManyForSync(count=len(wanted), threshold=threshold)
    client = client or keepa_client(domain_id)
    with timings.measure("database"), session_scope() as session:
        RulesBook(session, domain_id=domain_id).check_strategy(strategy)

    lookup = fetch_products(wanted, domain_id=domain_id, options=options, force_refresh=force_refresh,
                            client=client)
    timings.add(lookup.timings)

    rows = analyse_found(lookup, domain_id=domain_id, buy_price=buy_price, buy_condition=buy_condition,
                         strategy=strategy,
                         source=INGEST_SOURCE, created_by=created_by, timings=timings)
    with timings.measure("database"), session_scope() as session:
        stored = insert_analyses(session, rows)
    return IngestResult(items=stored, not_found=lookup.not_found, tokens_consumed=lookup.tokens_consumed,
                        snapshot_hits=lookup.snapshot_hits, miss_hits=lookup.miss_hits,
                        rejected=tuple(screened.rejected), timings=timings.finish())
