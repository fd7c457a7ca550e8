"""The offline Keepa's generated books, 1,000 at a time: the shares and the rank-to-sales relation a reseller meets.

Each book is rendered as an ``offers=20&stats=90`` request would see it and read with ``arbvault.keepa``'s parser,
so the figures are what the API reads. The bounds keep the generator from drifting back to a catalogue in which
nothing is ever worth buying (or everything is).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import analyze
from arbvault.engine.rules_document import read_config
from arbvault.keepa.offers import Condition, Offer
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.product import KeepaProduct
from arbvault.keepa.time import keepa_minutes_to_datetime
from infra.keepa_offline.catalogue import Catalogue
from infra.keepa_offline.views import ProductOptions, product_view
from keepa_testing import CLOCK, book_isbns

SAMPLE = 1_000
ENGINE_RULES = read_config(DEFAULT_RULES)
ANALYSED_AT = keepa_minutes_to_datetime(CLOCK)


def weekly_sales(rank: float) -> float:
    """Brynjolfsson, Hu & Smith (2003): ln(weekly sales) = 10.526 - 0.871 ln(rank), Amazon.com books."""
    return math.exp(10.526 - 0.871 * math.log(rank))


def default_sources_profit(product: KeepaProduct) -> Decimal | None:
    """Net profit at the default rules' price sources, as an ingest computes it; ``None`` when the engine finds
    nothing to buy or no price to sell at."""
    analysis = analyze(product, ENGINE_RULES, now=ANALYSED_AT)
    return analysis.profit.net_profit if analysis.profit is not None else None


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (ties get their average rank)."""
    def ranks(values: Sequence[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out
    return statistics.correlation(ranks(xs), ranks(ys))


def share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags)


@pytest.fixture(scope="module")
def books() -> list[tuple[dict[str, Any], KeepaProduct]]:
    """1,000 generated books as ``(raw product object, parsed product)``."""
    catalogue = Catalogue(clock=CLOCK)
    options = ProductOptions(stats=90, offers=20)
    out = []
    for isbn in book_isbns(SAMPLE, start=100_000):
        entry = catalogue.by_code(isbn)
        assert entry is not None
        raw = product_view(entry.product, options, entry.now)
        out.append((raw, parse_product(raw)))
    return out


def _live_new(product: KeepaProduct) -> list[Offer]:
    return [o for o in product.live_offers if o.condition == Condition.NEW]


def test_most_books_have_a_buy_box_with_its_stats(books: list[tuple[dict[str, Any], KeepaProduct]]) -> None:
    with_buy_box = [(raw, p) for raw, p in books if p.prices.buy_box is not None]
    assert 0.80 <= len(with_buy_box) / len(books) <= 0.95
    for raw, product in with_buy_box:
        stats = raw["stats"]
        winner = stats["buyBoxSellerId"]
        assert winner in {o.seller_id for o in _live_new(product)} and winner == product.buy_box_seller_id
        assert isinstance(stats["buyBoxIsAmazon"], bool) and isinstance(stats["buyBoxIsFBA"], bool)
        assert winner in stats["buyBoxStats"] and raw["buyBoxSellerIdHistory"][-1] == winner
        assert product.prices.buy_box == Decimal(stats["buyBoxPrice"] + stats["buyBoxShipping"]) / 100
    # no buy box exactly when nobody offers the book new
    assert all(not _live_new(p) for _, p in books if p.prices.buy_box is None)


def test_new_offers_are_fba_and_merchant_fulfilled_with_consistent_counts(
        books: list[tuple[dict[str, Any], KeepaProduct]]) -> None:
    third_party_fba = [[o for o in _live_new(p) if o.is_fba and not o.is_amazon] for _, p in books]
    merchant = [[o for o in _live_new(p) if not o.is_fba] for _, p in books]
    assert share([bool(f) for f in third_party_fba]) >= 0.5 and share([bool(m) for m in merchant]) >= 0.5
    for (_, product), fba, fbm in zip(books, third_party_fba, merchant, strict=True):
        assert product.prices.new_fba == min((o.landed_price for o in fba if o.landed_price), default=None)
        assert product.prices.new_fbm == min((o.landed_price for o in fbm if o.landed_price), default=None)
        counts = product.offer_counts
        assert counts.new == len(_live_new(product))
        assert counts.new_fba == sum(o.is_fba for o in _live_new(product))  # csv 34 counts Amazon's own offer
        assert counts.fba_third_party == sum(o.is_fba and not o.is_amazon for o in product.live_offers)


def test_amazon_sells_a_share_of_the_books(books: list[tuple[dict[str, Any], KeepaProduct]]) -> None:
    amazon = [p.amazon_on_listing for _, p in books]
    assert 0.35 <= share(amazon) <= 0.60
    for (raw, product), on_listing in zip(books, amazon, strict=True):
        assert on_listing == (product.prices.amazon is not None) == (raw["availabilityAmazon"] == 0)
        if on_listing:  # Amazon in stock holds the buy box
            assert product.amazon_owns_buy_box and raw["stats"]["buyBoxIsAmazon"] is True


def test_used_offers_in_several_conditions_with_a_used_buy_box(
        books: list[tuple[dict[str, Any], KeepaProduct]]) -> None:
    used = [[o for o in p.live_offers if o.condition.is_used] for _, p in books]
    assert 0.85 <= share([bool(u) for u in used]) <= 0.99
    assert {o.condition for offers in used for o in offers} == {Condition(c) for c in (2, 3, 4, 5)}
    assert share([len({o.condition for o in u}) >= 2 for u in used]) >= 0.6
    for (raw, product), offers in zip(books, used, strict=True):
        stats = raw["stats"]
        if not offers:
            assert product.prices.buy_box_used is None and "buyBoxUsedPrice" not in stats
            continue
        winner = next(o for o in offers if o.seller_id == stats["buyBoxUsedSellerId"])
        assert stats["buyBoxUsedIsFBA"] == winner.is_fba and stats["buyBoxUsedCondition"] == winner.condition
        assert product.prices.buy_box_used == winner.landed_price
        assert raw["buyBoxUsedHistory"][-3:] == [winner.seller_id, str(int(winner.condition)),
                                                 "1" if winner.is_fba else "0"]


def test_a_share_of_books_is_profitable_at_the_default_price_sources(
        books: list[tuple[dict[str, Any], KeepaProduct]]) -> None:
    profits = [default_sources_profit(p) for _, p in books]
    assert share([profit is not None for profit in profits]) >= 0.95
    assert 0.10 <= share([profit is not None and profit > 0 for profit in profits]) <= 0.30


def test_sales_rank_drops_follow_the_rank_to_sales_curve(books: list[tuple[dict[str, Any], KeepaProduct]]) -> None:
    ranks = [p.bsr or 0 for _, p in books]
    drops90 = [p.stats.sales_rank_drops_90 if p.stats else None for _, p in books]
    assert all(rank > 0 for rank in ranks) and all(d is not None for d in drops90)
    assert spearman(ranks, [d or 0 for d in drops90]) <= -0.85
    # books ranked about 4,000 drop about as often as the curve says such a book sells (Keepa sees a drop per sale)
    near_4000 = [(p.bsr or 0, p.sales_rank_drops_30 or 0) for _, p in books if 2_500 <= (p.bsr or 0) <= 6_500]
    assert len(near_4000) >= 10
    ratio = statistics.median(drops / (weekly_sales(rank) * 30 / 7) for rank, drops in near_4000)
    assert 0.8 <= ratio <= 1.2
    # and over a year for every book the curve expects to sell at least twice a month
    yearly = [(raw["stats"]["salesRankDrops365"], weekly_sales(p.bsr or 1) * 365 / 7)
              for raw, p in books if weekly_sales(p.bsr or 1) * 365 / 7 >= 24]
    assert 0.8 <= statistics.median(drops / expected for drops, expected in yearly) <= 1.2
