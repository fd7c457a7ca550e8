"""Config preview (dry run): fixed demo products evaluated under the current and the patched rules.

No Keepa call: each demo ASIN has a fixed sell price, buy price, weight, velocity, price stability and
confidence score, and an ASIN without demo data gets a generic one. For each rules document the preview computes
the core profit metrics (with that document's buffer, and storage and returns over the active strategy's holding
days), profit tier, velocity tier, combined score and the verdict (recommendation and overall rating, from the
verdict table), then lists what changed. Validation problems never block: the caller's warnings are returned,
and a patched document the engine cannot read yields warnings and no "after" figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

from arbvault.engine.categories import rules_key
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.exceptions import RulesConfigError
from arbvault.engine.fees import amazon_fees
from arbvault.engine.money import round_half_up
from arbvault.engine.profit import holding_costs, profit_metrics
from arbvault.engine.rules_document import read_config
from arbvault.engine.velocity import velocity_tier
from arbvault.engine.verdict import RatingInputs, ScoreLevels, combined_score, decide


@dataclass(frozen=True)
class DemoProduct:
    """Fixed figures standing in for a product during a preview."""

    asin: str
    title: str
    sell_price: Decimal
    buy_price: Decimal
    weight_lb: Decimal
    velocity: Decimal
    stability: Decimal
    confidence: Decimal


def _demo(asin: str, title: str, sell: str, buy: str, weight: str, velocity: int, stability: int = 75,
          confidence: int = 80) -> DemoProduct:
    return DemoProduct(asin, title, Decimal(sell), Decimal(buy), Decimal(weight), Decimal(velocity),
                       Decimal(stability), Decimal(confidence))


DEMO_PRODUCTS: Final[Mapping[str, DemoProduct]] = MappingProxyType({
    "B00FLIJJSA": _demo("B00FLIJJSA", "Demo paperback", "24.99", "15.00", "1.2", 65),
    "B08N5WRWNW": _demo("B08N5WRWNW", "Demo textbook", "89.99", "45.00", "2.1", 78),
    "B07FNW9FGJ": _demo("B07FNW9FGJ", "Demo mass-market paperback", "16.99", "8.50", "0.8", 85),
})


def demo_product(asin: str) -> DemoProduct:
    """The demo figures of ``asin``; an ASIN without its own gets sell 25, buy 15, 1 lb, velocity 60 (stability 75
    and confidence 80, as every demo product)."""
    return DEMO_PRODUCTS.get(asin) or _demo(asin, "Demo product", "25.00", "15.00", "1", 60)


@dataclass(frozen=True)
class PreviewOutcome:
    """A demo product evaluated under one rules document (money in cents, rates 2 dp)."""

    fees: Decimal
    buffer: Decimal
    storage: Decimal
    returns: Decimal
    net_profit: Decimal
    roi_pct: Decimal
    margin_pct: Decimal
    profitable: bool
    meets_target: bool
    profit_tier: str
    velocity_tier: str
    combined_score: Decimal
    recommendation: str
    overall_rating: str


@dataclass(frozen=True)
class PreviewResult:
    """Before and after for one demo product; ``changes`` maps each differing field to ``{before, after}``."""

    asin: str
    title: str
    before: PreviewOutcome
    after: PreviewOutcome | None
    changes: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class ConfigPreview:
    """The whole dry run."""

    results: tuple[PreviewResult, ...]
    domain_id: int
    category: str
    patch_size: int
    demo_asins_tested: int
    changes_detected: int
    validation_warnings: tuple[str, ...]
    generated_at: datetime


def evaluate(product: DemoProduct, config: EngineConfig, category: str) -> PreviewOutcome:
    """Profit, tiers, combined score and verdict of ``product`` under ``config``."""
    key = rules_key(category, config.fees.keys())
    fees = amazon_fees(product.sell_price, config.fees[key], category=key, weight_lb=product.weight_lb)
    storage, returns = holding_costs(product.sell_price, storage_per_unit_month=config.storage_per_unit_month,
                                     days=config.strategies[config.active_strategy].holding_days,
                                     returns_pct=config.returns_pct)
    m = profit_metrics(product.sell_price, product.buy_price, fees=fees, buffer_pct=config.buffer_pct,
                       rules=config.roi, storage=storage, returns=returns)
    advanced = config.advanced
    levels = ScoreLevels(advanced.velocity_levels.level(product.velocity), advanced.stability_levels.level(
        product.stability), advanced.confidence_levels.level(product.confidence))
    verdict = decide(RatingInputs(m.roi_pct, product.velocity, product.stability, product.confidence),
                     profitable=m.profitable, levels=levels, amazon_on_listing=False, config=config)
    return PreviewOutcome(
        fees=round_half_up(fees.total),
        buffer=round_half_up(m.costs.buffer),
        storage=round_half_up(storage),
        returns=round_half_up(returns),
        net_profit=round_half_up(m.net_profit),
        roi_pct=round_half_up(m.roi_pct),
        margin_pct=round_half_up(m.margin_pct),
        profitable=m.profitable,
        meets_target=m.meets_target,
        profit_tier=m.tier,
        velocity_tier=velocity_tier(product.velocity, config.velocity),
        combined_score=combined_score(roi_pct=m.roi_pct, velocity=product.velocity, config=config),
        recommendation=verdict.recommendation.label,
        overall_rating=verdict.rating,
    )


def patch_size(patch: Mapping[str, Any]) -> int:
    """Number of leaf values a patch sets (nested objects are counted through)."""
    return sum(patch_size(value) if isinstance(value, Mapping) and value else 1 for value in patch.values())


def _changes(before: PreviewOutcome, after: PreviewOutcome | None) -> dict[str, dict[str, Any]]:
    if after is None:
        return {}
    old, new = asdict(before), asdict(after)
    return {name: {"before": old[name], "after": new[name]} for name in old if old[name] != new[name]}


def preview_config(current: Mapping[str, Any], patched: Mapping[str, Any], *, patch: Mapping[str, Any],
                   domain_id: int, category: str, validation_warnings: Sequence[str],
                   generated_at: datetime) -> ConfigPreview:
    """Dry-run ``patched`` (the current rules with ``patch`` applied) against ``current`` on the demo products.

    ``validation_warnings`` are the config room's findings on the patched document, passed through. Raises
    ``RulesConfigError`` only when the *current* rules are unusable.
    """
    before_config = read_config(current)
    warnings = list(validation_warnings)
    after_config: EngineConfig | None
    try:
        after_config = read_config(patched)
    except RulesConfigError as exc:
        after_config = None
        warnings.extend(f"{detail['field']}: {detail['message']}" for detail in exc.details)
    asins = (after_config or before_config).demo_asins
    results = []
    for asin in asins:
        product = demo_product(asin)
        before = evaluate(product, before_config, category)
        after = evaluate(product, after_config, category) if after_config is not None else None
        results.append(PreviewResult(asin, product.title, before, after, _changes(before, after)))
    return ConfigPreview(
        results=tuple(results),
        domain_id=domain_id,
        category=category,
        patch_size=patch_size(patch),
        demo_asins_tested=len(results),
        changes_detected=sum(1 for result in results if result.changes),
        validation_warnings=tuple(warnings),
        generated_at=generated_at,
    )
