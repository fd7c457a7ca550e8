"""Keepa function tests: the run's database, and an offline Keepa of each test's own (its own token bucket).

Catalog state (snapshots, misses, the stored token balance) is emptied before each test, so every test starts
as a fresh deployment facing a fresh Keepa account.
"""

from __future__ import annotations

import pytest

from infra.keepa_offline import OfflineKeepa
from keepa_testing import MakeKeepa


@pytest.fixture(autouse=True)
def _fresh_catalog(clean_catalog: None) -> None:
    """Every test starts with no snapshots, misses or stored balance."""


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> OfflineKeepa:
    """An offline Keepa with the default balance (1,200 tokens, 20 per minute)."""
    return make_keepa()
