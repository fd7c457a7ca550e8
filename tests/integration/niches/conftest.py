"""Niches function tests: no Keepa-derived state or jobs before each test, and an offline Keepa of its own."""

from __future__ import annotations

from typing import cast

import pytest

from keepa_testing import MakeKeepa, RecordingKeepa


@pytest.fixture(autouse=True)
def _fresh_state(clean_catalog: None, clean_jobs: None) -> None:
    """Every test starts with no Keepa-derived state and no job."""


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> RecordingKeepa:
    """An offline Keepa recording its selections, with a balance no test here exhausts."""
    return cast(RecordingKeepa, make_keepa(RecordingKeepa, tokens=100_000))
