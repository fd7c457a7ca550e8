"""POST /api/v1/niches/analyze, GET /categories, POST /export (CSV read back) and GET /stats (admin)."""

from __future__ import annotations

import csv
import io
from typing import Any

from niches_support import ANALYZE, CATEGORIES, EXPORT, STATS, post

from arbvault.niches.export import COLUMNS
from arbvault.niches.scoring import CategoryMetrics, niche_score
from keepa_testing import MakeKeepa, RecordingKeepa, paid, spent
from support import ADMIN, SOURCER, call

WIDE = {"bsr_min": 1_000, "bsr_max": 100_000, "sample_size": 20}
SUBJECTS = [3839, 75, 3, 173514]


def _analyze(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    return post(ANALYZE, body)


def test_analyze_scores_each_category_from_its_sample(keepa: RecordingKeepa) -> None:
    status, _, answer = _analyze({"category_ids": SUBJECTS, "criteria": WIDE, "max_results": 50})

    assert status == 200, answer
    assert answer["total_categories_analyzed"] + len(answer["categories_skipped"]) == len(SUBJECTS)
    niches = answer["discovered_niches"]
    assert niches, answer
    assert [n["niche_score"] for n in niches] == sorted((n["niche_score"] for n in niches), reverse=True)
    for niche in niches:
        m = niche["metrics"]
        metrics = CategoryMetrics(**{"price_stability" if k == "stability_ratio" else k: v
                                     for k, v in m.items() if k != "competition_level"})
        assert niche["niche_score"] == niche_score(metrics, 1_000, 100_000) >= 4.0
        assert 5 <= m["total_products"] <= 20 and 0 <= m["viable_products"] <= m["total_products"]
        # Every offline book has a seller count; few have a price history long enough for a stability.
        assert niche["missing_inputs"] in ([], ["price_stability"])
        assert (m["stability_ratio"] is None) == (niche["missing_inputs"] == ["price_stability"])
        by_size = "MEDIUM" if m["total_products"] >= 20 else "LOW"
        assert niche["confidence_level"] == ("LOW" if niche["missing_inputs"] else by_size)
        assert niche["criteria_used"] == answer["criteria_used"]
    assert answer["best_niche_score"] == niches[0]["niche_score"]
    # Per category: a finder page (12) and 40 candidates looked up with live offers: the estimate is one page of
    # 6 tokens each, a book with more than 10 offers costs a second page.
    assert answer["tokens_estimated"] == 4 * (12 + 40 * 6)
    assert answer["tokens_used"] == spent(keepa) <= 4 * (12 + 40 * 12)


def test_analyze_leaves_out_categories_with_too_small_a_sample(keepa: RecordingKeepa) -> None:
    status, _, answer = _analyze({"category_ids": [3839], "criteria": {"bsr_min": 1, "bsr_max": 2}})

    assert status == 200, answer
    assert answer["categories_skipped"] == [3839] and answer["discovered_niches"] == []
    assert (answer["total_categories_analyzed"], answer["analysis_quality"]) == (0, "NO_DATA")


def test_analyze_refuses_empty_ranges_and_bad_counts_before_any_spend(keepa: RecordingKeepa) -> None:
    cases = [({"criteria": {"bsr_min": 50_000, "bsr_max": 50_000}}, "body.criteria.bsr_max"),
             ({"criteria": {"sellers_max": 0}}, "body.criteria.sellers_max"),
             ({"max_results": 51}, "body.max_results"), ({"max_results": 0}, "body.max_results"),
             ({"category_ids": []}, "body.category_ids")]
    for body, field in cases:
        status, _, answer = _analyze(body)
        assert status == 422, (body, answer)
        assert field in [d["field"] for d in answer["error"]["details"]]
    assert paid(keepa) == []


def test_analyze_on_a_short_balance_is_429_with_retry_after(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=30, refill_rate=20)

    status, headers, answer = _analyze({"category_ids": [3839], "criteria": WIDE})

    assert status == 429, answer
    assert answer["error"]["details"][0]["deficit"] == 12 + 40 * 6 - 30
    assert int(headers["retry-after"]) >= 1 and paid(keepa) == []


def test_categories_lists_the_subjects_and_the_recommended_ones() -> None:
    status, _, answer = call("niches", "GET", CATEGORIES, identity=SOURCER)

    assert status == 200, answer
    ids = [c["category_id"] for c in answer["categories"]]
    assert answer["count"] == len(ids) and 283155 not in ids and 3839 in ids
    assert set(answer["recommended_category_ids"]) <= set(ids)
    assert {c["category_id"] for c in answer["categories"] if c["recommended"]} == set(
        answer["recommended_category_ids"])


def test_export_writes_the_analyzed_niches_as_csv_with_formulas_neutralised(keepa: RecordingKeepa) -> None:
    _, _, answer = _analyze({"category_ids": SUBJECTS, "criteria": WIDE})
    niches = answer["discovered_niches"]
    niches[0]["category_name"] = "=HYPERLINK(\"http://x\",\"y\")"

    status, headers, text = call("niches", "POST", EXPORT, json_body={"niches": niches}, identity=SOURCER)

    assert status == 200, text
    assert headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"].startswith(f'attachment; filename="niches_{SOURCER["key_id"]}_')
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(table[0]) == list(COLUMNS) and len(table) == len(niches)
    assert table[0]["category_name"] == "'=HYPERLINK(\"http://x\",\"y\")"
    for row, niche in zip(table, niches, strict=True):
        assert float(row["niche_score"]) == niche["niche_score"]
        assert int(row["viable_products"]) == niche["metrics"]["viable_products"]
        assert int(row["recommended_bsr_max"]) == WIDE["bsr_max"]


def test_export_writes_a_missing_metric_as_an_empty_cell(keepa: RecordingKeepa) -> None:
    _, _, answer = _analyze({"category_ids": [3839], "criteria": WIDE})
    (niche,) = answer["discovered_niches"]
    niche["metrics"].update(avg_sellers=None, competition_level=None)
    niche["missing_inputs"] = ["seller_count"]

    status, _, text = call("niches", "POST", EXPORT, json_body={"niches": [niche]}, identity=SOURCER)

    assert status == 200, text
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert (row["avg_sellers"], row["competition_level"]) == ("", "")
    assert float(row["avg_bsr"]) == niche["metrics"]["avg_bsr"]


def test_export_of_nothing_is_422() -> None:
    status, _, answer = call("niches", "POST", EXPORT, json_body={"niches": []}, identity=SOURCER)

    assert status == 422 and answer["error"]["details"][0]["field"] == "body.niches"


def test_stats_are_admin_only_and_count_what_is_stored(keepa: RecordingKeepa) -> None:
    status, _, answer = call("niches", "GET", STATS, identity=SOURCER)
    assert status == 403, answer
    post(ANALYZE, {"category_ids": [3839, 75], "criteria": WIDE})

    status, _, stats = call("niches", "GET", STATS, identity=ADMIN)

    assert status == 200, stats
    assert (stats["candidate_lists_stored"], stats["candidate_lists_fresh"]) == (2, 2)
    assert stats["niche_jobs_by_status"] == {} and stats["niche_products_queued"] == 0
    assert stats["template_count"] == 15 and stats["recommended_category_count"] == 5
    _, _, elsewhere = call("niches", "GET", STATS, query="domain_id=3", identity=ADMIN)
    assert (elsewhere["candidate_lists_stored"], elsewhere["candidate_lists_fresh"]) == (0, 0)
