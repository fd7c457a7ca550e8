"""Alembic environment of the layer: ``upgrade`` applies migrations, ``status`` compares with head.

Alembic is configured in code (no alembic.ini), with the URL from the same settings as the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for this package; ``url`` overrides the runtime's database URL."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url:
        config.attributes["database_url"] = url
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on ``url`` (default: the runtime's database)."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    current: str | None
    head: str | None

    @property
    def at_head(self) -> bool:
        return self.current is not None and self.current == self.head


def status(connection: Connection) -> MigrationStatus:
    """Where the database on ``connection`` stands against the newest migration."""
    current = MigrationContext.configure(connection).get_current_revision()
    return MigrationStatus(current=current, head=head_revision())
