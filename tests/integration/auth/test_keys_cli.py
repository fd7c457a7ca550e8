"""`arbvault keys create|list|revoke` as a separate process against the run's database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from arbvault.auth.store import authenticate
from arbvault.db import build_engine, session_scope
from arbvault.models.api_key import ApiKey
from infra.embedded_pg import scratch_database, with_database
from infra.paths import PROJECT_ROOT

MakeKey = Callable[..., tuple[ApiKey, str]]


def arbvault(*args: str, database: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database}
    return subprocess.run([sys.executable, "-m", "infra.cli", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def printed(field: str, stdout: str) -> str:
    match = re.search(rf"^{field}: (.+)$", stdout, re.MULTILINE)
    assert match, stdout
    return match.group(1)


def test_keys_create_prints_a_key_that_authenticates(database_url: str) -> None:
    done = arbvault("keys", "create", "--name", "first admin", "--role", "admin", database=database_url)
    assert done.returncode == 0, done.stderr
    key = printed("key", done.stdout)
    assert "only time" in done.stderr
    with session_scope() as session:
        row = authenticate(session, key)
        assert row is not None
        assert (str(row.id), row.role, row.name) == (printed("id", done.stdout), "admin", "first admin")
        assert row.prefix == printed("prefix", done.stdout) == key[:12]


def test_keys_create_defaults_to_sourcer_and_refuses_a_blank_name(database_url: str) -> None:
    done = arbvault("keys", "create", "--name", "scanner", database=database_url)
    assert done.returncode == 0 and printed("role", done.stdout) == "sourcer"
    blank = arbvault("keys", "create", "--name", "   ", database=database_url)
    assert blank.returncode == 1 and "name must not be empty" in blank.stderr


def test_keys_list_shows_records_but_never_keys(make_key: MakeKey, database_url: str) -> None:
    row, key = make_key(name="listed key", role="admin")
    done = arbvault("keys", "list", database=database_url)
    assert done.returncode == 0, done.stderr
    assert str(row.id) in done.stdout and row.prefix in done.stdout and "listed key" in done.stdout
    assert key not in done.stdout


def test_keys_revoke_revokes_and_guards_the_last_admin(make_key: MakeKey, database_url: str) -> None:
    admin, _ = make_key(name="admin", role="admin")
    sourcer, sourcer_key = make_key(name="sourcer")
    done = arbvault("keys", "revoke", str(sourcer.id), database=database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"revoked {sourcer.id}")
    with session_scope() as session:
        assert authenticate(session, sourcer_key) is None
    refused = arbvault("keys", "revoke", str(admin.id), database=database_url)
    assert refused.returncode == 1 and "last active admin key" in refused.stderr
    unknown = arbvault("keys", "revoke", str(uuid.uuid4()), database=database_url)
    assert unknown.returncode == 1 and "no API key with id" in unknown.stderr
    malformed = arbvault("keys", "revoke", "not-a-uuid", database=database_url)
    assert malformed.returncode == 2 and "invalid UUID value" in malformed.stderr


def test_keys_create_migrates_an_empty_database_first(database_url: str) -> None:
    with scratch_database(with_database(database_url, "postgres"), prefix="arbvault_keys_cli") as empty:
        done = arbvault("keys", "create", "--name", "bootstrap", "--role", "admin", database=empty)
        assert done.returncode == 0, done.stderr
        assert "migrations applied" in done.stderr
        engine = build_engine(empty, pool="null")
        try:
            with Session(engine) as session:
                row = authenticate(session, printed("key", done.stdout))
                assert row is not None and row.role == "admin"
                session.commit()
        finally:
            engine.dispose()
