"""Product-finder results in PostgreSQL, one row per normalised filter set, fresh for 24 hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from arbvault.models.product_cache import DiscoveryResult

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.discovery.filters import CandidateSource, DiscoveryFilters

DISCOVERY_TTL: Final = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class StoredCandidates:
    """The candidates Keepa returned for one filter set, best first, and what fetching them cost."""

    source: CandidateSource
    asins: tuple[str, ...]
    total_results: int
    tokens_consumed: int
    fetched_at: datetime


def load_candidates(session: Session, filters: DiscoveryFilters, *, now: datetime) -> StoredCandidates | None:
    """The stored result for ``filters`` if younger than ``DISCOVERY_TTL`` at ``now``."""
    row = session.scalar(select(DiscoveryResult).where(DiscoveryResult.cache_key == filters.cache_key(),
                                                      DiscoveryResult.fetched_at > now - DISCOVERY_TTL))
    if row is None:
        return None
    return StoredCandidates(source=row.source, asins=tuple(row.asins),  # type: ignore[arg-type]
                            total_results=row.total_results, tokens_consumed=row.tokens_consumed,
                            fetched_at=row.fetched_at)


def save_candidates(session: Session, filters: DiscoveryFilters, candidates: StoredCandidates) -> None:
    """Store (or replace) the result for ``filters``."""
    values = {"cache_key": filters.cache_key(), "domain_id": filters.domain_id, "filters": filters.applied(),
              "source": candidates.source, "asins": list(candidates.asins),
              "total_results": candidates.total_results, "tokens_consumed": candidates.tokens_consumed,
              "fetched_at": candidates.fetched_at}
    statement = insert(DiscoveryResult).values(values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[DiscoveryResult.cache_key],
        set_={key: statement.excluded[key] for key in values if key != "cache_key"},
    ))
