"""Catalog room tests: the run's database emptied of catalog state, an offline Keepa of each test's own and a
client talking to it.

The room's functions take the Keepa client as an argument, so the settings are left alone here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arbvault.keepa.client import KeepaClient
from infra.keepa_offline import OfflineKeepa
from keepa_testing import MakeKeepa, client_for


@pytest.fixture(autouse=True)
def _fresh_catalog(clean_catalog: None) -> None:
    """Every test starts with no snapshots, misses or stored balance."""


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> OfflineKeepa:
    """An offline Keepa with the default balance (1,200 tokens, 20 per minute); the settings do not point at it."""
    return make_keepa(point_settings=False)


@pytest.fixture
def client(keepa: OfflineKeepa) -> Iterator[KeepaClient]:
    with client_for(keepa) as keepa_client:
        yield keepa_client
