"""`arbvault local` runs the template's Schedule and ScheduleV2 events at their rate.

The template keeps expressions EventBridge accepts (``rate(1 minute)``); the hidden ``--schedule-speedup 60``
runs the schedules on a clock sixty times faster, so a minute passes every second.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from event_project import eventually, read_log, schedule_template, write_project
from local_process import LocalStackProcess

from infra.local.aws import LOCAL_ACCOUNT_ID
from infra.local.function_env import local_region

pytestmark = pytest.mark.e2e

SPEEDUP = 60


@pytest.fixture(scope="module")
def ticks(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStackProcess, Path]]:
    root = tmp_path_factory.mktemp("schedule-project")
    template = write_project(root, schedule_template())
    log = root / "ticks.log"
    with LocalStackProcess(tmp_path_factory.mktemp("schedule-stack"), database_url, template=template,
                           extra_args=("--env", f"PROBE_LOG={log}", "--schedule-speedup", str(SPEEDUP))) as process:
        yield process, log


def _runs(log: Path, match: Any) -> list[dict[str, Any]]:
    return [entry for entry in read_log(log) if match(entry["event"])]


def _scheduled(event: Any) -> bool:
    return isinstance(event, dict) and event.get("detail-type") == "Scheduled Event"


def test_rule_fires_every_period_with_the_eventbridge_scheduled_event(ticks: tuple[LocalStackProcess, Path]) -> None:
    stack, log = ticks
    runs = eventually(lambda: (found := _runs(log, _scheduled)) and len(found) >= 5 and found, "five runs",
                      timeout=20)
    gaps = [later["at"] - earlier["at"] for earlier, later in itertools.pairwise(runs)]
    assert 0.8 <= statistics.median(gaps) <= 1.2, gaps  # a minute, sixty times faster
    event = runs[0]["event"]
    region = local_region()
    assert event["source"] == "aws.events" and event["version"] == "0" and event["detail"] == {}
    assert event["account"] == LOCAL_ACCOUNT_ID and event["region"] == region
    assert event["resources"] == [f"arn:aws:events:{region}:{LOCAL_ACCOUNT_ID}:rule/TickerFunctionEveryMinute"]
    # `time` is when the run was due, on the schedule's clock: a minute apart.
    times = [datetime.strptime(run["event"]["time"], "%Y-%m-%dT%H:%M:%SZ") for run in runs[:3]]
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(times)] == [60.0, 60.0]
    assert len({run["event"]["id"] for run in runs}) == len(runs)
    assert "schedule TickerFunctionEveryMinute rate(1 minute) -> ticker ok " in stack.stdout


@pytest.mark.perf
def test_schedule_v2_sends_its_input_at_its_own_rate(ticks: tuple[LocalStackProcess, Path]) -> None:
    _, log = ticks
    runs = eventually(lambda: (found := _runs(log, lambda e: e == {"kind": "v2"})) and len(found) >= 3 and found,
                      "three ScheduleV2 runs", timeout=20)
    gaps = [later["at"] - earlier["at"] for earlier, later in itertools.pairwise(runs)]
    assert all(1.7 <= gap <= 2.3 for gap in gaps), gaps


def test_failing_run_is_reported_and_the_schedules_go_on(ticks: tuple[LocalStackProcess, Path]) -> None:
    stack, log = ticks
    failed = eventually(lambda: _runs(log, lambda e: e == {"fail": True}), "the failing schedule's run", timeout=20)
    stack.wait_for_line("schedule TickerFunctionFailing rate(3 minutes) -> ticker failed ")
    assert "RuntimeError: ticker failed on purpose" in stack.stdout
    eventually(lambda: [r for r in _runs(log, _scheduled) if r["at"] > failed[0]["at"] + 1], "a run after it")
    assert stack.process.poll() is None


def test_disabled_schedule_never_fires_and_the_banner_lists_the_others(ticks: tuple[LocalStackProcess, Path]) -> None:
    stack, log = ticks
    eventually(lambda: len(_runs(log, _scheduled)) >= 3, "three runs of the enabled rule", timeout=20)
    assert not _runs(log, lambda e: e == {"kind": "off"})
    assert "  schedule  TickerFunctionEveryMinute rate(1 minute) -> ticker (clock 60x real time)" in stack.stdout
    assert "TickerFunctionOff" not in stack.stdout
