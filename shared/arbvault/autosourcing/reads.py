"""Reading runs and picks, and the owner's actions on picks. ``owner_key_id=None`` means any owner (admin)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import func, select

from arbvault.autosourcing.exceptions import PickNotFoundError, RunNotFoundError
from arbvault.jobs.queries import JobSummary, get_job, list_jobs
from arbvault.jobs.states import FINISHED_STATUSES
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.autosourcing import AutosourcingPick, AutosourcingRun
from arbvault.models.job import Job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.autosourcing.rating import Tier
    from arbvault.autosourcing.schemas import PickAction

ACTIONS: Final[tuple[PickAction, ...]] = ("PENDING", "TO_BUY", "FAVORITE", "IGNORED", "ANALYZING")
TIERS: Final[tuple[Tier, ...]] = ("HOT", "TOP", "WATCH", "OTHER")
_FLAGS: Final = {"TO_BUY": "is_purchased", "FAVORITE": "is_favorite", "IGNORED": "is_ignored",
                 "ANALYZING": "analysis_requested"}


@dataclass(frozen=True, slots=True)
class RunView:
    """A run: its job (status, progress, tokens), what it was asked, and its picks (best ROI first)."""

    job: JobSummary
    run: AutosourcingRun
    picks: list[AutosourcingPick]


def _owned(statement: Any, column: Any, owner_key_id: str | None) -> Any:
    return statement if owner_key_id is None else statement.where(column == owner_key_id)


def _picks_of(session: Session, run_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[AutosourcingPick]]:
    found: dict[uuid.UUID, list[AutosourcingPick]] = {run_id: [] for run_id in run_ids}
    if run_ids:
        for pick in session.scalars(select(AutosourcingPick).where(AutosourcingPick.run_id.in_(run_ids))
                                    .order_by(AutosourcingPick.roi_pct.desc(), AutosourcingPick.asin)):
            found[pick.run_id].append(pick)
    return found


def _settle_picks(session: Session, job_id: uuid.UUID) -> None:
    """Store the picks of a run whose finishing step was missed (a worker stopped after settling the job)."""
    from arbvault.autosourcing.runs import finish_run  # storing picks: loaded by a run's first read

    run = session.get(AutosourcingRun, job_id)
    job = session.get(Job, job_id)
    if run is not None and job is not None and run.picks_stored_at is None and job.status in FINISHED_STATUSES:
        session.commit()  # finish_run opens its own session
        finish_run(job_id)


def get_run(session: Session, run_id: uuid.UUID, *, owner_key_id: str | None) -> RunView:
    run = session.get(AutosourcingRun, run_id)
    if run is None or (owner_key_id is not None and run.owner_key_id != owner_key_id):
        raise RunNotFoundError(run_id)
    _settle_picks(session, run_id)
    session.expire_all()
    run = session.get_one(AutosourcingRun, run_id)
    return RunView(get_job(session, run_id), run, _picks_of(session, [run_id])[run_id])


def list_runs(session: Session, *, owner_key_id: str | None, limit: int,
              after: KeysetPosition | None) -> KeysetPage[RunView]:
    """Newest first, each with its picks."""
    page = list_jobs(session, owner_key_id=owner_key_id, kind="autosourcing", limit=limit, after=after)
    ids = [job.id for job in page.items]
    runs = {run.job_id: run for run in session.scalars(select(AutosourcingRun)
                                                        .where(AutosourcingRun.job_id.in_(ids)))}
    picks = _picks_of(session, ids)
    return KeysetPage([RunView(job, runs[job.id], picks[job.id]) for job in page.items if job.id in runs],
                      page.next_position)


def latest_run(session: Session, *, owner_key_id: str | None) -> RunView | None:
    """The run that finished most recently with success."""
    statement = _owned(select(Job.id).where(Job.kind == "autosourcing", Job.status == "SUCCESS"),
                       Job.owner_key_id, owner_key_id)
    job_id = session.scalar(statement.order_by(Job.finished_at.desc(), Job.id.desc()).limit(1))
    return None if job_id is None else get_run(session, job_id, owner_key_id=None)


def opportunity_of_day(session: Session, *, owner_key_id: str | None,
                       now: datetime | None = None) -> tuple[AutosourcingPick, AutosourcingRun] | None:
    """The highest-ROI pick of the successful runs started today (UTC)."""
    day_start = datetime.combine((now or datetime.now(UTC)).date(), time(0), tzinfo=UTC)
    statement = (select(AutosourcingPick, AutosourcingRun)
                 .join(AutosourcingRun, AutosourcingRun.job_id == AutosourcingPick.run_id)
                 .join(Job, Job.id == AutosourcingRun.job_id)
                 .where(Job.status == "SUCCESS", AutosourcingRun.created_at >= day_start))
    statement = _owned(statement, AutosourcingPick.owner_key_id, owner_key_id)
    row = session.execute(statement.order_by(AutosourcingPick.roi_pct.desc(), AutosourcingPick.id)
                          .limit(1)).one_or_none()
    return None if row is None else (row[0], row[1])


def list_picks(session: Session, *, owner_key_id: str | None, action: str | None, limit: int,
               after: KeysetPosition | None) -> KeysetPage[AutosourcingPick]:
    """Picks newest first (by when they were picked), optionally of one action."""
    statement = _owned(select(AutosourcingPick), AutosourcingPick.owner_key_id, owner_key_id)
    if action is not None:
        statement = statement.where(AutosourcingPick.action == action)
    return newest_first(session, statement, at=AutosourcingPick.created_at, id=AutosourcingPick.id, limit=limit,
                        after=after)


def set_action(session: Session, pick_id: uuid.UUID, action: str, notes: str | None, *,
               owner_key_id: str | None) -> AutosourcingPick:
    """Record the owner's action on a pick (any action may follow any other); the flags follow the action."""
    pick = session.get(AutosourcingPick, pick_id, with_for_update=True)
    if pick is None or (owner_key_id is not None and pick.owner_key_id != owner_key_id):
        raise PickNotFoundError(pick_id)
    pick.action, pick.action_notes, pick.action_taken_at = action, notes, datetime.now(UTC)
    for name, flag in _FLAGS.items():
        setattr(pick, flag, action == name)
    session.flush()
    session.refresh(pick)
    return pick


def action_counts(session: Session, *, owner_key_id: str | None) -> dict[PickAction, int]:
    statement = _owned(select(AutosourcingPick.action, func.count()), AutosourcingPick.owner_key_id, owner_key_id)
    counts = Counter({action: count for action, count in session.execute(statement.group_by(AutosourcingPick.action))})
    return {action: counts[action] for action in ACTIONS}


def tier_groups(picks: list[AutosourcingPick]) -> dict[Tier, list[AutosourcingPick]]:
    """Picks by tier, each tier best ROI first."""
    groups: dict[str, list[AutosourcingPick]] = {name: [] for name in TIERS}
    for pick in sorted(picks, key=lambda p: (-p.roi_pct, p.asin)):
        groups[pick.priority_tier].append(pick)
    return {tier: groups[tier] for tier in TIERS}  # the table's check constraint allows no other tier
