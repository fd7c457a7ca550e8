"""Parsing of what callers send: scopes, category names, If-Match; and the change summary."""

from __future__ import annotations

import pytest

from arbvault.config.exceptions import InvalidScopeError, MalformedIfMatchError
from arbvault.config.history import diff_summary
from arbvault.config.scopes import normalise_category, parse_scope
from arbvault.config.updates import parse_if_match
from arbvault.exceptions import BadRequestError
from arbvault.web.errors import STATUS_BY_ERROR


@pytest.mark.parametrize(("raw", "expected"), [
    ("books", "books"),
    ("Books", "books"),
    ("  Textbooks ", "textbooks"),
    ("Books & Media", "books_media"),
    ("Arts  and\tCrafts", "arts_and_crafts"),
    ("&Books&", "books"),
    ("cd_vinyl", "cd_vinyl"),
    ("x" * 41, "x" * 41),
])
def test_normalise_category(raw: str, expected: str) -> None:
    assert normalise_category(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "&", "kids'", "sci-fi", "café", "x" * 42, "a/b"])
def test_normalise_category_rejects_names_that_cannot_be_stored(raw: str) -> None:
    with pytest.raises(InvalidScopeError) as info:
        normalise_category(raw, field="query.category")
    assert info.value.details[0]["field"] == "query.category"


@pytest.mark.parametrize(("raw", "expected"), [
    ("global", "global"),
    (" global ", "global"),
    ("domain:1", "domain:1"),
    ("domain:02", "domain:2"),
    ("domain:12", "domain:12"),
    ("domain:0000000011", "domain:11"),
    ("category:Books & Media", "category:books_media"),
    ("category:textbooks", "category:textbooks"),
])
def test_parse_scope(raw: str, expected: str) -> None:
    assert parse_scope(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "Global", "globals", "domain:", "domain:0", "domain:-1", "domain:x", "domain:1.5", "domain:2147483648",
    "domain:١", "category:", "category:sci-fi", "tenant:1", "domain:99999999999", "domain:7", "domain:13",
    "domain:2147483647",
])
def test_parse_scope_rejects_other_spellings(raw: str) -> None:
    with pytest.raises(InvalidScopeError) as info:
        parse_scope(raw)
    assert info.value.details[0]["field"] == "scope"


@pytest.mark.parametrize(("header", "expected"), [
    (None, None),
    ("", None),
    ("  ", None),
    ("3", 3),
    ('"3"', 3),
    ('W/"3"', 3),
    (' "12" ', 12),
    ("0", 0),
])
def test_parse_if_match(header: str | None, expected: int | None) -> None:
    assert parse_if_match(header) == expected


@pytest.mark.parametrize("header", ["abc", '"abc"', "-1", "+3", "3.0", '"3", "4"', "*", '"3', "W/3x",
                                    "99999999999", "٣"])
def test_parse_if_match_rejects_malformed_values_as_bad_request(header: str) -> None:
    with pytest.raises(MalformedIfMatchError) as info:
        parse_if_match(header)
    assert info.value.details[0]["field"] == "header.if-match"
    assert isinstance(info.value, BadRequestError) and STATUS_BY_ERROR[BadRequestError] == 400


@pytest.mark.parametrize(("operations", "expected"), [
    ([], "0 changes"),
    ([{"op": "add"}], "1 change (add x1)"),
    ([{"op": "replace"}, {"op": "add"}, {"op": "replace"}], "3 changes (replace x2, add x1)"),
    ([{"op": "remove"}, {"op": "add"}], "2 changes (add x1, remove x1)"),
])
def test_diff_summary(operations: list[dict[str, str]], expected: str) -> None:
    assert diff_summary(operations) == expected
