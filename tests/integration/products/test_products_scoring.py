"""POST /api/v1/products/discover-with-scoring through the handler: the engine's numbers, filters, the real
cache-hit flag, and what each request spends at the offline Keepa."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from products_support import SCORING

from arbvault.catalog.lookup import fetch_products
from arbvault.catalog.rules import RulesBook
from arbvault.db import session_scope
from arbvault.engine.analyze import analyze
from infra.keepa_offline.finder import find
from keepa_testing import RecordingKeepa, paid, spent
from support import SOURCER, call

PROGRAMMING = 3839
"""About two dozen books of the offline pool: few enough that every candidate is considered, with a spread of
prices."""


def score(body: dict[str, Any], **options: Any) -> tuple[int, dict[str, str], Any]:
    return call("products", "POST", SCORING, json_body=body, **options)


def engine_view(asin: str, *, buy_price: Decimal | None = None) -> dict[str, Any]:
    """The engine's analysis of one product, as an independent caller gets it (from the stored snapshot)."""
    item = fetch_products([asin]).found[asin]
    product = item.parse()
    with session_scope() as session:
        config = RulesBook(session, domain_id=1).for_product(product)
    analysis = analyze(product, config, now=datetime.now(UTC), buy_price=buy_price)
    assert analysis.profit is not None and analysis.fees is not None
    return {"sell_price": float(analysis.profit.sell_price), "buy_price": float(analysis.profit.buy_price),
            "fees": float(analysis.fees.total), "net_profit": float(analysis.profit.net_profit),
            "roi_pct": float(analysis.profit.roi_pct), "velocity_score": float(analysis.velocity.score),
            "combined_score": float(analysis.combined_score), "recommendation": analysis.recommendation.label,
            "strategy": analysis.strategy, "bsr": analysis.bsr}


def _finder_asins(keepa: RecordingKeepa) -> list[str]:
    """The candidates the offline finder returned for the last selection, best rank first."""
    return find(keepa.catalogue.pool(), keepa.selections[-1])[0]


def test_scoring_numbers_are_the_engines_for_the_same_products(keepa: RecordingKeepa) -> None:
    status, _, answer = score({"category_id": PROGRAMMING, "bsr_max": 5_000_000, "buy_price": 6.5, "max_results": 50},
                              identity=SOURCER)

    assert status == 200, answer
    assert answer["products"], answer["metadata"]
    for product in answer["products"]:
        expected = engine_view(product["asin"], buy_price=Decimal("6.5"))
        assert {key: product[key] for key in expected} == expected
        assert product["buy_price_source"] == "requested" and product["buy_condition"] == "used_good"
        assert product["title"] is None or len(product["title"]) <= 100
    scores = [(p["combined_score"], p["roi_pct"]) for p in answer["products"]]
    assert scores == sorted(scores, key=lambda s: (-s[0], -s[1]))
    # The independent look-ups above were served by the snapshots the request stored: no extra Keepa call.
    assert [r.endpoint for r in paid(keepa)] == ["query", "product"]


def test_scoring_leaves_out_amazon_sold_and_unpriced_products_and_counts_them(keepa: RecordingKeepa) -> None:
    status, _, answer = score({"category_id": PROGRAMMING, "bsr_max": 5_000_000, "max_results": 100})

    assert status == 200, answer
    meta = answer["metadata"]
    (query,) = [r for r in paid(keepa) if r.endpoint == "query"]
    considered = meta["candidates_considered"]
    # every candidate the finder named is looked at: fewer than the window of 2 x 100 (the subject has 200 books)
    assert considered == len(_finder_asins(keepa)) and 0 < considered < 200
    assert meta["candidates_considered"] == answer["count"] + sum(meta["excluded"].values())
    assert meta["excluded"]["amazon_sells"] > 0 and meta["excluded"]["not_found"] == 0
    lookup = fetch_products([p["asin"] for p in answer["products"]])
    for item in lookup.found.values():
        product = item.parse()
        assert product.prices.amazon is None and product.bsr is not None
    assert meta["tokens_used"] == query.tokens_consumed + considered == spent(keepa)


@pytest.mark.parametrize("threshold", [Decimal("-10"), Decimal("150"), Decimal("0")])
def test_scoring_roi_min_keeps_exactly_the_products_reaching_it(keepa: RecordingKeepa, threshold: Decimal) -> None:
    base = {"category_id": PROGRAMMING, "bsr_max": 5_000_000, "buy_price": 8, "max_results": 100}
    _, _, everything = score(base)

    status, _, answer = score({**base, "roi_min": float(threshold)})

    assert status == 200, answer
    expected = [p["asin"] for p in everything["products"] if Decimal(str(p["roi_pct"])) >= threshold]
    assert [p["asin"] for p in answer["products"]] == expected
    left_out = len(everything["products"]) - len(expected)
    assert answer["metadata"]["excluded"]["below_roi_min"] == left_out
    assert len(everything["products"]) > 0


def test_scoring_velocity_min_keeps_exactly_the_products_reaching_it(keepa: RecordingKeepa) -> None:
    base = {"category_id": PROGRAMMING, "bsr_max": 5_000_000, "buy_price": 8, "max_results": 100}
    _, _, everything = score(base)
    velocities = sorted(p["velocity_score"] for p in everything["products"])
    threshold = velocities[len(velocities) // 2]

    status, _, answer = score({**base, "velocity_min": threshold})

    assert status == 200, answer
    kept = [p["asin"] for p in everything["products"] if p["velocity_score"] >= threshold]
    assert [p["asin"] for p in answer["products"]] == kept
    assert 0 < len(kept) < len(everything["products"])
    assert answer["metadata"]["excluded"]["below_velocity_min"] == len(everything["products"]) - len(kept)


def test_scoring_ranks_two_candidates_per_result_and_keeps_the_best(keepa: RecordingKeepa) -> None:
    base = {"category_id": PROGRAMMING, "bsr_max": 5_000_000, "buy_price": 8}
    _, _, everything = score({**base, "max_results": 100})

    status, _, answer = score({**base, "max_results": 3})

    assert status == 200, answer
    window = set(_finder_asins(keepa)[:6])  # the six best-ranked candidates
    best_in_window = [p["asin"] for p in everything["products"] if p["asin"] in window][:3]
    assert [p["asin"] for p in answer["products"]] == best_in_window
    assert best_in_window and answer["count"] == len(best_in_window)
    assert answer["metadata"]["candidates_considered"] == 6


def test_scoring_cache_hit_is_true_only_when_nothing_was_fetched(keepa: RecordingKeepa) -> None:
    body = {"bsr_max": 2_000_000, "max_results": 10}

    _, _, first = score(body)
    spent_first = spent(keepa)
    _, _, second = score(body)
    spent_second = spent(keepa)
    _, _, refreshed = score({**body, "force_refresh": True})

    assert first["cache_hit"] is False and first["metadata"]["source"] == "keepa"
    assert first["metadata"]["tokens_used"] == spent_first > 0
    assert second["cache_hit"] is True and second["metadata"]["source"] == "cache"
    assert (second["metadata"]["candidates_source"], second["metadata"]["products_fetched"]) == ("cache", 0)
    assert first["metadata"]["products_fetched"] == 20
    assert second["metadata"]["tokens_used"] == 0 and spent_second == spent_first
    assert second["metadata"]["snapshot_hits"] == second["metadata"]["candidates_considered"] == 20
    assert [p["asin"] for p in second["products"]] == [p["asin"] for p in first["products"]]
    assert refreshed["cache_hit"] is False and refreshed["metadata"]["source"] == "keepa"
    assert refreshed["metadata"]["tokens_used"] == spent(keepa) - spent_second > 20
    assert [r.endpoint for r in paid(keepa)] == ["query", "product", "query", "product"]


def test_scoring_uses_a_cached_discovery_but_is_no_cache_hit_when_products_are_fetched(
        keepa: RecordingKeepa) -> None:
    call("products", "POST", "/api/v1/products/discover", json_body={"bsr_max": 700_000})

    status, _, answer = score({"bsr_max": 700_000, "max_results": 5})

    assert status == 200, answer
    assert answer["cache_hit"] is False and answer["metadata"]["source"] == "keepa"
    assert (answer["metadata"]["candidates_source"], answer["metadata"]["products_fetched"]) == ("cache", 10)
    assert [r.endpoint for r in paid(keepa)] == ["query", "product"]
    assert answer["metadata"]["tokens_used"] == 10  # two candidates per result, one token each


def test_scored_products_say_why_their_condition_options_are_empty(keepa: RecordingKeepa) -> None:
    # Without offers no copy is listed to buy, so the caller's price makes the products scorable.
    status, _, answer = score({"category_id": PROGRAMMING, "bsr_max": 5_000_000, "max_results": 50, "buy_price": 2})

    assert status == 200, answer
    assert answer["products"]
    for product in answer["products"]:
        # discovery asks Keepa for no offers: no condition options, and the note says so
        assert product["condition_options"] == []
        assert product["condition_options_note"].startswith("offers not fetched")
        assert product["offers_count"] is None or product["offers_count"] >= 0
    assert any(p["offers_count"] for p in answer["products"])


def test_scoring_strategy_is_applied_to_every_product(keepa: RecordingKeepa) -> None:
    # Without offers Keepa lists no copy the strategy could buy, so the caller's price makes the ROI known.
    status, _, answer = score({"category_id": PROGRAMMING, "bsr_max": 5_000_000, "strategy": "textbook",
                               "buy_price": 2})

    assert status == 200, answer
    assert answer["products"] and {p["strategy"] for p in answer["products"]} == {"textbook"}


@pytest.mark.parametrize(("body", "field"), [
    ({"strategy": "moonshot"}, "strategy"),
    ({"buy_price": -1}, "body.buy_price"),
    ({"velocity_min": 101}, "body.velocity_min"),
    ({"max_results": 101}, "body.max_results"),
    ({"bsr_min": 10, "bsr_max": 9}, "body.bsr_max"),
], ids=["unknown-strategy", "negative-buy-price", "velocity-scale", "too-many", "empty-range"])
def test_scoring_bad_input_is_422_before_any_keepa_call(keepa: RecordingKeepa, body: dict[str, Any],
                                                       field: str) -> None:
    status, _, answer = score(body)

    assert status == 422, answer
    assert any(field in str(detail.get("field", "")) for detail in answer["error"]["details"]), answer
    assert paid(keepa) == []
