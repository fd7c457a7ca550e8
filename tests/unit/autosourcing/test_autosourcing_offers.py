"""Whether a run's candidates are looked up with live offers: only when a strategy that may price them reads
a price Keepa reports only with offers (every source but the lowest new and used prices; the buy side not at all
when the run gives a buy price)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from arbvault.autosourcing.configs import ScoringSpec
from arbvault.autosourcing.offers import live_offers
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import UnknownStrategyError
from arbvault.engine.rules_document import read_config


def _rules(**sources: str) -> EngineConfig:
    """The default rules with every strategy's price sources replaced by ``sources``."""
    document: dict[str, Any] = copy.deepcopy(DEFAULT_RULES)
    for strategy in document["strategies"].values():
        strategy.update(sources)
    return read_config(document)


def test_the_default_rules_buy_at_live_offers_so_runs_fetch_twenty() -> None:
    rules = read_config(DEFAULT_RULES)

    assert live_offers(ScoringSpec(), rules) == 20
    assert live_offers(ScoringSpec(strategy="textbook"), rules) == 20
    # a caller's buy price still sells at the used Buy Box, which only comes with the offers
    assert live_offers(ScoringSpec(buy_price=Decimal("4.00")), rules) == 20


def test_the_lowest_new_and_used_prices_need_no_offers() -> None:
    rules = _rules(buy_price_source="current_used", sell_price_source="current_new")

    assert live_offers(ScoringSpec(), rules) is None
    assert ScoringSpec().job_params(1, offers=None).fetch_options().offers is None


@pytest.mark.parametrize("sell", ["current_buy_box", "avg90_buy_box", "current_fba"])
def test_a_fixed_buy_box_or_fba_sell_price_needs_offers(sell: str) -> None:
    # Without the offers Keepa sends no Buy Box and no FBA price: the chain would sell at the lowest new price.
    rules = _rules(buy_price_source="current_used", sell_price_source=sell)

    assert live_offers(ScoringSpec(), rules) == 20
    assert live_offers(ScoringSpec(buy_price=Decimal("4.00")), rules) == 20


@pytest.mark.parametrize("buy", ["cheapest_offer", "current_buy_box", "avg90_buy_box", "current_fba"])
def test_a_callers_buy_price_spares_the_offers_of_the_buy_side(buy: str) -> None:
    rules = _rules(buy_price_source=buy, sell_price_source="current_new")

    assert live_offers(ScoringSpec(), rules) == 20
    assert live_offers(ScoringSpec(buy_price=Decimal("4.00")), rules) is None


def test_a_condition_buy_box_sell_side_needs_offers_whatever_the_buy() -> None:
    rules = _rules(buy_price_source="current_new", sell_price_source="condition_buy_box")

    assert live_offers(ScoringSpec(strategy="velocity"), rules) == 20


def test_an_unknown_strategy_is_refused() -> None:
    with pytest.raises(UnknownStrategyError):
        live_offers(ScoringSpec(strategy="nope"), read_config(DEFAULT_RULES))
