"""The api_keys function through its Lambda handler: create (shown once), list, revoke; admin only."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from arbvault.auth.keys import hash_key
from arbvault.auth.store import authenticate
from arbvault.db import session_scope
from arbvault.models.api_key import ApiKey
from arbvault.web.pagination import encode_cursor
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from support import ADMIN, SOURCER, MakeKey, call, load_function

BASE = "/api/v1/api-keys"
ITEM_ROUTE = "/api/v1/api-keys/{key_id}"


def create(body: object, identity: dict[str, str] | None = ADMIN) -> tuple[int, dict[str, str], object]:
    return call("api_keys", "POST", BASE, json_body=body, identity=identity)


def revoke(key_id: str, identity: dict[str, str] | None = ADMIN) -> tuple[int, dict[str, str], object]:
    return call("api_keys", "DELETE", f"{BASE}/{key_id}", route=ITEM_ROUTE, path_parameters={"key_id": key_id},
                identity=identity)


def list_keys(query: str = "", identity: dict[str, str] | None = ADMIN) -> tuple[int, dict[str, str], object]:
    return call("api_keys", "GET", BASE, query=query, identity=identity)


def test_create_returns_key_once_with_location() -> None:
    status, headers, body = create({"name": "  warehouse laptop ", "role": "admin"})
    assert status == 201, body
    assert set(body) == {"id", "name", "role", "prefix", "key", "created_at"}
    assert body["name"] == "warehouse laptop" and body["role"] == "admin"
    assert body["key"].startswith("avk_") and len(body["key"]) == 47
    assert body["prefix"] == body["key"][:12]
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert headers["location"] == f"{BASE}/{body['id']}"
    assert headers["cache-control"] == "no-store"
    with session_scope() as session:
        found = authenticate(session, body["key"])
        assert found is not None and str(found.id) == body["id"] and found.role == "admin"


def test_create_stores_only_the_digest() -> None:
    _, _, body = create({"name": "digest only"})
    with session_scope() as session:
        row = session.get(ApiKey, uuid.UUID(body["id"]))
        assert row is not None
        stored = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
    assert row.key_hash == hash_key(body["key"])
    assert not any(body["key"] in value for value in stored)


def test_create_defaults_to_sourcer() -> None:
    status, _, body = create({"name": "scanner"})
    assert status == 201 and body["role"] == "sourcer"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body.name"),
        ({"name": ""}, "body.name"),
        ({"name": "    "}, "body.name"),
        ({"name": "x" * 101}, "body.name"),
        ({"name": "two\nlines"}, "body.name"),
        ({"name": 12}, "body.name"),
        ({"name": "ok", "role": "root"}, "body.role"),
        ({"name": "ok", "role": "Admin"}, "body.role"),
        ({"name": "ok", "rol": "admin"}, "body.rol"),
        (["name"], "body"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(payload: object, field: str) -> None:
    status, _, body = create(payload)
    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    assert field in [detail["field"] for detail in body["error"]["details"]]
    assert body["request_id"]


def test_create_refuses_malformed_json() -> None:
    event = http_api_event("POST", BASE, headers={"content-type": "application/json"}, body="{not json",
                           authorizer=ADMIN)
    response = load_function("api_keys").handler(event, LocalLambdaContext(function_name="api_keys"))
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("method", "identity", "status"),
    [
        ("POST", SOURCER, 403), ("GET", SOURCER, 403), ("DELETE", SOURCER, 403),
        ("POST", None, 401), ("GET", None, 401), ("DELETE", None, 401),
    ],
)
def test_key_routes_need_an_admin_identity(make_key: MakeKey, method: str, identity: dict[str, str] | None,
                                           status: int) -> None:
    row, _ = make_key(role="sourcer")
    if method == "POST":
        got, _, body = create({"name": "nope"}, identity=identity)
    elif method == "GET":
        got, _, body = list_keys(identity=identity)
    else:
        got, _, body = revoke(str(row.id), identity=identity)
    assert got == status, body
    assert body["error"]["code"] == ("forbidden" if status == 403 else "unauthorized")
    with session_scope() as session:
        keys = session.scalars(select(ApiKey)).all()
    assert [(k.id, k.revoked_at) for k in keys] == [(row.id, None)]  # nothing created, nothing revoked


def test_list_shows_records_newest_first_without_secrets(make_key: MakeKey) -> None:
    made = [make_key(name=f"key {i}")[0] for i in range(3)]
    status, _, body = list_keys()
    assert status == 200, body
    assert body["next_cursor"] is None
    assert [item["id"] for item in body["items"]] == [str(row.id) for row in reversed(made)]
    for item in body["items"]:
        assert set(item) == {"id", "name", "role", "prefix", "created_at", "last_used_at", "revoked_at"}
        assert item["prefix"].startswith("avk_") and item["revoked_at"] is None


def test_list_pages_through_every_key_once(make_key: MakeKey) -> None:
    made = {str(make_key(name=f"key {i}")[0].id) for i in range(7)}
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        status, _, body = list_keys(query)
        assert status == 200, body
        assert len(body["items"]) <= 3
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 and set(seen) == made


def test_list_hides_revoked_keys_unless_asked(make_key: MakeKey) -> None:
    make_key(name="admin", role="admin")
    kept, _ = make_key(name="kept")
    gone, _ = make_key(name="gone")
    assert revoke(str(gone.id))[0] == 200
    _, _, active = list_keys()
    _, _, every = list_keys("include_revoked=true")
    assert str(gone.id) not in [item["id"] for item in active["items"]]
    assert str(kept.id) in [item["id"] for item in active["items"]]
    revoked = [item for item in every["items"] if item["id"] == str(gone.id)]
    assert len(revoked) == 1 and revoked[0]["revoked_at"] is not None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=not-a-cursor", "query.cursor"),
        ("cursor=eyJhIjoxfQ", "query.cursor"),                                      # {"a":1}
        ("cursor=eyJjcmVhdGVkX2F0IjoieCIsImlkIjoieSJ9", "query.cursor"),             # {"created_at":"x","id":"y"}
        ("cursor=" + encode_cursor({"created_at": "2026-01-01T00:00:00", "id": str(uuid.UUID(int=0))}),
         "query.cursor"),                                                            # a naive timestamp
        ("limit=0", "query.limit"),
        ("limit=501", "query.limit"),
        ("include_revoked=maybe", "query.include_revoked"),
    ],
)
def test_list_refuses_bad_query_naming_the_field(query: str, field: str) -> None:
    status, _, body = list_keys(query)
    assert status == 422, body
    assert field in [detail["field"] for detail in body["error"]["details"]]


def test_revoke_returns_the_revoked_record_and_is_idempotent(make_key: MakeKey) -> None:
    row, key = make_key(name="leaked")
    status, _, first = revoke(str(row.id))
    assert status == 200, first
    assert first["id"] == str(row.id) and first["name"] == "leaked" and first["revoked_at"] is not None
    assert "key" not in first
    status, _, second = revoke(str(row.id))
    assert status == 200 and second == first
    with session_scope() as session:
        assert authenticate(session, key) is None


def test_revoke_unknown_id_is_404() -> None:
    status, _, body = revoke(str(uuid.uuid4()))
    assert status == 404 and body["error"]["code"] == "not_found"


@pytest.mark.parametrize("key_id", ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g"])
def test_revoke_malformed_id_is_422_naming_key_id(key_id: str) -> None:
    status, _, body = revoke(key_id)
    assert status == 422, body
    assert [detail["field"] for detail in body["error"]["details"]] == ["path.key_id"]


def test_revoking_the_last_active_admin_key_is_409(make_key: MakeKey) -> None:
    only_admin, admin_key = make_key(name="only admin", role="admin")
    make_key(name="a sourcer", role="sourcer")
    status, _, body = revoke(str(only_admin.id))
    assert status == 409, body
    assert body["error"]["code"] == "conflict" and "last active admin key" in body["error"]["message"]
    with session_scope() as session:
        assert authenticate(session, admin_key) is not None
    second_admin, _ = make_key(name="second admin", role="admin")
    assert revoke(str(only_admin.id))[0] == 200
    status, _, body = revoke(str(second_admin.id))
    assert status == 409, body


def test_revoked_admin_keys_do_not_count_as_the_other_admin(make_key: MakeKey) -> None:
    first, _ = make_key(name="first admin", role="admin")
    second, _ = make_key(name="second admin", role="admin")
    assert revoke(str(first.id))[0] == 200
    assert revoke(str(second.id))[0] == 409
    assert revoke(str(first.id))[0] == 200  # revoking an already revoked admin key stays idempotent


def me(identity: dict[str, str] | None) -> tuple[int, dict[str, str], object]:
    return call("api_keys", "GET", f"{BASE}/me", identity=identity)


@pytest.mark.parametrize("role", ["sourcer", "admin"])
def test_me_describes_the_calling_key_for_any_role(make_key: MakeKey, role: str) -> None:
    # GIVEN a key that has been used once (the authorizer records the use)
    row, key = make_key(name=f"{role} laptop", role=role)
    with session_scope() as session:
        used = authenticate(session, key)
        assert used is not None
        last_used = used.last_used_at
    # WHEN that key asks who it is
    status, _, body = me({"key_id": str(row.id), "key_name": row.name, "role": role})
    # THEN it gets its own record, without the key or its digest
    assert status == 200, body
    assert body == {"id": str(row.id), "name": f"{role} laptop", "role": role, "prefix": row.prefix,
                    "created_at": body["created_at"], "last_used_at": body["last_used_at"]}
    assert datetime.fromisoformat(body["created_at"]) == row.created_at
    assert last_used is not None and datetime.fromisoformat(body["last_used_at"]) == last_used


def test_me_of_a_key_never_used_has_no_last_use(make_key: MakeKey) -> None:
    row, _ = make_key(name="fresh")
    status, _, body = me({"key_id": str(row.id), "key_name": row.name, "role": "sourcer"})
    assert status == 200, body
    assert body["last_used_at"] is None and body["name"] == "fresh"


def test_me_without_an_identity_is_401() -> None:
    status, _, body = me(None)
    assert status == 401 and body["error"]["code"] == "unauthorized"


def test_me_of_a_key_no_database_holds_is_404() -> None:
    status, _, body = me(SOURCER)
    assert status == 404, body
    assert SOURCER["key_id"] in body["error"]["message"]
