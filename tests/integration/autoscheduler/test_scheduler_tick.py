"""The tick: one run per scheduled UTC date and hour however often it fires (in turn or at once), through the
AutoSourcing run path with its safeguards; days off, the daily budget and a short balance queue nothing and
say why; the handler reads the slot from the scheduled event."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from scheduler_support import control, open_profile, request

from arbvault.scheduler.tick import SCHEDULER_OWNER, TickReport, run_tick
from db_testing import execute, rows, scalar
from infra.keepa_offline import OfflineKeepa
from infra.lambda_context import LocalLambdaContext
from jobs_testing import JobQueues, run_worker
from keepa_testing import MakeKeepa, paid
from support import load_function

DAY = date(2026, 12, 6)
EVENT = Path(__file__).parents[3] / "events" / "autoscheduler_tick" / "schedule.json"
# The hour presets' runs: the finder (12, as for any run) and 45 lookups with one page of live offers (6 tokens).
PRESET_ESTIMATE = 12 + 45 * 6


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def jobs() -> list[dict[str, object]]:
    return rows("SELECT j.id, j.kind, j.owner_key_id, r.discovery_config, r.profile_id, r.tokens_estimated "
                "FROM jobs j JOIN autosourcing_runs r ON r.job_id = j.id ORDER BY j.created_at")


def slots() -> list[dict[str, object]]:
    return rows("SELECT slot_date, slot_hour, outcome, reason, run_id, tokens_estimated FROM autoscheduler_slots "
                "ORDER BY slot_date, slot_hour")


def test_a_second_tick_in_the_same_hour_queues_no_second_run(queues: JobQueues, keepa: OfflineKeepa) -> None:
    first = run_tick(at=at(DAY, 8))
    second = run_tick(at=at(DAY, 8, 40))

    assert (first.action, second.action) == ("SUBMITTED", "ALREADY_DONE")
    [job] = jobs()
    assert job["id"] == first.run_id and job["kind"] == "autosourcing" and job["owner_key_id"] == SCHEDULER_OWNER
    assert first.tokens_estimated == job["tokens_estimated"] == PRESET_ESTIMATE
    assert slots() == [{"slot_date": DAY, "slot_hour": 8, "outcome": "SUBMITTED", "reason": None,
                        "run_id": first.run_id, "tokens_estimated": PRESET_ESTIMATE}]
    assert len(queues.messages()) == 1  # the one discovery message
    assert paid(keepa) == []  # discovery is the job's work, not the tick's


def test_ticks_at_once_for_one_hour_queue_one_run(queues: JobQueues, keepa: OfflineKeepa, unpooled: None) -> None:
    barrier = threading.Barrier(4)
    reports: list[TickReport] = []

    def tick() -> None:
        barrier.wait()
        reports.append(run_tick(at=at(DAY, 15)))

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(report.action for report in reports) == ["ALREADY_DONE"] * 3 + ["SUBMITTED"]
    assert len(jobs()) == 1 and len(slots()) == 1
    assert scalar("SELECT count(*) FROM outbox") == 1


def test_an_hour_not_scheduled_does_nothing(queues: JobQueues, keepa: OfflineKeepa) -> None:
    assert run_tick(at=at(DAY, 9)).action == "NOT_DUE"
    assert jobs() == [] and slots() == []


@pytest.mark.parametrize(("values", "reason"), [
    ({"enabled": False}, "disabled"),
    ({"skip_dates": [DAY]}, "skip_date"),
    ({"pause_until": DAY}, "paused"),
])
def test_a_day_off_queues_nothing_until_midnight_utc(queues: JobQueues, keepa: OfflineKeepa,
                                                     values: dict[str, object], reason: str) -> None:
    control(scheduled_hours=[0, 23], **values)

    late = run_tick(at=at(DAY, 23, 59))
    next_day = run_tick(at=at(DAY + timedelta(days=1), 0))

    assert (late.action, late.reason) == ("OFF", reason)
    expected = "OFF" if reason == "disabled" else "SUBMITTED"  # a skip date or a pause ends at midnight UTC
    assert next_day.action == expected
    assert [(s["slot_date"], s["slot_hour"]) for s in slots()] == (
        [] if reason == "disabled" else [(DAY + timedelta(days=1), 0)])


def test_a_run_over_the_daily_budget_is_skipped_and_says_why(queues: JobQueues, keepa: OfflineKeepa) -> None:
    control(daily_token_budget=2 * PRESET_ESTIMATE - 1)

    morning = run_tick(at=at(DAY, 8))
    afternoon = run_tick(at=at(DAY, 15))  # the morning run is still queued: its estimate counts
    tomorrow = run_tick(at=at(DAY + timedelta(days=1), 8))

    assert (morning.action, afternoon.action, tomorrow.action) == ("SUBMITTED", "SKIPPED", "SUBMITTED")
    assert afternoon.reason == "budget_exceeded"
    assert len(jobs()) == 2
    refused = slots()[1]
    assert (refused["outcome"], refused["reason"], refused["run_id"]) == ("SKIPPED", "budget_exceeded", None)
    assert run_tick(at=at(DAY, 15, 30)).action == "ALREADY_DONE"  # the refusal is the slot's outcome


def test_a_short_keepa_balance_skips_the_slot_without_spending(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=100, refill_rate=5)

    report = run_tick(at=at(DAY, 8))

    assert (report.action, report.reason) == ("SKIPPED", "keepa_tokens_insufficient")
    assert jobs() == [] and paid(keepa) == []
    assert slots()[0]["outcome"] == "SKIPPED"


def test_runs_use_the_hour_preset_or_else_the_default_one(queues: JobQueues, keepa: OfflineKeepa) -> None:
    control(scheduled_hours=[9, 20])

    run_tick(at=at(DAY, 9))
    run_tick(at=at(DAY, 20))

    nine, twenty = (job["discovery_config"] for job in jobs())
    assert (nine["bsr_max"], nine["price_min"], nine["price_max"]) == (150000, "15", "50")  # the default
    assert (twenty["bsr_max"], twenty["price_min"], twenty["price_max"]) == (250000, "20", "60")
    assert nine["category_id"] == twenty["category_id"] == 283155 and nine["max_results"] == 45


def test_a_chosen_profile_drives_the_run_and_a_deactivated_one_is_an_error(queues: JobQueues,
                                                                            keepa: OfflineKeepa) -> None:
    profile_id = open_profile()
    control(profile_id=profile_id)

    report = run_tick(at=at(DAY, 8))

    [job] = jobs()
    assert report.action == "SUBMITTED" and job["profile_id"] == profile_id
    assert job["discovery_config"]["max_results"] == 40
    assert scalar("SELECT usage_count FROM autosourcing_profiles WHERE id = :id", id=profile_id) == 1

    execute("UPDATE autosourcing_profiles SET active = false WHERE id = :id", id=profile_id)
    failed = run_tick(at=at(DAY, 15))
    assert (failed.action, failed.reason) == ("ERROR", "profile_not_found")
    assert len(jobs()) == 1 and slots()[1]["outcome"] == "ERROR"


def test_the_handler_takes_the_slot_from_the_scheduled_event(queues: JobQueues, keepa: OfflineKeepa) -> None:
    event = json.loads(EVENT.read_text())
    handler = load_function("autoscheduler_tick").handler

    first = handler(event, LocalLambdaContext(function_name="autoscheduler_tick"))
    again = handler(event, LocalLambdaContext(function_name="autoscheduler_tick"))  # EventBridge retried it

    assert (first["slot_date"], first["slot_hour"], first["action"]) == ("2026-11-26", 8, "SUBMITTED")
    assert again["action"] == "ALREADY_DONE"
    assert [str(job["id"]) for job in jobs()] == [first["run_id"]]


def test_a_scheduled_run_goes_through_the_pipeline_to_picks_and_the_days_metrics(
        queues: JobQueues, keepa: OfflineKeepa) -> None:
    control(profile_id=open_profile())

    report = run_tick(at=at(DAY, 8))
    run_worker(queues)

    job = rows("SELECT status, tokens_used FROM jobs WHERE id = :id", id=report.run_id)[0]
    picks = rows("SELECT roi_pct, priority_tier FROM autosourcing_picks WHERE run_id = :id", id=report.run_id)
    assert job["status"] == "SUCCESS" and job["tokens_used"] > 0 and picks
    status, metrics = request("GET", "/metrics", query=f"date={DAY.isoformat()}")
    assert status == 200, metrics
    assert (metrics["runs_submitted"], metrics["runs_completed"], metrics["picks_total"]) == (1, 1, len(picks))
    assert metrics["tokens_used"] == metrics["tokens_committed"] == job["tokens_used"]
    assert sum(metrics["tier_distribution"].values()) == len(picks)
    assert metrics["top_opportunity"]["roi_pct"] == float(max(p["roi_pct"] for p in picks))
    assert metrics["slots"] == [{"hour": 8, "outcome": "SUBMITTED", "reason": None, "message": None,
                                 "run_id": str(report.run_id), "run_status": "SUCCESS"}]
    assert uuid.UUID(metrics["slots"][0]["run_id"]) == report.run_id
