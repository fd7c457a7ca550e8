"""The Lambda-aware data layer against a real PostgreSQL: URL sources, TCP_NODELAY, pools, session scope."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator

import boto3
import pg8000.dbapi
import psutil
import pytest
from moto import mock_aws
from sqlalchemy import text
from sqlalchemy.pool import NullPool, QueuePool

from arbvault import db
from arbvault.exceptions import ConfigurationError
from arbvault.settings import get_settings, reset_settings
from tcp_proxy import tcp_proxy


@pytest.fixture
def clean_env(database_url: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "DB_SECRET_ARN", "DB_POOL")}
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    reset_settings()
    db.reset_engine()


def test_engine_is_created_lazily_once(clean_env: None) -> None:
    db.reset_engine()
    assert db._engine is None
    first = db.get_engine()
    assert db.get_engine() is first
    assert isinstance(first.pool, QueuePool) and first.pool.size() == 1
    assert first.pool._pre_ping  # type: ignore[attr-defined]


def test_null_pool_when_db_pool_is_null(clean_env: None) -> None:
    os.environ["DB_POOL"] = "null"
    reset_settings()
    db.reset_engine()
    engine = db.get_engine()
    assert isinstance(engine.pool, NullPool)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_invalid_db_pool_is_a_clear_error(clean_env: None) -> None:
    os.environ["DB_POOL"] = "huge"
    reset_settings()
    with pytest.raises(ValueError, match="DB_POOL"):
        get_settings()


def _sockets_to(port: int) -> list[socket.socket]:
    """This process's TCP sockets connected to 127.0.0.1:``port`` (duplicates of their descriptors)."""
    return [socket.socket(fileno=os.dup(conn.fd)) for conn in psutil.Process().net_connections(kind="tcp")
            if conn.raddr and conn.raddr.port == port and conn.fd != -1]


def test_tcp_connections_set_tcp_nodelay(database_url: str) -> None:
    with tcp_proxy(database_url) as proxy:
        engine = db.build_engine(proxy.url_for(database_url))
        with engine.connect() as connection:
            assert type(connection.connection.dbapi_connection) is pg8000.dbapi.Connection  # stock, no subclass
            assert connection.execute(text("SELECT 1")).scalar() == 1
            (sock,) = _sockets_to(proxy.port)
            with sock:
                assert sock.family == socket.AF_INET
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        engine.dispose()


def test_a_statement_slower_than_the_read_timeout_fails_and_an_admin_timeout_lets_it_finish(database_url: str) -> None:
    quick = db.build_engine(database_url, pool="null", read_timeout=0.5)
    patient = db.build_engine(database_url, pool="null", read_timeout=db.ADMIN_READ_TIMEOUT_SECONDS)
    try:
        with pytest.raises(Exception, match=r"timed out|communication error"), quick.connect() as connection:
            connection.execute(text("SELECT pg_sleep(1.5)"))
        with patient.connect() as connection:
            assert connection.execute(text("SELECT pg_sleep(1.5), 1")).one()[1] == 1
    finally:
        quick.dispose()
        patient.dispose()


def test_pre_ping_replaces_a_connection_that_died_while_frozen(database_url: str) -> None:
    with tcp_proxy(database_url) as proxy:
        engine = db.build_engine(proxy.url_for(database_url))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        proxy.cut()  # the pooled socket dies, as after a long freeze
        proxy.restore()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 2")).scalar() == 2
        engine.dispose()


def test_database_url_from_secrets_manager(clean_env: None, database_url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(database_url)
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        secret = {"host": "db.internal", "port": 6543, "username": "app", "password": "p@ss/word",
                  "dbname": "arbvault"}
        arn = client.create_secret(Name="arbvault/db", SecretString=json.dumps(secret))["ARN"]
        os.environ.pop("DATABASE_URL", None)
        os.environ["DB_SECRET_ARN"] = arn
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        reset_settings()
        url = make_url(db.database_url())
    assert (url.drivername, url.host, url.port, url.username, url.password, url.database) == (
        "postgresql+pg8000", "db.internal", 6543, "app", "p@ss/word", "arbvault")
    assert parsed.drivername == "postgresql+pg8000"


def test_missing_database_configuration_is_a_clear_error(clean_env: None) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("DB_SECRET_ARN", None)
    reset_settings()
    with pytest.raises(ConfigurationError, match="DATABASE_URL or DB_SECRET_ARN"):
        db.database_url()


def test_session_scope_commits_or_rolls_back(database_url: str) -> None:
    with db.session_scope() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS scope_probe (n int)"))
    with pytest.raises(RuntimeError), db.session_scope() as session:
        session.execute(text("INSERT INTO scope_probe VALUES (1)"))
        raise RuntimeError("abort the unit of work")
    with db.session_scope() as session:
        session.execute(text("INSERT INTO scope_probe VALUES (2)"))
    with db.session_scope() as session:
        assert session.execute(text("SELECT array_agg(n) FROM scope_probe")).scalar() == [2]
        session.execute(text("DROP TABLE scope_probe"))


@pytest.mark.parametrize("url", ["postgres://u:p@h/d", "postgresql://u:p@h/d", "postgresql+psycopg://u:p@h/d"])
def test_postgres_urls_normalise_to_pg8000(url: str) -> None:
    assert db.normalise_url(url) == "postgresql+pg8000://u:p@h/d"


def test_non_postgres_url_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        db.normalise_url("sqlite:///x.db")
