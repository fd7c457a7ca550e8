"""The ``stats`` object computed from a product's csv, with the rules that built the stored fixtures
(``infra/keepa_offline/fixtures``), generalised to any interval:

* ``current`` = the newest point (landed price for S types); ``avg*`` = time-weighted mean of the
  non-negative values inside the window; ``atIntervalStart`` = the value in force at the interval start;
* ``outOfStock*`` = share of the window at -1, price types only;
* extremes follow Keepa's ``ProductAnalyzer.getExtremePointsInIntervalWithTime`` (a point that began before
  the interval is dated at the interval start);
* ``salesRankDrops*`` = rank decreases inside the window; ``totalOfferCount`` = sum of COUNT_NEW/USED/
  REFURBISHED/COLLECTIBLE; with offers, the buy-box and offer fields come from the live offers and
  ``buyBoxSellerIdHistory`` (``offer_stats``).

Serving the stored fixtures through this module reproduces their stored ``stats`` exactly (tested).
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

from arbvault.keepa.csv_types import CSV_LENGTH, PRICE_TYPES, SHIPPING_TYPES

DAY = 1440
PRICE_INDEXES = frozenset(int(t) for t in PRICE_TYPES)
SHIP_INDEXES = frozenset(int(t) for t in SHIPPING_TYPES)
_ARRAYS = ("current", "avg", "avg30", "avg90", "avg180", "avg365", "atIntervalStart",
           "outOfStockPercentageInInterval", "outOfStockPercentage30", "outOfStockPercentage90")
NOT_COLLECTED: dict[str, Any] = {
    "lastOffersUpdate": -1, "retrievedOfferCount": -2, "buyBoxPrice": -2, "buyBoxShipping": -2,
    "buyBoxSellerId": None, "buyBoxIsAmazon": None, "buyBoxIsFBA": None, "buyBoxIsUsed": None,
    "buyBoxIsUnqualified": None, "buyBoxIsShippable": None, "buyBoxIsPreorder": None, "buyBoxIsMAP": None,
    "stockAmazon": -2, "stockBuyBox": -2, "offerCountFBA": -2, "offerCountFBM": -2,
    "sellerIdsLowestFBA": None, "sellerIdsLowestFBM": None, "tradeInPrice": -2,
}
"""What Keepa reports for offer and buy-box fields the request did not collect."""
_SUMS_FROM = 24
"""Windows spanning this many points or more are summed with builtins (long sales-rank histories)."""


@dataclass(slots=True)
class Series:
    """One csv type as parallel lists: point times and values (landed prices for S types; -1 stays -1)."""

    times: list[int]
    values: list[int]
    _spans: list[int] | None = None

    def first_in_force(self, t: int) -> int:
        """Index of the point in force at ``t`` (0 when ``t`` precedes every point)."""
        return max(bisect_right(self.times, t) - 1, 0)

    def spans(self) -> list[int]:
        """Minutes from each point to the next, 0 for points with a negative value (they count for nothing)."""
        if self._spans is None:
            times, values = self.times, self.values
            spans = list(map(operator.sub, times[1:], times))
            if min(values) < 0:
                # one span fewer than values: the last value has none
                spans = [span if v >= 0 else 0 for span, v in zip(spans, values, strict=False)]
            self._spans = spans
        return self._spans


def series(flat: Sequence[int], index: int) -> Series:
    """The csv type ``index`` read from its flat list."""
    if index in SHIP_INDEXES:
        return Series(list(flat[0::3]), [price if price < 0 else price + (ship if ship > 0 else 0)
                                         for price, ship in zip(flat[1::3], flat[2::3], strict=False)])
    return Series(list(flat[0::2]), list(flat[1::2]))


def value_at(s: Series, t: int) -> int:
    i = bisect_right(s.times, t) - 1
    return s.values[i] if i >= 0 else -1


def _covered(s: Series, start: int, end: int) -> tuple[int, int]:
    """Sum of value x minutes and the minutes with a non-negative value inside ``[start, end)``.

    ``start`` must lie before ``end`` and ``end`` after the first point.
    """
    times, values = s.times, s.values
    i, j = s.first_in_force(start), bisect_left(times, end) - 1
    if j - i < _SUMS_FROM:
        total = weight = 0
        for k in range(i, j + 1):
            if (v := values[k]) >= 0:
                minutes = (times[k + 1] if k < j else end) - (times[k] if times[k] > start else start)
                total += v * minutes
                weight += minutes
        return total, weight
    spans = s.spans()[i:j]  # whole segments i .. j-1, summed in C
    total, weight = sum(map(operator.mul, spans, values[i:j])), sum(spans)
    if (v := values[i]) >= 0:  # segment i counts from start, not from its own point
        cut = max(start, times[i]) - times[i]
        total, weight = total - v * cut, weight - cut
    if (v := values[j]) >= 0:  # segment j counts up to end
        total, weight = total + v * (end - times[j]), weight + end - times[j]
    return total, weight


def weighted_avg(s: Series, start: int, end: int) -> int:
    if not s.times or s.times[0] >= end or start >= end:
        return -1
    total, weight = _covered(s, start, end)
    return round(total / weight) if weight else -1


def oos_pct(s: Series, start: int, end: int) -> int:
    if not s.times:
        return -1
    first = max(start, s.times[0])
    if first >= end:
        return -1
    return round(100 * (end - first - _covered(s, first, end)[1]) / (end - first))


def extremes(s: Series, start: int, end: int) -> tuple[list[int] | None, list[int] | None]:
    """Lowest and highest non-negative values in force in ``[start, end)``, each first reached (dated at ``start``
    when it began earlier)."""
    times, values = s.times, s.values
    i0, i1 = s.first_in_force(start), bisect_left(times, end)
    window = values[i0:i1]
    if not window:
        return None, None
    low = min(window)
    if low >= 0:  # no gaps: the builtins find the first lowest and highest
        high = max(window)
        lo_i, hi_i = i0 + window.index(low), i0 + window.index(high)
        return [max(times[lo_i], start), low], [max(times[hi_i], start), high]
    lo: list[int] | None = None
    hi: list[int] | None = None
    for i in range(i0, i1):
        v = values[i]
        if v < 0:
            continue
        if lo is None or v < lo[1]:
            lo = [max(times[i], start), v]
        if hi is None or v > hi[1]:
            hi = [max(times[i], start), v]
    return lo, hi


def drop_times(s: Series) -> list[int]:
    """When the rank fell (each a likely sale): a positive value below the positive one before it."""
    times, values = s.times, s.values
    if values and min(values) > 0:
        return list(compress(times[1:], map(operator.lt, values[1:], values)))
    return [times[i] for i in range(1, len(values)) if 0 < values[i] < values[i - 1]]


def build_stats(csv: Sequence[Sequence[int] | None], *, start: int, end: int, now: int) -> dict[str, Any]:
    """The csv-derived part of ``stats`` for the interval ``[start, end]`` (Keepa minutes), at clock ``now``."""
    st: dict[str, Any] = {key: [-1] * CSV_LENGTH for key in _ARRAYS}
    st["min"], st["max"], st["minInInterval"], st["maxInInterval"] = ([None] * CSV_LENGTH for _ in range(4))
    st["isLowest"], st["isLowest90"] = [False] * CSV_LENGTH, [False] * CSV_LENGTH
    windows = {d: now - d * DAY for d in (30, 90, 180, 365)}
    for i in range(CSV_LENGTH):
        flat = csv[i] if i < len(csv) else None
        if not flat:
            continue
        pts = series(flat, i)
        cur = pts.values[-1]
        st["current"][i] = cur
        st["avg"][i] = weighted_avg(pts, start, end)
        for d, since in windows.items():
            st[f"avg{d}"][i] = weighted_avg(pts, since, now)
        st["atIntervalStart"][i] = value_at(pts, start)
        lo, hi = extremes(pts, 0, now)
        st["min"][i], st["max"][i] = lo, hi
        st["minInInterval"][i], st["maxInInterval"][i] = extremes(pts, start, end)
        lo90, _ = extremes(pts, windows[90], now)
        st["isLowest"][i] = bool(lo and 0 <= cur <= lo[1])
        st["isLowest90"][i] = bool(lo90 and 0 <= cur <= lo90[1])
        if i in PRICE_INDEXES:
            st["outOfStockPercentageInInterval"][i] = oos_pct(pts, start, end)
            st["outOfStockPercentage30"][i] = oos_pct(pts, windows[30], now)
            st["outOfStockPercentage90"][i] = oos_pct(pts, windows[90], now)
    drops = drop_times(series(csv[3], 3)) if csv[3] else None
    for d, since in windows.items():
        st[f"salesRankDrops{d}"] = -1 if drops is None else bisect_left(drops, now) - bisect_left(drops, since)
    amazon = series(csv[0], 0) if csv[0] else Series([], [])
    for d in (30, 90):
        st[f"outOfStockCountAmazon{d}"] = sum(
            1 for j in range(1, len(amazon.times))
            if amazon.values[j] < 0 <= amazon.values[j - 1] and amazon.times[j] >= windows[d])
    st["totalOfferCount"] = sum(c for c in (st["current"][k] for k in (11, 12, 13, 14)) if c > 0)
    st["lightningDealInfo"] = None
    st["deltaPercent90_monthlySold"] = 0
    st.update(NOT_COLLECTED)
    return st


def monthly_sold_delta(product: Mapping[str, Any], now: int) -> int:
    """``deltaPercent90_monthlySold``: % change of ``monthlySold`` against its 90-day average (0 when unknown)."""
    sold, history = product.get("monthlySold"), product.get("monthlySoldHistory")
    if not sold or not history:
        return 0
    avg = weighted_avg(series(history, 0), now - 90 * DAY, now)
    return round(100 * (sold - avg) / avg) if avg > 0 else 0


def _landed(offer: Mapping[str, Any]) -> int:
    csv = offer["offerCSV"]
    return int(csv[-2] + max(csv[-1], 0))


def buy_box_stats(product: Mapping[str, Any], start: int, now: int) -> dict[str, Any]:
    """``buyBoxStats``: each winner's share of the interval and the averages while it held the buy box."""
    csv, history = product["csv"], product.get("buyBoxSellerIdHistory") or []
    last_update = product["lastUpdate"]
    fba_sellers = {o["sellerId"] for o in product.get("offers") or [] if o["condition"] == 1 and o["isFBA"]}
    bb, new_counts, used_counts = (series(csv[i], i) if csv[i] else Series([], []) for i in (18, 11, 12))
    spans = [(int(history[i]), history[i + 1]) for i in range(0, len(history) - 1, 2)]
    held: dict[str, dict[str, Any]] = {}
    for i, (t, seller) in enumerate(spans):
        t2 = spans[i + 1][0] if i + 1 < len(spans) else now
        a, b = max(t, start), min(t2, now)
        if b <= a or seller in ("-1", "-2"):
            continue
        entry = held.setdefault(seller, {"duration": 0, "segments": [], "last": 0})
        entry["duration"] += b - a
        entry["segments"].append((a, b))
        entry["last"] = min(t2, last_update)

    def while_held(entry: dict[str, Any], pts: Series) -> int:
        total = weight = 0
        for a, b in entry["segments"]:
            total += weighted_avg(pts, a, b) * (b - a)
            weight += b - a
        return round(total / weight)

    return {
        seller: {"percentageWon": round(100.0 * entry["duration"] / (now - start), 2),
                 "avgPrice": while_held(entry, bb), "avgNewOfferCount": while_held(entry, new_counts),
                 "avgUsedOfferCount": while_held(entry, used_counts), "isFBA": seller in fba_sellers,
                 "lastSeen": entry["last"]}
        for seller, entry in sorted(held.items(), key=lambda kv: -kv[1]["duration"])
    }


def offer_stats(product: Mapping[str, Any], start: int, now: int) -> dict[str, Any]:
    """The stats fields an ``offers=`` request collects: buy box, used buy box, offer counts, lowest sellers."""
    offers = product.get("offers") or []
    live = [offers[i] for i in product.get("liveOffersOrder") or []]
    new = [o for o in live if o["condition"] == 1]
    csv, history = product["csv"], product.get("buyBoxSellerIdHistory") or []
    winner_id = history[-1] if history else "-1"
    winner = next((o for o in new if o["sellerId"] == winner_id), None)
    fba = [o for o in live if o["isFBA"] and not o["isAmazon"]]
    fbm = [o for o in live if not o["isFBA"]]
    fields: dict[str, Any] = {
        "lastOffersUpdate": product["lastUpdate"], "lastBuyBoxUpdate": product["lastUpdate"],
        "retrievedOfferCount": len(live), "totalOfferCount": len(live),
        "offerCountFBA": len(fba), "offerCountFBM": len(fbm),
        "sellerIdsLowestFBA": [min((o for o in fba if o["condition"] == 1), key=_landed)["sellerId"]]
        if any(o["condition"] == 1 for o in fba) else None,
        "sellerIdsLowestFBM": [min((o for o in fbm if o["condition"] == 1), key=_landed)["sellerId"]]
        if any(o["condition"] == 1 for o in fbm) else None,
        "stockAmazon": -2, "stockBuyBox": -2,
    }
    fields.update(buy_box_fields(product, winner))
    used_history = product.get("buyBoxUsedHistory") or []
    if csv[32] and csv[32][-2] >= 0 and len(used_history) >= 4 and used_history[-3]:
        fields.update({"buyBoxUsedPrice": csv[32][-2], "buyBoxUsedShipping": csv[32][-1],
                       "buyBoxUsedSellerId": used_history[-3], "buyBoxUsedIsFBA": used_history[-1] == "1",
                       "buyBoxUsedCondition": int(used_history[-2])})
    fields["buyBoxStats"] = buy_box_stats(product, start, now)
    return fields


def buy_box_fields(product: Mapping[str, Any], winner: Mapping[str, Any] | None) -> dict[str, Any]:
    """The new buy box's current price and flags (``offers=`` or ``buybox=`` requests)."""
    csv = product["csv"]
    if winner is None or not csv[18] or csv[18][-2] < 0:
        return {"buyBoxPrice": -1, "buyBoxShipping": -1, "buyBoxSellerId": None}
    shipping = csv[18][-1]
    return {
        "buyBoxPrice": csv[18][-2], "buyBoxShipping": shipping, "buyBoxSellerId": winner["sellerId"],
        "buyBoxIsAmazon": winner["isAmazon"], "buyBoxIsFBA": winner["isFBA"], "buyBoxIsUsed": False,
        "buyBoxIsUnqualified": False, "buyBoxIsShippable": True, "buyBoxIsPreorder": False, "buyBoxIsMAP": False,
        "buyBoxIsPrimeEligible": winner["isPrime"], "buyBoxIsFreeShippingEligible": shipping == 0,
        "buyBoxIsPrimeExclusive": False, "buyBoxAvailabilityMessage": "In Stock", "buyBoxShippingCountry": "US",
        "buyBoxMinOrderQuantity": 0, "buyBoxMaxOrderQuantity": 0, "buyBoxCondition": 1,
    }
