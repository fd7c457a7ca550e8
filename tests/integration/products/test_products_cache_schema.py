"""The product caches' models and migration 0003 describe the same tables (no drift either way)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from arbvault.db import get_engine
from arbvault.models.tables import metadata

CACHE_TABLES = {"discovery_results", "stock_estimates"}


def _ours(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return table is None or table.name in CACHE_TABLES


def test_product_cache_models_match_the_migrated_tables(database_url: str) -> None:
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _ours})
        differences = compare_metadata(context, metadata)

    assert differences == []
    assert set(metadata.tables) >= CACHE_TABLES
