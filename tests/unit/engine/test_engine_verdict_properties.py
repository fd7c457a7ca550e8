"""The verdict agrees with itself on any generated book: the offline Keepa's products, as Keepa would send them
with and without offers, plus the edge cases a catalogue may not produce often (no offers at all, no Buy Box,
Amazon the only seller, used copies only), with and without a caller's buy price."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import Analysis, analyze
from arbvault.engine.conditions import BUY_CONDITIONS
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.rules_document import read_config
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.time import keepa_minutes_to_datetime
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions
from keepa_testing import CLOCK, book_isbns

RULES: EngineConfig = read_config(DEFAULT_RULES)
NOW: datetime = keepa_minutes_to_datetime(CLOCK) or datetime(2026, 11, 20, tzinfo=UTC)
CATALOGUE = Catalogue(clock=CLOCK)
ENTRIES = [entry for isbn in book_isbns(40) if (entry := CATALOGUE.by_code(isbn)) is not None]
VIEWS = {
    "plain": ProductOptions(stats=90),
    "buybox": ProductOptions(stats=90, buybox=True),
    "offers": ProductOptions(stats=90, offers=20),
}
NEW_PRICES = (1, 7, 10, 18)  # csv/stats indexes of new prices (lowest new, FBM, FBA, Buy Box)
USED_PRICES = (2, 19, 20, 21, 22, 32)  # lowest used, each grade, used Buy Box
PROPERTY = settings(database=None, deadline=None, max_examples=200)


def _clear(raw: dict[str, Any], indexes: tuple[int, ...]) -> None:
    """No current price of these types: csv series gone, stats -1, the matching buy-box fields unset."""
    csv = raw.get("csv") or [None] * 36
    stats = raw.get("stats") or {}
    for index in indexes:
        csv[index] = None
        for window in ("current", "avg", "avg30", "avg90", "avg180"):
            if stats.get(window):
                stats[window][index] = -1
    if 18 in indexes:
        stats.update(buyBoxPrice=-1, buyBoxShipping=-1)
    if 32 in indexes:
        stats.update(buyBoxUsedPrice=-1, buyBoxUsedShipping=-1)


def _keep_offers(raw: dict[str, Any], keep: Callable[[dict[str, Any]], bool]) -> None:
    offers = raw.get("offers") or []
    live = set(raw.get("liveOffersOrder") or [])
    kept = [(i in live, offer) for i, offer in enumerate(offers) if keep(offer)]
    raw["offers"] = [offer for _, offer in kept]
    raw["liveOffersOrder"] = [i for i, (is_live, _) in enumerate(kept) if is_live]


def _amazon_only(raw: dict[str, Any]) -> None:
    _keep_offers(raw, lambda offer: bool(offer.get("isAmazon")))
    _clear(raw, USED_PRICES)


def _used_only(raw: dict[str, Any]) -> None:
    _keep_offers(raw, lambda offer: 2 <= offer.get("condition", 0) <= 5)
    _clear(raw, (*NEW_PRICES, 0))


def _no_offers(raw: dict[str, Any]) -> None:
    _keep_offers(raw, lambda offer: False)
    _clear(raw, NEW_PRICES + USED_PRICES + (0,))


EDGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "as_generated": lambda raw: None,
    "no_offers": _no_offers,
    "no_buy_box": lambda raw: _clear(raw, (18, 32)),
    "amazon_only": _amazon_only,
    "used_only": _used_only,
}


def _analysis(index: int, view: str, edge: str, buy: Decimal | None, condition: str | None) -> Analysis:
    raw = orjson.loads(CATALOGUE.render(ENTRIES[index], VIEWS[view])[0])
    EDGES[edge](raw)
    return analyze(parse_product(raw, now=NOW), RULES, now=NOW, buy_price=buy, buy_condition=condition)


books = st.builds(
    _analysis,
    st.integers(min_value=0, max_value=len(ENTRIES) - 1),
    st.sampled_from(sorted(VIEWS)),
    st.sampled_from(sorted(EDGES)),
    st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=Decimal(80), places=2)),
    st.one_of(st.none(), st.sampled_from(BUY_CONDITIONS)),
)


@PROPERTY
@given(a=books)
def test_label_rating_and_summary_come_from_one_row(a: Analysis) -> None:
    row = RULES.verdicts[a.recommendation.rule_index]
    assert (row.label, row.rating) == (a.recommendation.label, a.overall_rating)
    if a.overall_rating != "PASS":  # a buying verdict is a profitable buy meeting its row's minima
        assert a.profit is not None and a.profit.profitable and a.profit.roi_pct >= row.min_roi
        assert a.primary_issue is None
    else:
        assert a.recommendation.label == "PASS" and a.primary_issue


@PROPERTY
@given(a=books)
def test_an_unknown_roi_is_never_shown_as_zero_nor_called_low(a: Analysis) -> None:
    if a.profit is None:
        assert a.overall_rating == "PASS" and a.primary_issue == "no price data"
        assert "ROI 0.0" not in a.summary and "ROI unknown" in a.summary
        assert "low_roi" not in a.risk_factors and "no_price_data" in a.risk_factors
    if "low_roi" in a.risk_factors:
        assert a.profit is not None


@PROPERTY
@given(a=books)
def test_good_verdicts_carry_no_measure_risk_and_prices_name_their_source(a: Analysis) -> None:
    if a.overall_rating in ("EXCELLENT", "GOOD"):
        assert set(a.risk_factors) <= {"amazon_competing"}
    assert (a.buy_price is None) == (a.buy_price_source is None)
    assert (a.sell_price is None) == (a.sell_price_source is None)
    assert a.buy_condition in (*BUY_CONDITIONS, "used")
    if a.sell_price_source in ("buy_box_used", "used_fba"):
        assert a.buy_condition != "new"
    if a.sell_price_source in ("buy_box", "fba"):
        assert a.buy_condition == "new"
