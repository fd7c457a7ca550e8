"""Products function tests: the run's database, and an offline Keepa of each test's own (its own token bucket).

Keepa-derived state (snapshots, misses, the stored token balance, discovery results, stock rows) is emptied
before each test, so every test starts as a fresh deployment facing a fresh Keepa account.
"""

from __future__ import annotations

from typing import cast

import pytest

from keepa_testing import MakeKeepa, RecordingKeepa


@pytest.fixture(autouse=True)
def _fresh_catalog(clean_catalog: None) -> None:
    """Every test starts with no Keepa-derived state."""


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> RecordingKeepa:
    """An offline Keepa recording its selections, with a balance no test here exhausts."""
    return cast(RecordingKeepa, make_keepa(RecordingKeepa, tokens=100_000))
