"""Routes read the caller from the authorizer context; missing identity is 401, wrong role 403."""

from __future__ import annotations

import json

import pytest
from fastapi import APIRouter

from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import AdminIdentity, CurrentIdentity, Identity, RoleCheckedRoute
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext

router = APIRouter(prefix="/who", route_class=RoleCheckedRoute)


@router.get("/me")
def me(identity: CurrentIdentity) -> dict[str, str]:
    return {"key_id": identity.key_id, "role": identity.role}


@router.get("/admin")
def admin_only(identity: AdminIdentity) -> dict[str, str]:
    return {"key_id": identity.key_id}


@router.post("/admin")
def admin_post(identity: AdminIdentity, body: dict[str, int]) -> dict[str, int]:
    return body


handler = create_handler(create_app(router, title="identity under test"))


@pytest.mark.parametrize(
    ("path", "authorizer", "status"),
    [
        ("/who/me", {"key_id": "k1", "key_name": "a", "role": "sourcer"}, 200),
        ("/who/me", None, 401),
        ("/who/me", {"key_id": "k1", "role": "superuser"}, 401),
        ("/who/admin", {"key_id": "k1", "role": "sourcer"}, 403),
        ("/who/admin", {"key_id": "k2", "role": "admin"}, 200),
    ],
)
def test_identity_from_authorizer_context(path: str, authorizer: dict[str, str] | None, status: int) -> None:
    response = handler(http_api_event("GET", path, authorizer=authorizer), LocalLambdaContext("who"))
    assert response["statusCode"] == status
    body = json.loads(response["body"])
    if status == 200:
        assert body["key_id"] == authorizer["key_id"]  # type: ignore[index]
    else:
        assert body["error"]["code"] in {"unauthorized", "forbidden"}


@pytest.mark.parametrize(
    ("authorizer", "status", "code"),
    [
        ({"key_id": "k1", "role": "sourcer"}, 403, "forbidden"),
        (None, 401, "unauthorized"),
        ({"key_id": "k2", "role": "admin"}, 400, "malformed_json"),
    ],
)
def test_role_is_checked_before_the_body_is_decoded(authorizer: dict[str, str] | None, status: int,
                                                    code: str) -> None:
    event = http_api_event("POST", "/who/admin", headers={"content-type": "application/json"}, body="{not json",
                           authorizer=authorizer)
    response = handler(event, LocalLambdaContext("who"))
    assert (response["statusCode"], json.loads(response["body"])["error"]["code"]) == (status, code)


def test_an_admin_route_on_an_unchecked_router_is_refused() -> None:
    unchecked = APIRouter(prefix="/plain")

    @unchecked.put("/settings")
    def put_settings(identity: AdminIdentity, body: dict[str, int]) -> dict[str, int]:
        return body

    with pytest.raises(TypeError, match=r"\['PUT'\] /plain/settings needs the admin role"):
        create_app(unchecked, title="unchecked")


def test_owner_scope_is_the_key_for_a_sourcer_and_everyone_for_an_admin() -> None:
    assert Identity(key_id="k-1", key_name="s", role="sourcer").owner_scope == "k-1"
    assert Identity(key_id="k-2", key_name="a", role="admin").owner_scope is None
