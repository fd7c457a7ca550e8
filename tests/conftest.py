"""Fixtures every level shares: a database of the run's own, Lambda contexts, function loading."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from arbvault.db import reset_engine
from arbvault.settings import reset_settings
from infra.embedded_pg import scratch_database, server_url


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A migrated database of this run's own (on DATABASE_URL's server, else the embedded one), dropped after."""
    from arbvault.migrations import upgrade

    url, _ = server_url()
    previous = os.environ.get("DATABASE_URL")
    with scratch_database(url) as scratch:
        os.environ["DATABASE_URL"] = scratch
        reset_settings()
        reset_engine()
        upgrade(scratch)
        try:
            yield scratch
        finally:
            reset_engine()
            if previous is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = previous
            reset_settings()
