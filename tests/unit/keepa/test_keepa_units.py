"""Cents, grams and millimetres to Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbvault.keepa.units import cents_to_decimal, grams_to_pounds, millimetres_to_inches


@pytest.mark.parametrize(
    ("cents", "dollars"),
    [(2999, "29.99"), (100, "1.00"), (0, "0.00"), (999999, "9999.99"), (1, "0.01")],
)
def test_cents_to_decimal(cents: int, dollars: str) -> None:
    value = cents_to_decimal(cents)
    assert value == Decimal(dollars)
    assert str(value) == dollars  # always two places


@pytest.mark.parametrize("no_data", [-1, -2, None])
def test_cents_no_data_is_none(no_data: int | None) -> None:
    assert cents_to_decimal(no_data) is None


@pytest.mark.parametrize(
    ("grams", "pounds"), [(318, "0.701"), (1588, "3.501"), (454, "1.001"), (127, "0.280")],
)
def test_grams_to_pounds(grams: int, pounds: str) -> None:
    assert grams_to_pounds(grams) == Decimal(pounds)


@pytest.mark.parametrize("unknown", [0, -1, None])
def test_unknown_weight_and_size_are_none(unknown: int | None) -> None:
    assert grams_to_pounds(unknown) is None
    assert millimetres_to_inches(unknown) is None


def test_millimetres_to_inches() -> None:
    assert millimetres_to_inches(254) == Decimal("10.00")
    assert millimetres_to_inches(28) == Decimal("1.10")


def test_cents_match_divide_and_quantize() -> None:
    for cents in [*range(0, 100_001, 7), 123_456_789, 10**25 + 1, 10**26 - 1, 10**26, 10**27 + 7]:
        expected = (Decimal(cents) / 100).quantize(Decimal("0.01"))
        value = cents_to_decimal(cents)
        assert value is not None and value.as_tuple() == expected.as_tuple(), cents


def test_non_int_cents_keep_the_general_conversion() -> None:
    assert str(cents_to_decimal(29.99)) == "0.30"  # type: ignore[arg-type]
    assert cents_to_decimal(True) == Decimal("0.01")  # type: ignore[arg-type]
