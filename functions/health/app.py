"""Health: liveness without touching the database (imports no SQLAlchemy or boto3), and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from arbvault.settings import get_settings
from arbvault.web.app import create_app, create_handler

router = APIRouter(prefix="/api/v1/health", tags=["health"])


class ReadinessOut(BaseModel):
    """Each check's outcome; ``failing`` names the checks that failed (503)."""

    status: str
    checks: dict[str, dict[str, Any]]
    failing: list[str]


def _liveness() -> dict[str, Any]:
    settings = get_settings()
    return {"status": "alive", "service": settings.service_name, "version": settings.version,
            "stage": settings.stage}


@router.get("", summary="Liveness")
def health() -> dict[str, Any]:
    """The function answers; no dependency is touched."""
    return _liveness()


@router.get("/live", summary="Liveness")
def live() -> dict[str, Any]:
    """The function answers; no dependency is touched."""
    return _liveness()


@router.get("/ready", summary="Readiness", response_model=ReadinessOut,
            responses={503: {"model": ReadinessOut, "description": "a check failed"}})
def ready() -> JSONResponse:
    """The database answers and its schema is at the newest migration; 503 naming the failing check otherwise."""
    from arbvault.readiness import run_checks  # deferred: liveness must stay free of database imports

    checks = run_checks()
    failing = [name for name, check in checks.items() if check["status"] == "failed"]
    ok = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ready" if ok else "not_ready", "checks": checks, "failing": failing}
    return JSONResponse(body, status_code=200 if ok else 503)


app = create_app(router, title="ArbitrageVault health")
handler = create_handler(app)
