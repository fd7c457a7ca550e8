"""The curated niche templates: a category with the sales-rank and price ranges a reseller aims for.

Two families: ``smart_velocity`` (fast sellers, ROI >= 30 %) and ``textbooks`` (slower, ROI >= 50 %). Category
ids are validated browse nodes; subjects without one (law, psychology, romance, self-help, fitness) were
replaced by the nearest validated subject.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from arbvault.discovery.categories import BOOKS

Family = Literal["SMART_VELOCITY", "TEXTBOOKS"]


@dataclass(frozen=True, slots=True)
class NicheTemplate:
    """One curated niche: where to look (category, ranks, prices) and what a product must reach to count."""

    id: str
    name: str
    description: str
    family: Family
    category_id: int
    bsr_min: int
    bsr_max: int
    price_min: Decimal
    price_max: Decimal
    sellers_max: int
    roi_min: Decimal
    velocity_min: Decimal


def _velocity(id_: str, name: str, description: str, category_id: int, bsr_max: int, prices: tuple[int, int],
              roi_min: int, velocity_min: int) -> NicheTemplate:
    return NicheTemplate(id_, name, description, "SMART_VELOCITY", category_id, 10_000, bsr_max,
                         Decimal(prices[0]), Decimal(prices[1]), 5, Decimal(roi_min), Decimal(velocity_min))


def _textbook(id_: str, name: str, description: str, category_id: int, bsr_max: int, prices: tuple[int, int],
              velocity_min: int) -> NicheTemplate:
    return NicheTemplate(id_, name, description, "TEXTBOOKS", category_id, 30_000, bsr_max,
                         Decimal(prices[0]), Decimal(prices[1]), 3, Decimal(50), Decimal(velocity_min))


TEMPLATES: Final[tuple[NicheTemplate, ...]] = (
    _velocity("tech-books-python", "Tech books: Python", "Programming titles that sell every week",
              3508, 80_000, (20, 50), 30, 50),
    _velocity("wellness-journals", "Wellness journals", "Guided journals and wellness workbooks",
              BOOKS, 50_000, (15, 35), 35, 60),
    _velocity("cooking-healthy", "Healthy cooking", "Cookbooks with steady demand", 6, 80_000, (18, 45), 30, 50),
    _velocity("kids-education-preschool", "Preschool education", "Early-learning and teaching books",
              8975347011, 60_000, (15, 30), 32, 55),
    _velocity("business-productivity", "Self-help: productivity", "Business habits and productivity",
              3, 70_000, (15, 40), 30, 50),
    _velocity("fiction-thriller-mystery", "Thrillers and mysteries", "Genre fiction with fast turnover",
              18, 50_000, (15, 30), 33, 60),
    _velocity("fiction-contemporary", "Contemporary fiction", "Literature and fiction bestsellers",
              17, 40_000, (15, 28), 35, 65),
    _velocity("health-fitness", "Health and fitness", "Health, fitness and medical guides",
              173514, 60_000, (15, 40), 31, 55),
    _textbook("textbook-business", "Business textbooks", "Business and money course books", 3, 250_000,
              (30, 150), 30),
    _textbook("textbook-science", "Science textbooks", "Science and math course books", 75, 250_000,
              (40, 200), 25),
    _textbook("textbook-medical", "Medical textbooks", "Medical course books", 173514, 250_000, (50, 250), 25),
    _textbook("textbook-accounting", "Accounting textbooks", "Accounting course books", 266117, 250_000,
              (40, 180), 30),
    _textbook("textbook-engineering", "Engineering textbooks", "Engineering course books", 173515, 250_000,
              (40, 180), 25),
    _textbook("textbook-education", "Education textbooks", "Education and teaching course books", 8975347011,
              250_000, (35, 150), 30),
    _textbook("textbook-computer-science", "Computer science textbooks", "Computer science course books", 3508,
              200_000, (40, 150), 30),
)


def select_templates(count: int, *, shuffle: bool, rng: random.Random | None = None) -> list[NicheTemplate]:
    """``count`` templates: a random draw without repeats, or the first ``count`` in catalogue order."""
    if shuffle:
        return (rng or random.Random()).sample(TEMPLATES, count)
    return list(TEMPLATES[:count])
