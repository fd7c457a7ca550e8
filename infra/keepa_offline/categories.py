"""The offline server's category tree: US Books (283155) and the subjects the generator files books under.

Ids for the fixtures' subjects and for the book subjects of ``arbvault.discovery.categories`` are Amazon's;
the deeper leaves are illustrative, like the fixtures' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BOOKS = 283155


@dataclass(frozen=True, slots=True)
class Category:
    cat_id: int
    name: str
    parent: int
    product_count: int
    textbook: bool = False
    """Generated books here are priced and bound like textbooks."""


_TABLE = [
    Category(BOOKS, "Books", 0, 15_000_000),
    Category(3, "Business & Money", BOOKS, 610_000),
    Category(266117, "Accounting", 3, 38_000, textbook=True),
    Category(5, "Computers & Technology", BOOKS, 420_000),
    Category(3839, "Programming", 5, 65_000, textbook=True),
    Category(3508, "Computer Science", 5, 48_000, textbook=True),
    Category(6, "Cookbooks, Food & Wine", BOOKS, 240_000),
    Category(4317, "Baking", 6, 21_000),
    Category(9, "History", BOOKS, 890_000),
    Category(17, "Literature & Fiction", BOOKS, 2_400_000),
    Category(18, "Mystery, Thriller & Suspense", BOOKS, 760_000),
    Category(25, "Science Fiction & Fantasy", BOOKS, 520_000),
    Category(16190, "Science Fiction", 25, 190_000),
    Category(16272, "Time Travel", 16190, 9_500),
    Category(75, "Science & Math", BOOKS, 980_000, textbook=True),
    Category(3577, "Earth Sciences", 75, 61_000, textbook=True),
    Category(173514, "Medical Books", BOOKS, 450_000, textbook=True),
    Category(173515, "Engineering & Transportation", BOOKS, 380_000, textbook=True),
    Category(8975347011, "Education & Teaching", BOOKS, 310_000, textbook=True),
]

CATEGORIES: dict[int, Category] = {c.cat_id: c for c in _TABLE}
CHILDREN: dict[int, list[int]] = {c.cat_id: [d.cat_id for d in _TABLE if d.parent == c.cat_id] for c in _TABLE}
LEAVES: tuple[int, ...] = tuple(c.cat_id for c in _TABLE if not CHILDREN[c.cat_id] and c.cat_id != BOOKS)


def path_to(cat_id: int) -> list[Category]:
    """Root first, ending at ``cat_id``."""
    path = []
    node: Category | None = CATEGORIES[cat_id]
    while node is not None:
        path.append(node)
        node = CATEGORIES.get(node.parent)
    return path[::-1]


def category_object(cat_id: int) -> dict[str, Any]:
    """The ``/category`` object for a known id."""
    c = CATEGORIES[cat_id]
    return {"domainId": 1, "catId": c.cat_id, "name": c.name, "contextFreeName": c.name,
            "children": CHILDREN[cat_id] or None, "parent": c.parent, "highestRank": c.product_count * 2 // 3,
            "lowestRank": 1, "productCount": c.product_count, "isBrowseNode": True}
