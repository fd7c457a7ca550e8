"""Errors the scheduler room raises; the tick turns the run-refusing ones into a slot's outcome."""

from __future__ import annotations

from datetime import date

from arbvault.exceptions import ArbvaultError


class SlotTakenError(ArbvaultError):
    """Raised inside a run's transaction when its (date, hour) slot was claimed first by another tick."""

    code = "slot_taken"

    def __init__(self, day: date, hour: int) -> None:
        super().__init__(f"the {day.isoformat()} {hour:02d}:00 slot is taken")


class DailyBudgetError(ArbvaultError):
    """Raised inside a run's transaction when the day's tokens plus the run's estimate exceed the daily budget."""

    code = "budget_exceeded"

    def __init__(self, *, used: int, estimated: int, budget: int) -> None:
        super().__init__(f"the day's {used} tokens and the run's {estimated} exceed the daily budget of {budget}")
