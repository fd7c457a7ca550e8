"""The category table checked against Keepa's ``/category``: 1 token per request of up to 10 ids, guarded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.costs import CATEGORY_COST
from arbvault.catalog.guard import guarded
from arbvault.discovery.categories import CATEGORIES, US_DOMAIN, Category

if TYPE_CHECKING:
    from arbvault.keepa.client import KeepaClient
    from arbvault.keepa.results import KeepaCategory


@dataclass(frozen=True, slots=True)
class LiveCategory:
    """A table entry and what Keepa says about its id now (``None``: Keepa does not know it)."""

    category: Category
    keepa: KeepaCategory | None


@dataclass(frozen=True, slots=True)
class CategoryRefresh:
    """Every table entry checked against Keepa, and the tokens that took."""

    items: tuple[LiveCategory, ...]
    tokens_consumed: int


def refresh_categories(*, client: KeepaClient | None = None) -> CategoryRefresh:
    """Ask Keepa about every id of the table (amazon.com), after the token guard allowed the requests."""
    from arbvault.keepa.client import MAX_CATEGORIES_PER_REQUEST  # the client module (httpx) loads on first use

    client = client or keepa_client(US_DOMAIN)
    ids = [category.id for category in CATEGORIES]
    size = MAX_CATEGORIES_PER_REQUEST
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    found: dict[int, KeepaCategory] = {}
    consumed = 0
    with guarded(client, CATEGORY_COST * len(chunks)):
        for chunk in chunks:  # one request each, so every envelope's charge is counted
            found.update(client.categories(chunk))
            consumed += client.balance.tokens_consumed if client.balance is not None else 0
    return CategoryRefresh(items=tuple(LiveCategory(category, found.get(category.id)) for category in CATEGORIES),
                           tokens_consumed=consumed)
