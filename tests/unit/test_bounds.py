"""The bounds every input meets: numeric(12, 2) amounts, 0-100 scores, timestamps inside the calendar, plain text."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from arbvault.bounds import (
    AMOUNT_MAX,
    bounded_amount,
    bounded_score,
    bounded_timestamp,
    parse_timestamp,
    plain_json,
    plain_text,
)


@pytest.mark.parametrize("value", ["0", "-9999999999.99", "9999999999.99", "33.75"])
def test_amounts_a_numeric_12_2_holds_pass(value: str) -> None:
    assert bounded_amount(Decimal(value)) == Decimal(value)


@pytest.mark.parametrize("value", ["1e10", "-1e20", "1e999999999", "-1e999999999", "NaN", "Infinity", "sNaN"])
def test_amounts_beyond_the_column_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        bounded_amount(Decimal(value))


def test_the_largest_amount_is_the_column_s() -> None:
    assert Decimal("9999999999.99") == AMOUNT_MAX


@pytest.mark.parametrize(("value", "ok"), [("0", True), ("100", True), ("54.25", True), ("-0.01", False),
                                           ("100.01", False), ("NaN", False)])
def test_scores_are_0_to_100(value: str, ok: bool) -> None:
    if ok:
        assert bounded_score(Decimal(value)) == Decimal(value)
    else:
        with pytest.raises(ValueError):
            bounded_score(Decimal(value))


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                  "0001-01-01T00:00:00+00:00", "2026-01-01T00:00:00", "2026-01-01T00:00:00+00:00\x00"])
def test_timestamps_at_the_calendar_edge_naive_or_with_nul_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_timestamps_inside_the_calendar_keep_their_offset() -> None:
    moment = datetime(2026, 1, 5, 12, tzinfo=timezone(timedelta(hours=-5)))
    assert bounded_timestamp(moment) is moment
    assert parse_timestamp("2026-01-05T12:00:00-05:00") == moment


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "\udfff"])
def test_text_with_nul_or_an_unpaired_surrogate_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        plain_text(text)


def test_plain_text_passes_unicode_through() -> None:
    assert plain_text("Ünïcode 📚") == "Ünïcode 📚"


@pytest.mark.parametrize("document", [{"a": "x\x00"}, {"a\x00": 1}, {"a": [{"b": "\ud800"}]}])
def test_json_documents_are_checked_keys_and_nested_values_included(document: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        plain_json(document)


def test_plain_json_passes_a_clean_document() -> None:
    document = {"velocity": {"label": "fast", "levels": [1, 2.5, None, True]}}
    assert plain_json(document) is document


def test_plain_json_checks_documents_nested_deeper_than_the_recursion_limit() -> None:
    depth = sys.getrecursionlimit() + 100
    document: dict[str, object] = {"leaf": "x\x00"}
    for _ in range(depth):
        document = {"a": [document]}
    with pytest.raises(ValueError):
        plain_json(document)
