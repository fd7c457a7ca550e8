"""The daily tracker: one point per tracked product and day, tokens only for stale snapshots, under the daily
budget, resumable, and idempotent (a second run the same day adds no point)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from history_support import OTHER_SOURCER, watch
from sqlalchemy import select

from arbvault.catalog.single import lookup_one
from arbvault.db import session_scope
from arbvault.history.tracker import run_tracker, tracking_targets
from arbvault.models.autosourcing import AutosourcingPick, AutosourcingRun
from arbvault.models.job import Job
from arbvault.settings import reset_settings
from db_testing import execute, rows, scalar
from infra.keepa_offline import OfflineKeepa
from keepa_testing import MakeKeepa, book_asins, product_requests, spent
from support import SOURCER


def watch_directly(asins: list[str], owner: str = SOURCER["key_id"]) -> None:
    """Watches written as the watch route leaves them, without spending a token."""
    for asin in asins:
        execute("INSERT INTO asin_watches (id, owner_key_id, domain_id, asin) VALUES (:id, :owner, 1, :asin)",
                id=uuid.uuid4(), owner=owner, asin=asin)


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch) -> object:
    """Set the tracker's daily token budget for the test."""

    def set_budget(tokens: int) -> None:
        monkeypatch.setenv("HISTORY_DAILY_TOKEN_BUDGET", str(tokens))
        reset_settings()

    yield set_budget
    monkeypatch.undo()
    reset_settings()


def points() -> list[dict[str, object]]:
    return rows("SELECT * FROM asin_history ORDER BY asin, tracked_on")


def test_one_point_per_product_and_day_and_a_second_run_adds_none(keepa: OfflineKeepa) -> None:
    asins = book_asins(3, start=100)
    for asin in asins:
        assert watch(asin)[0] == 201
    assert watch(asins[0], identity=OTHER_SOURCER)[0] == 201  # two keys, one product: tracked once
    execute("TRUNCATE keepa_snapshots")  # every snapshot stale: each point costs a token
    requests_before, spent_before = len(product_requests(keepa)), spent(keepa)

    first = run_tracker()
    second = run_tracker()

    assert first.stop_reason == "DONE" and first.points_recorded == 3
    assert first.tokens_used == 3 == spent(keepa) - spent_before and first.keepa_requested == 3
    assert second.stop_reason == "DONE" and second.points_recorded == 0 and second.tokens_used == 0
    assert len(product_requests(keepa)) == requests_before + 1  # one request for the three, none the second time
    stored = points()
    assert [p["asin"] for p in stored] == sorted(asins)
    assert {p["tracked_on"] for p in stored} == {datetime.now(UTC).date()}
    (day,) = rows("SELECT * FROM asin_tracker_days")
    assert day["tokens_used"] == 3 and day["points_recorded"] == 3 and day["runs"] == 2
    assert day["lease_expires_at"] is None


def test_a_point_holds_the_products_price_rank_offers_and_amazon(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1, start=120)
    watch_directly([asin])

    report = run_tracker()

    assert report.points_recorded == 1
    product = lookup_one(asin).item.parse()  # the snapshot the tracker stored
    (point,) = points()
    assert point["price"] == product.prices.new and point["bsr"] == product.bsr and point["bsr"] > 0
    assert point["seller_count"] == product.offer_counts.new
    assert point["amazon_on_listing"] == product.amazon_on_listing
    assert point["extra_data"]["title"] == product.title


def test_fresh_snapshots_cost_no_tokens(keepa: OfflineKeepa) -> None:
    asins = book_asins(2, start=130)
    for asin in asins:
        assert watch(asin)[0] == 201  # watching stored each product's snapshot
    requests_before = len(product_requests(keepa))

    report = run_tracker()

    assert report.points_recorded == 2 and report.from_snapshots == 2 and report.tokens_used == 0
    assert len(product_requests(keepa)) == requests_before


def test_the_daily_budget_caps_spending_and_later_runs_resume(keepa: OfflineKeepa, budget: object) -> None:
    budget(2)  # type: ignore[operator]
    asins = book_asins(5, start=140)
    watch_directly(asins)

    first = run_tracker()
    again = run_tracker()

    assert first.stop_reason == "BUDGET_SPENT" and first.points_recorded == 2 and first.skipped_for_budget == 3
    assert first.tokens_used_today == 2 == spent(keepa)
    assert again.stop_reason == "BUDGET_SPENT" and again.points_recorded == 0 and again.tokens_used == 0
    assert spent(keepa) == 2

    # a product someone else looked up meanwhile has a fresh snapshot: its point costs nothing, budget or not
    lookup_one(asins[4])
    free = run_tracker()
    assert free.points_recorded == 1 and free.from_snapshots == 1 and free.tokens_used == 0
    assert [p["asin"] for p in points()] == [*asins[:2], asins[4]]


def test_the_budget_is_per_day(keepa: OfflineKeepa, budget: object) -> None:
    budget(2)  # type: ignore[operator]
    watch_directly(book_asins(3, start=150))
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    execute("INSERT INTO asin_tracker_days (day, tokens_used) VALUES (:day, 2)", day=yesterday)

    report = run_tracker()

    assert report.tokens_used == 2 and report.points_recorded == 2 and report.stop_reason == "BUDGET_SPENT"
    assert scalar("SELECT tokens_used FROM asin_tracker_days WHERE day = :day", day=yesterday) == 2


def test_a_short_keepa_balance_stops_the_run_after_the_free_points(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=3, refill_rate=1)
    asins = book_asins(5, start=160)
    lookup_one(asins[0])  # 1 token: its snapshot is fresh
    watch_directly(asins)

    report = run_tracker()

    assert report.stop_reason == "TOKENS_SHORT"
    assert report.points_recorded == 1 and report.from_snapshots == 1 and report.tokens_used == 0
    assert len(product_requests(keepa)) == 1  # the guard refused the 4 stale ones before asking Keepa
    assert scalar("SELECT last_stop_reason FROM asin_tracker_days") == "TOKENS_SHORT"


def test_a_run_leaves_the_day_to_another_run_holding_its_lease(keepa: OfflineKeepa) -> None:
    watch_directly(book_asins(1, start=170))
    now = datetime.now(UTC)
    execute("INSERT INTO asin_tracker_days (day, lease_expires_at) VALUES (:day, :until)",
            day=now.date(), until=now + timedelta(minutes=5))

    report = run_tracker(now=now)

    assert report.stop_reason == "ALREADY_RUNNING" and report.points_recorded == 0
    assert points() == []
    # a lease past its expiry (a crashed run) is taken over
    assert run_tracker(now=now + timedelta(minutes=6)).points_recorded == 1


def test_a_run_out_of_time_stops_before_the_next_step(keepa: OfflineKeepa) -> None:
    watch_directly(book_asins(2, start=180))

    report = run_tracker(time_left=lambda: 10.0)

    assert report.stop_reason == "TIME_UP" and report.points_recorded == 0
    assert spent(keepa) == 0


def test_the_targets_are_each_watched_product_once(database_url: str) -> None:
    watch_directly(["0134685997", "1739104269"])
    watch_directly(["0134685997"], owner=OTHER_SOURCER["key_id"])

    with session_scope() as session:
        targets = sorted(session.execute(select(tracking_targets().subquery())).all())

    assert targets == [(1, "0134685997"), (1, "1739104269")]


def pick_directly(domain_id: int, actions: dict[str, str]) -> None:
    """A settled AutoSourcing run of ``domain_id`` whose picks (ASIN: action) are written as the run leaves them."""
    job_id = uuid.uuid4()
    with session_scope() as session:
        session.add(Job(id=job_id, kind="autosourcing", status="SUCCESS", owner_key_id=SOURCER["key_id"],
                        params={"domain_id": domain_id}, items_total=len(actions), chunks_total=1, tokens_used=0))
        session.flush()
        session.add(AutosourcingRun(job_id=job_id, owner_key_id=SOURCER["key_id"],
                                    discovery_config={"domain_id": domain_id, "max_results": 10},
                                    scoring_config={}, tokens_estimated=0))
        session.flush()
        for asin, action in actions.items():
            session.add(AutosourcingPick(run_id=job_id, owner_key_id=SOURCER["key_id"], asin=asin, net_profit=1,
                                         roi_pct=10, velocity_score=50, stability_score=50, confidence_score=50,
                                         overall_rating="FAIR", priority_tier="WATCH", readable_summary="a pick",
                                         action=action))


def test_picks_marked_to_buy_or_favorite_are_targets_in_their_runs_marketplace(database_url: str) -> None:
    watch_directly(["0134685997"])
    pick_directly(1, {"0134685997": "TO_BUY", "1739104269": "FAVORITE", "0596007124": "PENDING",
                      "0262033844": "IGNORED", "1449355730": "ANALYZING"})
    pick_directly(1, {"1739104269": "TO_BUY"})  # picked again by a later run: still one target
    pick_directly(3, {"3426281546": "FAVORITE"})

    with session_scope() as session:
        targets = sorted(session.execute(select(tracking_targets().subquery())).all())

    assert targets == [(1, "0134685997"), (1, "1739104269"), (3, "3426281546")]
