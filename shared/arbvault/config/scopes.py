"""Scope names: ``global``, ``domain:<id>`` and ``category:<name>``, in one canonical spelling.

The canonical spelling is what the ``business_config.scope`` check constraint accepts, so a name that
passes here can always be stored.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from arbvault.bounds import keepa_domain
from arbvault.config.exceptions import InvalidScopeError
from arbvault.models.business_config import GLOBAL_SCOPE

Layer = Literal["global", "domain", "category"]
LAYERS: Final[tuple[Layer, ...]] = ("global", "domain", "category")

SCOPE_MAX_LENGTH: Final = 50  # business_config.scope is varchar(50)
_CATEGORY_PREFIX: Final = "category:"
_DOMAIN_PREFIX: Final = "domain:"
CATEGORY_MAX_LENGTH: Final = SCOPE_MAX_LENGTH - len(_CATEGORY_PREFIX)
_CATEGORY_NAME = re.compile(r"[a-z0-9_]+")
_SPACES = re.compile(r"\s+")


def normalise_category(name: str, *, field: str = "category") -> str:
    """Canonical category name: lower-case, ``&`` removed, runs of spaces as one ``_``.

    ``"Books & Media"`` becomes ``"books_media"``. Raises :class:`InvalidScopeError` naming ``field`` when
    the result is empty, longer than 41 characters, or holds anything but ``a-z``, ``0-9`` and ``_``.
    """
    canonical = _SPACES.sub("_", name.replace("&", " ").strip().lower())
    if not canonical:
        raise InvalidScopeError(field, "must name a category")
    if len(canonical) > CATEGORY_MAX_LENGTH:
        raise InvalidScopeError(field, f"must be at most {CATEGORY_MAX_LENGTH} characters")
    if not _CATEGORY_NAME.fullmatch(canonical):
        raise InvalidScopeError(field, "may hold only letters, digits, spaces, '_' and '&'")
    return canonical


def check_domain_id(domain_id: int, *, field: str = "domain_id") -> int:
    """``domain_id`` if it is a Keepa domain id; :class:`InvalidScopeError` otherwise."""
    try:
        return keepa_domain(domain_id)
    except ValueError as exc:
        raise InvalidScopeError(field, str(exc)) from None


def domain_scope(domain_id: int) -> str:
    return f"{_DOMAIN_PREFIX}{check_domain_id(domain_id)}"


def category_scope(category: str) -> str:
    return f"{_CATEGORY_PREFIX}{normalise_category(category)}"


def parse_scope(scope: str, *, field: str = "scope") -> str:
    """Canonical form of ``global``, ``domain:<int>`` or ``category:<name>``; :class:`InvalidScopeError` otherwise.

    ``"domain:02"`` becomes ``"domain:2"`` and ``"category:Books & Media"`` becomes ``"category:books_media"``.
    """
    text = scope.strip()
    if text == GLOBAL_SCOPE:
        return GLOBAL_SCOPE
    if text.startswith(_DOMAIN_PREFIX):
        digits = text[len(_DOMAIN_PREFIX):]
        if not (digits.isascii() and digits.isdigit() and len(digits.lstrip("0")) <= 10):
            raise InvalidScopeError(field, "domain scopes are domain:<id> with an integer id")
        return _DOMAIN_PREFIX + str(check_domain_id(int(digits), field=field))
    if text.startswith(_CATEGORY_PREFIX):
        return _CATEGORY_PREFIX + normalise_category(text[len(_CATEGORY_PREFIX):], field=field)
    raise InvalidScopeError(field, "must be global, domain:<id> or category:<name>")


def layer_of(scope: str) -> Layer:
    """Which layer a canonical scope belongs to."""
    if scope == GLOBAL_SCOPE:
        return "global"
    return "domain" if scope.startswith(_DOMAIN_PREFIX) else "category"


def effective_scope_name(domain_id: int, category: str | None) -> str:
    """The name of an effective config: ``effective:domain:1:category:books`` (or without the category part)."""
    name = f"effective:{_DOMAIN_PREFIX}{domain_id}"
    return f"{name}:{_CATEGORY_PREFIX}{category}" if category else name
