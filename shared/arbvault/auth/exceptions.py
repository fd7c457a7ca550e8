"""Errors of the API key room; each maps to its HTTP status through its base class in ``arbvault.web.errors``."""

from __future__ import annotations

import uuid
from typing import Literal

from arbvault.exceptions import ConflictError, InvalidInputError, NotFoundError, UnauthorizedError

CredentialProblem = Literal["missing", "malformed", "conflicting"]


class CredentialError(UnauthorizedError):
    """Raised when a request presents no usable API key: none, a malformed one, or two that disagree."""

    def __init__(self, reason: CredentialProblem) -> None:
        super().__init__(f"API key {reason}")
        self.reason: CredentialProblem = reason


class InvalidKeyFieldError(InvalidInputError, ValueError):
    """Raised when a key's name or role breaks its rules.

    It is also a ``ValueError`` so pydantic validators can use the same rule and report it against the field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, details=[{"field": field, "message": message}])
        self.field = field


class ApiKeyNotFoundError(NotFoundError):
    """Raised when no API key has the given id."""

    def __init__(self, key_id: uuid.UUID | str) -> None:
        super().__init__(f"no API key with id {key_id}")
        self.key_id = key_id


class LastAdminKeyError(ConflictError):
    """Raised when revoking a key would leave no active admin key (nobody could manage keys any more)."""

    def __init__(self, key_id: uuid.UUID) -> None:
        super().__init__(
            f"API key {key_id} is the last active admin key; create another admin key before revoking it",
            details=[{"field": "key_id", "message": "last active admin key"}],
        )
        self.key_id = key_id
