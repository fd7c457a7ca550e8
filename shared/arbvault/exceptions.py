"""Errors shared by every room of the layer; HTTP mapping lives in ``arbvault.web.errors``."""

from __future__ import annotations

from typing import Any


class ArbvaultError(Exception):
    """Base of every error the layer raises on purpose."""

    code = "error"
    # Extra response headers for the error envelope (e.g. Retry-After); set per instance.
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class ConfigurationError(ArbvaultError):
    """Raised when the environment lacks a setting the code needs (database, Keepa key, queue)."""

    code = "configuration_error"


class NotFoundError(ArbvaultError):
    """Raised when a resource named by id does not exist."""

    code = "not_found"


class ConflictError(ArbvaultError):
    """Raised when a write conflicts with the stored state (stale version, illegal transition)."""

    code = "conflict"


class BadRequestError(ArbvaultError):
    """Raised when the request itself is malformed (an unparseable header), before any rule applies."""

    code = "bad_request"


class InvalidInputError(ArbvaultError):
    """Raised when input is well-formed JSON but breaks a business rule."""

    code = "invalid_input"


class InvalidCursorError(InvalidInputError):
    """Raised when a list's ``cursor`` is damaged or holds a value out of bounds (422 naming ``query.cursor``)."""

    code = "cursor_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__("cursor is not valid",
                         details=[{"field": "query.cursor", "code": self.code, "message": reason}])


class ForbiddenError(ArbvaultError):
    """Raised when the caller's role does not allow the action."""

    code = "forbidden"


class DependencyUnavailableError(ArbvaultError):
    """Raised when a dependency (database, queue, Keepa) cannot be reached."""

    code = "dependency_unavailable"


class UnauthorizedError(ArbvaultError):
    """Raised when a request carries no valid identity."""

    code = "unauthorized"


class PayloadTooLargeError(ArbvaultError):
    """Raised when a request asks for more work than one synchronous call does (too many identifiers)."""

    code = "payload_too_large"


class RateLimitedError(ArbvaultError):
    """Raised when a quota (Keepa tokens) is short; ``headers`` carries ``Retry-After``."""

    code = "too_many_requests"
