"""The verdict: recommendation, overall rating, summary and risk factors, all read from the rules' one table.

The verdict table (``verdicts`` in the rules) has one row per rating, best first, each with a recommendation
label, the minima of ROI, velocity, stability and confidence, and a summary template; every row's minima are
at most the row above's. A profitable buy with a known ROI takes the first row whose four minima it meets;
anything else, including an unknown ROI (no buy or no sell price), takes the last row, PASS. The label, the
rating and the summary therefore come from the same row and cannot disagree. Risk factors name the measures
below the GOOD row's minima, so a verdict rated EXCELLENT or GOOD never carries one of those.

The combined ranking score weighs ROI and velocity by the rules; it ranks analyses, the verdict does not read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from arbvault.engine.config_view import EngineConfig, Rating, VerdictRule
from arbvault.engine.money import HUNDRED, ZERO, clamp, round_half_up

NO_PRICE_DATA: Final = "no price data"
NOT_PROFITABLE: Final = "not profitable"
UNKNOWN_ROI: Final = "unknown"


@dataclass
class RatingInputs:
    """The four measures the verdict compares with its minima; ``roi_pct`` is None without a buy or sell price.

    Read-only (not frozen: see ``analyze.Analysis``).
    """

    roi_pct: Decimal | None
    velocity: Decimal
    stability: Decimal
    confidence: Decimal


@dataclass
class ScoreLevels:
    """The level names the summary templates quote. Read-only (see ``RatingInputs``)."""

    velocity: str
    stability: str
    confidence: str


@dataclass
class Recommendation:
    """The verdict's label, why (the row's description, or what was missing or short) and its row's index.

    Read-only (see ``RatingInputs``).
    """

    label: str
    description: str
    rule_index: int


@dataclass
class Verdict:
    """Everything the table decides about one product. Read-only (see ``RatingInputs``)."""

    recommendation: Recommendation
    rating: Rating
    primary_issue: str | None
    """Why a product passes (None unless the rating is PASS)."""
    summary: str
    risk_factors: tuple[str, ...]


def _meets(row: VerdictRule, m: RatingInputs, roi: Decimal) -> bool:
    return (roi >= row.min_roi and m.velocity >= row.min_velocity and m.stability >= row.min_stability
            and m.confidence >= row.min_confidence)


def primary_issue(measures: RatingInputs, config: EngineConfig) -> str:
    """The measure furthest below the FAIR row's minima, in words; "multiple factors" when none falls short.

    An unknown ROI is "no price data" whatever the other measures.
    """
    if measures.roi_pct is None:
        return NO_PRICE_DATA
    fair = config.rating("FAIR")
    shortfalls = {
        "low roi": fair.min_roi - measures.roi_pct,
        "slow velocity": fair.min_velocity - measures.velocity,
        "volatile pricing": fair.min_stability - measures.stability,
        "low confidence": fair.min_confidence - measures.confidence,
    }
    issue = max(shortfalls, key=shortfalls.__getitem__)  # the first of equal gaps, as the dict is ordered
    return issue if shortfalls[issue] > 0 else "multiple factors"


def risk_factors(measures: RatingInputs, *, amazon_on_listing: bool, config: EngineConfig) -> tuple[str, ...]:
    """Codes of what keeps the product below the GOOD row's minima, plus Amazon competing; ``low_roi`` only with a
    known ROI (``no_price_data`` stands for an unknown one)."""
    good = config.rating("GOOD")
    roi = measures.roi_pct
    flags = (
        ("no_price_data", roi is None),
        ("low_sales_velocity", measures.velocity < good.min_velocity),
        ("price_volatility", measures.stability < good.min_stability),
        ("limited_history", measures.confidence < good.min_confidence),
        ("amazon_competing", amazon_on_listing),
        ("low_roi", roi is not None and roi < good.min_roi),
    )
    return tuple(code for code, raised in flags if raised)


def roi_text(roi_pct: Decimal | None) -> str:
    """ROI as the summaries quote it: ``12.5%``, or ``unknown``."""
    return f"{round_half_up(roi_pct, 1)}%" if roi_pct is not None else UNKNOWN_ROI


def decide(measures: RatingInputs, *, profitable: bool, levels: ScoreLevels, amazon_on_listing: bool,
           config: EngineConfig, missing_price: str = "no buy or sell price") -> Verdict:
    """The verdict row for ``measures`` and everything read from it.

    ``profitable`` is whether the buy makes money (ignored without an ROI); ``missing_price`` says which price
    is missing when the ROI is unknown.
    """
    rows = config.verdicts
    roi = measures.roi_pct
    index = len(rows) - 1
    issue: str | None = None
    if roi is None:
        issue, description = NO_PRICE_DATA, missing_price
    elif not profitable:
        issue, description = NOT_PROFITABLE, "not profitable at this buy price"
    else:
        index = next((i for i, row in enumerate(rows[:-1]) if _meets(row, measures, roi)), index)
        if index == len(rows) - 1:
            issue = primary_issue(measures, config)
            description = rows[index].description or issue
        else:
            description = rows[index].description
    row = rows[index]
    text = row.summary.format(roi=roi_text(roi), velocity_level=levels.velocity, stability_level=levels.stability,
                              confidence_level=levels.confidence, primary_issue=issue or "none", rating=row.rating,
                              label=row.label)
    return Verdict(Recommendation(row.label, description, index), row.rating, issue, text,
                   risk_factors(measures, amazon_on_listing=amazon_on_listing, config=config))


def combined_score(*, roi_pct: Decimal | None, velocity: Decimal, config: EngineConfig) -> Decimal:
    """ROI (clamped to 0-100; an unknown ROI counts 0) and velocity weighted by the rules' weights, 2 dp."""
    roi = clamp(roi_pct, ZERO, HUNDRED) if roi_pct is not None else ZERO
    return round_half_up(roi * config.roi_weight + velocity * config.velocity_weight)
