"""The engine's shortcuts give what the long way gives: condition options against the full profit metrics,
remembered category keys and verdict-row lookups against the scans they replace, and the rank mean for every kind
of number a caller may pass."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import analyze
from arbvault.engine.categories import cached_first_rules_key, first_rules_key
from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.fees import amazon_fees, fee_schedule
from arbvault.engine.money import round_half_up
from arbvault.engine.profit import holding_costs, profit_metrics
from arbvault.engine.rules_document import read_config
from arbvault.engine.scores import _mean
from arbvault.engine.strategy import MarketPrices, sell_price
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.product import KeepaProduct
from arbvault.keepa.time import datetime_to_keepa_minutes
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

RULES = read_config(DEFAULT_RULES)
NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def _products() -> list[KeepaProduct]:
    catalogue = Catalogue(clock=datetime_to_keepa_minutes(NOW), pool_size=40)
    view = ProductOptions(stats=90, history=True, offers=20, buybox=True)
    return [parse_product(orjson.loads(catalogue.render(entry, view)[0]), now=NOW) for entry in catalogue.pool()]


PRODUCTS = _products()


def _options_the_long_way(product: KeepaProduct, prices: MarketPrices,
                          config: EngineConfig) -> list[tuple[str, Decimal, int, Decimal, Decimal, bool]]:
    """Each condition's cheapest live offer, sold at that condition's sell price, through the full
    ``profit_metrics`` and fees computed afresh, as options were first built."""
    strategy = config.strategies["balanced"]
    assert strategy.sell_price_source is not None
    _, schedule = fee_schedule(config, (product.root_category_name, product.category_name))
    by_condition: dict[str, list[Decimal]] = {}
    for offer in product.live_offers:
        landed = offer.landed_price
        name = offer.condition.name.lower()
        if landed is not None and landed > 0 and name in BUY_CONDITIONS:
            by_condition.setdefault(name, []).append(landed)
    options = []
    for name in BUY_CONDITIONS:
        sell = sell_price(strategy.sell_price_source, name, prices)
        if name in by_condition and sell is not None:
            cheapest = min(by_condition[name])
            fees = amazon_fees(sell.price, schedule, weight_lb=product.weight_lb)
            storage, returns = holding_costs(sell.price, storage_per_unit_month=config.storage_per_unit_month,
                                             days=strategy.holding_days, returns_pct=config.returns_pct)
            m = profit_metrics(sell.price, cheapest, fees=fees, buffer_pct=config.buffer_pct, rules=config.roi,
                               storage=storage, returns=returns)
            options.append((name, round_half_up(cheapest), len(by_condition[name]),
                            round_half_up(m.net_profit), round_half_up(m.roi_pct), m.profitable))
    return options


def test_condition_options_match_the_full_profit_metrics() -> None:
    compared = 0
    for product in PRODUCTS:
        a = analyze(product, RULES, now=NOW, strategy="balanced")
        got = [(o.condition, o.buy_price, o.offers, o.net_profit, o.roi_pct, o.profitable)
               for o in a.condition_options]
        assert repr(got) == repr(_options_the_long_way(product, a.prices, RULES))  # repr: exponents too
        compared += bool(got)
    assert compared >= 10


@pytest.mark.parametrize("names", [("Books", "Science Fiction"), ("Kitchen", "Cookbooks"), ("CDs & Vinyl", None),
                                   (None, None), ("", "  "), ("Toys & Games", "Puzzles"), ("Home", "Audiobooks")])
def test_remembered_category_keys_match_the_scan(names: tuple[str | None, ...]) -> None:
    for known in (RULES.fee_keys, RULES.velocity.benchmark_keys):
        assert cached_first_rules_key(names, known) == first_rules_key(names, known)


def test_verdict_rows_are_looked_up_by_rating() -> None:
    for name in ("EXCELLENT", "GOOD", "FAIR", "PASS"):
        assert RULES.rating(name) == next(rule for rule in RULES.verdicts if rule.rating == name)


@pytest.mark.parametrize("values", [
    [3, 1, 4, 1, 5, 9, 2], [True, 2, 3], [Decimal("1.5"), 2, 3], [1.25, 2, 3], [Decimal(7)] * 7, [10**30, 1, 2],
])
def test_rank_mean_matches_statistics_mean(values: list[int | Decimal | float]) -> None:
    assert repr(_mean(values)) == repr(statistics.mean(Decimal(value) for value in values))
