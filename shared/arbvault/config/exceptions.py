"""Errors of the business-config room; ``arbvault.web.errors`` maps them to statuses through their bases."""

from __future__ import annotations

from typing import Any

from arbvault.exceptions import (
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InvalidInputError,
    PayloadTooLargeError,
)


class InvalidScopeError(InvalidInputError):
    """Raised when a scope, domain id or category name is not one the config accepts (422)."""

    code = "invalid_scope"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details=[{"field": field, "message": message}])
        self.field = field


class ConfigValidationError(InvalidInputError):
    """Raised when a patched document would make an effective config break the rules (422, one detail per field)."""

    code = "config_invalid"

    def __init__(self, details: list[dict[str, Any]]) -> None:
        fields = ", ".join(detail["field"] for detail in details)
        super().__init__(f"the patched configuration breaks the rules: {fields}", details=details)


class ConfigTooLargeError(PayloadTooLargeError):
    """Raised when a patch, or the scope's document it would produce, is larger than a document may be (413)."""

    code = "config_too_large"

    def __init__(self, field: str, size: int, limit: int) -> None:
        message = f"would be {size:,} bytes of JSON; a scope's document holds at most {limit:,}"
        super().__init__(f"{field}: {message}", details=[{"field": field, "message": message}])


class MalformedIfMatchError(BadRequestError):
    """Raised when the If-Match header is not a single integer version (400)."""

    code = "malformed_if_match"

    def __init__(self, value: str) -> None:
        message = 'If-Match must be one integer version, like 3 or "3"'
        super().__init__(message, details=[{"field": "header.if-match", "message": message, "value": value[:64]}])


class StaleVersionError(ConflictError):
    """Raised when If-Match names a version the scope no longer has, or a concurrent write got there first (409)."""

    code = "version_conflict"

    def __init__(self, scope: str, *, expected: int, current: int) -> None:
        super().__init__(
            f"{scope} is at version {current}, not {expected}; re-read it and retry",
            details=[{"field": "header.if-match", "scope": scope, "expected_version": expected,
                      "current_version": current}],
        )
        self.current_version = current
        self.headers = {"ETag": f'"{current}"'}


class ConfigNotSeededError(ConfigurationError):
    """Raised when the global scope row is missing or inactive, so no effective config exists (503)."""

    code = "config_not_seeded"

    def __init__(self) -> None:
        super().__init__("the global business config is missing or inactive; run the migrations")
