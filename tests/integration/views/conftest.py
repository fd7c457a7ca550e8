"""Views function tests: the run's database and an offline Keepa of each test's own; no snapshots at the start."""

from __future__ import annotations

import pytest

from infra.keepa_offline import OfflineKeepa
from keepa_testing import MakeKeepa


@pytest.fixture(autouse=True)
def _fresh_catalog(clean_catalog: None) -> None:
    """Every test starts with no snapshots, misses or stored balance."""


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> OfflineKeepa:
    """An offline Keepa with a balance the tests' lookups fit in."""
    return make_keepa(tokens=5_000)
