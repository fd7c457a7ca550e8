"""Request parameters of the offline server, validated the way Keepa rejects them (HTTP 400)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from arbvault.bounds import KEEPA_DOMAINS
from arbvault.keepa.time import datetime_to_keepa_minutes, unix_ms_to_keepa_minutes
from infra.keepa_offline.views import ProductOptions

MAX_IDS = 100


class RequestRejected(Exception):
    """A request Keepa would refuse; becomes the envelope with ``error`` and ``status``."""

    def __init__(self, message: str, *, details: str = "", status: int = 400,
                 error_type: str = "invalidParameter") -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.status = status
        self.error_type = error_type


def integer(params: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RequestRejected(f"{name} must be an integer", details=f"{name}={raw}") from None


def flag(params: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = integer(params, name)
    if value is None:
        return default
    if value not in (0, 1):
        raise RequestRejected(f"{name} must be 0 or 1", details=f"{name}={value}")
    return value == 1


def domain(params: Mapping[str, str]) -> int:
    value = integer(params, "domain")
    if value is None:
        raise RequestRejected("domain is required", details="domain")
    if value not in KEEPA_DOMAINS:
        raise RequestRejected("domain must be one of 1-6, 8-12", details=f"domain={value}")
    return value


def _moment(text: str) -> int:
    """Keepa minutes for an ISO-8601 date(-time) in UTC or a Unix time in ms."""
    if text.isdigit():
        return unix_ms_to_keepa_minutes(int(text))
    moment = datetime.fromisoformat(text)
    return datetime_to_keepa_minutes(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def stats(raw: str | None) -> tuple[int, int] | int | None:
    """``stats=N`` days, or ``stats=start,end`` (ISO dates or epoch ms)."""
    if raw is None or raw == "":
        return None
    try:
        if "," in raw:
            start_text, end_text = raw.split(",", 1)
            start, end = _moment(start_text.strip()), _moment(end_text.strip())
            if start >= end:
                raise ValueError
            return start, end
        days = int(raw)
        if days <= 0:
            raise ValueError
        return days
    except ValueError:
        raise RequestRejected("stats must be a positive number of days or 'start,end'",
                              details=f"stats={raw}") from None


def identifiers(raw: str) -> list[str]:
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise RequestRejected("asin or code needs at least one value")
    if len(items) > MAX_IDS:
        raise RequestRejected(f"at most {MAX_IDS} ASINs or codes per request", details=f"{len(items)} given")
    return items


def product_options(params: Mapping[str, str]) -> ProductOptions:
    """The shaping options of a ``/product`` request."""
    offers = integer(params, "offers")
    if offers is not None and not 20 <= offers <= 100:
        raise RequestRejected("offers must be between 20 and 100", details=f"offers={offers}")
    days = integer(params, "days")
    if days is not None and days <= 0:
        raise RequestRejected("days must be positive", details=f"days={days}")
    return ProductOptions(
        stats=stats(params.get("stats")),
        history=flag(params, "history", True),
        offers=offers,
        only_live_offers=flag(params, "only-live-offers"),
        buybox=flag(params, "buybox"),
        rating=flag(params, "rating"),
        days=days,
        update=integer(params, "update"),
    )
