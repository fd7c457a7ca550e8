"""The category analyzer's metrics over a sample of real (offline) books: an input no product has is missing,
never averaged as 0; its factor is left out of the score and the confidence drops (docs/rules.md#niches)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import orjson
import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.discovery.scoring import ScoredProduct
from arbvault.engine.analyze import analyze
from arbvault.engine.rules_document import read_config
from arbvault.engine.scores import Score
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.time import datetime_to_keepa_minutes
from arbvault.niches.analyzer import AnalyzerCriteria, category_metrics, category_niche
from arbvault.niches.scoring import (
    market_size_points,
    niche_score,
    profitability_points,
    stability_points,
    viability_points,
)
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
WIDE = AnalyzerCriteria(bsr_min=1, bsr_max=5_000_000, sellers_max=100, margin_min=Decimal(-1000),
                        stability_min=Decimal(0))


@pytest.fixture(scope="module")
def sample() -> list[ScoredProduct]:
    """20 offline books with a price and a rank (what the analyzer's sample holds), each with a seller count, the
    few with a price history long enough for a stability first."""
    rules = read_config(DEFAULT_RULES)
    catalogue = Catalogue(clock=datetime_to_keepa_minutes(NOW), pool_size=120)
    kept = []
    for entry in catalogue.pool():
        product = parse_product(orjson.loads(catalogue.render(entry, ProductOptions(stats=90, offers=20))[0]), now=NOW)
        analysis = analyze(product, rules, now=NOW)
        if analysis.profit is not None and analysis.bsr is not None and product.offer_counts.new is not None:
            kept.append(ScoredProduct(analysis=analysis, product=product, fetched_at=NOW, from_snapshot=False))
    kept.sort(key=lambda p: not p.analysis.stability.sufficient_data)
    assert len(kept) >= 20 and kept[0].analysis.stability.sufficient_data
    return kept[:20]


def _without_sellers(product: ScoredProduct) -> ScoredProduct:
    counts = replace(product.product.offer_counts, new=None)
    return replace(product, product=replace(product.product, offer_counts=counts))


def _without_stability(product: ScoredProduct) -> ScoredProduct:
    unknown = Score(0, "insufficient_data", sufficient_data=False)
    return replace(product, analysis=replace(product.analysis, stability=unknown))


def test_a_complete_sample_misses_nothing(sample: list[ScoredProduct]) -> None:
    metrics = category_metrics(sample, WIDE)

    assert metrics.avg_sellers is not None and metrics.price_stability is not None
    assert metrics.missing_inputs == () and metrics.competition_level is not None


def test_without_seller_counts_the_sellers_are_missing_not_zero(sample: list[ScoredProduct]) -> None:
    # GIVEN a sample none of whose products Keepa gave a new-offer count
    bare = [_without_sellers(p) for p in sample]

    metrics = category_metrics(bare, WIDE)

    # THEN no seller average (0 would read as the lowest competition), no competition level, and it is named
    assert metrics.avg_sellers is None and metrics.competition_level is None
    assert metrics.missing_inputs == ("seller_count",)
    assert metrics.price_stability == category_metrics(sample, WIDE).price_stability


def test_the_score_leaves_a_missing_input_out_of_the_weighted_mean(sample: list[ScoredProduct]) -> None:
    metrics = category_metrics([_without_sellers(p) for p in sample], WIDE)
    assert metrics.price_stability is not None
    known = [(Decimal("0.25"), profitability_points(metrics.profit_margin)),
             (Decimal("0.20"), stability_points(metrics.price_stability)),
             (Decimal("0.15"), market_size_points(metrics.avg_bsr, WIDE.bsr_min, WIDE.bsr_max)),
             (Decimal("0.10"), viability_points(metrics.viable_products, metrics.total_products))]
    mean = sum(w * Decimal(str(p)) for w, p in known) / sum(w for w, _ in known)

    score = niche_score(metrics, WIDE.bsr_min, WIDE.bsr_max)

    assert score == float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    assert score != niche_score(replace(metrics, avg_sellers=0.0), WIDE.bsr_min, WIDE.bsr_max)


def test_a_missing_input_lowers_the_niches_confidence(sample: list[ScoredProduct]) -> None:
    complete = category_niche(1, sample, WIDE)
    no_sellers = category_niche(1, [_without_sellers(p) for p in sample], WIDE)

    assert complete is not None and no_sellers is not None
    assert (complete.confidence, no_sellers.confidence) == ("MEDIUM", "LOW")  # 20 products
    assert no_sellers.metrics.missing_inputs == ("seller_count",)


def test_without_any_stability_both_inputs_are_missing(sample: list[ScoredProduct]) -> None:
    metrics = category_metrics([_without_stability(_without_sellers(p)) for p in sample], WIDE)

    assert (metrics.avg_sellers, metrics.price_stability) == (None, None)
    assert metrics.missing_inputs == ("seller_count", "price_stability")


def test_an_input_some_products_have_is_their_mean(sample: list[ScoredProduct]) -> None:
    half = [_without_sellers(p) if i % 2 else p for i, p in enumerate(sample)]
    counted = [p.product.offer_counts.new for p in half if p.product.offer_counts.new is not None]

    metrics = category_metrics(half, WIDE)

    assert metrics.avg_sellers == round(sum(counted) / len(counted), 2) and metrics.missing_inputs == ()
