"""ASIN-history tests: no Keepa-derived state, no watches, points or tracker days, and an offline Keepa of each
test's own (its own token bucket)."""

from __future__ import annotations

import pytest

from db_testing import execute
from infra.keepa_offline import OfflineKeepa
from keepa_testing import MakeKeepa


@pytest.fixture(autouse=True)
def _fresh_history(clean_catalog: None) -> None:
    """Every test starts with no snapshots, stored balance, watches, points or tracker days."""
    execute("TRUNCATE asin_watches, asin_history, asin_tracker_days")


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> OfflineKeepa:
    """An offline Keepa with a balance no test here exhausts."""
    return make_keepa(tokens=100_000, refill_rate=1_000)
