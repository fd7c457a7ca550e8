"""POST /api/v1/niches/discover (and its estimate): templates scored by the engine over real offline candidates,
the token guard before any spend, and the job path above the threshold."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from niches_support import DISCOVER, ESTIMATE, post

from arbvault.config.updates import update_scope
from arbvault.db import session_scope
from arbvault.niches.discover import NichePlan, score_niches, template_filters
from arbvault.niches.templates import TEMPLATES, NicheTemplate
from arbvault.settings import get_settings
from db_testing import rows
from infra.keepa_offline.finder import find
from jobs_testing import JobQueues, run_worker
from keepa_testing import MakeKeepa, RecordingKeepa, paid, product_requests, spent, store_balance
from support import SOURCER, call

FIRST_THREE = {"count": 3, "shuffle": False, "products_per_niche": 3}


def _finder_count(keepa: RecordingKeepa, template: NicheTemplate, window: int) -> int:
    selection = template_filters(template, 1).selection()
    return min(window, find(keepa.catalogue.pool(), selection)[1])


def test_discover_scores_the_first_templates_over_the_finders_candidates(keepa: RecordingKeepa) -> None:
    status, _, answer = post(DISCOVER, FIRST_THREE)

    assert status == 200, answer
    assert [n["id"] for n in answer["niches"]] == [t.id for t in TEMPLATES[:3]] and answer["count"] == 3
    for niche, template in zip(answer["niches"], TEMPLATES[:3], strict=True):
        assert niche["candidates_considered"] == _finder_count(keepa, template, 6)
        assert niche["products_found"] >= len(niche["top_products"])
        for product in niche["top_products"]:
            assert product["roi_pct"] >= float(template.roi_min)
            assert product["velocity_score"] >= float(template.velocity_min)
    assert answer["tokens_used"] == spent(keepa) == sum(n["tokens_used"] for n in answer["niches"])
    # Per niche: a finder page (12) and 6 candidates looked up with live offers: at least one page of 6 tokens
    # each (the estimate), two pages for a book with more than 10 offers.
    assert answer["tokens_estimated"] == 3 * (12 + 6 * 6)
    assert 3 * (11 + 6 * 6) <= answer["tokens_used"] <= 3 * (12 + 6 * 12)
    assert [r.endpoint for r in paid(keepa)].count("query") == 3
    assert {r.params.get("offers") for r in product_requests(keepa)} == {"20"}  # the rules buy at live offers


def test_a_niche_reports_the_engines_products_their_averages_and_the_best_three(keepa: RecordingKeepa) -> None:
    # A permissive template over the programming books: every analysable candidate counts. The finder names
    # only books Amazon does not offer; 40 candidates are looked at for 20 products.
    template = NicheTemplate("any-programming", "Programming", "all", "TEXTBOOKS", 3839, 1, 5_000_000,
                             Decimal(0), Decimal(100_000), 100, Decimal(-100), Decimal(0))

    (niche,) = score_niches(NichePlan(templates=(template,), products_per_niche=20, domain_id=1))

    assert len(niche.products) >= 4 and niche.candidates_considered == 40
    # The default rules buy at the cheapest live offer and sell at the Buy Box of that condition.
    assert {p.analysis.buy_price_source for p in niche.products} == {"live_offer"}
    assert all(p.product.offers_fetched and p.analysis.sell_price_source is not None for p in niche.products)
    rois = [p.analysis.profit.roi_pct for p in niche.products if p.analysis.profit is not None]
    velocities = [p.analysis.velocity.score for p in niche.products]
    assert niche.avg_roi == (sum(rois) / len(rois)).quantize(Decimal("0.1"))
    assert niche.avg_velocity == (sum(velocities) / len(velocities)).quantize(Decimal("0.1"))
    assert niche.top_products == niche.products[:3]
    combined = [p.analysis.combined_score for p in niche.products]
    assert combined == sorted(combined, reverse=True)


def test_most_curated_templates_find_products_reaching_their_minima(keepa: RecordingKeepa) -> None:
    # Every template at the request's default size, over the offline Keepa's finder and offers: the finder is
    # asked for books Amazon does not offer, and the engine prices each at its live offers.
    scored = score_niches(NichePlan(templates=TEMPLATES, products_per_niche=10, domain_id=1))

    finding = [niche for niche in scored if niche.products]
    assert len(finding) >= 10, {n.template.id: len(n.products) for n in scored}
    assert sum(len(n.products) for n in scored) >= 19
    assert len(keepa.selections) == len(TEMPLATES)
    assert all(selection["availabilityAmazon"] == [-1] for selection in keepa.selections)
    for niche in finding:
        for product in niche.products:
            profit = product.analysis.profit
            assert profit is not None and product.product.prices.amazon is None
            # as real arbitrage: the template's minimum at least, a few times the buy price at most
            assert niche.template.roi_min <= profit.roi_pct < 250
            assert product.analysis.velocity.score >= niche.template.velocity_min
            assert profit.buy_price < profit.sell_price


def test_the_estimate_prices_the_request_without_spending(keepa: RecordingKeepa) -> None:
    status, _, estimate = post(ESTIMATE, {**FIRST_THREE, "buffer_pct": 50})

    assert status == 200, estimate
    assert (estimate["templates"], estimate["tokens_per_niche"], estimate["tokens_required"]) == (3, 48, 216)
    assert estimate["sufficient"] is True and estimate["deficit"] == 0 and estimate["runs_as_job"] is False
    assert estimate["affordable_count"] == estimate["balance"] // 48
    assert paid(keepa) == []


def test_a_short_balance_is_429_with_retry_after_before_any_spend(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=130, refill_rate=20)

    status, headers, answer = post(DISCOVER, FIRST_THREE)

    assert status == 429, answer
    assert answer["error"]["code"] == "keepa_tokens_insufficient"
    (details,) = answer["error"]["details"]
    assert (details["required"], details["balance"], details["deficit"]) == (3 * 48, 130, 14)
    assert 1 <= int(headers["retry-after"]) <= 60
    assert paid(keepa) == []
    status, _, estimate = post(ESTIMATE, FIRST_THREE)
    assert (estimate["sufficient"], estimate["deficit"], estimate["affordable_count"]) == (False, 14, 2)
    assert 1 <= estimate["retry_after_seconds"] <= 60


@pytest.mark.parametrize(("buy", "sell", "per_lookup"), [
    ("current_fba", "current_new", 6),  # Keepa sends the lowest FBA offer only with the offers
    ("current_used", "current_fba", 6),
    ("current_used", "current_new", 1),  # the lowest new and used prices come with every lookup
])
def test_the_estimate_prices_offers_exactly_when_the_rules_read_an_offer_price(
        keepa: RecordingKeepa, domain_id: int, buy: str, sell: str, per_lookup: int) -> None:
    # GIVEN a domain whose every strategy buys and sells at fixed marketplace prices
    sources = {"buy_price_source": buy, "sell_price_source": sell}
    with session_scope() as session:
        update_scope(session, scope=f"domain:{domain_id}", changed_by="test",
                     patch={"strategies": dict.fromkeys(("textbook", "velocity", "balanced"), sources)})
    store_balance(5_000, refill_in_ms=30_000, refill_rate=20, observed_at=datetime.now(UTC))  # no /token asked
    # WHEN three templates of three products are priced there
    status, _, estimate = post(ESTIMATE, {**FIRST_THREE, "domain_id": domain_id})
    # THEN each template's 6 candidates cost a page of offers (6) only when a source reads an offer price
    assert status == 200, estimate
    assert estimate["tokens_per_niche"] == 12 + 6 * per_lookup
    assert not keepa.requests


def test_bad_input_is_one_422_envelope(keepa: RecordingKeepa) -> None:
    for body, field in [({"count": 0}, "body.count"), ({"count": 6}, "body.count"),
                        ({"products_per_niche": 51}, "body.products_per_niche"), ({"colour": 1}, "body.colour")]:
        status, _, answer = post(DISCOVER, body)
        assert status == 422, answer
        assert answer["error"]["code"] == "validation_error"
        assert field in [d["field"] for d in answer["error"]["details"]]
    assert paid(keepa) == []


def _follow(url: str) -> dict[str, Any]:
    status, _, body = call("batches", "GET", url, route="/api/v1/batches/{batch_id}",
                           path_parameters={"batch_id": url.rsplit("/", 1)[1]}, identity=SOURCER)
    assert status == 200, body
    return body


def test_above_the_threshold_candidates_are_found_and_analysed_as_a_niche_job(queues: JobQueues,
                                                                              keepa: RecordingKeepa) -> None:
    per_niche = get_settings().ingest_async_threshold // 2  # two templates analyse more than the threshold
    body = {"count": 2, "shuffle": False, "products_per_niche": per_niche}

    status, headers, job = post(DISCOVER, body, headers={"idempotency-key": "niches-1"})

    assert status == 202, job
    assert headers["location"] == job["status_url"] and job["kind"] == "niche"
    pool = keepa.catalogue.pool()
    expected = list(dict.fromkeys(a for t in TEMPLATES[:2]
                                  for a in find(pool, template_filters(t, 1).selection())[0][:per_niche * 2]))
    assert job["items_total"] == len(expected) > 0
    assert [r.endpoint for r in paid(keepa)] == ["query", "query"]  # no product looked up in the request
    again = post(DISCOVER, body, headers={"idempotency-key": "niches-1"})
    assert again[0] == 202 and again[2]["id"] == job["id"]

    run_worker(queues)

    assert product_requests(keepa) and {r.params.get("offers") for r in product_requests(keepa)} == {"20"}

    finished = _follow(job["status_url"])
    assert finished["status"] == "SUCCESS", finished
    assert finished["progress"]["succeeded"] + finished["progress"]["not_found"] == len(expected)
    stored = rows("SELECT asin FROM analyses WHERE job_id = :id", id=uuid.UUID(job["id"]))
    assert {r["asin"] for r in stored} <= set(expected) and len(stored) == finished["progress"]["succeeded"]
    status, _, results = call("batches", "GET", f"{job['status_url']}/results",
                              route="/api/v1/batches/{batch_id}/results",
                              path_parameters={"batch_id": job["id"]}, identity=SOURCER)
    assert status == 200 and len(results["items"]) == min(len(stored), 50)
    status, _, stats = call("niches", "GET", "/api/v1/niches/stats")
    assert stats["niche_jobs_by_status"] == {"SUCCESS": 1}
    assert stats["niche_products_queued"] == len(expected)
