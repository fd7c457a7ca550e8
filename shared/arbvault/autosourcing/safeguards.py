"""What a run will cost in Keepa tokens, and the two limits checked before it is queued.

The estimate is the discovery call (best-seller list or product finder) plus one product lookup per candidate,
with one page of live offers when the run's pricing reads them (6 tokens a product instead of 1). A candidate
with more than 10 live offers costs a second page; stored snapshots cost nothing. A run may cost at most
``AUTOSOURCING_JOB_TOKENS_MAX`` (else 422 naming the limit), and the balance must cover the estimate and
never fall below ``AUTOSOURCING_BALANCE_MIN`` (else 429 with Retry-After, required, balance and deficit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from arbvault.autosourcing.configs import ScoringSpec
from arbvault.autosourcing.offers import live_offers
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.costs import product_lookup_cost
from arbvault.catalog.exceptions import TokenBudgetError
from arbvault.catalog.guard import current_estimate, retry_after_seconds
from arbvault.catalog.rules import RulesBook
from arbvault.exceptions import InvalidInputError
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.autosourcing.configs import DiscoverySpec


@dataclass(frozen=True, slots=True)
class Limits:
    """The configured safeguards: most tokens one run may cost, least balance to keep."""

    job_tokens_max: int
    balance_min: int

    @classmethod
    def configured(cls) -> Limits:
        settings = get_settings()
        return cls(job_tokens_max=settings.autosourcing_job_tokens_max,
                   balance_min=settings.autosourcing_balance_min)


def estimate_run_tokens(discovery: DiscoverySpec, *, offers: int | None = None) -> tuple[int, int]:
    """Tokens for the discovery call and for the candidates' product lookups (with ``offers``), at most."""
    return discovery.filters().cost, product_lookup_cost(discovery.max_results, offers=offers)


@dataclass(frozen=True, slots=True)
class RunEstimate:
    """A run's estimate against the limits and the balance the token guard would use now."""

    discovery_tokens: int
    details_tokens: int
    balance: int
    limits: Limits
    retry_after_seconds: int
    refill_rate: int
    offers: int | None = None
    """Live offers each candidate is looked up with (``ScoringSpec.offers``)."""

    @property
    def tokens_estimated(self) -> int:
        return self.discovery_tokens + self.details_tokens

    @property
    def required(self) -> int:
        """Balance needed: the estimate plus the minimum balance kept after it."""
        return self.tokens_estimated + self.limits.balance_min

    @property
    def deficit(self) -> int:
        return max(0, self.required - self.balance)

    @property
    def within_job_limit(self) -> bool:
        return self.tokens_estimated <= self.limits.job_tokens_max

    @property
    def safe_to_proceed(self) -> bool:
        return self.within_job_limit and self.deficit == 0

    @property
    def warning(self) -> str | None:
        """Why the run would be refused; the job limit is named first."""
        if not self.within_job_limit:
            return (f"the run needs about {self.tokens_estimated} tokens, above the limit of "
                    f"{self.limits.job_tokens_max} per run: lower discovery max_results")
        if self.deficit:
            return (f"the balance ({self.balance}) is {self.deficit} short of the {self.required} needed "
                    f"(the run and a reserve of {self.limits.balance_min})")
        return None

    def check(self) -> None:
        """Raise unless the run may be queued: 422 above the per-run limit, 429 when the balance is short."""
        if not self.within_job_limit:
            raise InvalidInputError(self.warning or "", details=[{
                "field": "discovery_config.max_results", "code": "job_tokens_max_exceeded",
                "message": self.warning or "", "limit": "job_tokens_max",
                "job_tokens_max": self.limits.job_tokens_max, "tokens_estimated": self.tokens_estimated}])
        if self.deficit:
            raise TokenBudgetError(required=self.required, balance=self.balance,
                                   retry_after_seconds=self.retry_after_seconds, refill_rate=self.refill_rate)


def estimate_run(session: Session, discovery: DiscoverySpec, scoring: ScoringSpec | None = None, *,
                 limits: Limits | None = None) -> RunEstimate:
    """The run's estimate against the current balance (Keepa's free ``/token`` only when none is stored), its
    lookups priced with the live offers ``scoring`` needs (the default scoring's when ``None``); 422 for an
    unknown strategy."""
    offers = live_offers(scoring or ScoringSpec(), RulesBook(session, domain_id=discovery.domain_id).config(None))
    discovery_tokens, details_tokens = estimate_run_tokens(discovery, offers=offers)
    current = current_estimate(session, keepa_client(discovery.domain_id))
    limits = limits or Limits.configured()
    needed = discovery_tokens + details_tokens + limits.balance_min
    wait = retry_after_seconds(current, max(1, needed - current.estimated))
    return RunEstimate(discovery_tokens=discovery_tokens, details_tokens=details_tokens, balance=current.estimated,
                       limits=limits, retry_after_seconds=wait, refill_rate=current.balance.refill_rate,
                       offers=offers)
