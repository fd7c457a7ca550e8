"""The control row: read it, change it with an audit row naming the key, the action and the values changed, and
list those audit rows.

Every write locks the row, so two admins' writes apply one after the other and each audit row's old values are
the ones it really replaced.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from sqlalchemy import func, select

from arbvault.exceptions import InvalidInputError
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.autoscheduler import SCHEDULER_CONTROL_ID, SchedulerChange, SchedulerControl
from arbvault.scheduler.calendar import Calendar, upcoming_skips

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.web.identity import Identity

PAUSE_DAYS_MAX: Final = 366
Action = Literal["enable", "disable", "pause", "pause_today", "schedule", "settings"]
ACTIONS: Final[tuple[Action, ...]] = get_args(Action)
AUDITED: Final = ("enabled", "scheduled_hours", "skip_dates", "pause_until", "pause_reason", "daily_token_budget",
                  "profile_id")


def load_control(session: Session, *, lock: bool = False) -> SchedulerControl:
    return session.get_one(SchedulerControl, SCHEDULER_CONTROL_ID, with_for_update=lock)


def calendar_of(control: SchedulerControl) -> Calendar:
    return Calendar(enabled=control.enabled, scheduled_hours=tuple(control.scheduled_hours),
                    skip_dates=frozenset(control.skip_dates), pause_until=control.pause_until)


def _json(value: Any) -> Any:
    if isinstance(value, (date, uuid.UUID)):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value


def _values(control: SchedulerControl) -> dict[str, Any]:
    return {name: _json(getattr(control, name)) for name in AUDITED}


def _change(session: Session, identity: Identity, action: Action, apply: Callable[[SchedulerControl], None], *,
            reason: str | None = None) -> SchedulerControl:
    """Apply ``apply`` to the locked row and audit what it changed (an unchanged write is audited too)."""
    control = load_control(session, lock=True)
    before = _values(control)
    apply(control)
    after = _values(control)
    changed = [name for name in AUDITED if before[name] != after[name]]
    control.updated_by, control.updated_at = identity.key_id, func.now()
    session.add(SchedulerChange(key_id=identity.key_id, key_name=identity.key_name, action=action,
                                old_values={name: before[name] for name in changed},
                                new_values={name: after[name] for name in changed}, reason=reason))
    session.flush()
    session.refresh(control)
    return control


def enable(session: Session, identity: Identity) -> SchedulerControl:
    """Turn the scheduler on and lift any pause (skip dates stay)."""
    def apply(control: SchedulerControl) -> None:
        control.enabled, control.pause_until, control.pause_reason = True, None, None
    return _change(session, identity, "enable", apply)


def disable(session: Session, identity: Identity) -> SchedulerControl:
    def apply(control: SchedulerControl) -> None:
        control.enabled = False
    return _change(session, identity, "disable", apply)


def pause(session: Session, identity: Identity, until: date, reason: str | None, *, on: date) -> SchedulerControl:
    """No runs through ``until`` (inclusive); 422 unless it is after ``on`` (today, UTC) and at most
    ``PAUSE_DAYS_MAX`` days later."""
    if until <= on or until > on + timedelta(days=PAUSE_DAYS_MAX):
        code, rule = (("date_not_after_today", "after today") if until <= on
                      else ("date_too_far", f"at most {PAUSE_DAYS_MAX} days after today"))
        raise InvalidInputError(f"pause_until must be a date {rule} (UTC)", details=[{
            "field": "body.pause_until", "code": code, "message": f"{until.isoformat()} is not {rule} ({on})"}])

    def apply(control: SchedulerControl) -> None:
        control.pause_until, control.pause_reason = until, reason
    return _change(session, identity, "pause", apply, reason=reason)


def pause_today(session: Session, identity: Identity, *, on: date) -> SchedulerControl:
    """Skip ``on`` (today, UTC); a second call changes nothing. Past skip dates are dropped."""
    def apply(control: SchedulerControl) -> None:
        control.skip_dates = upcoming_skips([*control.skip_dates, on], on)
    return _change(session, identity, "pause_today", apply)


def set_hours(session: Session, identity: Identity, hours: list[int]) -> tuple[list[int], SchedulerControl]:
    """Run at ``hours`` (UTC, stored sorted); returns the hours before and the row."""
    previous = list(load_control(session, lock=True).scheduled_hours)

    def apply(control: SchedulerControl) -> None:
        control.scheduled_hours = sorted(hours)
    return previous, _change(session, identity, "schedule", apply)


def update_settings(session: Session, identity: Identity, values: dict[str, Any]) -> SchedulerControl:
    """Change ``daily_token_budget`` and/or ``profile_id`` (``None``: the hour presets); 404 for a profile that
    is unknown or deactivated."""
    profile_id = values.get("profile_id")
    if profile_id is not None:
        from arbvault.autosourcing.profiles import active_profile  # only this write names a profile

        active_profile(session, profile_id)

    def apply(control: SchedulerControl) -> None:
        for name, value in values.items():
            setattr(control, name, value)
    return _change(session, identity, "settings", apply)


def list_changes(session: Session, *, action: Action | None = None, limit: int,
                 after: KeysetPosition | None = None) -> KeysetPage[SchedulerChange]:
    """Audit rows newest first (optionally of one ``action``), ``limit`` per page."""
    statement = select(SchedulerChange)
    if action is not None:
        statement = statement.where(SchedulerChange.action == action)
    return newest_first(session, statement, at=SchedulerChange.changed_at, id=SchedulerChange.id, limit=limit,
                        after=after)
