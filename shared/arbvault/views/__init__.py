"""Views: products scored for one screen (view-specific weights) and the five strategic views (ranking,
filters, target sell prices). Products come through the catalog and the engine, exactly as ingest's do."""

from arbvault.views.scoring import VIEW_NAMES, ScoredProduct, UnknownViewError, ViewScoring, check_view, score_view
from arbvault.views.strategic import (
    VIEW_PATHS,
    StrategicProduct,
    StrategicRanking,
    TargetPrice,
    TargetPrices,
    ViewFilters,
    strategic_ranking,
    strategic_view_of,
    target_prices,
)

__all__ = [
    "VIEW_NAMES",
    "VIEW_PATHS",
    "ScoredProduct",
    "StrategicProduct",
    "StrategicRanking",
    "TargetPrice",
    "TargetPrices",
    "UnknownViewError",
    "ViewFilters",
    "ViewScoring",
    "check_view",
    "score_view",
    "strategic_ranking",
    "strategic_view_of",
    "target_prices",
]
