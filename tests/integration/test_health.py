"""Health function: liveness without database code, readiness against the real database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.migrations import head_revision
from infra.paths import PROJECT_ROOT
from support import call


def test_liveness_imports_neither_sqlalchemy_nor_boto3() -> None:
    # Powertools' user-agent hook imports botocore's package root (cheap, and part of the Lambda runtime);
    # boto3, SQLAlchemy, pg8000 and Alembic must stay out of the liveness path.
    probe = (
        "import json, sys, importlib.util\n"
        "spec = importlib.util.spec_from_file_location('fn_health', 'functions/health/app.py')\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "from infra.http_events import http_api_event\n"
        "from infra.lambda_context import LocalLambdaContext\n"
        "r = m.handler(http_api_event('GET', '/api/v1/health/live'), LocalLambdaContext('health'))\n"
        "loaded = sorted({n.split('.')[0] for n in sys.modules} & {'sqlalchemy', 'boto3', 'pg8000', 'alembic'})\n"
        "print(json.dumps({'status': r['statusCode'], 'loaded': loaded}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    result = __import__("json").loads(out.stdout.strip().splitlines()[-1])
    assert result == {"status": 200, "loaded": []}


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/health/live"])
def test_liveness_reports_alive(path: str) -> None:
    status, _, body = call("health", "GET", path, identity=None)
    assert status == 200
    assert body["status"] == "alive" and body["version"]


def test_readiness_ok_when_database_at_head(database_url: str) -> None:
    status, _, body = call("health", "GET", "/api/v1/health/ready", identity=None)
    assert status == 200, body
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["migrations"] == {"status": "ok", "revision": head_revision()}


def test_readiness_503_names_migrations_when_schema_behind(database_url: str) -> None:
    with get_engine().begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'behind'"))
    try:
        status, _, body = call("health", "GET", "/api/v1/health/ready", identity=None)
    finally:
        with get_engine().begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()})
    assert status == 503
    assert body["failing"] == ["migrations"]
    assert body["checks"]["database"]["status"] == "ok"


def test_readiness_503_names_database_when_unreachable(database_url: str) -> None:
    import os

    from arbvault.db import reset_engine
    from arbvault.settings import reset_settings
    from tcp_proxy import tcp_proxy

    with tcp_proxy(database_url) as proxy:
        os.environ["DATABASE_URL"] = proxy.url_for(database_url)
        reset_settings()
        reset_engine()
        try:
            proxy.cut()
            status, _, body = call("health", "GET", "/api/v1/health/ready", identity=None)
        finally:
            os.environ["DATABASE_URL"] = database_url
            reset_settings()
            reset_engine()
    assert status == 503
    assert body["status"] == "not_ready"
    assert body["failing"] == ["database"]
    assert body["checks"]["migrations"]["status"] == "skipped"
