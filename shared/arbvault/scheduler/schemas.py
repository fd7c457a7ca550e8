"""The HTTP shapes of the AutoScheduler: control writes, status, the schedule change and a day's metrics."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from arbvault.web.schema_types import DecimalNumber, Text

Hour = Annotated[int, Field(ge=0, le=23, description="hour of the day, UTC")]
TOKEN_BUDGET_MAX = 10_000_000


def _unique(hours: list[int]) -> list[int]:
    if len(set(hours)) != len(hours):
        raise ValueError("hours must be unique")
    return hours


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PauseIn(_Strict):
    pause_until: date = Field(description="no runs through this UTC date (inclusive); after today, within 366 days")
    reason: Annotated[Text, Field(max_length=500)] | None = None


class ScheduleIn(_Strict):
    hours: Annotated[list[Hour], Field(min_length=1, max_length=24), AfterValidator(_unique)] = Field(
        description="the UTC hours to run at: 1-24 unique hours 0-23, stored sorted", examples=[[8, 15, 20]])


class SettingsIn(_Strict):
    """The fields sent change; ``profile_id: null`` returns to the hour presets."""

    daily_token_budget: int | None = Field(default=None, ge=0, le=TOKEN_BUDGET_MAX,
                                           description="most Keepa tokens the day's scheduled runs may use")
    profile_id: uuid.UUID | None = Field(default=None, description="the AutoSourcing profile every run uses")

    @model_validator(mode="after")
    def _something(self) -> SettingsIn:
        if not self.model_fields_set:
            raise ValueError("send daily_token_budget, profile_id or both")
        if "daily_token_budget" in self.model_fields_set and self.daily_token_budget is None:
            raise ValueError("daily_token_budget cannot be null")
        return self

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class StatusOut(BaseModel):
    """The control values and what they mean now (UTC)."""

    enabled: bool = Field(description="the on/off flag")
    effective_enabled: bool = Field(description="on, and today neither a skip date nor paused")
    today: date
    scheduled_hours: list[int]
    skip_dates: list[date]
    pause_until: date | None
    pause_reason: str | None
    next_run_at: datetime | None = Field(description="the next scheduled hour a run would start; null when off")
    seconds_until_next_run: int | None
    daily_token_budget: int
    tokens_committed_today: int = Field(description="tokens today's scheduled runs used (or hold, while running)")
    profile_id: uuid.UUID | None = Field(description="the profile runs use; null: the hour presets")
    hour_presets: dict[str, dict[str, Any]] = Field(
        description="discovery by UTC hour (and 'default') when no profile is set")
    updated_at: datetime
    updated_by: str = Field(description="the API key id of the last write, or 'system'")


class SchedulerChangeOut(BaseModel):
    """One audited write to the control: who, when, the action and the values it changed (before and after)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    key_id: str = Field(description="the API key that wrote")
    changed_by: str = Field(validation_alias="key_name", description="that key's name")
    action: str = Field(description="enable, disable, pause, pause_today, schedule or settings")
    old_values: dict[str, Any] = Field(description="the changed values before the write ({} when none changed)")
    new_values: dict[str, Any] = Field(description="the same values after the write")
    reason: str | None
    changed_at: datetime


class ScheduleOut(BaseModel):
    previous_hours: list[int]
    scheduled_hours: list[int]


class SlotOut(BaseModel):
    """What the tick did at one scheduled hour."""

    model_config = ConfigDict(from_attributes=True)

    hour: int
    outcome: str = Field(description="SUBMITTED, SKIPPED or ERROR")
    reason: str | None = Field(description="why a slot ran nothing: budget_exceeded, keepa_tokens_insufficient, …")
    message: str | None
    run_id: uuid.UUID | None
    run_status: str | None


class TopOpportunityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    pick_id: uuid.UUID
    run_id: uuid.UUID
    asin: str
    roi_pct: DecimalNumber
    net_profit: DecimalNumber
    priority_tier: str


class MetricsOut(BaseModel):
    """One UTC day of scheduled runs, from their rows (manual runs are not counted)."""

    model_config = ConfigDict(from_attributes=True)

    day: date
    runs_submitted: int
    runs_completed: int = Field(description="runs that ended SUCCESS")
    runs_failed: int
    candidates_analysed: int
    picks_total: int
    tokens_used: int
    tokens_committed: int
    tokens_per_pick: DecimalNumber | None = Field(description="tokens used / picks, 1 dp; null without picks")
    tier_distribution: dict[str, int]
    avg_net_profit_by_tier: dict[str, DecimalNumber | None]
    bsr_coverage: dict[str, int] = Field(description="picks by sales rank: 0-50k, 50k-150k, 150k+")
    top_opportunity: TopOpportunityOut | None
    errors_count: int = Field(description="slots that failed plus runs that ended ERROR")
    last_run_at: datetime | None
    slots: list[SlotOut]
