"""Stored analyses: list them (filters, any sort, keyset cursor), the top N, read, create manually, delete.

>>> page = list_analyses(session, owner_key_id=identity.owner_scope, filters=AnalysisFilters(roi_min=Decimal(30)),
...                      sort=Sort("roi_pct", "desc"))
>>> page.next_position.as_dict()  # encode it as the next page's cursor

Every read and delete takes ``owner_key_id``: the caller's key id for a sourcer, ``None`` for an admin
(``Identity.owner_scope``); rows of other owners are invisible (404 by id).

Routes take the response schema, the query filters and the cursors from ``arbvault.analyses.schemas``, which
this package does not import (the batch worker needs no FastAPI).
"""

from arbvault.analyses.exceptions import (
    AnalysisNotFoundError,
    InvalidAnalysisQueryError,
    InvalidManualAnalysisError,
)
from arbvault.analyses.filters import AnalysisFilters, recommendation_key
from arbvault.analyses.listing import (
    CURSOR_KEYS,
    SORT_KEYS,
    TOP_METRICS,
    AnalysisPage,
    Position,
    Sort,
    SortKey,
    SortOrder,
    TopMetric,
    list_analyses,
    top_analyses,
)
from arbvault.analyses.manual import ManualAnalysis, ManualInput, evaluate
from arbvault.analyses.store import MANUAL_SOURCE, create_manual_analysis, delete_analysis, get_analysis

__all__ = [
    "CURSOR_KEYS",
    "MANUAL_SOURCE",
    "SORT_KEYS",
    "TOP_METRICS",
    "AnalysisFilters",
    "AnalysisNotFoundError",
    "AnalysisPage",
    "InvalidAnalysisQueryError",
    "InvalidManualAnalysisError",
    "ManualAnalysis",
    "ManualInput",
    "Position",
    "Sort",
    "SortKey",
    "SortOrder",
    "TopMetric",
    "create_manual_analysis",
    "delete_analysis",
    "evaluate",
    "get_analysis",
    "list_analyses",
    "recommendation_key",
    "top_analyses",
]
