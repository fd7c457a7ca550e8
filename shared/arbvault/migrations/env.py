"""Alembic runtime environment: online migrations only, on a throwaway connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy.pool import NullPool

from arbvault.db import ADMIN_READ_TIMEOUT_SECONDS, build_engine, database_url
from arbvault.models.tables import metadata

config = context.config
url = config.attributes.get("database_url") or database_url()
engine = build_engine(url, pool="null", read_timeout=ADMIN_READ_TIMEOUT_SECONDS)
assert isinstance(engine.pool, NullPool)

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
