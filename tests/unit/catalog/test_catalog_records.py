"""Analysis metrics written by orjson in one pass: the same JSON text, and the same dict, as the recursive
``to_json`` definition they replaced, for every kind of product the offline catalogue serves."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
import pytest

from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.lookup import CatalogProduct
from arbvault.catalog.records import (
    NO_LIVE_OFFER,
    NO_SELL_PRICE,
    OFFERS_NOT_FETCHED,
    analysis_metrics,
    analysis_row,
    condition_options_note,
    data_source,
    json_number,
    metrics_json,
    to_json,
)
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import Analysis, analyze
from arbvault.engine.rules_document import read_config
from arbvault.engine.strategy import MarketPrices
from arbvault.identifiers import normalise
from arbvault.keepa.parsing import parse_product
from arbvault.keepa.product import KeepaProduct
from arbvault.keepa.time import datetime_to_keepa_minutes
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

RULES = read_config(DEFAULT_RULES)
NOW = datetime(2026, 5, 1, 12, 30, 15, 250_000, tzinfo=UTC)
# With and without offers: condition options, and products whose only prices come from offers.
VIEWS = (ProductOptions(stats=90, history=True, offers=20, buybox=True), ProductOptions(stats=90, history=True))


def _products() -> list[tuple[CatalogProduct, KeepaProduct]]:
    catalogue = Catalogue(clock=datetime_to_keepa_minutes(NOW), pool_size=60)
    found = []
    for n, entry in enumerate(catalogue.pool()):
        raw = orjson.loads(catalogue.render(entry, VIEWS[n % 2])[0])
        if n % 5 == 0:
            raw.pop("packageWeight", None)  # the engine's default weight, a whole-number Decimal
        product = parse_product(raw, now=NOW)
        item = CatalogProduct(identifier=normalise(product.asin), raw=raw,
                              fetched_at=NOW - timedelta(hours=n % 9, microseconds=n % 2 * 500),
                              from_snapshot=bool(n % 3), options=FetchOptions(offers=20 if n % 2 == 0 else None))
        found.append((item, product))
    return found


PRODUCTS = _products()


def reference(analysis: Analysis, item: CatalogProduct) -> dict[str, Any]:
    """The metrics as first defined: the recursive conversion of the whole analysis."""
    return {**to_json(analysis), "condition_options_note": condition_options_note(analysis, item),
            "keepa": data_source(item)}


@pytest.mark.parametrize("options", [{}, {"buy_price": Decimal("4.00")}, {"buy_price": Decimal(0)},
                                     {"buy_price": Decimal("4.00"), "buy_condition": "new"},
                                     {"strategy": "textbook"}, {"strategy": "velocity", "buy_price": Decimal("7.5")}])
def test_metrics_match_the_recursive_conversion_text_for_text(options: dict[str, Any]) -> None:
    for item, product in PRODUCTS:
        analysis = analyze(product, RULES, now=NOW, **options)
        expected = reference(analysis, item)
        assert metrics_json(analysis, item) == orjson.dumps(expected)
        # repr tells 1 from 1.0, which == does not
        assert repr(analysis_metrics(analysis, item)) == repr(expected)


def test_the_products_cover_what_the_conversion_special_cases() -> None:
    texts = [metrics_json(analyze(product, RULES, now=NOW), item) for item, product in PRODUCTS]
    assert any(b'"fees":null' in text for text in texts)
    assert any(b'"weight_lb":1,' in text for text in texts)  # an int: a Decimal with no fractional digits
    assert any(b'"condition_options":[{' in text for text in texts)
    assert all(b'"total":' in text for text in texts if b'"fees":{' in text)


@pytest.mark.parametrize("now", [NOW, NOW.replace(microsecond=0),
                                 NOW.astimezone(timezone(timedelta(hours=5, minutes=30, seconds=15)))])
def test_the_analysis_time_is_written_as_isoformat(now: datetime) -> None:
    item, product = PRODUCTS[0]
    analysis = analyze(product, RULES, now=now)
    assert analysis_metrics(analysis, item)["analyzed_at"] == now.isoformat()
    assert metrics_json(analysis, item) == orjson.dumps(reference(analysis, item))


def test_a_row_carries_the_metrics() -> None:
    item, product = PRODUCTS[1]
    analysis = analyze(product, RULES, now=NOW)
    row = analysis_row(analysis, product, item, source="ingest", created_by="key")
    assert orjson.dumps(row["metrics"]) == orjson.dumps(reference(analysis, item))


@pytest.mark.parametrize(("value", "number"), [
    (Decimal("12.50"), 12.5), (Decimal("30.00"), 30.0), (Decimal("0.00"), 0.0), (Decimal(100_000), 100_000),
    (Decimal("1E+2"), 100), (Decimal(0), 0), (Decimal("-0"), 0), (Decimal("-3.25"), -3.25), (Decimal(-7), -7),
])
def test_json_number_is_an_int_only_without_fractional_digits(value: Decimal, number: float) -> None:
    converted = json_number(value)
    assert converted == number and type(converted) is type(number)


def test_json_number_keeps_nan_a_float() -> None:
    assert math.isnan(json_number(Decimal("NaN")))


def test_decimals_passed_through_keep_their_json_type() -> None:
    """Prices, weight, benchmark and target come from outside the engine unrounded: whole ones stay ints."""
    item, analysis = next((item, a) for item, product in PRODUCTS
                          if (a := analyze(product, RULES, now=NOW)).fees is not None)
    assert analysis.fees is not None
    whole = replace(analysis, prices=MarketPrices(Decimal(20), Decimal("1E+1"), None, Decimal("19.5"), Decimal(0)),
                    target_roi_pct=Decimal(35), fees=replace(analysis.fees, weight_lb=Decimal(2)),
                    velocity=replace(analysis.velocity, benchmark=Decimal("1E+5")))
    assert metrics_json(whole, item) == orjson.dumps(reference(whole, item))
    assert b'"buy_box":20,' in metrics_json(whole, item) and b'"weight_lb":2,' in metrics_json(whole, item)


def test_condition_options_say_why_they_are_empty() -> None:
    notes = set()
    for item, product in PRODUCTS:
        analysis = analyze(product, RULES, now=NOW)
        note = condition_options_note(analysis, item)
        notes.add(note)
        if not product.offers_fetched:
            assert analysis.condition_options == () and note == OFFERS_NOT_FETCHED
        elif analysis.condition_options:
            assert note is None
        else:
            assert note == (NO_SELL_PRICE if analysis.sell_price is None else NO_LIVE_OFFER)
        assert analysis_metrics(analysis, item)["condition_options_note"] == note
    assert {None, OFFERS_NOT_FETCHED} <= notes
