"""List filters over stored analyses: job, ROI and velocity ranges, recommendation, product, newest per product."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, or_, tuple_
from sqlalchemy.orm import aliased

from arbvault.analyses.exceptions import InvalidAnalysisQueryError
from arbvault.identifiers import normalise
from arbvault.models.analysis import Analysis

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement


def recommendation_key(label: str) -> str:
    """A recommendation label compared loosely: case and ``_`` versus space do not matter (``strong_buy``)."""
    return label.strip().replace("_", " ").upper()


def owned_by(owner_key_id: str | None) -> list[ColumnElement[bool]]:
    """The condition keeping the analyses of one owning API key; none for ``None`` (an admin sees every row)."""
    return [] if owner_key_id is None else [Analysis.created_by == str(owner_key_id)]


@dataclass(frozen=True, slots=True)
class AnalysisFilters:
    """What a list or top query keeps; ``None`` means no constraint. Ranges are inclusive.

    ``product`` is an ASIN, ISBN-10 or ISBN-13 as a caller typed it: an ASIN or ISBN-10 (a print book's ASIN)
    matches the stored ASIN; an ISBN-13 matches the stored ISBN-13 or, for 978 ISBNs, the ISBN-10 as ASIN.
    ``latest`` keeps only each product's newest analysis (see :func:`newest_per_product`); the other filters
    then apply to that row, so a product whose newest analysis misses them is left out.
    """

    job_id: uuid.UUID | None = None
    roi_min: Decimal | None = None
    roi_max: Decimal | None = None
    velocity_min: Decimal | None = None
    velocity_max: Decimal | None = None
    recommendation: str | None = None
    product: str | None = None
    latest: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions for these filters. Raises :class:`InvalidAnalysisQueryError` for an empty range."""
        for low, high, name in ((self.roi_min, self.roi_max, "roi"), (self.velocity_min, self.velocity_max,
                                                                       "velocity")):
            if low is not None and high is not None and low > high:
                raise InvalidAnalysisQueryError(f"query.{name}_min", f"must not exceed {name}_max ({high})")
        conditions: list[ColumnElement[bool]] = []
        if self.job_id is not None:
            conditions.append(Analysis.job_id == self.job_id)
        if self.roi_min is not None:
            conditions.append(Analysis.roi_pct >= self.roi_min)
        if self.roi_max is not None:
            conditions.append(Analysis.roi_pct <= self.roi_max)
        if self.velocity_min is not None:
            conditions.append(Analysis.velocity_score >= self.velocity_min)
        if self.velocity_max is not None:
            conditions.append(Analysis.velocity_score <= self.velocity_max)
        if self.recommendation is not None:
            stored = func.upper(func.replace(Analysis.recommendation, "_", " "))
            conditions.append(stored == recommendation_key(self.recommendation))
        if self.product is not None:
            identifier = normalise(self.product, field="query.asin")
            if identifier.kind != "isbn13":
                conditions.append(Analysis.asin == identifier.value)
            elif identifier.asin is None:
                conditions.append(Analysis.isbn13 == identifier.value)
            else:
                conditions.append(or_(Analysis.isbn13 == identifier.value, Analysis.asin == identifier.asin))
        if self.latest:
            conditions.append(newest_per_product(job_id=self.job_id))
        return conditions


def newest_per_product(*, job_id: uuid.UUID | None = None) -> ColumnElement[bool]:
    """The row is its product's newest analysis: no row of the same marketplace and ASIN (within ``job_id``'s
    rows, when given) is later in (created_at, id) order, the order lists break ties in."""
    newer = aliased(Analysis)
    competing = [newer.asin == Analysis.asin, newer.domain_id == Analysis.domain_id,
                 tuple_(newer.created_at, newer.id) > tuple_(Analysis.created_at, Analysis.id)]
    if job_id is not None:
        competing.append(newer.job_id == job_id)
    return ~exists().where(*competing)
