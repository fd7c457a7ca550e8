"""Discovery: candidate products from Keepa's product finder or best-seller lists, scored by the engine.

Candidates are kept per filter set for 24 hours; products come through the catalog's snapshots; every paid
Keepa call passes the catalog's token guard first. Stock estimates keep each product's live offers 24 hours.

Example::

    from arbvault.discovery.filters import DiscoveryFilters
    from arbvault.discovery.scoring import ScoringCriteria, discover_with_scoring

    filters = DiscoveryFilters(domain_id=1, category=283155, bsr_max=100_000, price_min=Decimal("15"))
    result = discover_with_scoring(filters, max_results=20, criteria=ScoringCriteria(roi_min=Decimal(20)))
    result.products[0].analysis.profit.roi_pct, result.candidates.from_cache, result.tokens_consumed

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
