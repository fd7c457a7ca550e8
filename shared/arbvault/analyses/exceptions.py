"""Errors of the stored-analyses room; ``arbvault.web.errors`` maps them to statuses through their bases."""

from __future__ import annotations

import uuid

from arbvault.exceptions import InvalidInputError, NotFoundError


class AnalysisNotFoundError(NotFoundError):
    """Raised when no stored analysis has the given id, or none the caller owns (404)."""

    def __init__(self, analysis_id: uuid.UUID) -> None:
        super().__init__(f"no analysis with id {analysis_id}")
        self.analysis_id = analysis_id


class InvalidAnalysisQueryError(InvalidInputError):
    """Raised when list filters contradict each other or a cursor does not fit the requested sort (422)."""

    code = "invalid_query"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details=[{"field": field, "message": message}])
        self.field = field


class InvalidManualAnalysisError(InvalidInputError):
    """Raised when a manual analysis names something the rules cannot use (an unknown strategy, an ASIN-less ISBN)."""

    code = "invalid_analysis"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details=[{"field": field, "message": message}])
        self.field = field
