"""The scheduled tick: when the hour is scheduled and the day is on, queue one AutoSourcing run for the slot.

The run goes through ``submit_run``, the path ``POST /autosourcing/runs`` takes, safeguards included. Inside
the run's transaction a gate checks the day's token budget and claims the slot's row (``INSERT … ON CONFLICT DO
NOTHING``): a second tick for the same slot, at once or later, finds the row and queues nothing. A refusal
(budget, balance, a failing run request) is recorded as the slot's outcome; a dependency that is down is raised,
so the invocation fails and a retry of the same scheduled event may still run the slot.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, Literal

from sqlalchemy.dialects.postgresql import insert as pg_insert

from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
from arbvault.autosourcing.profiles import get_profile, profile_specs
from arbvault.autosourcing.runs import submit_run
from arbvault.db import session_scope
from arbvault.exceptions import ArbvaultError, DependencyUnavailableError, RateLimitedError
from arbvault.models.autoscheduler import SchedulerSlot
from arbvault.observability import logger
from arbvault.scheduler.calendar import slot_of
from arbvault.scheduler.control import calendar_of, load_control
from arbvault.scheduler.exceptions import DailyBudgetError, SlotTakenError
from arbvault.scheduler.metrics import committed_tokens

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from arbvault.autosourcing.safeguards import RunEstimate
    from arbvault.models.autoscheduler import SchedulerControl

SCHEDULER_OWNER: Final = "autoscheduler"
"""Owner of scheduled runs and their picks: no key's own, so admin keys see them (and sourcer keys do not)."""

TickAction = Literal["SUBMITTED", "SKIPPED", "ERROR", "NOT_DUE", "OFF", "ALREADY_DONE"]


@dataclass(slots=True)
class TickReport:
    """What one tick did for its slot."""

    slot_date: date
    slot_hour: int
    action: TickAction
    reason: str | None = None
    run_id: uuid.UUID | None = None
    tokens_estimated: int | None = None

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        return {**values, "slot_date": self.slot_date.isoformat(),
                "run_id": None if self.run_id is None else str(self.run_id)}


def scheduled_time(event: dict[str, Any]) -> datetime | None:
    """The time an EventBridge scheduled event was due (its ``time``); ``None`` when it has none."""
    raw = event.get("time") if isinstance(event, dict) else None
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None
    except ValueError:
        return None
    return None if moment is None or moment.tzinfo is None else moment.astimezone(UTC)


def _specs(session: Session, control: SchedulerControl, hour: int) -> tuple[DiscoverySpec, ScoringSpec]:
    """The profile's configs, else the hour's discovery preset (or the default one) with the default scoring."""
    if control.profile_id is not None:
        return profile_specs(get_profile(session, control.profile_id))
    presets = control.hour_presets
    return DiscoverySpec.from_dict(presets.get(str(hour)) or presets["default"]), ScoringSpec()


def _gate(day: date, hour: int, budget: int) -> Callable[[Session, uuid.UUID, RunEstimate], None]:
    """The run's gate: refuse it over the daily budget, else claim the slot (refuse it when taken)."""
    def gate(session: Session, job_id: uuid.UUID, estimate: RunEstimate) -> None:
        used = committed_tokens(session, day)
        if used + estimate.tokens_estimated > budget:
            raise DailyBudgetError(used=used, estimated=estimate.tokens_estimated, budget=budget)
        claimed = session.execute(
            pg_insert(SchedulerSlot).values(slot_date=day, slot_hour=hour, outcome="SUBMITTED", run_id=job_id,
                                            tokens_estimated=estimate.tokens_estimated)
            .on_conflict_do_nothing().returning(SchedulerSlot.slot_hour)).scalar_one_or_none()
        if claimed is None:
            raise SlotTakenError(day, hour)
    return gate


def _refused(report: TickReport, outcome: Literal["SKIPPED", "ERROR"], exc: ArbvaultError) -> TickReport:
    """Record why the slot ran nothing (unless another tick claimed it meanwhile)."""
    with session_scope() as session:
        session.execute(pg_insert(SchedulerSlot).values(
            slot_date=report.slot_date, slot_hour=report.slot_hour, outcome=outcome, reason=exc.code[:40],
            message=exc.message[:1000]).on_conflict_do_nothing())
    report.action, report.reason = outcome, exc.code
    return report


@dataclass(frozen=True, slots=True)
class _Plan:
    discovery: DiscoverySpec
    scoring: ScoringSpec
    profile_id: uuid.UUID | None
    budget: int


def _plan(report: TickReport) -> _Plan | None:
    """The run the slot is due, or ``None`` (with the report saying why) when it is due none."""
    day, hour = report.slot_date, report.slot_hour
    with session_scope() as session:
        control = load_control(session)
        calendar = calendar_of(control)
        if hour not in calendar.scheduled_hours:
            return None
        if not calendar.effective_on(day):
            report.action = "OFF"
            report.reason = ("disabled" if not calendar.enabled else
                             "skip_date" if day in calendar.skip_dates else "paused")
            return None
        if session.get(SchedulerSlot, (day, hour)) is not None:
            report.action = "ALREADY_DONE"
            return None
        discovery, scoring = _specs(session, control, hour)
        return _Plan(discovery, scoring, control.profile_id, control.daily_token_budget)


def run_tick(*, at: datetime | None = None) -> TickReport:
    """Act on the slot of ``at`` (default now): see the module."""
    day, hour = slot_of(at or datetime.now(UTC))
    report = TickReport(slot_date=day, slot_hour=hour, action="NOT_DUE")
    try:
        plan = _plan(report)
        if plan is None:
            return report
        run_id, tokens = submit_run(discovery=plan.discovery, scoring=plan.scoring, owner_key_id=SCHEDULER_OWNER,
                                    profile_id=plan.profile_id, gate=_gate(day, hour, plan.budget))
    except SlotTakenError:
        report.action = "ALREADY_DONE"
        return report
    except (DailyBudgetError, RateLimitedError) as exc:  # over budget; Keepa's balance short
        return _refused(report, "SKIPPED", exc)
    except DependencyUnavailableError:
        raise
    except ArbvaultError as exc:
        return _refused(report, "ERROR", exc)
    report.action, report.run_id, report.tokens_estimated = "SUBMITTED", run_id, tokens
    logger.info("scheduled run submitted", extra=report.as_dict())
    return report
