"""Discovery: candidate products from Keepa's product finder or best-seller lists, scored by the engine.

Candidates are kept per filter set for 24 hours; products come through the catalog's snapshots; every paid
Keepa call passes the catalog's token guard first. Stock estimates keep each product's live offers 24 hours.

Example::

    from arbvault.discovery import DiscoveryFilters, ScoringCriteria, discover_with_scoring

    filters = DiscoveryFilters(domain_id=1, category=283155, bsr_max=100_000, price_min=Decimal("15"))
    result = discover_with_scoring(filters, max_results=20, criteria=ScoringCriteria(roi_min=Decimal(20)))
    result.products[0].analysis.profit.roi_pct, result.candidates.from_cache, result.tokens_consumed
"""

from arbvault.discovery.candidates import Candidates, find_candidates
from arbvault.discovery.categories import BOOKS, CATEGORIES, US_DOMAIN, Category, category_by_id
from arbvault.discovery.category_lookup import CategoryRefresh, LiveCategory, refresh_categories
from arbvault.discovery.exceptions import InvalidFiltersError, OffersNotDeliveredError
from arbvault.discovery.filters import CANDIDATE_WINDOW, CandidateSource, DiscoveryFilters
from arbvault.discovery.results_store import DISCOVERY_TTL, StoredCandidates
from arbvault.discovery.scoring import (
    CANDIDATES_PER_RESULT,
    EXCLUSIONS,
    Exclusion,
    ScoredProduct,
    ScoringCriteria,
    ScoringResult,
    discover_with_scoring,
)
from arbvault.discovery.stock import STOCK_TTL, StockAnswer, StockSource, stock_estimate

__all__ = [
    "BOOKS",
    "CANDIDATES_PER_RESULT",
    "CANDIDATE_WINDOW",
    "CATEGORIES",
    "DISCOVERY_TTL",
    "EXCLUSIONS",
    "STOCK_TTL",
    "US_DOMAIN",
    "CandidateSource",
    "Candidates",
    "Category",
    "CategoryRefresh",
    "DiscoveryFilters",
    "Exclusion",
    "InvalidFiltersError",
    "LiveCategory",
    "OffersNotDeliveredError",
    "ScoredProduct",
    "ScoringCriteria",
    "ScoringResult",
    "StockAnswer",
    "StockSource",
    "StoredCandidates",
    "category_by_id",
    "discover_with_scoring",
    "find_candidates",
    "refresh_categories",
    "stock_estimate",
]
