"""Config statistics computed from the rows themselves, plus this environment's effective-config cache."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final, TypedDict

from sqlalchemy import bindparam, func, select, text

from arbvault.config.cache import CacheStats
from arbvault.config.effective import cache_stats
from arbvault.models import BusinessConfig, ConfigChange

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

RECENT_WINDOW: Final = timedelta(hours=24)
# Alembic's bookkeeping, not data; readiness reports the schema revision.
EXCLUDED_TABLES: Final = frozenset({"alembic_version"})


class ConfigStats(TypedDict):
    """Scope counts, changes in the last 24 h, row counts of every table, and the cache."""

    total_configs: int
    active_configs: int
    recent_changes: int
    tables: dict[str, int]
    cache: CacheStats


def table_row_counts(session: Session) -> dict[str, int]:
    """Exact row counts of every base table in the current schema, by name (catalog query plus one count query)."""
    names = [
        name for name in session.scalars(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        ))
        if name not in EXCLUDED_TABLES
    ]
    if not names:
        return {}
    quote = session.get_bind().dialect.identifier_preparer.quote
    # Table names come from the catalog and are quoted as identifiers; the labels travel as bound values.
    union = " UNION ALL ".join(
        f"SELECT :t{i} AS name, count(*) AS n FROM {quote(name)}" for i, name in enumerate(names)
    )
    statement = text(union).bindparams(*(bindparam(f"t{i}", name) for i, name in enumerate(names)))
    return {name: count for name, count in session.execute(statement)}


def config_stats(session: Session) -> ConfigStats:
    """Counts of scopes (all, active), config_changes rows of the last 24 hours, table rows and cache entries."""
    total, active = session.execute(
        select(func.count(), func.count().filter(BusinessConfig.is_active)).select_from(BusinessConfig)
    ).one()
    recent = session.scalar(
        select(func.count()).select_from(ConfigChange).where(ConfigChange.created_at >= func.now() - RECENT_WINDOW)
    )
    return ConfigStats(
        total_configs=total, active_configs=active, recent_changes=recent or 0,
        tables=table_row_counts(session), cache=cache_stats(),
    )
