"""AutoSourcing function tests: the run's database, the template's jobs queue on moto, and an offline Keepa of
each test's own. Every test starts with no jobs, runs, picks or Keepa state; the seeded profiles stay, and the
profiles a test creates are removed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from autosourcing_support import SEEDED_PROFILES

from db_testing import execute


@pytest.fixture(autouse=True)
def _fresh_state(clean_jobs: None, clean_catalog: None) -> Iterator[None]:
    yield
    execute("DELETE FROM autosourcing_profiles WHERE NOT (name = ANY(:seeded))", seeded=list(SEEDED_PROFILES))
    execute("UPDATE autosourcing_profiles SET active = true, usage_count = 0, last_used_at = NULL")
