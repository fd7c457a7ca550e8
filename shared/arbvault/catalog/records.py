"""An engine ``Analysis`` as JSON (the ``metrics`` the API returns) and as a row of the ``analyses`` table."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from arbvault.analysis import FeeBreakdown

if TYPE_CHECKING:
    from arbvault.analysis import Analysis
    from arbvault.catalog.lookup import CatalogProduct
    from arbvault.keepa import KeepaProduct

_PLAIN = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass type's field names (``None`` for other types); looked up once per type, not per value."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def to_json(value: Any) -> Any:
    """Plain JSON values: dataclasses as objects (a fee breakdown with its total), Decimal as numbers."""
    if type(value) in _PLAIN:  # most of an analysis' eighty-odd values; answered before any isinstance
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    names = _field_names(type(value))
    if names is not None:
        result = {name: to_json(getattr(value, name)) for name in names}
        if isinstance(value, FeeBreakdown):
            result["total"] = to_json(value.total)
        return result
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def data_source(item: CatalogProduct) -> dict[str, Any]:
    """Where an analysis' Keepa data came from."""
    return {"fetched_at": item.fetched_at.isoformat(), "from_snapshot": item.from_snapshot,
            **item.options.as_dict()}


def analysis_metrics(analysis: Analysis, item: CatalogProduct) -> dict[str, Any]:
    """The full analysis detail, plus the Keepa data's age and request options under ``keepa``."""
    return {**to_json(analysis), "keepa": data_source(item)}


def offers_count(product: KeepaProduct) -> int | None:
    """Current offers of every condition, as Keepa counts them."""
    counts = product.offer_counts
    if counts.total is not None:
        return counts.total
    parts = [c for c in (counts.new, counts.used, counts.collectible, counts.refurbished) if c is not None]
    return sum(parts) if parts else None


def analysis_row(analysis: Analysis, product: KeepaProduct, item: CatalogProduct, *, source: str, created_by: str,
                 job_id: Any = None) -> dict[str, Any]:
    """Column values of an ``analyses`` row (the id and timestamps are left to the caller and the database)."""
    profit = analysis.profit
    return {
        "job_id": job_id,
        "domain_id": product.domain_id,
        "identifier": item.identifier.value,
        "asin": analysis.asin,
        "isbn13": product.isbn13 or item.identifier.isbn13,
        "title": analysis.title,
        "category": analysis.category,
        "strategy": analysis.strategy,
        "buy_price": analysis.buy_price,
        "sell_price": analysis.sell_price,
        "fees": analysis.fees.total if analysis.fees is not None else None,
        "profit": profit.net_profit if profit is not None else None,
        "max_buy_price": analysis.max_buy_price,
        "roi_pct": profit.roi_pct if profit is not None else None,
        "margin_pct": profit.margin_pct if profit is not None else None,
        "velocity_score": analysis.velocity.score,
        "stability_score": analysis.stability.score,
        "confidence_score": analysis.confidence.score,
        "overall_rating": analysis.overall_rating,
        "recommendation": analysis.recommendation.label,
        "combined_score": analysis.combined_score,
        "bsr": analysis.bsr,
        "offers_count": offers_count(product),
        "metrics": analysis_metrics(analysis, item),
        "source": source,
        "created_by": created_by,
    }
