"""A scheduled day's figures, computed from its slot rows and the runs, jobs and picks they started.

Only scheduled runs count (a manual run is no slot's). The day is the slot's UTC date. A pick's sales-rank band
is ``0-50k`` below 50,000, ``50k-150k`` from 50,000 to below 150,000, ``150k+`` from 150,000; a pick without a
rank is counted in none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from sqlalchemy import case, func, select

from arbvault.jobs.states import FINISHED_STATUSES, JobStatus
from arbvault.models.autoscheduler import SchedulerSlot
from arbvault.models.autosourcing import PICK_TIERS, AutosourcingPick, AutosourcingRun
from arbvault.models.job import Job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BSR_BANDS: Final = (("0-50k", 0, 50_000), ("50k-150k", 50_000, 150_000), ("150k+", 150_000, None))
CENT: Final = Decimal("0.01")


def committed_tokens(session: Session, day: date) -> int:
    """Tokens the day's scheduled runs spent, counting a run still under way at its estimate when that is more."""
    spent = case((Job.status.in_(FINISHED_STATUSES | {JobStatus.CANCELLED.value}), Job.tokens_used),
                 else_=func.greatest(Job.tokens_used, AutosourcingRun.tokens_estimated))
    total = session.scalar(select(func.coalesce(func.sum(spent), 0))
                           .select_from(SchedulerSlot)
                           .join(Job, Job.id == SchedulerSlot.run_id)
                           .join(AutosourcingRun, AutosourcingRun.job_id == SchedulerSlot.run_id)
                           .where(SchedulerSlot.slot_date == day))
    return int(total or 0)


@dataclass(frozen=True, slots=True)
class SlotLine:
    hour: int
    outcome: str
    reason: str | None
    message: str | None
    run_id: uuid.UUID | None
    run_status: str | None


@dataclass(frozen=True, slots=True)
class TopPick:
    pick_id: uuid.UUID
    run_id: uuid.UUID
    asin: str
    roi_pct: Decimal
    net_profit: Decimal
    priority_tier: str


@dataclass(slots=True)
class DayMetrics:
    """What the scheduled runs of one day did."""

    day: date
    runs_submitted: int = 0
    runs_completed: int = 0
    runs_failed: int = 0
    candidates_analysed: int = 0
    picks_total: int = 0
    tokens_used: int = 0
    tokens_committed: int = 0
    tokens_per_pick: Decimal | None = None
    tier_distribution: dict[str, int] = field(default_factory=dict)
    avg_net_profit_by_tier: dict[str, Decimal | None] = field(default_factory=dict)
    bsr_coverage: dict[str, int] = field(default_factory=dict)
    top_opportunity: TopPick | None = None
    errors_count: int = 0
    last_run_at: datetime | None = None
    slots: list[SlotLine] = field(default_factory=list)


def _band(bsr: int) -> str:
    return next(name for name, low, high in BSR_BANDS if bsr >= low and (high is None or bsr < high))


def _average(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT) if values else None


def day_metrics(session: Session, day: date) -> DayMetrics:
    """The day's figures (see the module)."""
    metrics = DayMetrics(day=day)
    rows = session.execute(
        select(SchedulerSlot, Job, AutosourcingRun)
        .outerjoin(Job, Job.id == SchedulerSlot.run_id)
        .outerjoin(AutosourcingRun, AutosourcingRun.job_id == SchedulerSlot.run_id)
        .where(SchedulerSlot.slot_date == day).order_by(SchedulerSlot.slot_hour)).all()
    run_ids = []
    for slot, job, run in rows:
        metrics.slots.append(SlotLine(slot.slot_hour, slot.outcome, slot.reason, slot.message, slot.run_id,
                                      None if job is None else job.status))
        metrics.errors_count += slot.outcome == "ERROR"
        if job is None or run is None:
            continue
        run_ids.append(job.id)
        metrics.runs_submitted += 1
        metrics.runs_completed += job.status == JobStatus.SUCCESS.value
        metrics.runs_failed += job.status == JobStatus.ERROR.value
        metrics.candidates_analysed += run.candidates_found or 0
        metrics.tokens_used += job.tokens_used
        metrics.last_run_at = max(filter(None, (metrics.last_run_at, job.created_at)))
    metrics.errors_count += metrics.runs_failed
    metrics.tokens_committed = committed_tokens(session, day)
    picks = list(session.scalars(select(AutosourcingPick).where(AutosourcingPick.run_id.in_(run_ids))
                                 .order_by(AutosourcingPick.roi_pct.desc(), AutosourcingPick.id))) if run_ids else []
    metrics.picks_total = len(picks)
    if picks:
        metrics.tokens_per_pick = (Decimal(metrics.tokens_used) / len(picks)).quantize(Decimal("0.1"))
        best = picks[0]
        metrics.top_opportunity = TopPick(best.id, best.run_id, best.asin, best.roi_pct, best.net_profit,
                                          best.priority_tier)
    by_tier = {tier: [pick.net_profit for pick in picks if pick.priority_tier == tier] for tier in PICK_TIERS}
    metrics.tier_distribution = {tier: len(profits) for tier, profits in by_tier.items()}
    metrics.avg_net_profit_by_tier = {tier: _average(profits) for tier, profits in by_tier.items()}
    metrics.bsr_coverage = {name: 0 for name, _, _ in BSR_BANDS}
    for pick in picks:
        if pick.bsr is not None:
            metrics.bsr_coverage[_band(pick.bsr)] += 1
    return metrics
