"""Batches function tests: the run's database, the template's jobs queue and DLQ on the session's moto server,
and an offline Keepa of each test's own (its own token bucket) over real HTTP (``queues`` and ``keepa``, from
tests/conftest.py).

Every test starts with no jobs and no Keepa state (snapshots, misses, the stored balance), as a fresh
deployment facing a fresh Keepa account.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_state(clean_jobs: None, clean_catalog: None) -> None:
    """Each test starts with no jobs and no Keepa state."""
