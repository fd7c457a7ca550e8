"""What the client's calls return: product lookups, finder pages, best-seller lists, categories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from arbvault.keepa.product import KeepaProduct
from arbvault.keepa.time import keepa_minutes_to_datetime
from arbvault.keepa.tokens import TokenBalance


@dataclass(frozen=True, slots=True)
class RawProductLookup:
    """Raw product objects by the normalised identifier that asked for them."""

    found: dict[str, dict[str, Any]]
    missing: tuple[str, ...]
    """Identifiers Keepa had no product for, in request order."""
    tokens_consumed: int
    balance: TokenBalance | None


@dataclass(frozen=True, slots=True)
class ProductLookup:
    """Parsed products by the normalised identifier that asked for them."""

    found: dict[str, KeepaProduct]
    missing: tuple[str, ...]
    tokens_consumed: int
    balance: TokenBalance | None


@dataclass(frozen=True, slots=True)
class FinderResult:
    """One page of Product Finder (``/query``) results."""

    asins: tuple[str, ...]
    total_results: int
    tokens_consumed: int


@dataclass(frozen=True, slots=True)
class BestSellers:
    """A best-seller list, best first; empty with ``category_id`` ``None`` when Keepa has no list."""

    category_id: int | None
    asins: tuple[str, ...]
    last_update: datetime | None


@dataclass(frozen=True, slots=True)
class KeepaCategory:
    """A category from ``/category``."""

    id: int
    name: str
    parent_id: int | None
    children: tuple[int, ...] = field(default=())
    product_count: int | None = None
    highest_rank: int | None = None
    lowest_rank: int | None = None
    is_browse_node: bool = False


def parse_best_sellers(body: Mapping[str, Any]) -> BestSellers:
    """The ``bestSellersList`` of a response (Keepa omits it, at no cost, when no list exists)."""
    payload = body.get("bestSellersList")
    if not payload:
        return BestSellers(category_id=None, asins=(), last_update=None)
    return BestSellers(
        category_id=int(payload.get("categoryId") or 0),
        asins=tuple(payload.get("asinList") or ()),
        last_update=keepa_minutes_to_datetime(payload.get("lastUpdate")),
    )


def parse_categories(body: Mapping[str, Any]) -> dict[int, KeepaCategory]:
    """``categories`` and ``categoryParents`` of a response, by id."""
    result: dict[int, KeepaCategory] = {}
    for key in ("categories", "categoryParents"):
        for raw_id, item in (body.get(key) or {}).items():
            parent = item.get("parent")
            result[int(raw_id)] = KeepaCategory(
                id=int(item.get("catId", raw_id)),
                name=str(item.get("name") or ""),
                parent_id=int(parent) if parent else None,
                children=tuple(int(c) for c in item.get("children") or ()),
                product_count=item.get("productCount"),
                highest_rank=item.get("highestRank"),
                lowest_rank=item.get("lowestRank"),
                is_browse_node=bool(item.get("isBrowseNode")),
            )
    return result
