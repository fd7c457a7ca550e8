"""Which rules analyse a product: its category layer, leaf first, among the active category scopes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from arbvault.catalog.ingest import ingest
from arbvault.catalog.lookup import fetch_products
from arbvault.catalog.rules import RulesBook, category_layer
from arbvault.config.scopes import normalise_category
from arbvault.config.updates import update_scope
from arbvault.db import get_engine, session_scope
from arbvault.keepa.client import KeepaClient
from keepa_testing import book_asins


@pytest.mark.parametrize(("names", "active", "layer"), [
    (["Textbooks", "Books"], {"textbooks", "books"}, "textbooks"),
    (["Computer Science", "Books"], {"books"}, "books"),
    (["Clothing, Shoes & Jewelry", "Books"], {"books"}, "books"),  # not a scope name: skipped
    (["Science & Math", None], {"science_math"}, "science_math"),
    (["Poetry", "Books"], set(), None),
])
def test_category_layer_is_the_most_specific_active_scope(names: list[str | None], active: set[str],
                                                          layer: str | None) -> None:
    assert category_layer(names, frozenset(active)) == layer


@pytest.fixture
def leaf_scope(client: KeepaClient) -> Iterator[tuple[str, str]]:
    """An ASIN and a category scope for its leaf category raising the ROI target to 55 %; removed after."""
    (asin,) = book_asins(1, start=500)
    product = fetch_products([asin], client=client).found[asin].parse()
    scope = f"category:{normalise_category(product.categories[-1].name)}"
    with session_scope() as session:
        update_scope(session, scope=scope, patch={"roi": {"target_pct_default": 55.0}}, changed_by="catalog-test")
    try:
        yield asin, scope
    finally:
        with get_engine().begin() as connection:
            connection.execute(text("DELETE FROM business_config WHERE scope = :s"), {"s": scope})


def test_ingest_applies_the_products_category_layer(client: KeepaClient, leaf_scope: tuple[str, str]) -> None:
    asin, _ = leaf_scope
    (other,) = book_asins(1, start=900)

    result = ingest([asin, other], created_by="catalog-test", client=client)

    targets = {item["asin"]: item["metrics"]["target_roi_pct"] for item in result.items}
    assert result.items[0]["category"] != result.items[1]["category"]
    assert targets[asin] == 55
    assert targets[other] == 30  # the global default: no scope for that book's categories


def test_a_rules_change_reaches_the_next_book_at_once(leaf_scope: tuple[str, str]) -> None:
    _, scope = leaf_scope
    category = scope.removeprefix("category:")
    with session_scope() as session:
        before = RulesBook(session, domain_id=1).config(category)
        again = RulesBook(session, domain_id=1).config(category)
    with session_scope() as session:
        update_scope(session, scope=scope, patch={"roi": {"target_pct_default": 60.0}}, changed_by="catalog-test")
    with session_scope() as session:
        after = RulesBook(session, domain_id=1).config(category)

    assert again is before  # unchanged rows: the engine config read once is reused
    assert (before.roi.target_pct, after.roi.target_pct) == (55, 60)
