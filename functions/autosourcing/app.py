"""AutoSourcing: saved profiles, token estimates, runs queued as jobs (202), their picks, and pick actions.

A run never works inside the request: the safeguards answer first (422 above the per-run token limit, 429 with
Retry-After when the balance is short; nothing spent), then the run is a job of kind ``autosourcing`` whose
progress ``GET /runs/{run_id}`` (and ``/api/v1/batches/{id}``) shows. Runs and picks are the caller's own (an
admin key sees all). The logic lives in ``arbvault.autosourcing``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response

from arbvault.autosourcing.configs import DiscoverySpec, ScoringSpec
from arbvault.autosourcing.profiles import create_profile, get_profile, list_profiles, profile_specs, update_profile
from arbvault.autosourcing.reads import (
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
from arbvault.autosourcing.schemas import (
    ActionIn,
    EstimateIn,
    EstimateOut,
    OpportunityOut,
    PickAction,
    PickOut,
    ProfileIn,
    ProfileOut,
    ProfileUpdateIn,
    RunIn,
    RunOut,
    StatsOut,
    TiersOut,
    TierStatsOut,
)
from arbvault.db import session_scope
from arbvault.jobs.queries import get_job
from arbvault.jobs.schemas import JobOut, ProgressOut
from arbvault.keyset import KEYSET_KEYS, KeysetPosition
from arbvault.web.app import create_app, create_handler
from arbvault.web.identity import CurrentIdentity, Identity
from arbvault.web.openapi_errors import error_responses
from arbvault.web.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, encode_cursor

PREFIX = "/api/v1/autosourcing"
router = APIRouter(prefix=PREFIX, tags=["autosourcing"], responses=error_responses(503))


def _owner_scope(identity: Identity) -> str | None:
    return None if identity.is_admin else identity.key_id


def _after(cursor: str | None) -> KeysetPosition | None:
    return KeysetPosition.from_dict(decode_cursor(cursor, keys=KEYSET_KEYS)) if cursor else None


def _next(position: KeysetPosition | None) -> str | None:
    return encode_cursor(position.as_dict()) if position else None


def _run_out(view: RunView) -> RunOut:
    job, run = view.job, view.run
    return RunOut(id=job.id, status=job.status, profile_id=run.profile_id, profile_name=run.profile_name,
                  discovery_config=run.discovery_config, scoring_config=run.scoring_config,
                  progress=ProgressOut.model_validate(job.progress.as_dict()), candidates_found=run.candidates_found,
                  picks_total=len(view.picks), tokens_estimated=run.tokens_estimated, tokens_used=job.tokens_used,
                  error_summary=job.error_summary, created_at=job.created_at, started_at=job.started_at,
                  finished_at=job.finished_at, duration_ms=job.duration_ms,
                  picks=[PickOut.model_validate(pick) for pick in view.picks])


@router.get("/profiles", summary="List saved profiles")
def profiles(_: CurrentIdentity, active_only: bool = True) -> list[ProfileOut]:
    """Most recently used first, then by name; deactivated ones only with ``active_only=false``."""
    with session_scope() as session:
        return [ProfileOut.model_validate(p) for p in list_profiles(session, active_only=active_only)]


@router.post("/profiles", status_code=201, summary="Save a profile", responses=error_responses(409))
def new_profile(body: ProfileIn, _: CurrentIdentity) -> ProfileOut:
    """A named discovery + scoring config; 409 when the name is taken."""
    with session_scope() as session:
        return ProfileOut.model_validate(create_profile(session, body.values()))


@router.get("/profiles/{profile_id}", summary="Get a profile", responses=error_responses(404))
def profile(profile_id: uuid.UUID, _: CurrentIdentity) -> ProfileOut:
    with session_scope() as session:
        return ProfileOut.model_validate(get_profile(session, profile_id))


@router.patch("/profiles/{profile_id}", summary="Change a profile", responses=error_responses(404, 409))
def change_profile(profile_id: uuid.UUID, body: ProfileUpdateIn, _: CurrentIdentity) -> ProfileOut:
    """Change the fields sent; ``active: true`` reactivates a deactivated profile."""
    with session_scope() as session:
        return ProfileOut.model_validate(update_profile(session, profile_id, body.values()))


@router.delete("/profiles/{profile_id}", summary="Deactivate a profile", responses=error_responses(404))
def deactivate_profile(profile_id: uuid.UUID, _: CurrentIdentity) -> ProfileOut:
    """The profile stays (runs name it) but is no longer listed by default nor usable for new runs."""
    with session_scope() as session:
        return ProfileOut.model_validate(update_profile(session, profile_id, {"active": False}))


def _estimate_out(discovery: DiscoverySpec, scoring: ScoringSpec) -> EstimateOut:
    from arbvault.autosourcing.safeguards import estimate_run  # the token guard: only estimates load it

    with session_scope() as session:
        estimate = estimate_run(session, discovery, scoring)
    return EstimateOut(tokens_estimated=estimate.tokens_estimated, discovery_tokens=estimate.discovery_tokens,
                       details_tokens=estimate.details_tokens, balance=estimate.balance, required=estimate.required,
                       deficit=estimate.deficit, job_tokens_max=estimate.limits.job_tokens_max,
                       balance_min=estimate.limits.balance_min, safe_to_proceed=estimate.safe_to_proceed,
                       warning_message=estimate.warning)


@router.post("/estimate", summary="Estimate a run's Keepa token cost")
def estimate(body: EstimateIn, _: CurrentIdentity) -> EstimateOut:
    """The run's estimated tokens (one offer page a candidate when live offers are read), the balance now, and
    whether the safeguards would let it start (free)."""
    return _estimate_out(body.discovery_config.spec(), body.scoring_config.spec())


@router.post("/runs", status_code=202, summary="Start a run", responses=error_responses(404, 429))
def start_run(body: RunIn, identity: CurrentIdentity, response: Response) -> JobOut:
    """Queue a run from a profile or an inline config; 422 above the per-run token limit, 429 when the balance
    is short (nothing spent either way). Follow it at ``GET /runs/{id}`` (the Location header)."""
    if body.profile_id is not None:
        with session_scope() as session:
            discovery, scoring = profile_specs(get_profile(session, body.profile_id))
    else:
        assert body.discovery_config is not None
        discovery = body.discovery_config.spec()
        scoring = body.scoring_config.spec() if body.scoring_config is not None else ScoringSpec()
    from arbvault.autosourcing.runs import submit_run  # discovery, the guard, the outbox: only starting a run

    run_id, tokens = submit_run(discovery=discovery, scoring=scoring, owner_key_id=identity.key_id,
                                profile_id=body.profile_id)
    response.headers["Location"] = f"{PREFIX}/runs/{run_id}"
    with session_scope() as session:
        job = get_job(session, run_id)
    return JobOut.of(job).model_copy(update={"tokens_estimated": tokens})


@router.get("/runs", response_model=Page[RunOut], summary="List runs")
def runs(identity: CurrentIdentity, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[RunOut]:
    """Newest first, each with its progress and picks."""
    with session_scope() as session:
        page = list_runs(session, owner_key_id=_owner_scope(identity), limit=limit, after=_after(cursor))
        return Page[RunOut](items=[_run_out(view) for view in page.items], next_cursor=_next(page.next_position))


@router.get("/runs/{run_id}", summary="Get a run with its progress and picks", responses=error_responses(404))
def run(run_id: uuid.UUID, identity: CurrentIdentity) -> RunOut:
    with session_scope() as session:
        return _run_out(get_run(session, run_id, owner_key_id=_owner_scope(identity)))


def _average(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None


@router.get("/runs/{run_id}/tiers", summary="A run's picks by tier", responses=error_responses(404))
def run_tiers(run_id: uuid.UUID, identity: CurrentIdentity) -> TiersOut:
    """HOT, TOP, WATCH and OTHER picks, each best ROI first, with each tier's count and averages."""
    with session_scope() as session:
        view = get_run(session, run_id, owner_key_id=_owner_scope(identity))
        groups = tier_groups(view.picks)
        return TiersOut(
            run_id=run_id, picks_total=len(view.picks),
            featured_count=sum(pick.is_featured for pick in view.picks),
            tiers={name: [PickOut.model_validate(p) for p in picks] for name, picks in groups.items()},
            tier_stats={name: TierStatsOut(count=len(picks), avg_roi_pct=_average([p.roi_pct for p in picks]),
                                           avg_net_profit=_average([p.net_profit for p in picks]))
                        for name, picks in groups.items()})


@router.get("/latest", summary="The latest successful run")
def latest(identity: CurrentIdentity) -> RunOut | None:
    """The run that most recently finished with success, with its picks; null when there is none."""
    with session_scope() as session:
        view = latest_run(session, owner_key_id=_owner_scope(identity))
        return None if view is None else _run_out(view)


@router.get("/opportunity-of-day", summary="Today's best pick")
def opportunity(identity: CurrentIdentity) -> OpportunityOut | None:
    """The highest-ROI pick of today's (UTC) successful runs; null when there is none."""
    with session_scope() as session:
        found = opportunity_of_day(session, owner_key_id=_owner_scope(identity))
        if found is None:
            return None
        pick, owner_run = found
        return OpportunityOut(pick=PickOut.model_validate(pick), run_id=owner_run.job_id,
                              profile_name=owner_run.profile_name,
                              message=f"{pick.asin}: ROI {pick.roi_pct:.1f}% ({pick.priority_tier})")


def _picks_page(identity: Identity, action: PickAction | None, limit: int, cursor: str | None) -> Page[PickOut]:
    with session_scope() as session:
        page = list_picks(session, owner_key_id=_owner_scope(identity), action=action, limit=limit,
                          after=_after(cursor))
        return Page[PickOut](items=[PickOut.model_validate(p) for p in page.items],
                             next_cursor=_next(page.next_position))


@router.get("/picks", response_model=Page[PickOut], summary="List picks")
def picks(identity: CurrentIdentity,
          action: Annotated[PickAction | None, Query(description="only picks with this action")] = None,
          limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[PickOut]:
    """The caller's picks, newest first."""
    return _picks_page(identity, action, limit, cursor)


@router.get("/to-buy", response_model=Page[PickOut], summary="Picks marked to buy")
def to_buy(identity: CurrentIdentity, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[PickOut]:
    return _picks_page(identity, "TO_BUY", limit, cursor)


@router.get("/favorites", response_model=Page[PickOut], summary="Favourite picks")
def favorites(identity: CurrentIdentity, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> Page[PickOut]:
    return _picks_page(identity, "FAVORITE", limit, cursor)


@router.put("/picks/{pick_id}/action", summary="Record an action on a pick", responses=error_responses(404))
def pick_action(pick_id: uuid.UUID, body: ActionIn, identity: CurrentIdentity) -> PickOut:
    """Any action may follow any other; is_purchased, is_favorite, is_ignored and analysis_requested follow."""
    with session_scope() as session:
        return PickOut.model_validate(set_action(session, pick_id, body.action, body.notes,
                                                 owner_key_id=_owner_scope(identity)))


@router.get("/stats", summary="Counts of the caller's picks by action")
def stats(identity: CurrentIdentity) -> StatsOut:
    with session_scope() as session:
        counts = action_counts(session, owner_key_id=_owner_scope(identity))
    total = sum(counts.values())
    taken = total - counts["PENDING"]
    rate = (Decimal(taken * 100) / total).quantize(Decimal("0.1")) if total else Decimal(0)
    return StatsOut(action_counts=counts, picks_total=total, actions_taken=taken, to_buy=counts["TO_BUY"],
                    engagement_rate_pct=rate)


app = create_app(router, title="ArbitrageVault autosourcing")
handler = create_handler(app)
