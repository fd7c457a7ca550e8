"""Lambda-aware database access: one lazily created engine per execution environment.

The engine is never built at import or inside an ASGI lifespan (Mangum runs lifespan per event). A pool of
one connection with ``pool_pre_ping`` survives environments frozen between invocations; ``DB_POOL=null``
switches to ``NullPool`` for RDS Proxy, which does the pooling itself. TLS follows ``arbvault.db_tls``.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pg8000.dbapi
from pg8000.exceptions import InterfaceError
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, CursorResult, Engine, Result, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from arbvault.db_tls import tls_policy
from arbvault.exceptions import ConfigurationError
from arbvault.settings import get_settings

CONNECT_TIMEOUT_SECONDS = 10
# A request's statements answer well within this; a server that goes silent fails the call instead of hanging it.
READ_TIMEOUT_SECONDS = 10
# Schema changes and database administration (migrations, CREATE/DROP DATABASE) may take minutes on a busy server.
ADMIN_READ_TIMEOUT_SECONDS = 300

_lock = threading.Lock()
_engine: Engine | None = None
_sessionmaker: sessionmaker[Session] | None = None


def normalise_url(url: str) -> str:
    """Return ``url`` with the pg8000 driver, whatever PostgreSQL scheme it was given with."""
    for prefix in ("postgresql+pg8000://", "postgresql+psycopg://", "postgresql+psycopg2://",
                   "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+pg8000://" + url[len(prefix):]
    raise ConfigurationError("DATABASE_URL must be a PostgreSQL URL (postgresql://...)")


def url_from_secret(secret: dict[str, Any]) -> str:
    """Build a database URL from a Secrets Manager secret (RDS layout: host, port, username, password, dbname)."""
    try:
        user = quote(str(secret["username"]), safe="")
        password = quote(str(secret["password"]), safe="")
        host = secret["host"]
    except KeyError as exc:
        raise ConfigurationError(f"database secret lacks the field {exc.args[0]!r}") from exc
    port = int(secret.get("port") or 5432)
    dbname = secret.get("dbname") or "postgres"
    return f"postgresql+pg8000://{user}:{password}@{host}:{port}/{dbname}"


def database_url() -> str:
    """The database URL: ``DATABASE_URL``, else the secret named by ``DB_SECRET_ARN`` (cached by Powertools)."""
    settings = get_settings()
    if settings.database_url:
        return normalise_url(settings.database_url)
    if settings.db_secret_arn:
        from aws_lambda_powertools.utilities import parameters

        raw = parameters.get_secret(settings.db_secret_arn, max_age=settings.secret_cache_seconds)
        secret = raw if isinstance(raw, dict) else json.loads(raw)
        return url_from_secret(secret)
    raise ConfigurationError("no database configured: set DATABASE_URL or DB_SECRET_ARN")


def _connect_kwargs(url: URL, read_timeout: float) -> dict[str, Any]:
    """pg8000 keyword arguments for ``url``, with a socket of our own (TCP_NODELAY) for TCP hosts and TLS as
    ``arbvault.db_tls`` decides (never over a Unix socket, as with libpq); every read waits at most
    ``read_timeout`` seconds."""
    query = dict(url.query)
    kwargs: dict[str, Any] = {
        "user": url.username or "postgres",
        "password": url.password,
        "database": url.database or "postgres",
        "timeout": read_timeout,
    }
    query_host = query.get("host")  # libpq's host parameter: a socket directory when it starts with "/"
    socket_dir = query_host if isinstance(query_host, str) else None
    unix_sock = query.get("unix_sock") or (
        f"{socket_dir}/.s.PGSQL.{url.port or 5432}" if socket_dir and socket_dir.startswith("/") else None
    )
    if unix_sock:
        kwargs["unix_sock"] = unix_sock
        return kwargs
    host = url.host or "127.0.0.1"
    context = tls_policy(query, get_settings(), host).ssl_context()
    sock = socket.create_connection((host, url.port or 5432), CONNECT_TIMEOUT_SECONDS)
    sock.settimeout(read_timeout)
    # pg8000 leaves Nagle on; small request/response round trips then wait on delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    kwargs["sock"] = sock
    kwargs["ssl_context"] = context
    kwargs["host"] = host  # the name the certificate must carry under verify-full (pg8000 would say "localhost")
    return kwargs


def build_engine(url: str, *, pool: str = "single", read_timeout: float = READ_TIMEOUT_SECONDS) -> Engine:
    """Create an engine for ``url`` whose pg8000 connections come from :func:`_connect_kwargs`."""
    parsed = make_url(normalise_url(url))

    def creator() -> Any:
        kwargs = _connect_kwargs(parsed, read_timeout)
        try:
            return pg8000.dbapi.connect(**kwargs)
        except BaseException as exc:
            if "sock" in kwargs:  # ours: pg8000 leaves it open when the TLS negotiation fails
                kwargs["sock"].close()
            if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError):
                # A server gone during the TLS request: the driver's own error, as for any other connect failure.
                # Certificate failures stay ssl errors, which say what is wrong.
                raise InterfaceError("communication error") from exc
            raise

    if pool == "null":
        return create_engine(parsed, creator=creator, poolclass=NullPool)
    return create_engine(
        parsed, creator=creator, poolclass=QueuePool, pool_size=1, max_overflow=0,
        pool_pre_ping=True, pool_timeout=30,
    )


def get_engine() -> Engine:
    """The execution environment's engine, created on first use."""
    global _engine, _sessionmaker
    if _engine is None:
        with _lock:
            if _engine is None:
                engine = build_engine(database_url(), pool=get_settings().db_pool)
                _sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)
                _engine = engine
    return _engine


def reset_engine() -> None:
    """Dispose of the engine (tests, the local stack, or after a SnapStart restore)."""
    global _engine, _sessionmaker
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _sessionmaker = None


def affected_rows(result: Result[Any]) -> int:
    """The rows an INSERT, UPDATE or DELETE run in a session touched: sessions type every result as ``Result``;
    a DML statement's is a ``CursorResult``, which counts them."""
    assert isinstance(result, CursorResult)
    return result.rowcount


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    get_engine()
    assert _sessionmaker is not None
    session = _sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
