"""Point the process at a database for local tooling: DATABASE_URL, or the embedded server's ``arbvault`` db."""

from __future__ import annotations

import os

from arbvault.db import reset_engine
from arbvault.settings import reset_settings
from infra.embedded_pg import ensure_database, server_url, with_database

LOCAL_DATABASE = "arbvault"


def use_local_database() -> tuple[str, bool]:
    """Set ``DATABASE_URL`` for this process and return it, with whether the embedded server serves it."""
    url, embedded = server_url()
    if embedded:
        url = with_database(url, LOCAL_DATABASE)
        ensure_database(url)
    os.environ["DATABASE_URL"] = url
    reset_settings()
    reset_engine()
    return url, embedded
