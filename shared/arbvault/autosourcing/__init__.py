"""AutoSourcing: runs that discover candidates, analyse them with the engine, and keep rated, tiered picks.

A run is a job of kind ``autosourcing`` on the jobs pipeline (see ``runs``): the request only checks the
safeguards and queues it; the worker discovers candidates, the chunk handler analyses them like any batch, and
the job's settling stores the picks once. Profiles save discovery + scoring configs; picks carry the owner's
action (to buy, favourite, ignored, analysing). HTTP shapes live in ``arbvault.autosourcing.schemas``::

    from arbvault.autosourcing import DiscoverySpec, ScoringSpec, submit_run

    run_id, tokens = submit_run(discovery=DiscoverySpec(category_id=283155, max_results=50),
                                scoring=ScoringSpec(roi_min=Decimal(30)), owner_key_id=identity.key_id)
"""

from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
from arbvault.autosourcing.exceptions import (
    PickNotFoundError,
    ProfileNameTakenError,
    ProfileNotFoundError,
    RunNotFoundError,
)
from arbvault.autosourcing.profiles import (
    active_profile,
    create_profile,
    get_profile,
    list_profiles,
    profile_specs,
    update_profile,
)
from arbvault.autosourcing.rating import Minima, Scores, meets_criteria, rate, summary, tier
from arbvault.autosourcing.reads import (
    PickPage,
    RunPage,
    RunView,
    action_counts,
    get_run,
    latest_run,
    list_picks,
    list_runs,
    opportunity_of_day,
    set_action,
    tier_groups,
)
from arbvault.autosourcing.runs import (
    FINISHED_STATUSES,
    DiscoverOutcome,
    discover,
    discover_job_id,
    fail_discovery,
    finish_run,
    submit_run,
)
from arbvault.autosourcing.safeguards import Limits, RunEstimate, estimate_run, estimate_run_tokens

__all__ = [
    "FINISHED_STATUSES",
    "DiscoverOutcome",
    "DiscoverySpec",
    "Limits",
    "Minima",
    "PickNotFoundError",
    "PickPage",
    "ProfileNameTakenError",
    "ProfileNotFoundError",
    "RunEstimate",
    "RunNotFoundError",
    "RunPage",
    "RunView",
    "Scores",
    "ScoringSpec",
    "action_counts",
    "active_profile",
    "create_profile",
    "discover",
    "discover_job_id",
    "estimate_run",
    "estimate_run_tokens",
    "fail_discovery",
    "finish_run",
    "get_profile",
    "get_run",
    "latest_run",
    "list_picks",
    "list_profiles",
    "list_runs",
    "meets_criteria",
    "opportunity_of_day",
    "profile_specs",
    "rate",
    "set_action",
    "submit_run",
    "summary",
    "tier",
    "tier_groups",
    "update_profile",
]
