"""Identifier normalisation, checksum validation and ISBN-10 <-> ISBN-13 conversion."""

from __future__ import annotations

import pytest

from arbvault.identifiers import (
    Identifier,
    InvalidIdentifierError,
    clean,
    is_valid_isbn10,
    is_valid_isbn13,
    isbn10_to_isbn13,
    isbn13_check_digit,
    isbn13_to_isbn10,
    normalise,
    normalise_asin,
)
from arbvault.web.errors import status_for


@pytest.mark.parametrize(
    ("raw", "value", "kind"),
    [
        ("1739104269", "1739104269", "isbn10"),
        ("0-306-40615-2", "0306406152", "isbn10"),
        (" 0 306 40615 2 ", "0306406152", "isbn10"),
        ("080442957x", "080442957X", "isbn10"),            # check character X, lower-case accepted
        ("978-1-7391-0426-9", "9781739104269", "isbn13"),
        ("9780972351867", "9780972351867", "isbn13"),
        ("979-10-90636-07-1", "9791090636071", "isbn13"),
        ("b00flijjsa", "B00FLIJJSA", "asin"),
        ("B0-0FLI JJSA", "B00FLIJJSA", "asin"),
    ],
)
def test_normalise_classifies_and_cleans(raw: str, value: str, kind: str) -> None:
    assert normalise(raw) == Identifier(value, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1739104268", "ISBN-10 check digit"),
        ("9781739104268", "ISBN-13 check digit"),
        ("9771739104269", "978 or 979"),
        ("97817391042AB", "all digits"),
        ("B00FLIJJS", "got 9"),
        ("", "got 0"),
        ("B00FLIJJS!", "10 letters or digits"),
        ("12345678901234", "got 14"),
    ],
)
def test_normalise_rejects_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        normalise(raw, field="identifiers.0")
    assert reason in caught.value.message
    assert caught.value.details[0]["field"] == "identifiers.0"
    assert status_for(caught.value) == 422


def test_non_string_is_rejected() -> None:
    with pytest.raises(InvalidIdentifierError):
        normalise(1739104269)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("isbn10", "isbn13"),
    [("1739104269", "9781739104269"), ("1639584722", "9781639584727"), ("0972351868", "9780972351867"),
     ("0306406152", "9780306406157"), ("080442957X", "9780804429573")],
)
def test_conversion_both_ways(isbn10: str, isbn13: str) -> None:
    assert isbn10_to_isbn13(isbn10) == isbn13
    assert isbn13_to_isbn10(isbn13) == isbn10


def test_979_isbn_has_no_isbn10() -> None:
    assert isbn13_to_isbn10("9791090636071") is None


@pytest.mark.parametrize("bad", ["1739104268", "B00FLIJJSA"])
def test_isbn10_to_isbn13_rejects_invalid(bad: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        isbn10_to_isbn13(bad)


def test_isbn13_to_isbn10_rejects_invalid() -> None:
    with pytest.raises(InvalidIdentifierError):
        isbn13_to_isbn10("9781739104268")


@pytest.mark.parametrize(
    ("value", "valid10", "valid13"),
    [("1739104269", True, False), ("9781739104269", False, True), ("978-1739104269", False, True),
     ("173910426X", False, False), ("B00FLIJJSA", False, False), ("9771739104269", False, False)],
)
def test_validity_checks(value: str, valid10: bool, valid13: bool) -> None:
    assert (is_valid_isbn10(value), is_valid_isbn13(value)) == (valid10, valid13)


@pytest.mark.parametrize(
    "value",
    ["9781739104269", "9791090636071", "9781739104268", "9771739104269", "978-1-7391-0426-9", " 9781739104269",
     "97817391042６9", "978173910426²", "٩٧٨١٧٣٩١٠٤٢٦٩", "978173910426", "97817391042690", "97817391042X9"],
)
def test_isbn13_arithmetic_check_agrees_with_the_check_digit(value: str) -> None:
    # Clean ASCII digits take the arithmetic check; anything else (hyphens, Unicode digits) the regex path.
    cleaned = clean(value)
    expected = (len(cleaned) == 13 and cleaned.isascii() and cleaned.isdigit() and cleaned[:3] in ("978", "979")
                and isbn13_check_digit(cleaned[:12]) == cleaned[12])
    assert is_valid_isbn13(value) is expected


def test_every_isbn13_check_digit_but_the_right_one_is_invalid() -> None:
    for first12 in ("978000000000", "979109063607", "978173910426", "978999999999"):
        right = isbn13_check_digit(first12)
        assert [d for d in "0123456789" if is_valid_isbn13(first12 + d)] == [right]


def test_identifier_lookup_forms() -> None:
    assert (normalise("9781739104269").asin, normalise("9781739104269").isbn13) == ("1739104269", "9781739104269")
    assert (normalise("1739104269").asin, normalise("1739104269").isbn13) == ("1739104269", "9781739104269")
    assert (normalise("B00FLIJJSA").asin, normalise("B00FLIJJSA").isbn13) == ("B00FLIJJSA", None)
    assert normalise("9791090636071").asin is None
    assert str(normalise("b00flijjsa")) == "B00FLIJJSA"


def test_normalise_asin_accepts_isbn10_and_rejects_isbn13() -> None:
    assert normalise_asin(" 1739104269 ") == "1739104269"
    with pytest.raises(InvalidIdentifierError, match="ISBN-13"):
        normalise_asin("9781739104269")
