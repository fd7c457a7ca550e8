"""Config preview: what a patch would change on the demo products, before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from arbvault.config.effective import effective_config
from arbvault.config.merge import apply_merge_patch
from arbvault.config.shape import patch_violations
from arbvault.config.validation import validate_document
from arbvault.engine.preview import ConfigPreview, preview_config


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
