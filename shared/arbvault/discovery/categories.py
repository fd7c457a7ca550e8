"""Amazon.com category ids the product finder is used with: reference data, one table.

Roots are Amazon.com's top-level departments; the book subjects are the browse nodes validated
on 7 Dec 2025 (Education & Teaching 8975347011 replaces Textbooks 465600, which is not browsable; 3738 and 2578
were never Medical and Accounting). A root is searched with the finder's ``rootCategory``, any other node with
``categories_include``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

BOOKS: Final = 283155
US_DOMAIN: Final = 1


@dataclass(frozen=True, slots=True)
class Category:
    """One Amazon.com browse node: ``key`` is the lower-case name callers may use, ``parent_id`` None for roots."""

    id: int
    key: str
    name: str
    parent_id: int | None

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


CATEGORIES: Final[tuple[Category, ...]] = (
    Category(BOOKS, "books", "Books", None),
    Category(165793011, "baby_products", "Baby Products", None),
    Category(1055398, "home_kitchen", "Home & Kitchen", None),
    Category(16310091, "grocery", "Grocery & Gourmet Food", None),
    Category(3760901, "health_household", "Health & Household", None),
    Category(2619533011, "pet_supplies", "Pet Supplies", None),
    Category(3375251, "sports_outdoors", "Sports & Outdoors", None),
    Category(468642, "tools_home_improvement", "Tools & Home Improvement", None),
    Category(15684181, "automotive", "Automotive", None),
    Category(11091801, "musical_instruments", "Musical Instruments", None),
    Category(3, "business", "Business & Money", BOOKS),
    Category(266117, "accounting", "Accounting", 3),
    Category(5, "computer_technology", "Computers & Technology", BOOKS),
    Category(3839, "programming", "Programming", 5),
    Category(3508, "computer_science", "Computer Science", 5),
    Category(173514, "medical", "Medical Books", BOOKS),
    Category(173515, "engineering", "Engineering & Transportation", BOOKS),
    Category(8975347011, "education", "Education & Teaching", BOOKS),
    Category(75, "science", "Science & Math", BOOKS),
)

_BY_ID: Final = {category.id: category for category in CATEGORIES}


def category_by_id(category_id: int) -> Category | None:
    """The table's entry for ``category_id``, ``None`` for a node the table does not list."""
    return _BY_ID.get(category_id)
