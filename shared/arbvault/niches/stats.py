"""Counts for the niches admin route, read from the database (nothing here is a constant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from arbvault.discovery import DISCOVERY_TTL
from arbvault.models import DiscoveryResult, Job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class NicheStats:
    niche_jobs_by_status: dict[str, int]
    niche_products_queued: int
    candidate_lists_fresh: int
    candidate_lists_stored: int


def niche_stats(session: Session, *, domain_id: int) -> NicheStats:
    """Niche jobs per status and the products they were given; candidate lists stored, and still fresh; all
    of Keepa domain ``domain_id``."""
    niche_jobs = (Job.kind == "niche", Job.params["domain_id"].as_integer() == domain_id)
    by_status = {status: total for status, total in session.execute(
        select(Job.status, func.count()).where(*niche_jobs).group_by(Job.status))}
    queued = session.scalar(select(func.coalesce(func.sum(Job.items_total), 0)).where(*niche_jobs))
    lists = select(func.count()).select_from(DiscoveryResult).where(DiscoveryResult.domain_id == domain_id)
    stored = session.scalar(lists)
    fresh = session.scalar(lists.where(DiscoveryResult.fetched_at > datetime.now(UTC) - DISCOVERY_TTL))
    return NicheStats(niche_jobs_by_status=by_status, niche_products_queued=int(queued or 0),
                      candidate_lists_fresh=int(fresh or 0), candidate_lists_stored=int(stored or 0))
