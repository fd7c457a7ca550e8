"""Niche work as a ``niche`` job: each search's candidates found in the request (one finder request each, stored
candidates cost nothing), their analysis queued on the jobs pipeline.

Both plans run this way: a template plan (``NichePlan``) when it analyses more than one request does, and a
saved search re-run (``NichePlan`` or ``AnalyzerPlan``) always.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from arbvault.catalog.clients import keepa_client
from arbvault.discovery.candidates import find_candidates
from arbvault.jobs.params import JobParams
from arbvault.jobs.submit import Submission, submit_job

if TYPE_CHECKING:
    from arbvault.discovery.filters import DiscoveryFilters
    from arbvault.keepa.client import KeepaClient


class CandidatePlan(Protocol):
    """Where a niche job's candidates come from: the searches, how many of each one's candidates are analysed,
    and how (domain, live offers per product)."""

    @property
    def domain_id(self) -> int: ...

    @property
    def offers(self) -> int | None: ...

    @property
    def searches(self) -> tuple[DiscoveryFilters, ...]: ...

    @property
    def window(self) -> int: ...

    @property
    def job_name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class NicheCandidates:
    """Every search's candidate ASINs (the ones a job analyses), de-duplicated, and what finding them cost."""

    asins: list[str]
    tokens_consumed: int


def collect_candidates(plan: CandidatePlan, *, client: KeepaClient | None = None) -> NicheCandidates:
    """One finder request per search; no product is looked up."""
    client = client or keepa_client(plan.domain_id)
    asins: dict[str, None] = {}
    consumed = 0
    for filters in plan.searches:
        found = find_candidates(filters, client=client)
        asins.update(dict.fromkeys(found.asins[:plan.window]))
        consumed += found.tokens_consumed
    return NicheCandidates(asins=list(asins), tokens_consumed=consumed)


def submit_niche_job(plan: CandidatePlan, *, owner_key_id: str, request_body: Mapping[str, Any],
                     idempotency_key: str | None, client: KeepaClient | None = None) -> Submission | None:
    """Find the plan's candidates and queue their analysis as a ``niche`` job of ``owner_key_id``; ``None`` when
    the searches found no candidate (no job). Call after the token guard passed the plan's estimate; raises what
    :func:`submit_job` raises."""
    candidates = collect_candidates(plan, client=client)
    if not candidates.asins:
        return None
    return submit_job(kind="niche", identifiers=candidates.asins, owner_key_id=owner_key_id,
                      params=JobParams(domain_id=plan.domain_id, offers=plan.offers), request_body=request_body,
                      idempotency_key=idempotency_key, name=plan.job_name[:190])
