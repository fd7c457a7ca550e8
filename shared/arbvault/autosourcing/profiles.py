"""Saved profiles: a name, a discovery config and a scoring config to start runs from."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
from arbvault.autosourcing.exceptions import ProfileNameTakenError, ProfileNotFoundError
from arbvault.models.autosourcing import AutosourcingProfile

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def get_profile(session: Session, profile_id: uuid.UUID) -> AutosourcingProfile:
    profile = session.get(AutosourcingProfile, profile_id)
    if profile is None:
        raise ProfileNotFoundError(profile_id)
    return profile


def profile_specs(profile: AutosourcingProfile) -> tuple[DiscoverySpec, ScoringSpec]:
    """What a run from ``profile`` discovers and how it scores."""
    return DiscoverySpec.from_dict(profile.discovery_config), ScoringSpec.from_dict(profile.scoring_config)


def active_profile(session: Session, profile_id: uuid.UUID) -> AutosourcingProfile:
    """The profile, locked for this transaction; 404 when unknown or deactivated."""
    profile = session.get(AutosourcingProfile, profile_id, with_for_update=True)
    if profile is None or not profile.active:
        raise ProfileNotFoundError(profile_id)
    return profile


def list_profiles(session: Session, *, active_only: bool) -> list[AutosourcingProfile]:
    """Most recently used first, then by name."""
    query = select(AutosourcingProfile)
    if active_only:
        query = query.where(AutosourcingProfile.active.is_(True))
    order = (AutosourcingProfile.last_used_at.desc().nulls_last(), AutosourcingProfile.name)
    return list(session.scalars(query.order_by(*order)))


def create_profile(session: Session, values: dict[str, Any]) -> AutosourcingProfile:
    """Insert a profile; 409 when the name is taken (the unique index decides under races)."""
    profile_id = session.execute(pg_insert(AutosourcingProfile).values(id=uuid.uuid4(), **values)
                                 .on_conflict_do_nothing(index_elements=["name"])
                                 .returning(AutosourcingProfile.id)).scalar_one_or_none()
    if profile_id is None:
        raise ProfileNameTakenError(values["name"])
    return session.get_one(AutosourcingProfile, profile_id)


def update_profile(session: Session, profile_id: uuid.UUID, values: dict[str, Any]) -> AutosourcingProfile:
    """Change the given fields; 404 unknown, 409 when the new name is another profile's."""
    profile = get_profile(session, profile_id)
    name = values.get("name")
    if name is not None and name != profile.name and session.scalar(
            select(AutosourcingProfile.id).where(AutosourcingProfile.name == name)) is not None:
        raise ProfileNameTakenError(name)
    for field, value in values.items():
        setattr(profile, field, value)
    session.flush()
    session.refresh(profile)
    return profile
