"""Runs: the safeguards answer before a token is spent; a run is a job whose worker discovers, analyses and
stores rated, tiered picks once; reads of runs, tiers, latest and today's opportunity; owner scoping."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from autosourcing_support import DISCOVERY, OPEN_SCORING, SEEDED_PROFILES, get_run, request, start_run

from arbvault.autosourcing.runs import discover, finish_run
from arbvault.config.updates import update_scope
from arbvault.db import session_scope
from db_testing import execute, scalar
from infra.keepa_offline import OfflineKeepa
from jobs_testing import EventSource, JobQueues, run_worker
from keepa_testing import MakeKeepa, paid, product_requests, store_balance
from support import ADMIN, SOURCER

OTHER = {"key_id": "00000000-0000-0000-0000-0000000000c3", "key_name": "other-sourcer", "role": "sourcer"}
RUN = {"discovery_config": DISCOVERY, "scoring_config": OPEN_SCORING}


def _run_to_the_end(queues: JobQueues, body: dict = RUN, identity: dict[str, str] = SOURCER) -> dict:
    status, _headers, job = start_run(body, identity)
    assert status == 202, job
    run_worker(queues)
    status, run = get_run(job["id"], identity)
    assert status == 200, run
    return run


def test_a_run_is_queued_then_the_worker_discovers_analyses_and_stores_tiered_picks(
        queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, headers, job = start_run(RUN)

    assert status == 202, job
    assert headers["location"] == f"/api/v1/autosourcing/runs/{job['id']}"
    # The finder (10 + 1 per 100 ASINs) and 40 lookups with one page of live offers each (6 tokens).
    assert (job["kind"], job["status"], job["tokens_estimated"]) == ("autosourcing", "PENDING", 12 + 40 * 6)
    assert scalar("SELECT params->>'offers' FROM jobs WHERE id = :id", id=uuid.UUID(job["id"])) == "20"
    assert paid(keepa) == []  # discovery happens in the job, not the request
    status, run = get_run(job["id"])
    assert (run["status"], run["candidates_found"], run["picks"]) == ("PENDING", None, [])

    run_worker(queues)

    status, run = get_run(job["id"])
    assert run["status"] == "SUCCESS", run
    assert run["candidates_found"] == 40 and run["progress"]["total"] == 40
    assert run["tokens_used"] > 0
    assert product_requests(keepa) and all(r.params["offers"] == "20" for r in product_requests(keepa))
    analysed = scalar("SELECT count(*) FROM analyses WHERE job_id = :id AND roi_pct IS NOT NULL",
                      id=uuid.UUID(job["id"]))
    assert 0 < run["picks_total"] == len(run["picks"]) == analysed
    rois = [pick["roi_pct"] for pick in run["picks"]]
    assert rois == sorted(rois, reverse=True)
    for pick in run["picks"]:  # bought at a live offer, so the ROI is that of real prices
        buy, sell, profit = (Decimal(str(pick[k])) for k in ("buy_price", "sell_price", "net_profit"))
        assert buy > 0 and sell > 0
        # the profit is shown rounded to the cent (half a cent is 0.5 / buy percentage points), the ROI too
        assert abs(Decimal(str(pick["roi_pct"])) - profit / buy * 100) <= Decimal("0.5") / buy + Decimal("0.01")
    assert {pick["priority_tier"] for pick in run["picks"]} <= {"HOT", "TOP", "WATCH", "OTHER"}
    assert all(pick["is_featured"] == (pick["priority_tier"] == "HOT") for pick in run["picks"])
    assert all(pick["action"] == "PENDING" and pick["readable_summary"] for pick in run["picks"])

    status, tiers = get_run(job["id"], suffix="/tiers")
    assert status == 200, tiers
    assert sum(stats["count"] for stats in tiers["tier_stats"].values()) == run["picks_total"]
    for name, picks in tiers["tiers"].items():
        assert all(pick["priority_tier"] == name for pick in picks)


def test_finishing_twice_or_redelivering_discovery_adds_nothing(queues: JobQueues, keepa: OfflineKeepa) -> None:
    run = _run_to_the_end(queues)
    run_id = uuid.UUID(run["id"])
    requests_before = len(paid(keepa))

    assert discover(run_id).action == "skipped"
    assert finish_run(run_id) is None

    assert scalar("SELECT count(*) FROM autosourcing_picks WHERE run_id = :id", id=run_id) == run["picks_total"]
    assert scalar("SELECT count(*) FROM job_chunks WHERE job_id = :id", id=run_id) == 1
    assert len(paid(keepa)) == requests_before


def test_the_scoring_config_rates_and_keeps_picks(queues: JobQueues, keepa: OfflineKeepa) -> None:
    strict = {**OPEN_SCORING, "roi_min": 10_000}
    run = _run_to_the_end(queues, {"discovery_config": DISCOVERY, "scoring_config": strict})

    assert run["status"] == "SUCCESS" and run["picks"] == []

    capped = _run_to_the_end(queues, {"discovery_config": {**DISCOVERY, "max_results": 41},
                                      "scoring_config": {**OPEN_SCORING, "max_results": 3}})
    assert len(capped["picks"]) == 3


def test_picks_of_the_last_seven_days_are_not_picked_again(queues: JobQueues, keepa: OfflineKeepa) -> None:
    first = _run_to_the_end(queues)
    again = _run_to_the_end(queues)
    other_owner = _run_to_the_end(queues, identity=OTHER)

    assert first["picks"] and again["picks"] == []
    assert {p["asin"] for p in other_owner["picks"]} == {p["asin"] for p in first["picks"]}


def test_a_run_from_a_profile_counts_its_use(queues: JobQueues, keepa: OfflineKeepa) -> None:
    _, _, profiles = request("GET", "/profiles")
    niche = next(p for p in profiles if p["name"] == SEEDED_PROFILES[2])

    status, _, job = start_run({"profile_id": niche["id"]})

    assert status == 202, job
    _, run = get_run(job["id"])
    assert run["profile_name"] == "Niche Explorer" and run["scoring_config"]["max_results"] == 10
    _, _, after = request("GET", "/profiles")
    used = next(p for p in after if p["id"] == niche["id"])
    assert used["usage_count"] == 1 and used["last_used_at"] is not None
    assert after[0]["id"] == niche["id"]  # most recently used first


def test_too_expensive_is_422_naming_the_limit_before_any_token(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, answer = start_run({"discovery_config": {**DISCOVERY, "max_results": 200}})

    assert status == 422, answer
    (detail,) = answer["error"]["details"]
    assert (detail["limit"], detail["job_tokens_max"], detail["tokens_estimated"]) == (
        "job_tokens_max", 400, 12 + 200 * 6)
    assert paid(keepa) == [] and queues.messages() == []
    assert scalar("SELECT count(*) FROM jobs") == 0


def test_short_balance_is_429_with_retry_after_and_the_deficit(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=60, refill_rate=20)
    store_balance(60, refill_in_ms=30_000, refill_rate=20, observed_at=datetime.now(UTC))

    status, headers, answer = start_run(RUN)

    assert status == 429, answer
    (detail,) = answer["error"]["details"]
    needed = 12 + 40 * 6 + 50  # the run with live offers, and the balance kept after it
    assert (detail["required"], detail["balance"], detail["deficit"]) == (needed, 60, needed - 60)
    assert int(headers["retry-after"]) >= 1
    assert paid(keepa) == [] and scalar("SELECT count(*) FROM jobs") == 0

    status, _, estimate = request("POST", "/estimate", json_body={"discovery_config": DISCOVERY})
    assert status == 200, estimate
    assert (estimate["tokens_estimated"], estimate["balance"], estimate["safe_to_proceed"]) == (12 + 40 * 6, 60, False)
    assert "short" in estimate["warning_message"]


@pytest.mark.parametrize(("sell", "scoring", "per_candidate"), [
    ("current_buy_box", {}, 6),  # Keepa sends the Buy Box only with the offers, whoever gives the buy price
    ("avg90_buy_box", {"buy_price": 4}, 6),
    ("current_new", {}, 1),  # the lowest new and used prices come with every lookup
])
def test_the_estimate_prices_offers_exactly_when_the_rules_read_an_offer_price(
        keepa: OfflineKeepa, domain_id: int, sell: str, scoring: dict[str, Any], per_candidate: int) -> None:
    # GIVEN a domain whose every strategy buys at the lowest used price and sells at ``sell``
    sources = {"buy_price_source": "current_used", "sell_price_source": sell}
    with session_scope() as session:
        update_scope(session, scope=f"domain:{domain_id}", changed_by="test",
                     patch={"strategies": dict.fromkeys(("textbook", "velocity", "balanced"), sources)})
    store_balance(5_000, refill_in_ms=30_000, refill_rate=20, observed_at=datetime.now(UTC))  # no /token asked
    # WHEN a run of 40 candidates there is estimated
    status, _, estimate = request("POST", "/estimate", json_body={
        "discovery_config": {**DISCOVERY, "domain_id": domain_id}, "scoring_config": scoring})
    # THEN each lookup costs a page of offers (6) only when the sell price comes with them
    assert status == 200, estimate
    assert (estimate["discovery_tokens"], estimate["details_tokens"]) == (12, 40 * per_candidate)
    assert not keepa.requests


def test_runs_are_the_callers_own(queues: JobQueues, keepa: OfflineKeepa) -> None:
    run = _run_to_the_end(queues)

    status, _ = get_run(run["id"], OTHER)
    assert status == 404
    assert get_run(run["id"], ADMIN)[0] == 200
    _, _, page = request("GET", "/runs", identity=OTHER)
    assert page == {"items": [], "next_cursor": None}
    _, _, page = request("GET", "/runs", query="limit=1")
    assert [item["id"] for item in page["items"]] == [run["id"]] and page["next_cursor"] is None


def test_runs_page_by_cursor_and_latest_and_opportunity_of_day(queues: JobQueues, keepa: OfflineKeepa) -> None:
    first = _run_to_the_end(queues)
    second = _run_to_the_end(queues, {"discovery_config": {**DISCOVERY, "max_results": 41},
                                      "scoring_config": OPEN_SCORING})

    _, _, page = request("GET", "/runs", query="limit=1")
    assert [item["id"] for item in page["items"]] == [second["id"]]
    _, _, rest = request("GET", "/runs", query=f"limit=1&cursor={page['next_cursor']}")
    assert [item["id"] for item in rest["items"]] == [first["id"]] and rest["next_cursor"] is None

    _, _, latest = request("GET", "/latest")
    assert latest["id"] == second["id"]
    _, _, best = request("GET", "/opportunity-of-day")
    top_roi = max(p["roi_pct"] for p in first["picks"] + second["picks"])
    shown = Decimal(str(top_roi)).quantize(Decimal("0.1"), ROUND_HALF_UP)  # the message rounds half up
    assert best["pick"]["roi_pct"] == top_roi and f"{shown}%" in best["message"]
    assert request("GET", "/latest", identity=OTHER)[2] is None
    assert request("GET", "/opportunity-of-day", identity=OTHER)[2] is None


def test_run_body_must_name_one_source() -> None:
    status, _, answer = start_run({"profile_id": str(uuid.uuid4()), "discovery_config": DISCOVERY})
    assert status == 422 and answer["error"]["code"] == "validation_error"
    status, _, answer = start_run({})
    assert status == 422
    missing = str(uuid.uuid4())
    status, _, answer = start_run({"profile_id": missing})
    assert status == 404 and answer["error"]["code"] == "profile_not_found"


def test_a_discovery_that_keeps_failing_ends_the_run_in_error_through_the_dlq(
        make_queues: Callable[..., JobQueues], sqs: Any, keepa: OfflineKeepa) -> None:
    queues = make_queues(visibility_seconds=1)
    worker = EventSource(sqs, queues.jobs_url, "batch_worker", batch_size=4, timeout_seconds=0.5)
    dlq = EventSource(sqs, queues.dlq_url, "dlq_handler", batch_size=10)
    status, _, job = start_run(RUN)
    assert status == 202, job
    keepa.fail_next(1_000, status=503)

    worker.run_until(lambda: scalar("SELECT count(*) FROM job_dead_letters") == 1, timeout=40, also=[dlq])

    _, run = get_run(job["id"])
    assert run["status"] == "ERROR", run
    assert run["error_summary"]["message"].startswith("discovery failed: gave up after")
    assert run["candidates_found"] is None and run["picks"] == []
    assert len(worker.failures) == queues.max_receive_count


def test_a_run_without_candidates_succeeds_with_no_picks(queues: JobQueues, keepa: OfflineKeepa) -> None:
    run = _run_to_the_end(queues, {"discovery_config": {"price_min": 99_999, "price_max": 100_000},
                                   "scoring_config": OPEN_SCORING})

    assert (run["status"], run["candidates_found"], run["picks"]) == ("SUCCESS", 0, [])
    assert run["progress"]["chunks_total"] == 0 and run["tokens_used"] > 0  # the finder was paid


def test_reading_a_settled_run_whose_picks_were_missed_stores_them(queues: JobQueues, keepa: OfflineKeepa) -> None:
    run = _run_to_the_end(queues)
    run_id = uuid.UUID(run["id"])
    execute("DELETE FROM autosourcing_picks WHERE run_id = :id", id=run_id)
    execute("UPDATE autosourcing_runs SET picks_stored_at = NULL WHERE job_id = :id", id=run_id)

    status, again = get_run(run["id"])

    assert status == 200, again
    assert [p["asin"] for p in again["picks"]] == [p["asin"] for p in run["picks"]]
    assert scalar("SELECT picks_stored_at IS NOT NULL FROM autosourcing_runs WHERE job_id = :id", id=run_id)
