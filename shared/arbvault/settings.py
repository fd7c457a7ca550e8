"""Every environment variable the runtime reads, in one place.

Settings are built on first use by :func:`get_settings` (not at import), so tests and the local stack can
set the environment first; :func:`reset_settings` forgets the cached instance.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from arbvault import __version__

PoolMode = Literal["single", "null"]

DEFAULT_KEEPA_BASE_URL = "https://api.keepa.com"


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime configuration of one execution environment."""

    database_url: str | None
    db_secret_arn: str | None
    db_pool: PoolMode
    db_sslmode: str | None
    db_ssl_root_cert: str | None
    keepa_api_key: str | None
    keepa_secret_arn: str | None
    keepa_base_url: str
    jobs_queue_url: str | None
    stage: str
    log_level: str
    service_name: str
    version: str
    config_cache_seconds: int
    secret_cache_seconds: int
    keepa_snapshot_ttl_seconds: int = 3600
    keepa_not_found_ttl_seconds: int = 600
    ingest_async_threshold: int = 100
    jobs_redrive_pending_after_seconds: int = 600
    history_daily_token_budget: int = 1000
    history_snapshot_max_age_seconds: int = 43_200
    autosourcing_job_tokens_max: int = 400
    autosourcing_balance_min: int = 50


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _int_env(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _pool_mode() -> PoolMode:
    raw = (_env("DB_POOL") or "single").lower()
    if raw not in ("single", "null"):
        raise ValueError(f"DB_POOL must be 'single' or 'null', got {raw!r}")
    return "null" if raw == "null" else "single"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per execution environment."""
    return Settings(
        database_url=_env("DATABASE_URL"),
        db_secret_arn=_env("DB_SECRET_ARN"),
        db_pool=_pool_mode(),
        db_sslmode=_env("DB_SSLMODE"),
        db_ssl_root_cert=_env("DB_SSL_ROOT_CERT"),
        keepa_api_key=_env("KEEPA_API_KEY"),
        keepa_secret_arn=_env("KEEPA_SECRET_ARN"),
        keepa_base_url=(_env("KEEPA_BASE_URL") or DEFAULT_KEEPA_BASE_URL).rstrip("/"),
        jobs_queue_url=_env("JOBS_QUEUE_URL"),
        stage=_env("STAGE") or "local",
        log_level=(_env("LOG_LEVEL") or "INFO").upper(),
        service_name=_env("POWERTOOLS_SERVICE_NAME") or "arbvault",
        version=__version__,
        config_cache_seconds=_int_env("CONFIG_CACHE_SECONDS", 900),
        secret_cache_seconds=_int_env("SECRET_CACHE_SECONDS", 300),
        keepa_snapshot_ttl_seconds=_int_env("KEEPA_SNAPSHOT_TTL_SECONDS", 3600),
        keepa_not_found_ttl_seconds=_int_env("KEEPA_NOT_FOUND_TTL_SECONDS", 600),
        ingest_async_threshold=_int_env("INGEST_ASYNC_THRESHOLD", 100),
        jobs_redrive_pending_after_seconds=_int_env("JOBS_REDRIVE_PENDING_AFTER_SECONDS", 600),
        history_daily_token_budget=_int_env("HISTORY_DAILY_TOKEN_BUDGET", 1000),
        history_snapshot_max_age_seconds=_int_env("HISTORY_SNAPSHOT_MAX_AGE_SECONDS", 43_200),
        autosourcing_job_tokens_max=_int_env("AUTOSOURCING_JOB_TOKENS_MAX", 400),
        autosourcing_balance_min=_int_env("AUTOSOURCING_BALANCE_MIN", 50),
    )


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
