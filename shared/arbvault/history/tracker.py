"""The daily tracker: one point per tracked product and day (UTC), from snapshots fresh enough, under a budget.

A run walks the targets that have no point for today, 100 at a time. Products with a snapshot younger than
``HISTORY_SNAPSHOT_MAX_AGE_SECONDS`` cost nothing; the stale ones are fetched from Keepa while the day's tokens
(``HISTORY_DAILY_TOKEN_BUDGET``, counted in ``asin_tracker_days``) last. Each chunk's points and tokens are
committed before the next chunk, so a run cut short (time, budget, Keepa's balance) loses nothing: the next
run of the same day starts from what is still missing. Points are unique per product and day, so a second run
adds none, and a lease on the day's ledger row keeps two runs from overlapping. The targets are one query, so
every source of tracked products is named in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby, islice
from typing import Any, Final, Literal

from sqlalchemy import CompoundSelect, and_, exists, select, union, update
from sqlalchemy.dialects.postgresql import insert

from arbvault.catalog.costs import product_lookup_cost
from arbvault.catalog.exceptions import TokenBudgetError, TokenCapacityError
from arbvault.catalog.lookup import CatalogProduct, fetch_products, identifiers_of
from arbvault.catalog.snapshots import freshness_cutoff, load_snapshots
from arbvault.db import session_scope
from arbvault.history.points import HISTORY_OPTIONS, insert_points, point_row
from arbvault.keepa.exceptions import TokensExhaustedError
from arbvault.models.asin_history import AsinHistoryPoint, AsinWatch, TrackerDay
from arbvault.models.autosourcing import AutosourcingPick, AutosourcingRun
from arbvault.settings import get_settings

CHUNK_SIZE = 100
"""Products per step: one Keepa request at most."""
LEASE_SECONDS = 360
"""Longer than the tracker function's timeout: a crashed run's lease lapses before the next hourly run."""
TIME_MARGIN_SECONDS = 30.0
"""A step is started only with at least this much invocation time left (a Keepa request takes seconds)."""

StopReason = Literal["DONE", "BUDGET_SPENT", "TOKENS_SHORT", "TIME_UP", "ALREADY_RUNNING", "FAILED"]


@dataclass(slots=True)
class TrackerReport:
    """What one run did, and what is left for today."""

    day: date
    stop_reason: StopReason = "DONE"
    points_recorded: int = 0
    from_snapshots: int = 0
    keepa_requested: int = 0
    not_found: int = 0
    skipped_for_budget: int = 0
    tokens_used: int = 0
    tokens_used_today: int = 0
    daily_budget: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat()}


def _pending(day: date) -> list[tuple[int, str]]:
    """Targets without a point for ``day``, by domain then ASIN."""
    targets = tracking_targets().subquery()
    has_point = exists().where(and_(AsinHistoryPoint.domain_id == targets.c.domain_id,
                                    AsinHistoryPoint.asin == targets.c.asin, AsinHistoryPoint.tracked_on == day))
    query = (select(targets.c.domain_id, targets.c.asin).where(~has_point)
             .order_by(targets.c.domain_id, targets.c.asin))
    with session_scope() as session:
        return [(int(domain_id), str(asin)) for domain_id, asin in session.execute(query)]


def _claim(day: date, now: datetime) -> int | None:
    """Take the day's lease; the tokens the day has spent so far, or ``None`` while another run holds it."""
    statement = insert(TrackerDay).values(day=day, lease_expires_at=now + timedelta(seconds=LEASE_SECONDS))
    claim = statement.on_conflict_do_update(
        index_elements=[TrackerDay.day], set_={"lease_expires_at": statement.excluded.lease_expires_at},
        where=TrackerDay.lease_expires_at.is_(None) | (TrackerDay.lease_expires_at < now),
    ).returning(TrackerDay.tokens_used)
    with session_scope() as session:
        spent = session.execute(claim).scalar_one_or_none()
    return None if spent is None else int(spent)


def _release(day: date, reason: StopReason) -> None:
    with session_scope() as session:
        session.execute(update(TrackerDay).where(TrackerDay.day == day).values(
            lease_expires_at=None, runs=TrackerDay.runs + 1, last_stop_reason=reason))


def _record(day: date, items: Sequence[CatalogProduct], *, domain_id: int, tracked_at: datetime,
            tokens: int) -> int:
    """Write the points of ``items`` and add the step's tokens and points to the day's ledger, in one commit."""
    rows = [point_row(item, domain_id=domain_id, day=day, tracked_at=tracked_at) for item in items]
    with session_scope() as session:
        added = insert_points(session, rows)
        session.execute(update(TrackerDay).where(TrackerDay.day == day).values(
            tokens_used=TrackerDay.tokens_used + tokens, points_recorded=TrackerDay.points_recorded + added))
    return added


def _chunks(asins: Sequence[str]) -> Iterator[list[str]]:
    iterator = iter(asins)
    while chunk := list(islice(iterator, CHUNK_SIZE)):
        yield chunk


def _fresh(asins: Sequence[str], *, domain_id: int, now: datetime, max_age_seconds: int) -> list[CatalogProduct]:
    """The products of ``asins`` whose snapshot is young enough to be today's point, at no token cost."""
    wanted = identifiers_of(asins)
    with session_scope() as session:
        snapshots = load_snapshots(session, wanted, domain_id=domain_id, options=HISTORY_OPTIONS,
                                   fresh_after=freshness_cutoff(now, max_age_seconds))
    return [CatalogProduct(identifier=identifier, raw=snapshot.product, fetched_at=snapshot.fetched_at,
                           from_snapshot=True, options=snapshot.options)
            for identifier in wanted if (snapshot := snapshots.get(identifier.value)) is not None]


def run_tracker(*, now: datetime | None = None, time_left: Callable[[], float] | None = None) -> TrackerReport:
    """Record today's missing points (see the module); ``time_left`` gives the invocation's seconds left."""
    now = now or datetime.now(UTC)
    day = now.astimezone(UTC).date()
    settings = get_settings()
    report = TrackerReport(day=day, daily_budget=settings.history_daily_token_budget)
    spent_before = _claim(day, now)
    if spent_before is None:
        report.stop_reason = "ALREADY_RUNNING"
        return report
    report.tokens_used_today = spent_before
    try:
        _track(report, now=now, time_left=time_left, max_age_seconds=settings.history_snapshot_max_age_seconds)
    except BaseException:
        report.stop_reason = "FAILED"
        raise
    finally:
        _release(day, report.stop_reason)
    return report


def _track(report: TrackerReport, *, now: datetime, time_left: Callable[[], float] | None,
           max_age_seconds: int) -> None:
    for domain_id, group in groupby(_pending(report.day), key=lambda target: target[0]):
        for chunk in _chunks([asin for _, asin in group]):
            if time_left is not None and time_left() < TIME_MARGIN_SECONDS:
                report.stop_reason = "TIME_UP"
                return
            if not _step(report, chunk, domain_id=domain_id, now=now, max_age_seconds=max_age_seconds):
                report.stop_reason = "TOKENS_SHORT"
                return
    if report.skipped_for_budget:
        report.stop_reason = "BUDGET_SPENT"


def _step(report: TrackerReport, chunk: Sequence[str], *, domain_id: int, now: datetime,
          max_age_seconds: int) -> bool:
    """Record the points of one chunk: fresh snapshots free, stale products from Keepa while the day's budget
    lasts. False when Keepa's balance was short (the free points are recorded all the same)."""
    fresh = _fresh(chunk, domain_id=domain_id, now=now, max_age_seconds=max_age_seconds)
    served = {item.asin for item in fresh}
    stale = [asin for asin in chunk if asin not in served]
    affordable = max(report.daily_budget - report.tokens_used_today, 0) // product_lookup_cost(1)
    to_fetch = stale[:affordable]
    report.skipped_for_budget += len(stale) - len(to_fetch)
    fetched: list[CatalogProduct] = []
    tokens = 0
    balance_short = False
    if to_fetch:
        try:
            lookup = fetch_products(to_fetch, domain_id=domain_id, options=HISTORY_OPTIONS,
                                    max_age_seconds=max_age_seconds)
        except (TokenBudgetError, TokenCapacityError, TokensExhaustedError):
            balance_short = True
        else:
            fetched, tokens = list(lookup.found.values()), lookup.tokens_consumed
            report.keepa_requested += lookup.keepa_requested
            report.not_found += len(lookup.not_found)
    if fresh or fetched or tokens:
        report.points_recorded += _record(report.day, [*fresh, *fetched], domain_id=domain_id,
                                          tracked_at=datetime.now(UTC), tokens=tokens)
    report.from_snapshots += len(fresh)
    report.tokens_used += tokens
    report.tokens_used_today += tokens
    return not balance_short


TRACKED_PICK_ACTIONS: Final = ("TO_BUY", "FAVORITE")
"""What an owner marks an AutoSourcing pick with for the tracker to follow it."""


def tracking_targets() -> CompoundSelect[int, str]:
    """``(domain_id, asin)`` of every product to track daily, each once: whatever any API key watches, and every
    AutoSourcing pick marked TO_BUY or FAVORITE (in the marketplace its run searched)."""
    watched = select(AsinWatch.domain_id, AsinWatch.asin)
    picked = (select(AutosourcingRun.discovery_config["domain_id"].as_integer().label("domain_id"),
                     AutosourcingPick.asin)
              .join(AutosourcingRun, AutosourcingRun.job_id == AutosourcingPick.run_id)
              .where(AutosourcingPick.action.in_(TRACKED_PICK_ACTIONS)))
    return union(watched, picked)
