"""AutoSourcing: runs that discover candidates, analyse them with the engine, and keep rated, tiered picks.

A run is a job of kind ``autosourcing`` on the jobs pipeline (see ``runs``): the request only checks the
safeguards and queues it; the worker discovers candidates, the chunk handler analyses them like any batch, and
the job's settling stores the picks once. Profiles save discovery + scoring configs; picks carry the owner's
action (to buy, favourite, ignored, analysing). HTTP shapes live in ``arbvault.autosourcing.schemas``. Import each
piece from its module: the package re-exports nothing, so a function loads only what it uses::

    from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
    from arbvault.autosourcing.runs import submit_run

    run_id, tokens = submit_run(discovery=DiscoverySpec(category_id=283155, max_results=50),
                                scoring=ScoringSpec(roi_min=Decimal(30)), owner_key_id=identity.key_id)
"""
