"""View-specific score: ROI, velocity and stability weighted for one screen of the product, 0-100.

score = clamp(sum(clamp(metric, 0, 100) x weight x boost) / sum(weights), 0, 100), 2 dp. Dividing by the weight
sum (which is 1.3-1.55, not 1) keeps the result on the metrics' own 0-100 scale instead of saturating at 100
(docs/rules.md#view-scores). Missing metrics count as ROI 0, velocity 0, stability 50 (unknown stability is neutral).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from arbvault.engine.money import HUNDRED, ZERO, clamp, round_half_up

Metric = Literal["roi", "velocity", "stability"]
METRICS: Final[tuple[Metric, ...]] = ("roi", "velocity", "stability")
DEFAULT_VIEW: Final = "dashboard"
MISSING_METRIC: Final[Mapping[Metric, Decimal]] = MappingProxyType(
    {"roi": ZERO, "velocity": ZERO, "stability": Decimal(50)})


def _weights(roi: str, velocity: str, stability: str) -> Mapping[Metric, Decimal]:
    return MappingProxyType({"roi": Decimal(roi), "velocity": Decimal(velocity), "stability": Decimal(stability)})


VIEW_WEIGHTS: Final[Mapping[str, Mapping[Metric, Decimal]]] = MappingProxyType({
    "dashboard": _weights("0.50", "0.50", "0.30"),
    "mes_niches": _weights("0.60", "0.40", "0.50"),
    "analyse_strategique": _weights("0.40", "0.60", "0.20"),
    "auto_sourcing": _weights("0.30", "0.70", "0.10"),
    "stock_estimates": _weights("0.45", "0.45", "0.60"),
    "niche_discovery": _weights("0.50", "0.50", "0.40"),
})
VIEW_NAMES: Final[tuple[str, ...]] = tuple(VIEW_WEIGHTS)
STRATEGY_BOOSTS: Final[Mapping[str, Mapping[Metric, Decimal]]] = MappingProxyType({
    "textbook": _weights("1.2", "1.0", "1.1"),
    "velocity": _weights("1.0", "1.2", "0.9"),
    "balanced": _weights("1.0", "1.0", "1.0"),
})


@dataclass(frozen=True)
class ViewScore:
    """A view score with the inputs actually used (clamped) and each metric's share (without boosts)."""

    view: str
    score: Decimal
    weights: Mapping[Metric, Decimal]
    raw_metrics: Mapping[Metric, Decimal]
    components: Mapping[Metric, Decimal]


def view_score(view: str, metrics: Mapping[str, Decimal | None], strategy: str | None = None) -> ViewScore:
    """Score ``metrics`` (keys roi, velocity, stability; missing or None use the defaults) for ``view``.

    An unknown view uses the dashboard weights (routes reject unknown views before getting here); an unknown
    or absent strategy applies no boost.
    """
    name = view if view in VIEW_WEIGHTS else DEFAULT_VIEW
    weights = VIEW_WEIGHTS[name]
    boosts = STRATEGY_BOOSTS.get(strategy or "", STRATEGY_BOOSTS["balanced"])
    total_weight = sum(weights.values(), ZERO)
    raw: dict[Metric, Decimal] = {}
    for metric in METRICS:
        value = metrics.get(metric)
        raw[metric] = clamp(value if value is not None else MISSING_METRIC[metric], ZERO, HUNDRED)
    boosted = sum((raw[m] * weights[m] * boosts[m] for m in METRICS), ZERO) / total_weight
    components = {m: round_half_up(raw[m] * weights[m] / total_weight) for m in METRICS}
    return ViewScore(name, round_half_up(clamp(boosted)), weights, raw, components)
