"""The AutoScheduler: an hourly tick queues one AutoSourcing run per scheduled UTC hour, under a daily token
budget, as its control row in PostgreSQL says; admins change that row (every change audited); the day's figures
come from the runs it started.

    from arbvault.scheduler import run_tick

    report = run_tick(at=scheduled_time(event))   # SUBMITTED once per (date, hour), however often it fires
"""

from arbvault.scheduler.calendar import Calendar, slot_of, utc_today
from arbvault.scheduler.control import (
    calendar_of,
    disable,
    enable,
    load_control,
    pause,
    pause_today,
    set_hours,
    update_settings,
)
from arbvault.scheduler.exceptions import DailyBudgetError, SlotTakenError
from arbvault.scheduler.metrics import BSR_BANDS, DayMetrics, committed_tokens, day_metrics
from arbvault.scheduler.tick import SCHEDULER_OWNER, TickReport, run_tick, scheduled_time

__all__ = [
    "BSR_BANDS",
    "SCHEDULER_OWNER",
    "Calendar",
    "DailyBudgetError",
    "DayMetrics",
    "SlotTakenError",
    "TickReport",
    "calendar_of",
    "committed_tokens",
    "day_metrics",
    "disable",
    "enable",
    "load_control",
    "pause",
    "pause_today",
    "run_tick",
    "scheduled_time",
    "set_hours",
    "slot_of",
    "update_settings",
    "utc_today",
]
