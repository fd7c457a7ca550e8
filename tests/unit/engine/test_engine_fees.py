"""The one fee model and category resolution (docs/rules.md#fees)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.engine.categories import rules_key
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import InvalidPriceError
from arbvault.engine.fees import amazon_fees, fee_schedule

D = Decimal


@pytest.mark.parametrize(
    ("sell", "weight", "category", "total"),
    [
        ("20", None, "books", "8.30"),  # 0.15 x 20 + 5.30
        ("100", None, "books", "20.30"),
        ("20", "1", "books", "8.30"),
        ("20", "0", "books", "8.30"),  # an unknown (zero) weight counts as 1 lb
        ("20", "2.5", "books", "8.90"),  # FBA 2.50 + 0.40 x 2.5
        ("20", None, "media", "8.20"),  # inbound 0.35, prep 0.15
        ("20", None, "default", "9.05"),  # 3.00 + 0.50 per lb, inbound 0.50, prep 0.25
        ("0", None, "books", "5.30"),
    ],
)
def test_amazon_fees_totals_per_schedule(rules: EngineConfig, sell: str, weight: str | None, category: str,
                                         total: str) -> None:
    fees = amazon_fees(D(sell), rules.fees[category], weight_lb=D(weight) if weight is not None else None)
    assert fees.total == D(total)


def test_amazon_fees_itemises_every_fee(rules: EngineConfig) -> None:
    fees = amazon_fees(D("24.99"), rules.fees["books"], category="books", weight_lb=D("0.701"))
    assert (fees.referral, fees.closing, fees.inbound, fees.prep) == (D("3.7485"), D("1.8"), D("0.4"),
                                                                              D("0.2"))
    assert fees.fulfilment == D("2.5") + D("0.4") * D("0.701")
    rounded = fees.rounded()
    assert (rounded.referral, rounded.fulfilment) == (D("3.75"), D("2.78"))


def test_amazon_fees_negative_price_is_rejected(rules: EngineConfig) -> None:
    with pytest.raises(InvalidPriceError) as caught:
        amazon_fees(D("-1"), rules.fees["books"])
    assert caught.value.details[0]["field"] == "sell_price"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Books", "books"),
        ("Textbooks", "books"),
        ("Repair Manuals", "books"),
        ("Study Guides", "books"),
        ("CDs & Vinyl", "media"),
        ("Movies & TV", "media"),
        ("Digital Music", "media"),
        ("DVD", "media"),
        ("Arts & Crafts", "default"),
        ("Kids' Abcdefg", "default"),  # "cd" inside a word is not a CD
        ("", "default"),
        (None, "default"),
        ("Default", "default"),
    ],
)
def test_rules_key_resolves_category_names(name: str | None, key: str) -> None:
    assert rules_key(name, {"books", "media", "default"}) == key


def test_rules_key_uses_an_exact_extra_key() -> None:
    assert rules_key("Office Products", {"books", "default", "office_products"}) == "office_products"


def test_fee_schedule_prefers_the_root_category(rules: EngineConfig) -> None:
    key, schedule = fee_schedule(rules, ("Books", "Time Travel"))
    assert key == "books" and schedule is rules.fees["books"]
    key, _ = fee_schedule(rules, ("Kitchen", "Cookbooks"))  # the leaf decides when the root says nothing
    assert key == "books"
    key, _ = fee_schedule(rules, (None, None))
    assert key == "default"
