"""Config: the effective business rules, versioned updates with audit, change history and stats.

ETag. The effective config merges up to three scopes, but a write edits exactly one, so the ETag of a read
names the version of the scope that ``PUT /api/v1/config`` edits by default: the global one. Send it back as
If-Match on that PUT. For a domain or category scope, use ``versions.domain`` / ``versions.category`` of the
same read (0 for a scope that does not exist yet). A PUT's ETag is the version of the scope it wrote.

Liveness of this function is the health function's job, so there is no /config/health route.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from arbvault.config.effective import effective_config
from arbvault.config.history import list_changes
from arbvault.config.scopes import normalise_category, parse_scope
from arbvault.config.stats import config_stats
from arbvault.config.updates import parse_if_match, preview_patch, update_scope
from arbvault.db import session_scope
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import AdminIdentity, CurrentIdentity, RoleCheckedRoute
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor
from arbvault.web.schema_types import DecimalNumber, DomainId, JsonDocument, Text

router = APIRouter(prefix="/api/v1/config", tags=["config"], route_class=RoleCheckedRoute,
                   responses=error_responses(503))

CHANGE_REASON_MAX = 1000
CATEGORY_MAX_LENGTH = 100


class EffectiveConfigOut(BaseModel):
    scope: str
    config: dict[str, Any]
    sources: dict[str, bool]
    versions: dict[str, int | None]
    updated_at: datetime


class ConfigPatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a version in the body is refused: only If-Match counts

    config_patch: JsonDocument = Field(description="JSON Merge Patch for the scope's document; null removes a key")
    change_reason: Text | None = Field(default=None, max_length=CHANGE_REASON_MAX)


class ScopeConfigOut(BaseModel):
    scope: str
    config: dict[str, Any]
    version: int
    updated_at: datetime | None


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(validation_alias="change_id")
    scope: str = Field(validation_alias="config_scope")
    changed_by: str
    change_reason: str | None
    change_source: str
    old_version: int
    new_version: int
    diff_summary: str
    diff_jsonpatch: list[dict[str, Any]]
    changed_at: datetime


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    config_patch: JsonDocument = Field(description="JSON Merge Patch to try on the effective rules")
    domain_id: DomainId = 1
    category: Text = Field(default="books", max_length=CATEGORY_MAX_LENGTH)


class PreviewOutcomeOut(BaseModel):
    fees: DecimalNumber
    buffer: DecimalNumber
    storage: DecimalNumber
    returns: DecimalNumber
    net_profit: DecimalNumber
    roi_pct: DecimalNumber
    margin_pct: DecimalNumber
    profitable: bool
    meets_target: bool
    profit_tier: str
    velocity_tier: str
    combined_score: DecimalNumber
    recommendation: str
    overall_rating: str


class PreviewResultOut(BaseModel):
    asin: str
    title: str
    before: PreviewOutcomeOut
    after: PreviewOutcomeOut | None
    changes: dict[str, dict[str, DecimalNumber | bool | str]]


class PreviewSummaryOut(BaseModel):
    domain_id: int
    category: str
    patch_size: int
    demo_asins_tested: int
    changes_detected: int


class PreviewOut(BaseModel):
    preview_results: list[PreviewResultOut]
    config_summary: PreviewSummaryOut
    validation_warnings: list[str]
    generated_at: datetime


class CacheOut(BaseModel):
    entries: int
    active_entries: int
    expired_entries: int
    keys: list[str]


class StatsOut(BaseModel):
    total_configs: int
    active_configs: int
    recent_changes: int
    tables: dict[str, int]
    cache: CacheOut


def _etag(version: int) -> str:
    return f'"{version}"'


@router.get("", summary="Effective config")
def get_config(
    response: Response,
    _: CurrentIdentity,
    domain_id: Annotated[DomainId, Query()] = 1,
    category: Annotated[Text, Query(max_length=CATEGORY_MAX_LENGTH,
                                    description="category layer; empty for none")] = "books",
    force_refresh: bool = False,
) -> EffectiveConfigOut:
    """Global < domain < category rules merged; the ETag is the global scope's version (see the module notes)."""
    canonical = normalise_category(category, field="query.category") if category.strip() else None
    with session_scope() as session:
        result = effective_config(session, domain_id=domain_id, category=canonical, force_refresh=force_refresh)
    response.headers["ETag"] = _etag(result.versions["global"] or 0)
    return EffectiveConfigOut(scope=result.scope, config=result.document,
                              sources={str(level): found for level, found in result.sources.items()},
                              versions={str(level): version for level, version in result.versions.items()},
                              updated_at=result.updated_at)


@router.put("", summary="Update a scope", responses=error_responses(400, 409))
def put_config(
    response: Response,
    identity: AdminIdentity,
    body: Annotated[ConfigPatchIn, Body()],
    scope: Annotated[Text, Query(max_length=100, description="global, domain:<id> or category:<name>")] = "global",
    if_match: Annotated[str | None, Header(description="the scope's version, from its ETag")] = None,
) -> ScopeConfigOut:
    """Merge the patch into one scope, validate every effective config it affects, bump its version, audit it."""
    expected = parse_if_match(if_match)
    canonical = parse_scope(scope, field="query.scope")
    with session_scope() as session:
        result = update_scope(
            session, scope=canonical, patch=body.config_patch, changed_by=identity.key_name or identity.key_id,
            change_reason=body.change_reason, expected_version=expected,
        )
    response.headers["ETag"] = _etag(result.version)
    return ScopeConfigOut(scope=result.scope, config=result.config, version=result.version,
                          updated_at=result.updated_at)


@router.post("/preview", summary="Preview a patch")
def post_preview(_: CurrentIdentity, body: Annotated[PreviewIn, Body()]) -> PreviewOut:
    """Dry run: the demo products under the current and the patched rules; nothing is stored."""
    canonical = normalise_category(body.category, field="body.category") if body.category.strip() else None
    with session_scope() as session:
        preview = preview_patch(session, patch=body.config_patch, domain_id=body.domain_id, category=canonical)
    results = [PreviewResultOut.model_validate(asdict(result)) for result in preview.results]
    summary = PreviewSummaryOut(
        domain_id=preview.domain_id, category=preview.category, patch_size=preview.patch_size,
        demo_asins_tested=preview.demo_asins_tested, changes_detected=preview.changes_detected,
    )
    return PreviewOut(preview_results=results, config_summary=summary,
                      validation_warnings=list(preview.validation_warnings), generated_at=preview.generated_at)


@router.get("/changes", summary="Change history")
def get_changes(
    _: CurrentIdentity,
    scope: Annotated[Text | None, Query(max_length=100)] = None,
    changed_by: Annotated[Text | None, Query(max_length=100)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ChangeOut]:
    """Audited changes, newest first, optionally of one scope or by one API key name."""
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
    canonical = parse_scope(scope, field="query.scope") if scope else None
    with session_scope() as session:
        page = list_changes(session, scope=canonical, changed_by=changed_by, limit=limit, after=after)
    items = [ChangeOut.model_validate(record) for record in page.items]
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[ChangeOut](items=items, next_cursor=next_cursor)


@router.get("/stats", summary="Config statistics")
def get_stats(_: CurrentIdentity) -> StatsOut:
    """Scope and change counts, row counts of every table, and this environment's config cache."""
    with session_scope() as session:
        return StatsOut.model_validate(config_stats(session))


app = create_app(router, title="ArbitrageVault config")
handler = create_handler(app)
