"""Niches: curated templates scored over discovered products, and a category analyzer, both token-guarded.

Import each piece from its module: the package re-exports nothing, so a function loads only what it uses.

Score templates (synchronously, or their candidates as a ``niche`` job above the ingest threshold)::

    from arbvault.niches.discover import NichePlan, score_niches
    from arbvault.niches.templates import select_templates

    plan = NichePlan(templates=tuple(select_templates(3, shuffle=False)), products_per_niche=10, domain_id=1)
    plan.tokens_required, plan.runs_as_job
    niches = score_niches(plan)  # after check_tokens(session, client, plan.tokens_required)

Queue a plan's candidates as a ``niche`` job (``None`` when its searches find none; ``arbvault.niches.jobs``)::

    submitted = submit_niche_job(plan, owner_key_id=identity.key_id, request_body=body, idempotency_key=None)

Analyze categories as niches::

    from arbvault.niches.analyzer import AnalyzerCriteria, analyze_categories

    analysis = analyze_categories(AnalyzerCriteria(sample_size=20), [173514], max_results=10)
    analysis.niches[0].niche_score, analysis.quality
"""
