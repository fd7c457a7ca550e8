"""Errors the autosourcing room raises; ``arbvault.web.errors`` maps their base classes to HTTP statuses."""

from __future__ import annotations

import uuid

from arbvault.exceptions import ConflictError, NotFoundError


class ProfileNotFoundError(NotFoundError):
    """Raised when a profile id names no profile (or, to start a run, no active one)."""

    code = "profile_not_found"

    def __init__(self, profile_id: uuid.UUID) -> None:
        super().__init__(f"no active profile {profile_id}", details=[{"profile_id": str(profile_id)}])


class ProfileNameTakenError(ConflictError):
    """Raised when a profile would take a name another profile has."""

    code = "profile_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"a profile named {name!r} exists", details=[{"field": "body.name", "name": name}])


class RunNotFoundError(NotFoundError):
    """Raised when a run id names no run the caller may see."""

    code = "run_not_found"

    def __init__(self, run_id: uuid.UUID) -> None:
        super().__init__(f"no autosourcing run {run_id}", details=[{"run_id": str(run_id)}])


class PickNotFoundError(NotFoundError):
    """Raised when a pick id names no pick the caller may see."""

    code = "pick_not_found"

    def __init__(self, pick_id: uuid.UUID) -> None:
        super().__init__(f"no pick {pick_id}", details=[{"pick_id": str(pick_id)}])
