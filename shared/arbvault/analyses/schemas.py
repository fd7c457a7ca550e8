"""The HTTP side of stored analyses listings (analyses, batches): a listing's query string (filters, order, page
size, cursor) and pages of ``arbvault.analyses.out.AnalysisOut``.

Import them from this module: the package does not re-export them, because the batch worker imports
``arbvault.analyses`` and has no use for pydantic and FastAPI at cold start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from arbvault.analyses.filters import AnalysisFilters
from arbvault.analyses.out import AnalysisOut
from arbvault.analyses.store import CURSOR_KEYS, AnalysisPage, Position, Sort, SortKey, SortOrder
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor
from arbvault.web.schema_types import Percent, ProductIdentifier, Score, Text


def analysis_filters(
    roi_min: Annotated[Percent | None, Query(description="ROI % at least")] = None,
    roi_max: Annotated[Percent | None, Query(description="ROI % at most")] = None,
    velocity_min: Annotated[Score | None, Query(description="velocity score (0-100) at least")] = None,
    velocity_max: Annotated[Score | None, Query(description="velocity score (0-100) at most")] = None,
    recommendation: Annotated[Text | None, Query(min_length=1, max_length=20,
                                                 description="label, any case; _ stands for a space")] = None,
    asin: Annotated[ProductIdentifier | None, Query()] = None,
    latest: Annotated[bool, Query(description=(
        "only each product's newest analysis (per marketplace and ASIN); the other filters apply to it"))] = False,
) -> AnalysisFilters:
    """The filters of every analyses listing, from the query string (a job's own listing has no job filter)."""
    return AnalysisFilters(roi_min=roi_min, roi_max=roi_max, velocity_min=velocity_min, velocity_max=velocity_max,
                           recommendation=recommendation, product=asin, latest=latest)


AnalysisQuery = Annotated[AnalysisFilters, Depends(analysis_filters)]
"""A route parameter holding :func:`analysis_filters`' result."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page of a listing a request asks for: its order, its size, and where it starts (``None``: first)."""

    sort: Sort
    limit: int
    after: Position | None


def page_request(
    sort_by: SortKey = "created_at",
    sort_order: SortOrder = "desc",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> PageRequest:
    """The page a listing's query string asks for; 422 naming ``query.cursor`` for a damaged cursor or one made
    under another sort."""
    sort = Sort(sort_by, sort_order)
    after = Position.from_dict(decode_cursor(cursor, keys=CURSOR_KEYS), sort=sort) if cursor else None
    return PageRequest(sort=sort, limit=limit, after=after)


PageQuery = Annotated[PageRequest, Depends(page_request)]
"""A route parameter holding :func:`page_request`'s result."""


def page_out(page: AnalysisPage) -> Page[AnalysisOut]:
    """A listing's page as the API returns it, with the cursor of the next page. Call it inside the session that
    read the page: the rows are ORM objects."""
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[AnalysisOut](items=[AnalysisOut.model_validate(row) for row in page.items], next_cursor=next_cursor)
