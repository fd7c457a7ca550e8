"""Product Finder (``/query``) and best-seller lists over the catalogue pool.

Supported ``selection`` keys: ``page``, ``perPage`` (at least 50; ``page * perPage`` at most 10,000), ``sort``
(up to three ``[field, "asc"|"desc"]`` pairs; default ascending ``current_SALES``), ``rootCategory``,
``categories_include``, ``categories_exclude``, ``productType``, ``title``, ``author``, ``publisher``,
``binding`` (case-insensitive substring, or any of a list), ``availabilityAmazon`` (any of a list of Keepa's
availability codes: ``[-1]`` is "Amazon does not offer it"), and range filters ``<field>_gte`` / ``<field>_lte``
where field is ``current|avg30|avg90|avg180|avg365`` + ``_`` + a csv type name (``current_SALES``,
``avg90_NEW``, ...), ``salesRankDrops30|90|180|365`` or ``monthlySold``. Values are Keepa's integers (cents,
ranks). Anything else is rejected with 400 so a client never mistakes an ignored filter for an applied one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from arbvault.keepa.csv_types import CsvType
from infra.keepa_offline.catalogue import Entry
from infra.keepa_offline.params import RequestRejected
from infra.keepa_offline.stats import DAY, build_stats

_AGGREGATES = ("current", "avg30", "avg90", "avg180", "avg365")
_SCALARS = ("salesRankDrops30", "salesRankDrops90", "salesRankDrops180", "salesRankDrops365")
_TEXT = {"title": "title", "author": "author", "publisher": "manufacturer", "binding": "binding"}
_CODES = ("rootCategory", "categories_include", "categories_exclude", "productType", "availabilityAmazon")
_PAGING = {"page", "perPage", "sort"}
MAX_RESULTS = 10_000


_STATS_CACHE: dict[tuple[str, int], dict[str, Any]] = {}


def _stats(entry: Entry) -> dict[str, Any]:
    """90-day stats of a pool product (the pool is fixed, so the cache stays small)."""
    cache_key = (entry.key, entry.now)
    if cache_key not in _STATS_CACHE:
        _STATS_CACHE[cache_key] = build_stats(entry.product["csv"], start=entry.now - 90 * DAY, end=entry.now,
                                              now=entry.now)
    return _STATS_CACHE[cache_key]


def field_value(entry: Entry, stats: Mapping[str, Any], name: str) -> int | None:
    """A filterable number of a product (``None`` when Keepa would have no data)."""
    if name == "monthlySold":
        return entry.product.get("monthlySold") or None
    if name in _SCALARS:
        value = stats.get(name, -1)
        return value if value >= 0 else None
    aggregate, _, type_name = name.partition("_")
    if aggregate not in _AGGREGATES or type_name not in CsvType.__members__:
        raise RequestRejected(f"unsupported selection field {name!r}", details=name)
    value = stats[aggregate][CsvType[type_name]]
    return value if value >= 0 else None


def _field_known(name: str) -> bool:
    if name == "monthlySold" or name in _SCALARS:
        return True
    aggregate, _, type_name = name.partition("_")
    return aggregate in _AGGREGATES and type_name in CsvType.__members__


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _category_ids(entry: Entry) -> set[int]:
    tree = {int(node["catId"]) for node in entry.product.get("categoryTree") or []}
    return tree | {int(c) for c in entry.product.get("categories") or []}


def validate_selection(selection: Any) -> tuple[int, int, list[tuple[str, bool]]]:
    """``(page, per_page, sort)`` of a selection document; raises ``RequestRejected`` when it is not usable."""
    if not isinstance(selection, dict):
        raise RequestRejected("selection must be a JSON object")
    filters = [k for k in selection if k not in _PAGING]
    if not filters:
        raise RequestRejected("selection needs at least one filter")
    for key in filters:
        if key in _CODES or key in _TEXT:
            continue
        base, _, bound = key.rpartition("_")
        if bound not in ("gte", "lte") or not _field_known(base) or not isinstance(selection[key], int):
            raise RequestRejected(f"selection key {key!r} is not supported by the offline server", details=key)
    page, per_page = selection.get("page", 0), selection.get("perPage", 50)
    if not isinstance(page, int) or not isinstance(per_page, int) or page < 0 or per_page < 50:
        raise RequestRejected("page must be >= 0 and perPage >= 50")
    if (page + 1) * per_page > MAX_RESULTS and not (page == 0 and per_page <= MAX_RESULTS):
        raise RequestRejected("page * perPage must not exceed 10000")
    sort: list[tuple[str, bool]] = []
    for pair in selection.get("sort") or [["current_SALES", "asc"]]:
        if (not isinstance(pair, list) or len(pair) != 2 or not _field_known(pair[0])
                or pair[1] not in ("asc", "desc")):
            raise RequestRejected("sort must be up to three [field, 'asc'|'desc'] pairs", details=str(pair))
        sort.append((pair[0], pair[1] == "desc"))
    if len(sort) > 3:
        raise RequestRejected("sort takes at most three pairs")
    return page, per_page, sort


def _matches(entry: Entry, stats: Mapping[str, Any], selection: Mapping[str, Any]) -> bool:
    product = entry.product
    for key, wanted in selection.items():
        if key in _PAGING:
            continue
        if key == "rootCategory":
            if product.get("rootCategory") not in _as_list(wanted):
                return False
        elif key == "categories_include":
            if not _category_ids(entry) & {int(c) for c in _as_list(wanted)}:
                return False
        elif key == "categories_exclude":
            if _category_ids(entry) & {int(c) for c in _as_list(wanted)}:
                return False
        elif key == "productType":
            if product.get("productType", 0) not in _as_list(wanted):
                return False
        elif key == "availabilityAmazon":
            if product.get("availabilityAmazon", -1) not in _as_list(wanted):
                return False
        elif key in _TEXT:
            text = str(product.get(_TEXT[key]) or "").lower()
            if not any(str(w).lower() in text for w in _as_list(wanted)):
                return False
        else:
            base, _, bound = key.rpartition("_")
            value = field_value(entry, stats, base)
            if value is None or (value < wanted if bound == "gte" else value > wanted):
                return False
    return True


def find(pool: list[Entry], selection: dict[str, Any]) -> tuple[list[str], int]:
    """``(asins of the requested page, total matches)``."""
    page, per_page, sort = validate_selection(selection)
    matched = []
    for entry in pool:
        stats = _stats(entry)
        if _matches(entry, stats, selection):
            matched.append((entry, stats))

    def order(item: tuple[Entry, dict[str, Any]]) -> tuple[Any, ...]:
        keys: list[Any] = []
        for name, descending in sort:
            value = field_value(item[0], item[1], name)
            # products without the value sort last in either direction
            keys += [value is None, -(value or 0) if descending else (value or 0)]
        return (*keys, item[0].product["asin"])

    matched.sort(key=order)
    asins = [entry.product["asin"] for entry, _ in matched]
    return asins[page * per_page:(page + 1) * per_page], len(asins)


def best_sellers(pool: list[Entry], category: int | None) -> list[str]:
    """ASINs of the pool in ``category`` (any, for a product group) by current sales rank, best first."""
    ranked = []
    for entry in pool:
        if category is not None and category not in _category_ids(entry):
            continue
        sales = entry.product["csv"][CsvType.SALES]
        if sales and sales[-1] > 0:
            ranked.append((sales[-1], entry.product["asin"]))
    return [asin for _, asin in sorted(ranked)]
