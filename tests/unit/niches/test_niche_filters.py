"""What niche discovery asks the product finder: the template's ranges, and only books Amazon does not offer."""

from __future__ import annotations

import dataclasses

import pytest

from arbvault.discovery.filters import DiscoveryFilters
from arbvault.niches.analyzer import AnalyzerCriteria
from arbvault.niches.discover import template_filters
from arbvault.niches.templates import TEMPLATES


@pytest.mark.parametrize("filters", [template_filters(TEMPLATES[0], 1), template_filters(TEMPLATES[-1], 1),
                                     AnalyzerCriteria().filters(3839, 1)], ids=["velocity", "textbook", "analyzer"])
def test_niche_finder_queries_leave_out_the_books_amazon_offers(filters: DiscoveryFilters) -> None:
    selection = filters.selection()

    assert filters.source == "finder" and selection["availabilityAmazon"] == [-1]
    assert selection["current_SALES_gte"] == filters.bsr_min and selection["current_SALES_lte"] == filters.bsr_max
    assert filters.applied()["without_amazon"] is True
    with_amazon = dataclasses.replace(filters, without_amazon=False)
    assert "availabilityAmazon" not in with_amazon.selection() and "without_amazon" not in with_amazon.applied()
    assert with_amazon.cache_key() != filters.cache_key()  # one stored candidate list never answers the other


def test_a_category_alone_reads_best_sellers_unless_amazon_is_left_out() -> None:
    assert DiscoveryFilters(domain_id=1, category=3839).source == "bestsellers"
    assert DiscoveryFilters(domain_id=1, category=3839, without_amazon=True).source == "finder"


def test_a_seller_cap_asks_the_finder_for_at_most_that_many_new_offers() -> None:
    capped = DiscoveryFilters(domain_id=1, category=3839, sellers_max=3)

    assert capped.source == "finder"
    assert capped.selection()["current_COUNT_NEW_lte"] == 3 and capped.applied()["sellers_max"] == 3
    uncapped = dataclasses.replace(capped, sellers_max=None)
    assert "current_COUNT_NEW_lte" not in uncapped.selection() and "sellers_max" not in uncapped.applied()
    assert capped.cache_key() != uncapped.cache_key() != dataclasses.replace(capped, sellers_max=5).cache_key()
