"""Discovery with scoring: candidates, their products through the snapshots, the engine, filters, ranking.

Per product: products Amazon sells now are left out (Amazon takes the Buy Box);
products without both a buy and a sell price (ROI unknown) or a sales rank cannot be scored; the rest are
analysed by the same engine as ingest, under the rules of each product's category layer, with the caller's buy
price (and its condition) or strategy.
Then ``roi_min`` / ``velocity_min`` (a 0 threshold counts; only an absent one is ignored), ranking by the
rules' combined score, and the first ``max_results``. Two candidates are looked at per result wanted.

Scores are not cached per ASIN; the Keepa data is, as catalog snapshots (``KEEPA_SNAPSHOT_TTL_SECONDS``),
and the engine recomputes from it. The engine is pure and takes well under a millisecond per product, while a
stored score would go stale on every config change and would need a key over the buy price and strategy too.
A repeated request within the snapshot TTL costs no token either way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.ingest import check_buy_price
from arbvault.catalog.lookup import fetch_products
from arbvault.catalog.records import condition_options_note, offers_count
from arbvault.catalog.rules import RulesBook
from arbvault.db import session_scope
from arbvault.discovery.candidates import Candidates, find_candidates
from arbvault.discovery.filters import CANDIDATES_PER_RESULT, EXCLUSIONS, Exclusion
from arbvault.engine.analyze import Analysis, analyze
from arbvault.identifiers import Identifier, InvalidIdentifierError, normalise

if TYPE_CHECKING:
    from arbvault.discovery.filters import DiscoveryFilters
    from arbvault.keepa.client import KeepaClient
    from arbvault.keepa.product import KeepaProduct


@dataclass(frozen=True, slots=True)
class ScoringCriteria:
    """What a product must reach (ROI in percent, velocity 0-100) and how to price it (``None``: the rules')."""

    roi_min: Decimal | None = None
    velocity_min: Decimal | None = None
    buy_price: Decimal | None = None
    buy_condition: str | None = None
    strategy: str | None = None


@dataclass(frozen=True, slots=True)
class ScoredProduct:
    """One kept product's analysis, the Keepa product behind it, that data's age and offer count, and why the
    analysis has no condition options when it has none."""

    analysis: Analysis
    product: KeepaProduct
    fetched_at: datetime
    from_snapshot: bool
    offers_count: int | None = None
    condition_options_note: str | None = None


@dataclass(frozen=True, slots=True)
class ScoringResult:
    """Kept products, best first; how many candidates were looked at and why the others were left out.

    ``from_cache`` holds only when nothing was fetched from Keepa: the candidate list came from the discovery
    cache and every product from a stored snapshot (or a recent miss)."""

    candidates: Candidates
    products: list[ScoredProduct]
    considered: int
    excluded: dict[Exclusion, int]
    tokens_consumed: int
    """Discovery and product lookups together, by this request."""
    snapshot_hits: int
    products_fetched: int
    """Candidates this request asked Keepa for (the others came from snapshots or recent misses)."""
    scored_at: datetime

    @property
    def from_cache(self) -> bool:
        return self.candidates.from_cache and self.products_fetched == 0


def exclusion(analysis: Analysis, product: KeepaProduct, criteria: ScoringCriteria) -> Exclusion | None:
    """Why ``analysis`` is left out, or ``None`` when it is kept."""
    if product.prices.amazon is not None:
        return "amazon_sells"
    if analysis.profit is None or analysis.bsr is None:
        return "no_price_or_rank"
    if criteria.roi_min is not None and analysis.profit.roi_pct < criteria.roi_min:
        return "below_roi_min"
    if criteria.velocity_min is not None and analysis.velocity.score < criteria.velocity_min:
        return "below_velocity_min"
    return None


def ranking_key(analysis: Analysis) -> tuple[Decimal, Decimal, str]:
    """Highest combined score first, then highest ROI, then ASIN (a stable order for equal scores)."""
    roi = analysis.profit.roi_pct if analysis.profit is not None else Decimal(0)
    return -analysis.combined_score, -roi, analysis.asin


def _identifiers(asins: tuple[str, ...]) -> list[Identifier]:
    parsed = []
    for asin in asins:
        try:
            parsed.append(normalise(asin))
        except InvalidIdentifierError:  # not ours to refuse: Keepa named it; it counts as not found
            continue
    return parsed


def discover_with_scoring(filters: DiscoveryFilters, *, max_results: int, criteria: ScoringCriteria,
                          force_refresh: bool = False, options: FetchOptions | None = None,
                          client: KeepaClient | None = None) -> ScoringResult:
    """Discover, analyse and rank up to ``max_results`` products; ``force_refresh`` bypasses both caches and
    ``options`` is what each product is looked up with (e.g. its live offers).

    Refuses a negative buy price and an unknown strategy (422) before spending anything; otherwise raises
    what ``find_candidates`` and ``fetch_products`` raise (429 token guard or Keepa, 503).
    """
    check_buy_price(criteria.buy_price, criteria.buy_condition)
    client = client or keepa_client(filters.domain_id)
    with session_scope() as session:
        RulesBook(session, domain_id=filters.domain_id).check_strategy(criteria.strategy)
    candidates = find_candidates(filters, force_refresh=force_refresh, client=client)
    window = candidates.asins[:max_results * CANDIDATES_PER_RESULT]
    wanted = _identifiers(window)
    lookup = fetch_products(wanted, domain_id=filters.domain_id, options=options, force_refresh=force_refresh,
                            client=client)
    items = list(lookup.found.values())
    products = [item.parse() for item in items]
    with session_scope() as session:
        book = RulesBook(session, domain_id=filters.domain_id)
        configs = [book.for_product(product) for product in products]
    now = datetime.now(UTC)
    excluded: Counter[Exclusion] = Counter()
    excluded["not_found"] = len(window) - len(items)
    kept = []
    for item, product, config in zip(items, products, configs, strict=True):
        analysis = analyze(product, config, now=now, buy_price=criteria.buy_price,
                           buy_condition=criteria.buy_condition, strategy=criteria.strategy)
        reason = exclusion(analysis, product, criteria)
        if reason is None:
            kept.append(ScoredProduct(analysis=analysis, product=product, fetched_at=item.fetched_at,
                                      from_snapshot=item.from_snapshot, offers_count=offers_count(product),
                                      condition_options_note=condition_options_note(analysis, item)))
        else:
            excluded[reason] += 1
    kept.sort(key=lambda scored: ranking_key(scored.analysis))
    return ScoringResult(
        candidates=candidates,
        products=kept[:max_results],
        considered=len(window),
        excluded={reason: excluded[reason] for reason in EXCLUSIONS},
        tokens_consumed=candidates.tokens_consumed + lookup.tokens_consumed,
        snapshot_hits=lookup.snapshot_hits,
        products_fetched=lookup.keepa_requested,
        scored_at=now,
    )
