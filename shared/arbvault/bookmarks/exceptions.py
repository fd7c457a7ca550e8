"""Errors the bookmarks room raises; ``arbvault.web.errors`` maps their base classes to HTTP statuses."""

from __future__ import annotations

import uuid
from typing import Any

from arbvault.exceptions import ConflictError, InvalidInputError, NotFoundError


class SavedNicheNotFoundError(NotFoundError):
    """Raised when an id names no saved niche the caller may see."""

    code = "saved_niche_not_found"

    def __init__(self, niche_id: uuid.UUID) -> None:
        super().__init__(f"no saved niche {niche_id}", details=[{"niche_id": str(niche_id)}])


class NicheNameTakenError(ConflictError):
    """Raised when a saved niche would take a name (in any case) another niche of the same key has."""

    code = "niche_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"a saved niche named {name!r} exists", details=[{"field": "body.niche_name",
                                                                          "niche_name": name}])


class NoCandidatesError(InvalidInputError):
    """Raised when a saved niche's searches find no product to analyse, so re-running it would queue nothing."""

    code = "no_candidates"

    def __init__(self, niche_id: uuid.UUID) -> None:
        super().__init__(f"the filters of saved niche {niche_id} find no product to analyse",
                         details=[{"field": "filters", "message": "the searches find no product"}])


class FiltersOutdatedError(InvalidInputError):
    """Raised when saved filters no longer pass the niches routes' schemas (their limits changed since)."""

    code = "filters_outdated"

    def __init__(self, niche_id: uuid.UUID, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"the filters of saved niche {niche_id} are no longer valid: change them",
                         details=[{"field": ".".join(map(str, ("filters", *e["loc"]))), "message": e["msg"]}
                                  for e in errors])
