"""Versioned writes to one scope: merge a patch, validate every effective config it touches, audit the change.

Also what leads up to a write: the If-Match header (an integer scope version, as the ETag of a read gave it),
and the preview of what a patch would change on the demo products, before anything is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import jsonpatch
from sqlalchemy.orm import Session

from arbvault.config import store
from arbvault.config.effective import effective_config
from arbvault.config.exceptions import (
    ConfigNotSeededError,
    ConfigTooLargeError,
    ConfigValidationError,
    MalformedIfMatchError,
    StaleVersionError,
)
from arbvault.config.merge import apply_merge_patch
from arbvault.config.scopes import parse_scope
from arbvault.config.shape import MAX_DOCUMENT_BYTES, document_size, patch_violations
from arbvault.config.validation import MAX_DEPTH, describe, nesting_depth, validate_combinations, validate_document
from arbvault.engine.preview import ConfigPreview, preview_config
from arbvault.models.business_config import GLOBAL_SCOPE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


PATCH_FIELD: Final = "config_patch"


@dataclass(frozen=True, slots=True)
class ScopeUpdate:
    """A scope after a write: its stored document and version, and the audit row (None if nothing changed).

    ``version`` 0 and ``updated_at`` None describe a scope that does not exist (an empty patch on a new scope).
    """

    scope: str
    config: dict[str, Any]
    version: int
    updated_at: datetime | None
    change_id: uuid.UUID | None


def update_scope(
    session: Session,
    *,
    scope: str,
    patch: dict[str, Any],
    changed_by: str,
    change_reason: str | None = None,
    expected_version: int | None = None,
    change_source: str = "api",
) -> ScopeUpdate:
    """Merge ``patch`` (a JSON Merge Patch: ``null`` removes a key) into ``scope``'s document and store it.

    The scope is created (version 1) if it does not exist. ``expected_version`` (from If-Match) must equal
    the stored version, 0 for a scope that does not exist yet. The row is locked for the transaction, so of
    two writers expecting the same version exactly one wins. Raises :class:`InvalidScopeError`,
    :class:`StaleVersionError`, :class:`ConfigValidationError` (one detail per field, prefixed
    ``config_patch.``; keys the rules do not have are refused before anything is read) and
    :class:`ConfigTooLargeError` (413) when the patch or the resulting document exceeds
    :data:`MAX_DOCUMENT_BYTES`. The caller's transaction commits the write and its ``config_changes`` row together.
    """
    scope = parse_scope(scope)
    _check_patch(patch)
    before = store.lock_scope(session, scope)
    current = before.version if before else 0
    if expected_version is not None and expected_version != current:
        raise StaleVersionError(scope, expected=expected_version, current=current)
    old = before.data if before else {}
    new = apply_merge_patch(old, patch)
    if new == old:
        return ScopeUpdate(scope, old, current, before.updated_at if before else None, None)

    size = document_size(new)
    if size > MAX_DOCUMENT_BYTES:
        raise ConfigTooLargeError(PATCH_FIELD, size, MAX_DOCUMENT_BYTES)
    documents = store.active_documents(session)
    documents[scope] = new
    if GLOBAL_SCOPE not in documents:
        raise ConfigNotSeededError()
    violations = validate_combinations(scope, documents)
    if violations:
        raise ConfigValidationError(describe(violations, prefix=PATCH_FIELD))

    if before is None:
        after = store.create_scope(session, scope, new)
        if after is None:  # another transaction created the scope after our lock found nothing to lock
            raise StaleVersionError(scope, expected=0, current=store.current_version(session, scope))
    else:
        after = store.replace_document(session, before, new)
    change_id = store.record_change(
        session, before=before, after=after, diff=jsonpatch.make_patch(old, new).patch, changed_by=changed_by,
        change_reason=change_reason, change_source=change_source,
    )
    return ScopeUpdate(scope, after.data, after.version, after.updated_at, change_id)


def _check_patch(patch: dict[str, Any]) -> None:
    """Refuse a patch nesting too deep, larger than a document may be, or naming keys the rules do not have."""
    if nesting_depth(patch) > MAX_DEPTH:
        raise ConfigValidationError([{"field": PATCH_FIELD, "message": f"nests deeper than {MAX_DEPTH} levels"}])
    size = document_size(patch)
    if size > MAX_DOCUMENT_BYTES:
        raise ConfigTooLargeError(PATCH_FIELD, size, MAX_DOCUMENT_BYTES)
    unknown = patch_violations(patch)
    if unknown:
        raise ConfigValidationError([{"field": f"{PATCH_FIELD}.{v.field}", "message": v.message} for v in unknown])


_MAX_DIGITS: Final = 10  # versions are PostgreSQL integers; longer strings are malformed, not just stale


def parse_if_match(value: str | None) -> int | None:
    """The version ``value`` names, or None when the header is absent or blank.

    Accepts ``3``, ``"3"`` and ``W/"3"`` (the weak marker and the quotes are stripped); ``0`` means the
    scope must not exist yet. Anything else (lists, ``*``, signs, text) raises :class:`MalformedIfMatchError`.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS):
        raise MalformedIfMatchError(value)
    return int(text)


def preview_patch(session: Session, *, patch: Mapping[str, Any], domain_id: int, category: str | None) -> ConfigPreview:
    """Dry-run ``patch`` over the effective rules of (domain, category); unknown keys and validation findings
    become warnings."""
    current = effective_config(session, domain_id=domain_id, category=category)
    patched = apply_merge_patch(current.document, patch)
    violations = [*patch_violations(patch), *validate_document(patched)]
    warnings = [f"{violation.field}: {violation.message}" for violation in violations]
    return preview_config(
        current.document, patched, patch=patch, domain_id=domain_id, category=category or "",
        validation_warnings=warnings, generated_at=datetime.now(UTC),
    )
