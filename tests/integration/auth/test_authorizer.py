"""The Lambda authorizer through its handler with real authorizer events, against the real database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from arbvault.auth.keys import generate_key, hash_key
from arbvault.db import get_engine, reset_engine, session_scope
from arbvault.exceptions import DependencyUnavailableError
from arbvault.models.api_key import ApiKey
from arbvault.settings import reset_settings
from infra.lambda_context import LocalLambdaContext
from infra.paths import PROJECT_ROOT
from support import MakeKey, load_function

Authorize = Callable[..., dict[str, Any]]
DENY = {"isAuthorized": False}


def stored(key_id: Any) -> ApiKey:
    with session_scope() as session:
        row = session.get(ApiKey, key_id)
        assert row is not None
        return row


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_active_key_is_allowed_with_identity_context(make_key: MakeKey, authorize: Authorize, header: str) -> None:
    row, key = make_key(name="warehouse laptop", role="admin")
    value = f"Bearer {key}" if header == "authorization" else key
    assert authorize({header: value}) == {
        "isAuthorized": True,
        "context": {"key_id": str(row.id), "key_name": "warehouse laptop", "role": "admin"},
    }


def test_scheme_is_case_insensitive_and_spacing_tolerated(make_key: MakeKey, authorize: Authorize) -> None:
    _row, key = make_key(role="sourcer")
    result = authorize({"authorization": f"  bEaReR   {key} "})
    assert result["isAuthorized"] is True and result["context"]["role"] == "sourcer"


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        {"authorization": ""},
        {"authorization": "Bearer"},
        {"authorization": "Basic dXNlcjpwYXNz"},
        {"x-api-key": "avk_short"},
        {"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"},
    ],
)
def test_missing_or_malformed_credentials_are_denied(make_key: MakeKey, authorize: Authorize,
                                                     headers: dict[str, str] | None) -> None:
    make_key(role="admin")
    assert authorize(headers) == DENY


def test_unknown_well_formed_key_is_denied(make_key: MakeKey, authorize: Authorize) -> None:
    make_key(role="admin")
    assert authorize({"authorization": f"Bearer {generate_key()}"}) == DENY


def test_revoked_key_is_denied(make_key: MakeKey, authorize: Authorize) -> None:
    row, key = make_key(role="sourcer")
    assert authorize({"x-api-key": key})["isAuthorized"] is True
    with session_scope() as session:
        session.execute(update(ApiKey).where(ApiKey.id == row.id).values(revoked_at=datetime.now(UTC)))
    assert authorize({"x-api-key": key}) == DENY


def test_two_different_keys_are_denied_even_if_both_are_valid(make_key: MakeKey, authorize: Authorize) -> None:
    _, first = make_key(name="first")
    _, second = make_key(name="second")
    assert authorize({"authorization": f"Bearer {first}", "x-api-key": second}) == DENY


@pytest.mark.parametrize("event_", [{}, {"headers": None}, {"headers": ["authorization"]},
                                    {"headers": {"authorization": 7}, "routeKey": None}])
def test_odd_events_are_denied_without_raising(event_: dict[str, Any]) -> None:
    assert load_function("authorizer").handler(event_, LocalLambdaContext(function_name="authorizer")) == DENY


def test_first_use_records_last_used_at(make_key: MakeKey, authorize: Authorize) -> None:
    row, key = make_key()
    assert stored(row.id).last_used_at is None
    before = datetime.now(UTC)
    assert authorize({"x-api-key": key})["isAuthorized"] is True
    used = stored(row.id).last_used_at
    assert used is not None and abs(used - before) < timedelta(seconds=5)


def test_recent_use_is_not_written_again_and_costs_one_query(
    make_key: MakeKey, authorize: Authorize, statements: list[str]
) -> None:
    row, key = make_key()
    authorize({"x-api-key": key})
    first_use = stored(row.id).last_used_at
    statements.clear()
    for _ in range(5):
        assert authorize({"x-api-key": key})["isAuthorized"] is True
    assert len(statements) == 5 and all(s.lstrip().upper().startswith("SELECT") for s in statements)
    assert stored(row.id).last_used_at == first_use


def test_use_after_a_minute_is_recorded_again(make_key: MakeKey, authorize: Authorize) -> None:
    row, key = make_key()
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    with session_scope() as session:
        session.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=long_ago))
    assert authorize({"x-api-key": key})["isAuthorized"] is True
    used = stored(row.id).last_used_at
    assert used is not None and used - long_ago > timedelta(minutes=4)


def test_warm_invocations_reuse_one_connection(make_key: MakeKey, authorize: Authorize) -> None:
    _, key = make_key()
    authorize({"x-api-key": key})
    engine = get_engine()
    connects: list[object] = []
    listener = lambda dbapi_connection, record: connects.append(dbapi_connection)  # noqa: E731
    event.listen(engine, "connect", listener)
    try:
        for _ in range(10):
            assert authorize({"x-api-key": key})["isAuthorized"] is True
    finally:
        event.remove(engine, "connect", listener)
    assert connects == [] and get_engine() is engine


def test_logs_name_the_key_id_but_never_the_key_or_its_digest(
    make_key: MakeKey, authorize: Authorize, read_logs: Callable[[], list[dict[str, Any]]]
) -> None:
    row, key = make_key(role="admin")
    revoked, revoked_key = make_key(role="sourcer")
    with session_scope() as session:
        session.execute(update(ApiKey).where(ApiKey.id == revoked.id).values(revoked_at=datetime.now(UTC)))
    unknown = generate_key()
    authorize({"authorization": f"Bearer {key}"})
    authorize({"x-api-key": revoked_key})
    authorize({"x-api-key": unknown})
    authorize({"x-api-key": "avk_garbage"})
    records = read_logs()
    text = json.dumps(records)
    for secret in (key, revoked_key, unknown, "avk_garbage"):
        assert secret not in text and hash_key(secret) not in text
    allowed = [r for r in records if r["message"] == "allowed"]
    assert [(r["key_id"], r["role"]) for r in allowed] == [(str(row.id), "admin")]
    assert allowed[0]["correlation_id"]  # the API Gateway request id
    assert [r["reason"] for r in records if r["message"] == "denied"] == [
        "unknown_or_revoked", "unknown_or_revoked", "malformed"]
    assert any(r["message"] == "revoked API key presented" and r["key_id"] == str(revoked.id) for r in records)


@pytest.fixture
def database_down(database_url: str) -> Iterator[None]:
    """DATABASE_URL points at a port nobody listens on, for the duration of the test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    os.environ["DATABASE_URL"] = f"postgresql+pg8000://arbvault:secret@127.0.0.1:{port}/arbvault"
    reset_settings()
    reset_engine()
    try:
        yield
    finally:
        os.environ["DATABASE_URL"] = database_url
        reset_settings()
        reset_engine()


def test_database_outage_fails_the_invocation_and_logs_an_error(
    authorize: Authorize, database_down: None, read_logs: Callable[[], list[dict[str, Any]]]
) -> None:
    key = generate_key()
    with pytest.raises(DependencyUnavailableError) as caught:
        authorize({"x-api-key": key})
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    errors = [r for r in read_logs() if r["level"] == "ERROR"]
    assert [r["message"] for r in errors] == ["API key not verified: database unavailable"]
    assert errors[0]["error_type"] and key not in json.dumps(errors)


def test_bad_credentials_are_denied_even_during_an_outage(authorize: Authorize, database_down: None) -> None:
    assert authorize({"authorization": "Basic abc"}) == DENY


def test_authorizer_loads_without_the_web_stack() -> None:
    probe = (
        "import json, sys, importlib.util\n"
        "spec = importlib.util.spec_from_file_location('fn_authorizer', 'functions/authorizer/app.py')\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "from infra.lambda_context import LocalLambdaContext\n"
        "r = m.handler({'version': '2.0', 'type': 'REQUEST', 'headers': {}}, LocalLambdaContext('authorizer'))\n"
        "web = {'fastapi', 'starlette', 'mangum', 'pydantic', 'alembic', 'boto3', 'httpx'}\n"
        "print(json.dumps({'result': r, 'loaded': sorted({n.split('.')[0] for n in sys.modules} & web)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"result": DENY, "loaded": []}
