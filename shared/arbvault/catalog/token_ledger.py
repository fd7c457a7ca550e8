"""The last Keepa token balance any environment observed, kept in PostgreSQL (one row).

Every envelope carries the balance, so recording it after each call makes the balance known to every Lambda
environment without spending a token. Only a newer observation replaces the stored one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from arbvault.keepa.tokens import TokenBalance
from arbvault.models.keepa_token_state import TOKEN_STATE_ID, KeepaTokenState

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BalanceSource = Literal["last_response", "token_endpoint"]


@dataclass(frozen=True, slots=True)
class StoredBalance:
    """A balance and where it came from: a product (or other paid) call, or ``/token``."""

    balance: TokenBalance
    source: BalanceSource


def load_balance(session: Session) -> StoredBalance | None:
    """The stored balance, ``None`` before any Keepa answer was recorded."""
    row = session.scalar(select(KeepaTokenState).where(KeepaTokenState.id == TOKEN_STATE_ID))
    if row is None:
        return None
    balance = TokenBalance(
        tokens_left=row.tokens_left, refill_in_ms=row.refill_in_ms, refill_rate=row.refill_rate,
        tokens_consumed=row.tokens_consumed, token_flow_reduction=row.token_flow_reduction,
        server_time=row.server_time, observed_at=row.observed_at,
    )
    return StoredBalance(balance=balance, source=row.source)  # type: ignore[arg-type]


def record_balance(session: Session, balance: TokenBalance, *, source: BalanceSource) -> None:
    """Store ``balance`` unless a newer observation is already stored (another environment may be ahead)."""
    values = {
        "id": TOKEN_STATE_ID, "tokens_left": balance.tokens_left, "refill_in_ms": balance.refill_in_ms,
        "refill_rate": balance.refill_rate, "tokens_consumed": balance.tokens_consumed,
        "token_flow_reduction": balance.token_flow_reduction, "server_time": balance.server_time,
        "observed_at": balance.observed_at, "source": source,
    }
    statement = insert(KeepaTokenState).values(values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[KeepaTokenState.id],
        set_={key: statement.excluded[key] for key in values if key != "id"},
        where=KeepaTokenState.observed_at < statement.excluded.observed_at,
    ))
