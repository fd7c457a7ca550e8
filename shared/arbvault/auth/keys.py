"""API key secrets: their format, how they are generated, and the digest that is stored instead of them.

A key is ``avk_`` followed by 32 random bytes in URL-safe base64 (43 characters): 256 bits of entropy. Only
its SHA-256 digest is stored. Slow, salted password hashes (bcrypt, argon2) exist to make guessing
low-entropy passwords expensive; a 256-bit random key cannot be guessed however fast the hash, so a plain
digest loses nothing, keeps the per-request check cheap, and, being deterministic, lets the database find
the key through the unique index on ``key_hash`` in one lookup.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets

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
