"""Niches: curated templates scored over discovered products, and a category analyzer, both token-guarded.

Score templates (synchronously, or their candidates as a ``niche`` job above the ingest threshold)::

    from arbvault.niches import NichePlan, score_niches, select_templates

    plan = NichePlan(templates=tuple(select_templates(3, shuffle=False)), products_per_niche=10, domain_id=1)
    plan.tokens_required, plan.runs_as_job
    niches = score_niches(plan)  # after check_tokens(session, client, plan.tokens_required)

Queue a plan's candidates as a ``niche`` job (``None`` when its searches find none)::

    submitted = submit_niche_job(plan, owner_key_id=identity.key_id, request_body=body, idempotency_key=None)

Analyze categories as niches::

    from arbvault.niches import AnalyzerCriteria, analyze_categories

    analysis = analyze_categories(AnalyzerCriteria(sample_size=20), [173514], max_results=10)
    analysis.niches[0].niche_score, analysis.quality
"""

from arbvault.niches.analyzer import (
    MIN_SAMPLE,
    RECOMMENDED_CATEGORIES,
    AnalyzerCriteria,
    AnalyzerPlan,
    CategoryAnalysis,
    CategoryNiche,
    analyze_categories,
    analyzer_tokens,
)
from arbvault.niches.budget import NicheCost, affordable_count, estimate_niche_tokens
from arbvault.niches.discover import TOP_PRODUCTS, NichePlan, ScoredNiche, score_niches, template_filters
from arbvault.niches.export import COLUMNS, ExportRow, neutralise, niches_csv
from arbvault.niches.jobs import CandidatePlan, NicheCandidates, collect_candidates, submit_niche_job
from arbvault.niches.offers import LIVE_OFFERS, live_offers_wanted, reads_live_offers
from arbvault.niches.scoring import CategoryMetrics
from arbvault.niches.stats import NicheStats, niche_stats
from arbvault.niches.templates import TEMPLATES, NicheTemplate, select_templates

__all__ = [
    "COLUMNS",
    "LIVE_OFFERS",
    "MIN_SAMPLE",
    "RECOMMENDED_CATEGORIES",
    "TEMPLATES",
    "TOP_PRODUCTS",
    "AnalyzerCriteria",
    "AnalyzerPlan",
    "CandidatePlan",
    "CategoryAnalysis",
    "CategoryMetrics",
    "CategoryNiche",
    "ExportRow",
    "NicheCandidates",
    "NicheCost",
    "NichePlan",
    "NicheStats",
    "NicheTemplate",
    "ScoredNiche",
    "affordable_count",
    "analyze_categories",
    "analyzer_tokens",
    "collect_candidates",
    "estimate_niche_tokens",
    "live_offers_wanted",
    "neutralise",
    "niche_stats",
    "niches_csv",
    "reads_live_offers",
    "score_niches",
    "select_templates",
    "submit_niche_job",
    "template_filters",
]
