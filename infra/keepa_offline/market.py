"""Marketplace histories derived from offer histories, so csv, offers and buy box always agree.

The rules that built the stored fixtures' offers: at every event time the live
offers decide AMAZON (0), NEW (1, cheapest new incl. Amazon), USED (2), NEW_FBM_SHIPPING (7), NEW_FBA (10,
excluding Amazon), the offer counts (11, 12, 34 incl. Amazon, 35), EXTRA_INFO_UPDATES (15), the used
conditions (19-22), the buy box (18: Amazon when in stock, else the cheapest FBA new offer, else the cheapest
new one) and the used buy box (32), plus ``buyBoxSellerIdHistory`` and ``buyBoxUsedHistory``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Triple = tuple[int, int, int]


@dataclass(slots=True)
class OfferPlan:
    """One offer's life: price history ``(t, price, shipping)``, listed from ``first`` to ``last``."""

    offer_id: int
    seller: str
    condition: int
    fba: bool
    amazon: bool
    history: list[Triple]
    first: int
    last: int
    comment: str | None = None
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """Out-of-stock spans ``[a, b)`` during which the offer is not listed."""

    def listed(self, t: int) -> bool:
        """Whether the offer is listed (in stock) at ``t``."""
        return self.first <= t <= self.last and not any(a <= t < b for a, b in self.gaps)

    def at(self, t: int) -> tuple[int, int] | None:
        if not self.listed(t):
            return None
        current = None
        for ht, price, shipping in self.history:
            if ht > t:
                break
            current = (price, shipping)
        return current

    def timeline(self) -> list[tuple[int, tuple[int, int] | None]]:
        """``(t, at(t))`` at every time the offer's state may change, ascending (``at`` is constant in between)."""
        changes = {self.first, self.last + 1} | {h[0] for h in self.history}
        changes |= {t for gap in self.gaps for t in gap}
        out: list[tuple[int, tuple[int, int] | None]] = []
        history, price, i = self.history, None, 0
        for t in sorted(changes):
            while i < len(history) and history[i][0] <= t:
                price = (history[i][1], history[i][2])
                i += 1
            out.append((t, price if self.listed(t) else None))
        return out

    def wire(self) -> dict[str, Any]:
        """The offer object as Keepa sends it."""
        return {"offerId": self.offer_id, "lastSeen": self.last, "sellerId": self.seller,
                "offerCSV": [x for point in self.history for x in point], "condition": self.condition,
                "conditionComment": self.comment, "isPrime": self.fba, "isMAP": False, "isShippable": True,
                "isPreorder": False, "isWarehouseDeal": False, "shipsFromChina": False, "isAmazon": self.amazon,
                "isFBA": self.fba, "isPrimeExcl": False, "minOrderQty": 0}


def pairs(series: Sequence[tuple[int, ...]]) -> list[int]:
    """Flatten ``(t, v...)`` points into a csv list, writing a point only when the value changes."""
    out: list[int] = []
    last: tuple[int, ...] | None = None
    for item in series:
        value = item[1:]
        if value == last:
            continue
        out.extend(item)
        last = value
    return out


Side = Sequence[tuple[OfferPlan, int]]
"""The new (or used) offers, each with its index into the state list."""
State = Sequence[tuple[int, int] | None]


def _listed(offers: Side, state: State) -> Iterator[tuple[OfferPlan, tuple[int, int], int]]:
    """The offers listed in ``state``, each with its (price, shipping) and landed price."""
    for o, k in offers:
        ps = state[k]
        if ps:
            yield o, ps, ps[0] + max(ps[1], 0)


def _new_side(t: int, offers: Side, state: State, series: dict[int, list[tuple[int, ...]]],
              bb_hist: list[tuple[int, str]]) -> None:
    """Append the new offers' series at ``t``: 0, 1, 7, 10, 11, 34, 35, the buy box 18 and its seller."""
    amazon = cheapest_new = cheapest_fba = None
    lowest_new = lowest_fba_3p = -1
    fbm: tuple[int, int, int] | None = None
    new_count = fba_count = 0
    for o, ps, landed in _listed(offers, state):
        new_count += 1
        if lowest_new < 0 or landed < lowest_new:
            lowest_new, cheapest_new = landed, (o, ps)
        if o.fba:
            fba_count += 1
            if cheapest_fba is None or landed < cheapest_fba[2]:
                cheapest_fba = (o, ps, landed)
        if o.amazon:
            amazon = amazon or (o, ps)
        elif o.fba:
            lowest_fba_3p = landed if lowest_fba_3p < 0 else min(lowest_fba_3p, landed)
        elif fbm is None or (landed, *ps) < fbm:
            fbm = (landed, *ps)
    series[0].append((t, amazon[1][0] if amazon else -1))
    series[1].append((t, lowest_new))
    series[7].append((t, *fbm[1:]) if fbm else (t, -1, -1))
    series[10].append((t, lowest_fba_3p))
    series[11].append((t, new_count))
    series[34].append((t, fba_count))
    series[35].append((t, new_count - fba_count))
    # buy box: Amazon when in stock, else the cheapest FBA new offer, else the cheapest new offer
    winner = amazon or (cheapest_fba[:2] if cheapest_fba else None) or cheapest_new
    series[18].append((t, *winner[1]) if winner else (t, -1, -1))
    bb_hist.append((t, winner[0].seller if winner else "-1"))


def _used_side(t: int, offers: Side, state: State, series: dict[int, list[tuple[int, ...]]],
               bbu_hist: list[tuple[int, str, str, str]]) -> None:
    """Append the used offers' series at ``t``: 2, 12, the conditions 19-22 and the used buy box 32."""
    cheapest_used = cheapest_used_fba = None
    lowest_used = -1
    by_condition: dict[int, tuple[int, int, int]] = {}
    used_count = 0
    for o, ps, landed in _listed(offers, state):
        used_count += 1
        lowest_used = landed if lowest_used < 0 else min(lowest_used, landed)
        best = by_condition.get(o.condition)
        if best is None or (landed, *ps) < best:
            by_condition[o.condition] = (landed, *ps)
        if cheapest_used is None or landed < cheapest_used[2]:
            cheapest_used = (o, ps, landed)
        if o.fba and (cheapest_used_fba is None or landed < cheapest_used_fba[2]):
            cheapest_used_fba = (o, ps, landed)
    series[2].append((t, lowest_used))
    series[12].append((t, used_count))
    for condition, index in ((2, 19), (3, 20), (4, 21), (5, 22)):
        best = by_condition.get(condition)
        series[index].append((t, *best[1:]) if best else (t, -1, -1))
    used_winner = cheapest_used_fba or cheapest_used
    series[32].append((t, *used_winner[1]) if used_winner else (t, -1, -1))
    if used_winner:
        o = used_winner[0]
        bbu_hist.append((t, o.seller, str(o.condition), "1" if o.fba else "0"))
    else:
        bbu_hist.append((t, "", "", ""))


def derive(offers: Sequence[OfferPlan], times: Sequence[int]) -> tuple[dict[int, list[int]], list[str], list[str]]:
    """Marketplace csv series by index, ``buyBoxSellerIdHistory`` and ``buyBoxUsedHistory`` at ``times``."""
    series: dict[int, list[tuple[int, ...]]] = {k: [] for k in (0, 1, 2, 7, 10, 11, 12, 15, 18, 19, 20, 21, 22,
                                                                 32, 34, 35)}
    bb_hist: list[tuple[int, str]] = []
    bbu_hist: list[tuple[int, str, str, str]] = []
    # Each offer's state changes, by time; ``state`` holds every offer's (price, shipping) while listed.
    changes: dict[int, list[tuple[int, tuple[int, int] | None]]] = {}
    for k, o in enumerate(offers):
        for when, ps in o.timeline():
            changes.setdefault(when, []).append((k, ps))
    change_times = sorted(changes)
    state: list[tuple[int, int] | None] = [None] * len(offers)
    is_new = [o.condition == 1 for o in offers]
    new_side = [(o, k) for k, o in enumerate(offers) if o.condition == 1]
    used_side = [(o, k) for k, o in enumerate(offers) if 2 <= o.condition <= 5]
    next_change = 0
    live = 0
    for t in times:
        first = not series[15]
        new_changed = used_changed = first
        while next_change < len(change_times) and change_times[next_change] <= t:
            for k, ps in changes[change_times[next_change]]:
                live += (ps is not None) - (state[k] is not None)
                state[k] = ps
                if is_new[k]:
                    new_changed = True
                else:
                    used_changed = True
            next_change += 1
        series[15].append((t, live))  # every offers fetch is an update entry
        # Each side is recomputed only when one of its offers changed (repricings make most fetches one-sided);
        # a side's series keep their last value otherwise. Ties go to the earlier offer, and the per-condition
        # lowest to the lowest (landed, price, shipping).
        if new_changed:
            _new_side(t, new_side, state, series, bb_hist)
        if used_changed:
            _used_side(t, used_side, state, series, bbu_hist)
    csv = {k: pairs(v) for k, v in series.items()}
    csv[15] = [x for t, n in series[15] for x in (t, n)]
    bbh: list[str] = []
    last_seller: str | None = None
    for t, seller in bb_hist:
        if seller != last_seller:
            bbh += [str(t), seller]
            last_seller = seller
    bbu: list[str] = []
    last_used: tuple[str, str, str] | None = None
    for t, *used in bbu_hist:
        entry = (used[0], used[1], used[2])
        if entry != last_used:
            bbu += [str(t), *entry]
            last_used = entry
    return csv, bbh, bbu
