"""A day's metrics from seeded slots, runs, jobs and picks, against figures computed by hand; manual runs and
other days' runs do not count."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from scheduler_support import request

from arbvault.db import session_scope
from arbvault.models.autoscheduler import SchedulerSlot
from arbvault.models.autosourcing import AutosourcingPick, AutosourcingRun
from arbvault.models.job import Job
from arbvault.scheduler.tick import SCHEDULER_OWNER
from support import SOURCER

DAY = date(2026, 12, 1)


def seed_run(*, status: str, tokens_used: int, candidates: int, created: datetime,
             picks: list[tuple[str, str, str, int | None]], owner: str = SCHEDULER_OWNER,
             slot: tuple[date, int] | None = None) -> uuid.UUID:
    """A run with its job and picks ``(tier, roi_pct, net_profit, bsr)``, and its slot when scheduled."""
    run_id = uuid.uuid4()
    with session_scope() as session:
        session.add(Job(id=run_id, kind="autosourcing", status=status, owner_key_id=owner, params={},
                        items_total=candidates, chunks_total=1, tokens_used=tokens_used, created_at=created))
        session.flush()
        session.add(AutosourcingRun(job_id=run_id, owner_key_id=owner, discovery_config={}, scoring_config={},
                                    tokens_estimated=282, candidates_found=candidates, created_at=created))
        session.flush()
        for index, (tier, roi, profit, bsr) in enumerate(picks):
            session.add(AutosourcingPick(
                run_id=run_id, owner_key_id=owner, asin=f"B0000000{index:02d}", bsr=bsr, net_profit=Decimal(profit),
                roi_pct=Decimal(roi), velocity_score=Decimal(80), stability_score=80, confidence_score=80,
                overall_rating="GOOD", priority_tier=tier, is_featured=tier == "HOT", readable_summary="seeded"))
        if slot is not None:
            session.add(SchedulerSlot(slot_date=slot[0], slot_hour=slot[1], outcome="SUBMITTED", run_id=run_id,
                                      tokens_estimated=282))
    return run_id


def seed_refusal(hour: int, outcome: str, reason: str) -> None:
    with session_scope() as session:
        session.add(SchedulerSlot(slot_date=DAY, slot_hour=hour, outcome=outcome, reason=reason, message=reason))


def at(hour: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 1, tzinfo=UTC)


def test_metrics_are_computed_from_the_days_scheduled_runs_and_picks() -> None:
    morning = seed_run(status="SUCCESS", tokens_used=300, candidates=45, created=at(8), slot=(DAY, 8), picks=[
        ("HOT", "80.00", "20.00", 10_000), ("TOP", "40.00", "12.00", 50_000), ("WATCH", "30.00", "6.00", 149_999)])
    seed_run(status="ERROR", tokens_used=100, candidates=20, created=at(15), slot=(DAY, 15), picks=[])
    seed_run(status="SUCCESS", tokens_used=200, candidates=30, created=at(20), slot=(DAY, 20), picks=[
        ("HOT", "60.00", "16.00", 150_000), ("OTHER", "10.00", "1.50", None)])
    running = seed_run(status="RUNNING", tokens_used=10, candidates=0, created=at(23), slot=(DAY, 23), picks=[])
    seed_refusal(12, "SKIPPED", "budget_exceeded")
    seed_refusal(22, "ERROR", "profile_not_found")
    # Not counted: a manual run the same day, a scheduled run the next day.
    seed_run(status="SUCCESS", tokens_used=999, candidates=10, created=at(9), owner=SOURCER["key_id"],
             picks=[("HOT", "500.00", "99.00", 1)])
    seed_run(status="SUCCESS", tokens_used=999, candidates=10, created=at(8, DAY + timedelta(days=1)),
             slot=(DAY + timedelta(days=1), 8), picks=[("HOT", "400.00", "99.00", 1)])

    status, metrics = request("GET", "/metrics", query=f"date={DAY.isoformat()}")

    assert status == 200, metrics
    assert metrics["day"] == DAY.isoformat()
    assert (metrics["runs_submitted"], metrics["runs_completed"], metrics["runs_failed"]) == (4, 2, 1)
    assert metrics["candidates_analysed"] == 45 + 20 + 30 + 0
    assert metrics["picks_total"] == 5
    assert metrics["tokens_used"] == 300 + 100 + 200 + 10
    assert metrics["tokens_committed"] == 300 + 100 + 200 + 282  # the running run counts at its estimate
    assert metrics["tokens_per_pick"] == 122.0  # 610 / 5
    assert metrics["tier_distribution"] == {"HOT": 2, "TOP": 1, "WATCH": 1, "OTHER": 1}
    assert metrics["avg_net_profit_by_tier"] == {"HOT": 18.0, "TOP": 12.0, "WATCH": 6.0, "OTHER": 1.5}
    assert metrics["bsr_coverage"] == {"0-50k": 1, "50k-150k": 2, "150k+": 1}  # one pick without a rank
    top = metrics["top_opportunity"]
    assert (top["run_id"], top["roi_pct"], top["net_profit"], top["priority_tier"]) == (
        str(morning), 80.0, 20.0, "HOT")
    assert metrics["errors_count"] == 2  # the 22:00 slot's error and the 15:00 run that ended ERROR
    assert datetime.fromisoformat(metrics["last_run_at"]) == at(23)
    assert [(s["hour"], s["outcome"], s["reason"], s["run_status"]) for s in metrics["slots"]] == [
        (8, "SUBMITTED", None, "SUCCESS"), (12, "SKIPPED", "budget_exceeded", None),
        (15, "SUBMITTED", None, "ERROR"), (20, "SUBMITTED", None, "SUCCESS"),
        (22, "ERROR", "profile_not_found", None), (23, "SUBMITTED", None, "RUNNING")]
    assert metrics["slots"][-1]["run_id"] == str(running)


def test_a_day_without_scheduled_runs_has_zero_figures() -> None:
    seed_run(status="SUCCESS", tokens_used=50, candidates=5, created=at(9), owner=SOURCER["key_id"],
             picks=[("TOP", "40.00", "12.00", 1000)])

    status, metrics = request("GET", "/metrics", query=f"date={DAY.isoformat()}")

    assert status == 200
    assert (metrics["runs_submitted"], metrics["picks_total"], metrics["tokens_used"]) == (0, 0, 0)
    assert metrics["tokens_per_pick"] is None and metrics["top_opportunity"] is None
    assert metrics["avg_net_profit_by_tier"] == {"HOT": None, "TOP": None, "WATCH": None, "OTHER": None}
    assert metrics["bsr_coverage"] == {"0-50k": 0, "50k-150k": 0, "150k+": 0} and metrics["slots"] == []
