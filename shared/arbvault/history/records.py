"""Reading tracked points: a product's points newest first (keyset by day), and its newest one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from arbvault.exceptions import InvalidCursorError
from arbvault.history.exceptions import NoHistoryError
from arbvault.identifiers import InvalidIdentifierError, normalise
from arbvault.models.asin_history import AsinHistoryPoint

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


RECORDS_CURSOR_KEYS = ("tracked_on",)


def product_asin(raw: str, *, field: str = "path.asin") -> str:
    """The ASIN points are kept under for an ASIN, ISBN-10 or 978 ISBN-13 (422 naming ``field`` otherwise)."""
    asin = normalise(raw, field=field).asin
    if asin is None:
        raise InvalidIdentifierError(f"{raw!r}: this ISBN-13 has no ISBN-10 form; send the product's ASIN",
                                     value=raw, field=field)
    return asin


def cursor_day(position: dict[str, object]) -> date:
    """The day a records cursor points before (``InvalidCursorError``, 422, when damaged)."""
    try:
        return date.fromisoformat(str(position["tracked_on"]))
    except (KeyError, ValueError) as exc:
        raise InvalidCursorError(f"malformed: {exc}") from exc


def list_points(session: Session, *, domain_id: int, asin: str, since: date, limit: int,
                before: date | None = None) -> tuple[list[AsinHistoryPoint], date | None]:
    """Up to ``limit`` points of the product from ``since`` on, newest first, older than ``before`` when given;
    and the day the next page starts before (``None`` on the last page)."""
    query = (select(AsinHistoryPoint)
             .where(AsinHistoryPoint.domain_id == domain_id, AsinHistoryPoint.asin == asin,
                    AsinHistoryPoint.tracked_on >= since)
             .order_by(AsinHistoryPoint.tracked_on.desc()).limit(limit + 1))
    if before is not None:
        query = query.where(AsinHistoryPoint.tracked_on < before)
    rows = list(session.scalars(query))
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].tracked_on
    return rows, None


def latest_point(session: Session, *, domain_id: int, asin: str) -> AsinHistoryPoint:
    """The product's newest point; ``NoHistoryError`` (404) when it was never tracked."""
    point = session.scalars(
        select(AsinHistoryPoint).where(AsinHistoryPoint.domain_id == domain_id, AsinHistoryPoint.asin == asin)
        .order_by(AsinHistoryPoint.tracked_on.desc()).limit(1)).first()
    if point is None:
        raise NoHistoryError(asin, "tracked point")
    return point
