"""An engine ``Analysis`` as JSON (the ``metrics`` the API returns) and as a row of the ``analyses`` table."""

from __future__ import annotations

import dataclasses
from datetime import datetime, tzinfo
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import orjson

from arbvault.engine.fees import FeeBreakdown

if TYPE_CHECKING:
    from arbvault.catalog.lookup import CatalogProduct
    from arbvault.engine.analyze import Analysis
    from arbvault.keepa.product import KeepaProduct

_PLAIN = frozenset({str, int, float, bool, type(None)})
_ONE = Decimal(1)


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: an int when it has no fractional digits (exponent >= 0), else a float."""
    as_float = float(value)
    # Integral floats are the few that need the exponent (30.00 stays a float, 100000 an int). The usual whole
    # number (a rules value, the default weight) has exponent 0, which same_quantum tells; as_tuple is slow.
    if as_float.is_integer() and (value.same_quantum(_ONE) or _exponent(value) >= 0):
        return int(value)
    return as_float


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0  # 'n', 'N', 'F': NaN and infinity are not integral


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass type's field names (``None`` for other types); looked up once per type, not per value."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def to_json(value: Any) -> Any:
    """Plain JSON values: dataclasses as objects (a fee breakdown with its total), Decimal as numbers."""
    if type(value) in _PLAIN:  # most of an analysis' eighty-odd values; answered before any isinstance
        return value
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime):
        return value.isoformat()
    kind: type = type(value)
    names = _field_names(kind)
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


@lru_cache(maxsize=256)
def _zoned_isoformat(at: datetime, tz: tzinfo | None) -> str:
    # A chunk's analyses share one analysis time and mostly one fetch time, and an aware isoformat costs as much as
    # a dozen Decimal conversions. Keyed with the zone too: equal instants in two zones print differently.
    return at.isoformat()


def _isoformat(at: datetime) -> str:
    """``at.isoformat()``, remembered for the times a chunk repeats."""
    return _zoned_isoformat(at, at.tzinfo)


def data_source(item: CatalogProduct) -> dict[str, Any]:
    """Where an analysis' Keepa data came from."""
    return {"fetched_at": _isoformat(item.fetched_at), "from_snapshot": item.from_snapshot, **item.options.as_dict()}


OFFERS_NOT_FETCHED = "offers not fetched: ask with offers (20-100; 6 tokens per 10 live offers) to compare conditions"
NO_SELL_PRICE = "no current sell price to compare an acquisition price with"
NO_LIVE_OFFER = "no live offer in a condition a reseller buys in"


def condition_options_note(analysis: Analysis, item: CatalogProduct) -> str | None:
    """Why ``analysis.condition_options`` is empty (``None`` when it is not): the offers were not fetched (not
    asked for, or Keepa could not fetch them), there is no sell price, or no live offer in a buyable condition."""
    if analysis.condition_options:
        return None
    if not (item.raw.get("offersSuccessful") and item.raw.get("offers") is not None):
        return OFFERS_NOT_FETCHED
    return NO_SELL_PRICE if analysis.sell_price is None else NO_LIVE_OFFER


def metrics_json(analysis: Analysis, item: CatalogProduct) -> bytes:
    """``analysis_metrics`` as JSON text, written by orjson in one pass.

    orjson writes the analysis' dataclasses itself and calls back only for Decimals (nothing else in an analysis
    is foreign to it). The callback is ``float``, in C, with no Python call per value: every Decimal the engine
    computes (money, rates, scores, sales, data age) leaves it rounded by ``round_half_up`` to 1 or 2 places, so
    its exponent is negative and ``json_number`` would say float too. The Decimals passed through as they came
    (market prices, package weight, velocity benchmark, the rules' target ROI) and the fee total (a sum) are
    converted here by ``json_number``. Also set here: the fee total, and the analysis time through ``isoformat``
    (orjson drops the seconds of an offset that has them). ``tests/unit/catalog/test_catalog_records.py`` holds
    the text to the recursive ``to_json`` conversion.
    """
    velocity = analysis.velocity
    detail = {
        **vars(analysis),
        "prices": {name: json_number(price) if price is not None else None
                   for name, price in vars(analysis.prices).items()},
        "target_roi_pct": json_number(analysis.target_roi_pct),
        "velocity": {**vars(velocity), "benchmark": json_number(velocity.benchmark)},
        "analyzed_at": _isoformat(analysis.analyzed_at),
        "condition_options_note": condition_options_note(analysis, item),
        "keepa": data_source(item),
    }
    fees = analysis.fees
    if fees is not None:
        detail["fees"] = {**vars(fees), "weight_lb": json_number(fees.weight_lb), "total": json_number(fees.total)}
    return orjson.dumps(detail, default=float)


def analysis_metrics(analysis: Analysis, item: CatalogProduct) -> dict[str, Any]:
    """The full analysis detail, plus the Keepa data's age and request options under ``keepa``.

    Equal, value for value and type for type, to ``{**to_json(analysis), "condition_options_note":
    condition_options_note(analysis, item), "keepa": data_source(item)}``.
    """
    detail: dict[str, Any] = orjson.loads(metrics_json(analysis, item))
    return detail


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
        "buy_price_source": analysis.buy_price_source,
        "buy_condition": analysis.buy_condition,
        "sell_price": analysis.sell_price,
        "sell_price_source": analysis.sell_price_source,
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
        "metrics": orjson.Fragment(metrics_json(analysis, item)),  # written once; bulk writes embed it as is
        "source": source,
        "created_by": created_by,
    }
