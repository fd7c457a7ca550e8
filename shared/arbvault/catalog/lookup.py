"""Product lookups through the snapshot store: fresh snapshots and known misses first, Keepa for the rest.

Keepa is called outside any database transaction (an offers fetch takes seconds), behind the token guard, and
its balance is recorded after the call whether it succeeded or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from arbvault.catalog.clients import keepa_client
from arbvault.catalog.costs import product_lookup_cost
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.guard import check_tokens, remember_balance
from arbvault.catalog.snapshots import (
    Snapshot,
    freshness_cutoff,
    load_misses,
    load_snapshots,
    save_misses,
    save_snapshots,
)
from arbvault.catalog.timing import Timings
from arbvault.db import session_scope
from arbvault.identifiers import Identifier, normalise
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.keepa.client import KeepaClient
    from arbvault.keepa.product import KeepaProduct
    from arbvault.keepa.results import RawProductLookup


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    """The raw Keepa product found for one identifier, and whether it came from a stored snapshot."""

    identifier: Identifier
    raw: dict[str, Any]
    fetched_at: datetime
    from_snapshot: bool
    options: FetchOptions

    @property
    def asin(self) -> str:
        return str(self.raw.get("asin") or "").upper()

    def parse(self) -> KeepaProduct:
        """The typed product (pure parsing; callers time it as analysis)."""
        from arbvault.keepa.parsing import parse_product

        return parse_product(self.raw)


@dataclass(frozen=True, slots=True)
class FetchedSnapshots:
    """Products just fetched from Keepa, to be stored as snapshots by whoever holds the right transaction."""

    products: tuple[Mapping[str, Any], ...]
    domain_id: int
    options: FetchOptions
    fetched_at: datetime

    def save(self, session: Session) -> None:
        """Write them in ``session``'s transaction."""
        save_snapshots(session, self.products, domain_id=self.domain_id, options=self.options,
                       fetched_at=self.fetched_at)


@dataclass(slots=True)
class CatalogLookup:
    """Products by identifier value (request order), what Keepa had nothing for, and what it cost."""

    found: dict[str, CatalogProduct]
    not_found: tuple[str, ...]
    tokens_consumed: int
    snapshot_hits: int
    """Identifiers answered from stored snapshots, without a Keepa call."""
    miss_hits: int
    """Identifiers reported not found from recent misses, without a Keepa call."""
    keepa_requested: int
    """Identifiers sent to Keepa."""
    timings: Timings = field(default_factory=Timings)
    unsaved: FetchedSnapshots | None = None
    """With ``complete_lookup(store_snapshots=False)``: the fetched products, for the caller to save."""


def identifiers_of(values: Iterable[str | Identifier]) -> list[Identifier]:
    """Normalised and de-duplicated, first occurrence first (``InvalidIdentifierError`` on a bad one)."""
    return list(dict.fromkeys(v if isinstance(v, Identifier) else normalise(v) for v in values))


def _from_snapshot(identifier: Identifier, snapshot: Snapshot) -> CatalogProduct:
    return CatalogProduct(identifier=identifier, raw=snapshot.product, fetched_at=snapshot.fetched_at,
                          from_snapshot=True, options=snapshot.options)


def stored_since(identifier: Identifier, *, domain_id: int, options: FetchOptions,
                 fetched_after: datetime) -> CatalogProduct | None:
    """The stored snapshot of ``identifier`` serving ``options`` if it was fetched after ``fetched_after``, whatever
    its age (never a Keepa call); ``None`` otherwise. Opens its own session."""
    with session_scope() as session:
        found = load_snapshots(session, [identifier], domain_id=domain_id, options=options, fresh_after=fetched_after)
    snapshot = found.get(identifier.value)
    return _from_snapshot(identifier, snapshot) if snapshot is not None else None


@dataclass(slots=True)
class LookupPlan:
    """What a lookup found stored (fresh snapshots, recent misses) and what it must ask Keepa for."""

    wanted: Sequence[Identifier]
    snapshots: dict[str, Snapshot]
    misses: set[str]
    remaining: list[Identifier]
    domain_id: int
    options: FetchOptions
    now: datetime
    timings: Timings


def plan_lookup(identifiers: Iterable[str | Identifier], *, domain_id: int = 1, options: FetchOptions | None = None,
                force_refresh: bool = False, client: KeepaClient | None = None,
                max_age_seconds: int | None = None) -> LookupPlan:
    """Read the fresh snapshots and recent misses of ``identifiers`` and check the tokens the rest will cost.

    A snapshot is fresh for ``max_age_seconds`` (default ``KEEPA_SNAPSHOT_TTL_SECONDS``); ``force_refresh``
    skips snapshots and misses. Opens its own session: call it while holding none. Raises
    ``InvalidIdentifierError`` (422), ``TokenBudgetError`` (429, before any spend), ``TokenCapacityError`` (413).
    """
    timings = Timings()
    options = options or FetchOptions()
    wanted: Sequence[Identifier] = identifiers_of(identifiers)
    client = client or keepa_client(domain_id)
    settings = get_settings()
    now = datetime.now(UTC)
    snapshots: dict[str, Snapshot] = {}
    misses: set[str] = set()
    with timings.measure("database"), session_scope() as session:
        if not force_refresh:
            snapshots = load_snapshots(session, wanted, domain_id=domain_id, options=options,
                                       fresh_after=freshness_cutoff(now, settings.keepa_snapshot_ttl_seconds
                                                                    if max_age_seconds is None else max_age_seconds))
            misses = load_misses(session, [i.value for i in wanted if i.value not in snapshots],
                                 domain_id=domain_id,
                                 fresh_after=freshness_cutoff(now, settings.keepa_not_found_ttl_seconds))
        remaining = [i for i in wanted if i.value not in snapshots and i.value not in misses]
        check_tokens(session, client, product_lookup_cost(len(remaining), offers=options.offers,
                                                          buybox=options.buybox))
    return LookupPlan(wanted, snapshots, misses, remaining, domain_id, options, now, timings)


def ask_keepa(plan: LookupPlan, client: KeepaClient) -> RawProductLookup | None:
    """Keepa's answer for what ``plan`` found nothing stored for (``None`` when that is nothing). No database:
    a batch worker runs it in a thread of its own while it stores the previous chunk."""
    if not plan.remaining:
        return None
    return client.fetch_raw_products(plan.remaining, **plan.options.client_options())


def complete_lookup(plan: LookupPlan, fetch: Callable[[], RawProductLookup | None], client: KeepaClient, *,
                    store_snapshots: bool = True) -> CatalogLookup:
    """Wait for ``fetch`` (``ask_keepa``, or its future's result), record the balance, the misses and, with
    ``store_snapshots``, the snapshots, and return the lookup. Opens its own session.

    Without ``store_snapshots`` the fetched products are returned as ``unsaved``: a batch chunk writes them in the
    transaction that writes its analyses.
    Raises the Keepa client's errors (429 ``TokensExhaustedError``, 503) after recording the balance.
    """
    timings = plan.timings
    try:
        # Time at Keepa only when something was asked: a lookup answered from storage spends none.
        with timings.measure("keepa") if plan.remaining else nullcontext():
            raw = fetch()
    except BaseException:
        with timings.measure("database"), session_scope() as session:
            remember_balance(session, client)
        raise
    fetched: dict[str, dict[str, Any]] = {}
    unsaved: FetchedSnapshots | None = None
    consumed = 0
    fetched_at = plan.now
    if raw is not None:
        fetched, consumed, fetched_at = raw.found, raw.tokens_consumed, datetime.now(UTC)
        unsaved = FetchedSnapshots(tuple(fetched.values()), plan.domain_id, plan.options, fetched_at)
        with timings.measure("database"), session_scope() as session:
            if store_snapshots:
                unsaved.save(session)
            save_misses(session, raw.missing, domain_id=plan.domain_id, checked_at=fetched_at)
            remember_balance(session, client)
    found: dict[str, CatalogProduct] = {}
    for identifier in plan.wanted:
        if identifier.value in plan.snapshots:
            found[identifier.value] = _from_snapshot(identifier, plan.snapshots[identifier.value])
        elif identifier.value in fetched:
            found[identifier.value] = CatalogProduct(identifier=identifier, raw=fetched[identifier.value],
                                                     fetched_at=fetched_at, from_snapshot=False,
                                                     options=plan.options)
    return CatalogLookup(
        found=found,
        not_found=tuple(i.value for i in plan.wanted if i.value not in found),
        tokens_consumed=consumed,
        snapshot_hits=len(plan.snapshots),
        miss_hits=len(plan.misses),
        keepa_requested=len(plan.remaining),
        timings=timings.finish(),
        unsaved=None if store_snapshots else unsaved,
    )


def fetch_products(
    identifiers: Iterable[str | Identifier],
    *,
    domain_id: int = 1,
    options: FetchOptions | None = None,
    force_refresh: bool = False,
    client: KeepaClient | None = None,
    max_age_seconds: int | None = None,
) -> CatalogLookup:
    """Look products up, paying Keepa only for what no fresh snapshot (or recent miss) answers.

    ``plan_lookup``, ``ask_keepa`` and ``complete_lookup`` in one go; a snapshot younger than ``max_age_seconds``
    (default ``KEEPA_SNAPSHOT_TTL_SECONDS``) is fresh. ``force_refresh`` skips snapshots and
    misses. Opens its own sessions: call it while holding none. Raises ``InvalidIdentifierError`` (422),
    ``TokenBudgetError`` (429, before any spend), ``TokenCapacityError`` (413), and the Keepa client's errors
    (429 ``TokensExhaustedError``, 503).
    """
    client = client or keepa_client(domain_id)
    plan = plan_lookup(identifiers, domain_id=domain_id, options=options, force_refresh=force_refresh,
                       client=client, max_age_seconds=max_age_seconds)
    return complete_lookup(plan, lambda: ask_keepa(plan, client), client)
