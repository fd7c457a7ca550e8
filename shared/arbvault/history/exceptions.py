"""Errors of the ASIN-history room; ``arbvault.web.errors`` maps them to statuses through their bases."""

from __future__ import annotations

import uuid

from arbvault.exceptions import NotFoundError


class WatchNotFoundError(NotFoundError):
    """Raised when no watch the caller may see has the given id (404)."""

    def __init__(self, watch_id: uuid.UUID) -> None:
        super().__init__(f"no watch with id {watch_id}")
        self.watch_id = watch_id


class NoHistoryError(NotFoundError):
    """Raised when a product has no tracked point (or, for trends, no data at all) in the window asked (404)."""

    def __init__(self, asin: str, what: str) -> None:
        super().__init__(f"no {what} for {asin}")
        self.asin = asin
