"""The rules for a key's name and role, shared by the HTTP schema, the CLI and the store."""

from __future__ import annotations

import unicodedata
from typing import Literal

from arbvault.auth.exceptions import InvalidKeyFieldError

Role = Literal["admin", "sourcer"]
ROLES: tuple[Role, ...] = ("admin", "sourcer")
DEFAULT_ROLE: Role = "sourcer"
NAME_MAX_LENGTH = 100


def normalise_name(raw: str) -> str:
    """``raw`` trimmed; 1-100 characters without control characters (names end up in logs and listings)."""
    name = raw.strip()
    if not name:
        raise InvalidKeyFieldError("name", "name must not be empty")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidKeyFieldError("name", f"name must be at most {NAME_MAX_LENGTH} characters")
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise InvalidKeyFieldError("name", "name must not contain control characters")
    return name


def check_role(raw: str) -> Role:
    """``raw`` if it is a known role."""
    if raw not in ROLES:
        raise InvalidKeyFieldError("role", f"role must be one of: {', '.join(ROLES)}")
    return raw
