"""API keys: create (the key is shown once), list, revoke (admin role only); and the calling key itself (any role)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from arbvault.auth.keys import DEFAULT_ROLE, NAME_MAX_LENGTH, Role, normalise_name
from arbvault.auth.store import create_api_key, get_api_key, list_api_keys, revoke_api_key
from arbvault.db import session_scope
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.observability import logger
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import AdminIdentity, CurrentIdentity, RoleCheckedRoute
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor
from arbvault.web.schema_types import Text

router = APIRouter(prefix="/api/v1/api-keys", tags=["api-keys"], route_class=RoleCheckedRoute,
                   responses=error_responses(503))


class NewApiKey(BaseModel):
    """What to create: a name people recognise and a role."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, AfterValidator(normalise_name),
                    Field(description=f"1-{NAME_MAX_LENGTH} characters, trimmed", examples=["warehouse laptop"],
                          json_schema_extra={"minLength": 1, "maxLength": NAME_MAX_LENGTH})]
    role: Role = DEFAULT_ROLE


class ApiKeyRecord(BaseModel):
    """A key as listed: never the key itself nor its digest."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class CallerKey(BaseModel):
    """The key that made the request, as the caller may see it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = Field(description="recorded at most once a minute")


class CreatedApiKey(BaseModel):
    """A new key; ``key`` is in this response and nowhere else, ever."""

    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    key: str
    created_at: datetime


@router.post("", status_code=201, response_model=CreatedApiKey, summary="Create an API key")
def create_key(body: NewApiKey, identity: AdminIdentity, response: Response) -> CreatedApiKey:
    """Create a key; this response is the only time the key is shown."""
    with session_scope() as session:
        row, key = create_api_key(session, name=body.name, role=body.role)
    logger.info("API key created", extra={"key_id": str(row.id), "role": row.role, "by_key_id": identity.key_id})
    response.headers["Location"] = f"{router.prefix}/{row.id}"
    response.headers["Cache-Control"] = "no-store"
    return CreatedApiKey.model_validate({"id": row.id, "name": row.name, "role": row.role, "prefix": row.prefix,
                                         "key": key, "created_at": row.created_at})


@router.get("", response_model=Page[ApiKeyRecord], summary="List API keys")
def list_keys(
    identity: AdminIdentity, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None, include_revoked: bool = False
) -> Page[ApiKeyRecord]:
    """Keys, newest first; revoked ones only with ``include_revoked=true``."""
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
    with session_scope() as session:
        page = list_api_keys(session, limit=limit, after=after, include_revoked=include_revoked)
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[ApiKeyRecord](items=[ApiKeyRecord.model_validate(row) for row in page.items],
                              next_cursor=next_cursor)


@router.get("/me", response_model=CallerKey, summary="The calling API key", responses=error_responses(404))
def my_key(identity: CurrentIdentity) -> CallerKey:
    """The key this request was made with: id, name, role, creation and last use (any role)."""
    with session_scope() as session:
        return CallerKey.model_validate(get_api_key(session, identity.key_id))


@router.delete("/{key_id}", response_model=ApiKeyRecord, summary="Revoke an API key",
               responses=error_responses(404, 409))
def revoke_key(key_id: uuid.UUID, identity: AdminIdentity) -> ApiKeyRecord:
    """Revoke a key (idempotent); the last active admin key cannot be revoked (409)."""
    with session_scope() as session:
        row = revoke_api_key(session, key_id)
    logger.info("API key revoked", extra={"key_id": str(row.id), "by_key_id": identity.key_id})
    return ApiKeyRecord.model_validate(row)


app = create_app(router, title="ArbitrageVault API keys")
handler = create_handler(app)
