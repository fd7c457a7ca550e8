"""The token guard: before a Keepa call costing N tokens, check the balance, without spending a token.

The balance is the last one any environment recorded (``token_ledger``), estimated forward to now with the
refill rate. When none was ever recorded, Keepa's ``/token`` (free) is asked once and its answer stored.
Short -> ``TokenBudgetError`` (429) with ``Retry-After`` from the refill rate; a cost above what the plan's
bucket ever holds -> ``TokenCapacityError`` (413), since waiting would not help.

Keepa itself accepts any call while the balance is above zero and lets it go negative; the guard is stricter
on purpose, so a multi-request lookup does not stop half-way with tokens spent and nothing to show.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from arbvault.catalog.exceptions import TokenBudgetError, TokenCapacityError
from arbvault.catalog.token_ledger import BalanceSource, StoredBalance, load_balance, record_balance
from arbvault.db import session_scope
from arbvault.keepa.tokens import BUCKET_MINUTES, REFILL_PERIOD_MS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.keepa.client import KeepaClient
    from arbvault.keepa.tokens import TokenBalance

UNKNOWN_RATE_WAIT_SECONDS = REFILL_PERIOD_MS // 1000
"""Retry-After when the refill rate is unknown (0): one refill period."""


@dataclass(frozen=True, slots=True)
class TokenEstimate:
    """A stored balance projected to ``at``."""

    stored: StoredBalance
    at: datetime
    estimated: int
    next_refill_at: datetime | None
    """When the next refill lands after ``at`` (``None`` without a refill rate)."""

    @property
    def balance(self) -> TokenBalance:
        return self.stored.balance

    @property
    def source(self) -> BalanceSource:
        return self.stored.source

    @property
    def refill_in_ms(self) -> int | None:
        if self.next_refill_at is None:
            return None
        return max(0, int((self.next_refill_at - self.at).total_seconds() * 1000))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready fields for the token-status route."""
        balance = self.balance
        return {
            "tokens_left": balance.tokens_left,
            "estimated_now": self.estimated,
            "refill_rate": balance.refill_rate,
            "refill_in_ms": self.refill_in_ms,
            "token_flow_reduction": balance.token_flow_reduction,
            "observed_at": balance.observed_at.isoformat(),
            "server_time": balance.server_time.isoformat() if balance.server_time else None,
            "estimated_at": self.at.isoformat(),
            "source": self.source,
        }


def _refills_done(balance: TokenBalance, at: datetime) -> int:
    elapsed_ms = (at - balance.observed_at).total_seconds() * 1000
    if balance.refill_rate <= 0 or elapsed_ms < balance.refill_in_ms:
        return 0
    return 1 + int((elapsed_ms - balance.refill_in_ms) // REFILL_PERIOD_MS)


def _refill_time(balance: TokenBalance, number: int) -> datetime:
    """When refill ``number`` (1-based, counted from the observation) lands."""
    offset_ms = balance.refill_in_ms + (number - 1) * REFILL_PERIOD_MS
    return balance.observed_at + timedelta(milliseconds=offset_ms)


def estimate(stored: StoredBalance, at: datetime | None = None) -> TokenEstimate:
    """``stored`` projected to ``at`` (default now): refills since the observation, capped at an hour's worth."""
    moment = at or datetime.now(UTC)
    balance = stored.balance
    next_refill = _refill_time(balance, _refills_done(balance, moment) + 1) if balance.refill_rate > 0 else None
    return TokenEstimate(stored=stored, at=moment, estimated=balance.estimate(moment), next_refill_at=next_refill)


def retry_after_seconds(current: TokenEstimate, deficit: int) -> int:
    """Whole seconds until refills have added ``deficit`` tokens (one refill period if the rate is unknown)."""
    rate = current.balance.refill_rate
    if rate <= 0 or current.next_refill_at is None:
        return UNKNOWN_RATE_WAIT_SECONDS
    refills = math.ceil(deficit / rate)
    ready_at = current.next_refill_at + timedelta(milliseconds=(refills - 1) * REFILL_PERIOD_MS)
    return max(1, math.ceil((ready_at - current.at).total_seconds()))


def ask_keepa(session: Session, client: KeepaClient) -> StoredBalance:
    """Ask ``/token`` (free) and store the answer."""
    balance = client.token_status()
    record_balance(session, balance, source="token_endpoint")
    return StoredBalance(balance=balance, source="token_endpoint")


def current_estimate(session: Session, client: KeepaClient, *, refresh: bool = False) -> TokenEstimate:
    """The balance now: the stored one projected forward, or ``/token`` when none is stored or ``refresh``."""
    stored = None if refresh else load_balance(session)
    return estimate(stored or ask_keepa(session, client))


def check_tokens(session: Session, client: KeepaClient, required: int) -> TokenEstimate | None:
    """Raise unless about ``required`` tokens are available now; nothing is checked (or asked) for 0.

    Only the first check of a deployment (nothing stored yet) calls Keepa, for ``/token``; it is free and fast.
    """
    if required <= 0:
        return None
    current = current_estimate(session, client)
    if current.estimated >= required:
        return current
    rate = current.balance.refill_rate
    capacity = max(rate * BUCKET_MINUTES, current.estimated)
    if rate > 0 and required > capacity:  # without a known rate, the bucket's size is unknown too
        raise TokenCapacityError(required=required, capacity=capacity)
    deficit = required - current.estimated
    raise TokenBudgetError(required=required, balance=current.estimated, refill_rate=current.balance.refill_rate,
                           retry_after_seconds=retry_after_seconds(current, deficit))


@dataclass(frozen=True, slots=True)
class GuardAnswer:
    """What ``check_tokens`` would decide now for a request, without raising: the balance, and why not if not."""

    current: TokenEstimate
    retry_after_seconds: int | None = None
    capacity_exceeded: bool = False

    @property
    def sufficient(self) -> bool:
        return self.retry_after_seconds is None and not self.capacity_exceeded


def would_pass(session: Session, client: KeepaClient, required: int) -> GuardAnswer:
    """The guard's decision on ``required`` tokens, for estimate routes: "sufficient" means exactly what the
    paid request would find."""
    current = current_estimate(session, client)
    try:
        check_tokens(session, client, required)
    except TokenBudgetError as exc:
        return GuardAnswer(current, retry_after_seconds=exc.retry_after_seconds)
    except TokenCapacityError:
        return GuardAnswer(current, capacity_exceeded=True)
    return GuardAnswer(current)


def remember_balance(session: Session, client: KeepaClient) -> None:
    """Store the balance of ``client``'s last envelope (call after every paid Keepa call, failed ones too)."""
    if client.balance is not None:
        record_balance(session, client.balance, source="last_response")


@contextmanager
def guarded(client: KeepaClient, required: int) -> Iterator[TokenEstimate | None]:
    """Check ``required`` tokens before the block (its Keepa call) and record the balance after it, always.

    Opens its own sessions, so call it while holding none (the pool has one connection per environment)::

        with guarded(client, finder_cost(50)):
            result = client.product_finder(selection)
    """
    with session_scope() as session:
        current = check_tokens(session, client, required)
    try:
        yield current
    finally:
        with session_scope() as session:
            remember_balance(session, client)
