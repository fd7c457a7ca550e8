"""View-specific scoring: each product's ROI, velocity and stability weighted for one screen, then ranked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from arbvault.engine.money import round_half_up
from arbvault.engine.view_scores import VIEW_NAMES, VIEW_WEIGHTS, ViewScore, view_score
from arbvault.exceptions import NotFoundError

if TYPE_CHECKING:
    from arbvault.catalog.fetch_options import FetchOptions
    from arbvault.identifiers import Identifier
    from arbvault.views.products import AnalysedProduct


class UnknownViewError(NotFoundError):
    """Raised for a view name that is not one of the known views; lists them."""

    code = "view_not_found"

    def __init__(self, view: str, known: Sequence[str]) -> None:
        super().__init__(f"no view {view!r}; the views are {', '.join(known)}",
                         details=[{"field": "view_type", "allowed": list(known)}])


def check_view(view: str) -> None:
    if view not in VIEW_WEIGHTS:
        raise UnknownViewError(view, VIEW_NAMES)


@dataclass(frozen=True)
class ScoredProduct:
    """One product's view score, its rank in the request, and the metrics that were missing (scored with the
    view's neutral values: ROI 0, velocity 0, stability 50)."""

    analysed: AnalysedProduct
    score: ViewScore
    rank: int
    missing_metrics: tuple[str, ...]


@dataclass(frozen=True)
class ViewScoring:
    products: list[ScoredProduct]
    not_found: tuple[str, ...]
    average_score: Decimal | None
    tokens_consumed: int
    snapshot_hits: int


def _metrics(analysed: AnalysedProduct) -> dict[str, Decimal | None]:
    analysis = analysed.analysis
    return {
        "roi": analysis.profit.roi_pct if analysis.profit is not None else None,
        "velocity": analysis.velocity.score if analysis.velocity.sales_source != "none" else None,
        "stability": Decimal(analysis.stability.score) if analysis.stability.sufficient_data else None,
    }


def score_view(view: str, identifiers: Sequence[Identifier], *, strategy: str | None, buy_price: Decimal | None,
               domain_id: int, options: FetchOptions, buy_condition: str | None = None) -> ViewScoring:
    """Analyse the products and rank them by their score for ``view``, best first (ties keep request order)."""
    from arbvault.views.products import analyse_products  # the catalog and the engine: only a scoring loads them

    check_view(view)
    lookup = analyse_products(identifiers, domain_id=domain_id, buy_price=buy_price, buy_condition=buy_condition,
                              strategy=strategy, options=options)
    scored = []
    for analysed in lookup.products:
        metrics = _metrics(analysed)
        missing = tuple(name for name, value in metrics.items() if value is None)
        scored.append((analysed, view_score(view, metrics, strategy), missing))
    scored.sort(key=lambda entry: entry[1].score, reverse=True)
    products = [ScoredProduct(analysed, score, rank, missing)
                for rank, (analysed, score, missing) in enumerate(scored, start=1)]
    average = (round_half_up(sum((p.score.score for p in products), Decimal(0)) / len(products))
               if products else None)
    return ViewScoring(products, lookup.not_found, average, lookup.tokens_consumed, lookup.snapshot_hits)
