"""Bookmarks function tests: no saved niche, job or Keepa-derived state before each test, and an offline Keepa
of the test's own."""

from __future__ import annotations

from typing import cast

import pytest

from keepa_testing import MakeKeepa, RecordingKeepa


@pytest.fixture(autouse=True)
def _fresh_state(clean_catalog: None, clean_jobs: None) -> None:
    """Every test starts with no saved niche, no job and no Keepa-derived state."""


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> RecordingKeepa:
    """An offline Keepa recording its selections, with a balance no test here exhausts."""
    return cast(RecordingKeepa, make_keepa(RecordingKeepa, tokens=100_000))
