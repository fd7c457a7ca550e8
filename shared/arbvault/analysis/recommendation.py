"""The recommendation (rules from the config, first match wins) and the combined ranking score."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from arbvault.analysis.config_view import EngineConfig
from arbvault.analysis.money import HUNDRED, ZERO, clamp, round_half_up

PASS_LABEL: Final = "PASS"


@dataclass
class Recommendation:
    """The label of the first rule met, its description, and its position in the rules (None: no rule met).

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    label: str
    description: str
    rule_index: int | None


def recommend(*, roi_pct: Decimal, velocity: Decimal, profitable: bool, config: EngineConfig) -> Recommendation:
    """The first recommendation rule whose ROI and velocity minima are met; PASS when unprofitable or none is.

    Rules are tried in document order (a JSON list keeps its order through storage).
    """
    if profitable:
        for index, rule in enumerate(config.recommendation_rules):
            if roi_pct >= rule.min_roi and velocity >= rule.min_velocity:
                return Recommendation(rule.label, rule.description, index)
    return Recommendation(PASS_LABEL, "not profitable at this buy price" if not profitable else "no rule met", None)


def combined_score(*, roi_pct: Decimal, velocity: Decimal, config: EngineConfig) -> Decimal:
    """ROI (clamped to 0-100) and velocity weighted by the rules' combined-score weights, 2 dp."""
    return round_half_up(clamp(roi_pct, ZERO, HUNDRED) * config.roi_weight + velocity * config.velocity_weight)
