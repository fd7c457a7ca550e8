"""The HTTP shapes of saved niches: the filters (a niche discover or analyze request), create and update bodies,
and the saved niche as every route returns it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from arbvault.jobs.schemas import job_status_url
from arbvault.niches.schemas import AnalyzeIn, DiscoverIn
from arbvault.web.schema_types import CategoryId, DecimalNumber, Text

if TYPE_CHECKING:
    from arbvault.models.saved_niche import SavedNiche
    from arbvault.niches.analyzer import AnalyzerPlan
    from arbvault.niches.discover import NichePlan

FILTERS_MAX_BYTES: Final = 2048
"""Largest filters object (as compact JSON) a saved niche takes; the largest valid request is about 400 bytes."""


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _capped(value: object) -> object:
    """``value`` unless its JSON is over :data:`FILTERS_MAX_BYTES`: refused whole, before any field is read."""
    if len(json.dumps(value, separators=(",", ":"), default=str)) > FILTERS_MAX_BYTES:
        raise PydanticCustomError("filters_too_large", "must be at most {limit} bytes of JSON",
                                  {"limit": FILTERS_MAX_BYTES})
    return value


NicheName = Annotated[Text, BeforeValidator(_strip), Field(min_length=1, max_length=255,
                                                           description="trimmed; unique per API key in any case")]
CategoryName = Annotated[Text, Field(max_length=255)]
Description = Annotated[Text, Field(max_length=1000)]
NicheScore = Annotated[DecimalNumber, Field(ge=0, le=10, decimal_places=2, allow_inf_nan=False,
                                            description="the niche's score (0-10) when it was saved")]


def _one_request_schema(schema: dict[str, Any]) -> None:
    """Document what ``SavedFilters`` takes: one property, an object (null is not "absent")."""
    for name, prop in schema["properties"].items():
        schema["properties"][name] = {**prop.pop("anyOf")[0], **{k: v for k, v in prop.items() if k != "default"}}
    schema.update(minProperties=1, maxProperties=1)


class SavedFilters(BaseModel):
    """The request the niche was found with, re-run by ``POST .../run``: exactly one of ``discover`` (a body of
    ``POST /api/v1/niches/discover``) or ``analyze`` (a body of ``POST /api/v1/niches/analyze``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_request_schema)

    discover: DiscoverIn | None = None
    analyze: AnalyzeIn | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SavedFilters:
        if len(self.model_fields_set) != 1 or (self.discover is None) == (self.analyze is None):
            raise PydanticCustomError("filters_kind", "must name exactly one of discover, analyze, as an object")
        return self

    def plan(self) -> NichePlan | AnalyzerPlan:
        """What re-running the filters does (reads the domain's rules for the live offers to fetch)."""
        if self.discover is not None:
            return self.discover.plan()
        assert self.analyze is not None  # exactly one is set
        return self.analyze.plan()

    def stored(self) -> dict[str, Any]:
        """The filters as saved: the request named, with every default filled in, numbers as JSON numbers."""
        return {kind: body for kind, body in self.model_dump(mode="json").items() if body is not None}


Filters = Annotated[SavedFilters, BeforeValidator(_capped)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SavedNicheIn(_Strict):
    niche_name: NicheName
    category_id: CategoryId | None = None
    category_name: CategoryName | None = None
    filters: Filters
    last_score: NicheScore | None = None
    description: Description | None = None

    def values(self) -> dict[str, Any]:
        return {**self.model_dump(exclude={"filters"}), "filters": self.filters.stored()}


class SavedNicheUpdateIn(_Strict):
    """The fields to change; absent ones stay. ``null`` clears category_id, category_name, last_score and
    description, and leaves niche_name and filters as they are."""

    niche_name: NicheName | None = None
    category_id: CategoryId | None = None
    category_name: CategoryName | None = None
    filters: Filters | None = None
    last_score: NicheScore | None = None
    description: Description | None = None

    def values(self) -> dict[str, Any]:
        sent = self.model_dump(exclude_unset=True, exclude={"filters"})
        values = {field: value for field, value in sent.items() if value is not None or field != "niche_name"}
        if self.filters is not None:
            values["filters"] = self.filters.stored()
        return values


class LastRunOut(BaseModel):
    """The ``niche`` job the niche's last re-run queued."""

    job_id: uuid.UUID
    status_url: str
    queued_at: datetime


class SavedNicheOut(BaseModel):
    id: uuid.UUID
    owner_key_id: str
    niche_name: str
    category_id: int | None
    category_name: str | None
    filters: dict[str, Any] = Field(description="as saved: {\"discover\": {...}} or {\"analyze\": {...}}, "
                                                "defaults filled in")
    last_score: DecimalNumber | None
    description: str | None
    last_run: LastRunOut | None = Field(description="null until POST .../run queued a job (or its job is gone)")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, saved: SavedNiche) -> SavedNicheOut:
        last_run = None
        if saved.last_run_job_id is not None and saved.last_run_at is not None:
            last_run = LastRunOut(job_id=saved.last_run_job_id, status_url=job_status_url(saved.last_run_job_id),
                                  queued_at=saved.last_run_at)
        return cls(id=saved.id, owner_key_id=saved.owner_key_id, niche_name=saved.niche_name,
                   category_id=saved.category_id, category_name=saved.category_name, filters=saved.filters,
                   last_score=saved.last_score, description=saved.description, last_run=last_run,
                   created_at=saved.created_at, updated_at=saved.updated_at)


class FiltersOut(BaseModel):
    filters: dict[str, Any] = Field(description="the saved request: post the body it names to that niches route")
