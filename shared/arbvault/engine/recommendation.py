"""The combined ranking score: ROI and velocity weighted by the rules (the verdict itself is ``verdict.py``)."""

from __future__ import annotations

from decimal import Decimal

from arbvault.engine.config_view import EngineConfig
from arbvault.engine.money import HUNDRED, ZERO, clamp, round_half_up


def combined_score(*, roi_pct: Decimal | None, velocity: Decimal, config: EngineConfig) -> Decimal:
    """ROI (clamped to 0-100; an unknown ROI counts 0) and velocity weighted by the rules' weights, 2 dp."""
    roi = clamp(roi_pct, ZERO, HUNDRED) if roi_pct is not None else ZERO
    return round_half_up(roi * config.roi_weight + velocity * config.velocity_weight)
