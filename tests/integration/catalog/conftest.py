"""Catalog room tests: the run's database emptied of catalog state, an offline Keepa and a client talking to it.

The room's functions take the Keepa client as an argument, so no environment variable is changed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.keepa import KeepaClient, RetryPolicy
from infra.keepa_offline import OfflineKeepa

CATALOG_CLOCK = 8_380_000


@pytest.fixture(autouse=True)
def _clean_catalog(database_url: str) -> None:
    with get_engine().begin() as connection:
        connection.execute(text("TRUNCATE keepa_snapshots, keepa_misses, keepa_token_state"))


@pytest.fixture
def keepa() -> Iterator[OfflineKeepa]:
    with OfflineKeepa(clock=CATALOG_CLOCK) as server:
        yield server


@pytest.fixture
def client(keepa: OfflineKeepa) -> Iterator[KeepaClient]:
    retry = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
    with KeepaClient(api_key="catalog-test", base_url=keepa.base_url, retry=retry) as keepa_client:
        yield keepa_client
