"""The engine's shortcuts give what the long way gives: condition options against the full profit metrics,
remembered category keys and rating lookups against the scans they replace, and the rank mean for every kind
of number a caller may pass."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest

from arbvault.analysis import (
    EngineConfig,
    FeeBreakdown,
    amazon_fees,
    fee_schedule,
    holding_costs,
    profit_metrics,
    read_config,
    round_half_up,
)
from arbvault.analysis.analyze import ACQUISITION_CONDITIONS, _condition_options
from arbvault.analysis.categories import cached_first_rules_key, first_rules_key
from arbvault.analysis.money import pct_of
from arbvault.analysis.scores import _mean
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.keepa import KeepaProduct, datetime_to_keepa_minutes, parse_product
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

RULES = read_config(DEFAULT_RULES)
NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def _products() -> list[KeepaProduct]:
    catalogue = Catalogue(clock=datetime_to_keepa_minutes(NOW), pool_size=40)
    view = ProductOptions(stats=90, history=True, offers=20, buybox=True)
    return [parse_product(orjson.loads(catalogue.render(entry, view)[0]), now=NOW) for entry in catalogue.pool()]


PRODUCTS = _products()


def _options_the_long_way(product: KeepaProduct, sell: Decimal, fees: FeeBreakdown, storage: Decimal,
                          returns: Decimal,
                          config: EngineConfig) -> list[tuple[str, Decimal, int, Decimal, Decimal, bool]]:
    """Each condition's cheapest live offer through the full ``profit_metrics``, as options were first built."""
    by_condition: dict[str, list[Decimal]] = {}
    for offer in product.live_offers:
        landed = offer.landed_price
        if landed is not None and landed > 0 and offer.condition.name in ACQUISITION_CONDITIONS:
            by_condition.setdefault(offer.condition.name, []).append(landed)
    options = []
    for name in ACQUISITION_CONDITIONS:
        if name in by_condition:
            cheapest = min(by_condition[name])
            m = profit_metrics(sell, cheapest, fees=fees, buffer_pct=config.buffer_pct, rules=config.roi,
                               storage=storage, returns=returns)
            options.append((name.lower(), round_half_up(cheapest), len(by_condition[name]),
                            round_half_up(m.net_profit), round_half_up(m.roi_pct), m.profitable))
    return options


@pytest.mark.parametrize("sell", [Decimal("24.99"), Decimal("11.5"), Decimal("6"), Decimal("0")])
def test_condition_options_match_the_full_profit_metrics(sell: Decimal) -> None:
    compared = 0
    for product in PRODUCTS:
        _, schedule = fee_schedule(RULES, (product.root_category_name, product.category_name))
        fees = amazon_fees(sell, schedule, weight_lb=product.weight_lb)
        storage, returns = holding_costs(sell, storage_per_unit_month=RULES.storage_per_unit_month, days=Decimal(45),
                                         returns_pct=RULES.returns_pct)
        costs = fees.total + pct_of(sell, RULES.buffer_pct) + storage + returns
        options = _condition_options(product.offers, sell, costs)
        got = [(o.condition, o.buy_price, o.offers, o.net_profit, o.roi_pct, o.profitable) for o in options]
        assert repr(got) == repr(_options_the_long_way(product, sell, fees, storage, returns, RULES))  # exponents too
        compared += bool(got)
    assert compared >= 10


@pytest.mark.parametrize("names", [("Books", "Science Fiction"), ("Kitchen", "Cookbooks"), ("CDs & Vinyl", None),
                                   (None, None), ("", "  "), ("Toys & Games", "Puzzles"), ("Home", "Audiobooks")])
def test_remembered_category_keys_match_the_scan(names: tuple[str | None, ...]) -> None:
    for known in (RULES.fee_keys, RULES.velocity.benchmark_keys):
        assert cached_first_rules_key(names, known) == first_rules_key(names, known)


def test_ratings_are_looked_up_by_name() -> None:
    for name in ("EXCELLENT", "GOOD", "FAIR"):
        assert RULES.rating(name) == next(rule for rule in RULES.ratings if rule.name == name)


@pytest.mark.parametrize("values", [
    [3, 1, 4, 1, 5, 9, 2], [True, 2, 3], [Decimal("1.5"), 2, 3], [1.25, 2, 3], [Decimal(7)] * 7, [10**30, 1, 2],
])
def test_rank_mean_matches_statistics_mean(values: list[int | Decimal | float]) -> None:
    assert repr(_mean(values)) == repr(statistics.mean(Decimal(value) for value in values))
