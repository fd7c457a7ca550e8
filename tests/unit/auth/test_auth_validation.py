"""A key's name (trimmed, 1-100 characters, no control characters) and role."""

from __future__ import annotations

import pytest

from arbvault.auth.exceptions import InvalidKeyFieldError
from arbvault.auth.keys import ROLES, check_role, normalise_name
from arbvault.exceptions import InvalidInputError
from arbvault.web.identity import ROLES as IDENTITY_ROLES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("laptop", "laptop"), ("  warehouse laptop \t", "warehouse laptop"), ("x" * 100, "x" * 100), ("é", "é")],
)
def test_normalise_name_trims(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "x" * 101, "line\nbreak", "nul\x00", "bell\x07"])
def test_normalise_name_refuses(raw: str) -> None:
    with pytest.raises(InvalidKeyFieldError) as caught:
        normalise_name(raw)
    assert caught.value.field == "name"
    assert caught.value.details == [{"field": "name", "message": caught.value.message}]
    # One error serves both worlds: the API's 422 mapping and pydantic's field validators.
    assert isinstance(caught.value, InvalidInputError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("role", ["admin", "sourcer"])
def test_check_role_accepts_known_roles(role: str) -> None:
    assert check_role(role) == role


@pytest.mark.parametrize("role", ["", "Admin", "root", "sourcer "])
def test_check_role_refuses_unknown_roles(role: str) -> None:
    with pytest.raises(InvalidKeyFieldError) as caught:
        check_role(role)
    assert caught.value.field == "role"


def test_roles_match_what_routes_accept() -> None:
    # web.identity keeps its own copy so health's liveness path needs no database imports; they must agree.
    assert ROLES == IDENTITY_ROLES
