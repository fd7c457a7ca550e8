"""The niche token estimate and the real per-niche cost it is priced with."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.catalog.costs import finder_cost
from arbvault.discovery.filters import CANDIDATE_WINDOW
from arbvault.niches.budget import NicheCost, affordable_count, estimate_niche_tokens
from arbvault.niches.discover import NichePlan
from arbvault.niches.templates import TEMPLATES
from arbvault.settings import get_settings

FIRST_COSTS = NicheCost(discovery=50, products=100)
"""The first implementation's assumed costs (best sellers 50, 100 product lookups): 150 per niche."""


@pytest.mark.parametrize(("count", "buffer", "tokens"), [(1, 0, 150), (3, 0, 450), (3, 20, 540), (0, 0, 0),
                                                         (1, 10, 165), (2, Decimal("0.5"), 302)])
def test_estimate_is_count_times_the_per_niche_cost_plus_the_buffer(count: int, buffer: Decimal,
                                                                    tokens: int) -> None:
    assert estimate_niche_tokens(count, FIRST_COSTS, buffer_pct=Decimal(buffer)) == tokens


def test_a_balance_of_100_is_350_short_for_three_niches_and_covers_none() -> None:
    required = estimate_niche_tokens(3, FIRST_COSTS)

    assert (required, required - 100) == (450, 350)
    assert affordable_count(100, FIRST_COSTS) == 0  # wait for refills
    assert affordable_count(200, FIRST_COSTS) == 1
    assert affordable_count(450, FIRST_COSTS) == 3
    assert affordable_count(-5, FIRST_COSTS) == 0


def test_the_real_cost_is_one_finder_page_and_two_lookups_with_offers_per_product() -> None:
    plan = NichePlan(templates=TEMPLATES[:3], products_per_niche=10, domain_id=1)

    # 20 candidates, each looked up with one page of live offers (6 tokens instead of 1).
    assert plan.offers == 20
    assert plan.cost == NicheCost(discovery=finder_cost(CANDIDATE_WINDOW), products=20 * 6)
    assert plan.tokens_required == 3 * (finder_cost(CANDIDATE_WINDOW) + 120) == 396
    assert plan.candidates_to_analyse == 60


def test_without_live_offers_a_lookup_costs_one_token() -> None:
    plan = NichePlan(templates=TEMPLATES[:3], products_per_niche=10, domain_id=1, offers=None)

    assert plan.cost == NicheCost(discovery=finder_cost(CANDIDATE_WINDOW), products=20)
    assert plan.tokens_required == 3 * (12 + 20) == 96


def test_more_candidates_than_the_ingest_threshold_run_as_a_job() -> None:
    threshold = get_settings().ingest_async_threshold
    per_niche = threshold // 2  # two candidates per product: one template analyses exactly the threshold
    assert not NichePlan(templates=TEMPLATES[:1], products_per_niche=per_niche, domain_id=1).runs_as_job
    assert NichePlan(templates=TEMPLATES[:2], products_per_niche=per_niche, domain_id=1).runs_as_job
