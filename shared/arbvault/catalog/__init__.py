"""Catalog: Keepa products kept as snapshots in PostgreSQL, the token guard, and analyses made from them.

Look products up through the snapshots (0 tokens within ``KEEPA_SNAPSHOT_TTL_SECONDS``), guarded::

    from arbvault.catalog import FetchOptions, fetch_products

    lookup = fetch_products(["9781639584727", "1739104269"], options=FetchOptions(offers=20))
    lookup.found["1739104269"].parse(), lookup.not_found, lookup.tokens_consumed, lookup.snapshot_hits

Guard any other paid Keepa call (the check never spends a token; the balance is recorded afterwards)::

    from arbvault.catalog import guarded, keepa_client, finder_cost

    client = keepa_client(1)
    with guarded(client, finder_cost(50)):
        page = client.product_finder(selection)

Functions here open their own sessions: call them while holding none (one pooled connection per environment).
"""

from arbvault.catalog.analyse import analyse_found
from arbvault.catalog.analyses_store import insert_analyses, insert_job_analyses
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.costs import (
    BESTSELLERS_COST,
    BUYBOX_COST,
    CATEGORY_COST,
    FINDER_BASE_COST,
    OFFER_PAGE_COST,
    PRODUCT_COST,
    TOKEN_STATUS_COST,
    finder_cost,
    product_lookup_cost,
)
from arbvault.catalog.exceptions import (
    InvalidIdentifiersError,
    ProductNotFoundError,
    TokenBudgetError,
    TokenCapacityError,
    TooManyIdentifiersError,
)
from arbvault.catalog.guard import (
    TokenEstimate,
    check_tokens,
    current_estimate,
    estimate,
    guarded,
    remember_balance,
    retry_after_seconds,
    would_pass,
)
from arbvault.catalog.ingest import (
    BATCHES_PATH,
    IngestResult,
    RejectedIdentifier,
    ScreenedIdentifiers,
    check_buy_price,
    ingest,
    parse_identifiers,
    screen_identifiers,
)
from arbvault.catalog.lookup import (
    CatalogLookup,
    CatalogProduct,
    LookupPlan,
    ask_keepa,
    complete_lookup,
    fetch_products,
    identifiers_of,
    plan_lookup,
    stored_since,
)
from arbvault.catalog.records import analysis_metrics, analysis_row, condition_options_note, offers_count, to_json
from arbvault.catalog.rules import RulesBook, category_layer
from arbvault.catalog.single import ProductAnswer, analyse_one, lookup_one
from arbvault.catalog.snapshots import DEFAULT_STATS_DAYS, FetchOptions, Snapshot
from arbvault.catalog.timing import Timings
from arbvault.catalog.token_ledger import StoredBalance, load_balance, record_balance

__all__ = [
    "BATCHES_PATH",
    "BESTSELLERS_COST",
    "BUYBOX_COST",
    "CATEGORY_COST",
    "DEFAULT_STATS_DAYS",
    "FINDER_BASE_COST",
    "OFFER_PAGE_COST",
    "PRODUCT_COST",
    "TOKEN_STATUS_COST",
    "CatalogLookup",
    "CatalogProduct",
    "FetchOptions",
    "IngestResult",
    "InvalidIdentifiersError",
    "LookupPlan",
    "ProductAnswer",
    "ProductNotFoundError",
    "RejectedIdentifier",
    "RulesBook",
    "ScreenedIdentifiers",
    "Snapshot",
    "StoredBalance",
    "Timings",
    "TokenBudgetError",
    "TokenCapacityError",
    "TokenEstimate",
    "TooManyIdentifiersError",
    "analyse_found",
    "analyse_one",
    "analysis_metrics",
    "analysis_row",
    "ask_keepa",
    "category_layer",
    "check_buy_price",
    "check_tokens",
    "complete_lookup",
    "condition_options_note",
    "current_estimate",
    "estimate",
    "fetch_products",
    "finder_cost",
    "guarded",
    "identifiers_of",
    "ingest",
    "insert_analyses",
    "insert_job_analyses",
    "keepa_client",
    "load_balance",
    "lookup_one",
    "offers_count",
    "parse_identifiers",
    "plan_lookup",
    "product_lookup_cost",
    "record_balance",
    "remember_balance",
    "retry_after_seconds",
    "screen_identifiers",
    "stored_since",
    "to_json",
    "would_pass",
]
