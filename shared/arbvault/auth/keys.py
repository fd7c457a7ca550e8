"""What an API key is: its secret's format, how it is generated, the digest stored instead of it, the rules for
its name and role (shared by the HTTP schema, the CLI and the store), and how a request presents it.

A key is ``avk_`` followed by 32 random bytes in URL-safe base64 (43 characters): 256 bits of entropy. Only
its SHA-256 digest is stored. Slow, salted password hashes (bcrypt, argon2) exist to make guessing
low-entropy passwords expensive; a 256-bit random key cannot be guessed however fast the hash, so a plain
digest loses nothing, keeps the per-request check cheap, and, being deterministic, lets the database find
the key through the unique index on ``key_hash`` in one lookup.

A request presents its key as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Every credential header
that is present must be well formed, and when both are present they must carry the same key: a request that
sends two different keys, or a non-Bearer ``Authorization`` next to an ``X-API-Key``, is refused rather than
guessed at. An empty header counts as absent.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from collections.abc import Mapping
from typing import Literal

from arbvault.auth.exceptions import CredentialError, InvalidKeyFieldError

KEY_PREFIX = "avk_"
KEY_BYTES = 32
KEY_LENGTH = len(KEY_PREFIX) + math.ceil(KEY_BYTES * 4 / 3)  # base64 without padding: 43 characters
# Shown in listings so people can tell keys apart: the marker plus 8 characters (48 of the 256 bits).
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 8

_KEY_PATTERN = re.compile(rf"{re.escape(KEY_PREFIX)}[A-Za-z0-9_-]{{{KEY_LENGTH - len(KEY_PREFIX)}}}")


def generate_key() -> str:
    """A new random API key, e.g. ``avk_3q2-...`` (47 characters)."""
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def hash_key(plaintext: str) -> str:
    """The SHA-256 hex digest under which ``plaintext`` is stored and looked up."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def display_prefix(plaintext: str) -> str:
    """The leading characters of a key that may be shown after creation."""
    return plaintext[:DISPLAY_PREFIX_LENGTH]


def is_well_formed(candidate: str) -> bool:
    """Whether ``candidate`` has the shape of a key we issue (checked before any database lookup)."""
    return _KEY_PATTERN.fullmatch(candidate) is not None


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


_BEARER = "bearer"


def _header(headers: Mapping[object, object], name: str) -> str | None:
    # Payload 2.0 lower-cases names already; other callers (tools, tests) may not.
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _bearer_token(authorization: str) -> str:
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != _BEARER:
        raise CredentialError("malformed")
    return parts[1]


def key_from_headers(headers: Mapping[object, object] | None) -> str:
    """The well-formed key presented in ``headers``; raises :class:`CredentialError` with the reason otherwise.

    >>> key_from_headers({"authorization": "bearer avk_" + "A" * 43}) == "avk_" + "A" * 43
    True
    """
    if not isinstance(headers, Mapping):
        raise CredentialError("missing")
    authorization = _header(headers, "authorization")
    api_key_header = _header(headers, "x-api-key")
    presented = [key for key in (
        _bearer_token(authorization) if authorization is not None else None,
        api_key_header,
    ) if key is not None]
    if not presented:
        raise CredentialError("missing")
    if any(not is_well_formed(key) for key in presented):
        raise CredentialError("malformed")
    if len(set(presented)) > 1:
        raise CredentialError("conflicting")
    return presented[0]
