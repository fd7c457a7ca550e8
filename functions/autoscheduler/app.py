"""AutoScheduler control: status, on/off, pauses, the hours (UTC), budget and profile, their audit, a day's metrics.

Reads are open to any key, except the audit; writes need the admin role and each is audited (key, time, values
before and after). The hourly tick (function ``autoscheduler_tick``) acts on what these routes store. The logic lives in
``arbvault.scheduler``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query

from arbvault.db import session_scope
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.models.autoscheduler import SchedulerControl
from arbvault.scheduler.calendar import utc_today
from arbvault.scheduler.control import (
    Action,
    calendar_of,
    disable,
    enable,
    list_changes,
    load_control,
    pause,
    pause_today,
    set_hours,
    update_settings,
)
from arbvault.scheduler.metrics import committed_tokens, day_metrics
from arbvault.scheduler.schemas import (
    MetricsOut,
    PauseIn,
    ScheduleIn,
    ScheduleOut,
    SchedulerChangeOut,
    SettingsIn,
    StatusOut,
)
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import AdminIdentity, CurrentIdentity, RoleCheckedRoute
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

router = APIRouter(prefix="/api/v1/autoscheduler", tags=["autoscheduler"], route_class=RoleCheckedRoute,
                   responses=error_responses(503))


def _status(session: Session, control: SchedulerControl) -> StatusOut:
    now = datetime.now(UTC)
    calendar = calendar_of(control)
    next_run = calendar.next_run(now)
    return StatusOut(
        enabled=control.enabled, effective_enabled=calendar.effective_on(now.date()), today=now.date(),
        scheduled_hours=list(control.scheduled_hours), skip_dates=sorted(control.skip_dates),
        pause_until=control.pause_until, pause_reason=control.pause_reason, next_run_at=next_run,
        seconds_until_next_run=None if next_run is None else int((next_run - now).total_seconds()),
        daily_token_budget=control.daily_token_budget,
        tokens_committed_today=committed_tokens(session, now.date()),
        profile_id=control.profile_id, hour_presets=control.hour_presets, updated_at=control.updated_at,
        updated_by=control.updated_by)


@router.get("/status", summary="The scheduler's state and its next run")
def status(_: CurrentIdentity) -> StatusOut:
    """Effectively enabled = on, and today (UTC) neither a skip date nor paused; the next run in UTC."""
    with session_scope() as session:
        return _status(session, load_control(session))


@router.post("/enable", summary="Turn the scheduler on")
def enable_route(identity: AdminIdentity) -> StatusOut:
    """Also lifts a pause (skip dates stay)."""
    with session_scope() as session:
        return _status(session, enable(session, identity))


@router.post("/disable", summary="Turn the scheduler off")
def disable_route(identity: AdminIdentity) -> StatusOut:
    with session_scope() as session:
        return _status(session, disable(session, identity))


@router.post("/pause", summary="Pause until a date")
def pause_route(body: PauseIn, identity: AdminIdentity) -> StatusOut:
    """No runs through ``pause_until`` (UTC, inclusive), which must be after today and within 366 days (else 422)."""
    with session_scope() as session:
        return _status(session, pause(session, identity, body.pause_until, body.reason, on=utc_today()))


@router.post("/pause-today", summary="Skip today")
def pause_today_route(identity: AdminIdentity) -> StatusOut:
    """Adds today (UTC) to the skip dates; calling it again changes nothing."""
    with session_scope() as session:
        return _status(session, pause_today(session, identity, on=utc_today()))


@router.put("/schedule", summary="Set the hours to run at")
def schedule_route(body: ScheduleIn, identity: AdminIdentity) -> ScheduleOut:
    """1-24 unique UTC hours 0-23, stored sorted; answers the hours before and after."""
    with session_scope() as session:
        previous, control = set_hours(session, identity, body.hours)
        return ScheduleOut(previous_hours=previous, scheduled_hours=list(control.scheduled_hours))


@router.put("/settings", summary="Set the daily token budget or the profile", responses=error_responses(404))
def settings_route(body: SettingsIn, identity: AdminIdentity) -> StatusOut:
    """The fields sent change; ``profile_id: null`` returns to the hour presets; 404 for an unknown or
    deactivated profile."""
    with session_scope() as session:
        return _status(session, update_settings(session, identity, body.values()))


@router.get("/changes", summary="The audit of control writes")
def changes(_: AdminIdentity, action: Action | None = None, limit: Limit = DEFAULT_LIMIT,
            cursor: Cursor = None) -> Page[SchedulerChangeOut]:
    """Every write to the control, newest first (optionally of one action): the key, the time, and the values
    it changed before and after. Admin keys only: it names the keys that wrote."""
    after = KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None
    with session_scope() as session:
        page = list_changes(session, action=action, limit=limit, after=after)
        items = [SchedulerChangeOut.model_validate(row) for row in page.items]
    next_cursor = encode_cursor(page.next_position.as_dict()) if page.next_position else None
    return Page[SchedulerChangeOut](items=items, next_cursor=next_cursor)


@router.get("/metrics", summary="A day of scheduled runs")
def metrics(_: CurrentIdentity,
            day: Annotated[date | None, Query(alias="date", description="UTC date (today)")] = None) -> MetricsOut:
    """Runs, candidates, picks, tokens, tiers, sales-rank bands, average profit per tier, the best pick and the
    failures of that day's scheduled runs (manual runs are not counted), from their rows."""
    with session_scope() as session:
        return MetricsOut.model_validate(day_metrics(session, day or utc_today()))


app = create_app(router, title="ArbitrageVault autoscheduler")
handler = create_handler(app)
