"""The scheduler end to end through `arbvault local`: the template's hourly cron fires the tick (on a clock 180
times faster, so an hour passes every 20 s), the tick queues the hour's AutoSourcing run with the chosen profile,
batch_worker discovers, analyses and stores its picks, the day's metrics show it, and the next hour's tick is
refused by the daily budget that one run fills."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from local_process import LocalStackProcess

from db_testing import execute

pytestmark = pytest.mark.e2e

SPEEDUP = 180
TIMEOUT_SECONDS = 150.0
PROFILE = {
    "name": "e2e scheduled",
    "discovery_config": {"category_id": 283155, "bsr_max": 2_000_000, "max_results": 30},
    "scoring_config": {"roi_min": -1000, "velocity_min": 0, "stability_min": 0, "confidence_min": 0,
                       "rating_required": "PASS", "max_results": 100},
}
RUN_ESTIMATE = 12 + 30 * 6  # the finder and 30 lookups with one page of live offers


@pytest.fixture(scope="module")
def stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    with LocalStackProcess(tmp_path_factory.mktemp("scheduler-stack"), database_url,
                           extra_args=("--no-reload", "--schedule-speedup", str(SPEEDUP))) as process:
        try:
            yield process
        finally:  # the scheduler as seeded (off), for the other stacks on this database
            execute("UPDATE autoscheduler_control SET enabled = false, scheduled_hours = '{8,15,20}', "
                    "daily_token_budget = 12000, profile_id = NULL")
            execute("DELETE FROM autosourcing_profiles WHERE name = :name", name=PROFILE["name"])


def _eventually(stack: LocalStackProcess, read: object, what: str) -> object:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not (found := read()):  # type: ignore[operator]
        assert time.monotonic() < deadline, f"no {what} after {TIMEOUT_SECONDS} s:\n{stack.stdout[-4000:]}"
        time.sleep(0.5)
    return found


def test_the_hourly_schedule_runs_the_profile_once_and_the_budget_refuses_the_next_hour(
        stack: LocalStackProcess) -> None:
    headers = {"X-API-Key": stack.dev_key}
    assert "schedule  AutoschedulerTickFunctionHourly cron(0 * * * ? *) -> autoscheduler_tick" in stack.stdout
    profile = stack.request("POST", "/api/v1/autosourcing/profiles", headers=headers, json=PROFILE)
    assert profile.status_code == 201, profile.text
    for method, path, body in (
            ("PUT", "/settings", {"profile_id": profile.json()["id"], "daily_token_budget": RUN_ESTIMATE}),
            ("PUT", "/schedule", {"hours": list(range(24))}), ("POST", "/enable", None)):
        answer = stack.request(method, f"/api/v1/autoscheduler{path}", headers=headers, json=body)
        assert answer.status_code == 200, answer.text

    def metrics() -> dict:
        today = datetime.now(UTC).date().isoformat()
        return stack.request("GET", f"/api/v1/autoscheduler/metrics?date={today}", headers=headers).json()

    def finished_run() -> dict | None:
        submitted = [s for s in metrics()["slots"] if s["outcome"] == "SUBMITTED"]
        return submitted[0] if submitted and submitted[0]["run_status"] in ("SUCCESS", "ERROR") else None

    slot = _eventually(stack, finished_run, "finished scheduled run")
    assert slot["run_status"] == "SUCCESS", slot  # type: ignore[index]
    run = stack.request("GET", f"/api/v1/autosourcing/runs/{slot['run_id']}", headers=headers).json()  # type: ignore[index]
    assert run["profile_name"] == PROFILE["name"] and run["candidates_found"] == 30 and run["picks_total"] > 0

    refused = _eventually(stack, lambda: [s for s in metrics()["slots"] if s["outcome"] == "SKIPPED"],
                          "refused next hour")
    assert refused[0]["reason"] == "budget_exceeded"  # type: ignore[index]
    day = metrics()
    assert day["runs_submitted"] == day["runs_completed"] == 1
    assert day["picks_total"] == run["picks_total"] and day["tokens_used"] == run["tokens_used"]
    assert "schedule AutoschedulerTickFunctionHourly cron(0 * * * ? *) -> autoscheduler_tick ok" in stack.stdout
