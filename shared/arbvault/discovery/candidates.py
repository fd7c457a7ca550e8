"""Candidate ASINs for a filter set: the stored result when younger than a day, else one guarded Keepa call.

The call is the product finder or, for a category alone, its best-seller list (see ``filters``). It fetches
the whole candidate window whatever the caller asked for, so one stored result serves every ``max_results``.
Keepa is called outside any transaction, and the token balance is recorded after the call, failed or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.guard import guarded
from arbvault.db import session_scope
from arbvault.discovery.filters import CANDIDATE_WINDOW
from arbvault.discovery.results_store import StoredCandidates, load_candidates, save_candidates

if TYPE_CHECKING:
    from arbvault.discovery.filters import DiscoveryFilters
    from arbvault.keepa.client import KeepaClient


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidates for one request: ``stored`` is what Keepa answered, ``from_cache`` whether this request paid."""

    filters: DiscoveryFilters
    stored: StoredCandidates
    from_cache: bool

    @property
    def asins(self) -> tuple[str, ...]:
        return self.stored.asins

    @property
    def tokens_consumed(self) -> int:
        """Tokens this request spent on discovery (0 when served from the cache)."""
        return 0 if self.from_cache else self.stored.tokens_consumed


def _ask_keepa(client: KeepaClient, filters: DiscoveryFilters) -> StoredCandidates:
    with guarded(client, filters.cost):
        if filters.source == "bestsellers":
            assert filters.category is not None
            listing = client.best_sellers(filters.category)
            # A best-seller list can hold 500,000 ASINs; the window is all any request uses.
            asins, total = listing.asins[:CANDIDATE_WINDOW], len(listing.asins)
            consumed = client.balance.tokens_consumed if client.balance is not None else 0
        else:
            page = client.product_finder(filters.selection())
            asins, total, consumed = page.asins[:CANDIDATE_WINDOW], page.total_results, page.tokens_consumed
    return StoredCandidates(source=filters.source, asins=tuple(a.upper() for a in asins), total_results=total,
                            tokens_consumed=consumed, fetched_at=datetime.now(UTC))


def find_candidates(filters: DiscoveryFilters, *, force_refresh: bool = False,
                    client: KeepaClient | None = None) -> Candidates:
    """Candidates for ``filters``, from the cache unless ``force_refresh``; opens its own sessions.

    Raises ``TokenBudgetError`` (429, nothing spent) when the balance is short of the call's cost, and the
    Keepa client's errors (429 ``TokensExhaustedError``, 503).
    """
    client = client or keepa_client(filters.domain_id)
    if not force_refresh:
        with session_scope() as session:
            cached = load_candidates(session, filters, now=datetime.now(UTC))
        if cached is not None:
            return Candidates(filters=filters, stored=cached, from_cache=True)
    fetched = _ask_keepa(client, filters)
    with session_scope() as session:
        save_candidates(session, filters, fetched)
    return Candidates(filters=filters, stored=fetched, from_cache=False)
