"""AutoScheduler tests: no jobs, runs, picks, slots, audit rows or Keepa state; the control row as seeded but on
(a test turns it off itself), and as seeded (off) after; the profiles a test creates are removed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scheduler_support import SEEDED_PROFILES

from db_testing import execute


def _seeded(*, enabled: bool) -> None:
    execute("UPDATE autoscheduler_control SET enabled = :enabled, scheduled_hours = '{8,15,20}', skip_dates = '{}', "
            "pause_until = NULL, pause_reason = NULL, daily_token_budget = 12000, profile_id = NULL, "
            "updated_by = 'system'", enabled=enabled)


@pytest.fixture(autouse=True)
def _fresh_scheduler(clean_jobs: None, clean_catalog: None) -> Iterator[None]:
    execute("TRUNCATE autoscheduler_slots, autoscheduler_changes")
    _seeded(enabled=True)
    yield
    _seeded(enabled=False)
    execute("DELETE FROM autosourcing_profiles WHERE NOT (name = ANY(:seeded))", seeded=list(SEEDED_PROFILES))
    execute("UPDATE autosourcing_profiles SET active = true, usage_count = 0, last_used_at = NULL")
