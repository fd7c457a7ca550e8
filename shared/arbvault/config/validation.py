"""The rules an effective config must satisfy (spec §1.3). Pure: documents in, violations out.

The known keys must be present with numbers in their bounds, because the analysis engine reads them from every
effective config. Keys these checks do not know are the business of ``arbvault.config.shape``, which refuses
them in patches.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from arbvault.analysis.config_view import table_problems
from arbvault.config.merge import deep_merge

WEIGHT_SUM_TOLERANCE: Final = 0.001
MAX_DEPTH: Final = 32  # the rules documents nest 4 deep; hundreds of levels break JSON encoders downstream

# (path, low, high): numbers every effective config must hold, inclusive bounds.
BOUNDED_NUMBERS: Final[tuple[tuple[str, float, float], ...]] = (
    ("roi.target_pct_default", 0, 200),
    ("roi.min_for_buy", 0, 100),
    ("roi.source_price_factor", 0.1, 0.9),  # spec §4.2 bounds; 0.05 and 0.95 are rejected (check #7)
    ("fees.buffer_pct_default", 0, 50),
    ("fees.storage_per_unit_month", 0, 10),
    ("fees.returns_pct", 0, 50),
    ("combined_score.roi_weight", 0, 1),
    ("combined_score.velocity_weight", 0, 1),
    ("velocity.fast_threshold", 0, 100),
    ("velocity.medium_threshold", 0, 100),
    ("velocity.slow_threshold", 0, 100),
)
# Upper bounds of every fee table under ``fees`` (lower bound 0).
FEE_BOUNDS: Final[dict[str, float]] = {
    "referral_fee_pct": 50, "closing_fee": 10, "fba_fee_base": 20, "fba_fee_per_lb": 5,
    "inbound_shipping": 5, "prep_fee": 5,
}
FEE_TABLES: Final = ("books", "media", "default")
# Scalars of the ``fees`` section that sit beside the per-category tables.
FEE_SCALARS: Final = frozenset({"buffer_pct_default", "storage_per_unit_month", "returns_pct"})
VELOCITY_ORDER: Final = ("fast_threshold", "medium_threshold", "slow_threshold")

_MISSING: Final = object()


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: the dotted path of the field and what is wrong with it."""

    field: str
    message: str


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    # math.isfinite would overflow on a huge int; ints are always finite
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _lookup(document: Mapping[str, Any], path: str) -> object:
    node: object = document
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _shown(value: object) -> str:
    # Echo what was sent, but never thousands of digits of it.
    text = str(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _bounded(path: str, value: object, low: float, high: float) -> Violation | None:
    if value is _MISSING:
        return Violation(path, "is required")
    if not _is_number(value):
        return Violation(path, "must be a number")
    if not low <= value <= high:  # type: ignore[operator]
        return Violation(path, f"must be between {low:g} and {high:g} (got {_shown(value)})")
    return None


def _sections(document: Mapping[str, Any]) -> Iterator[Violation]:
    for section in ("roi", "fees", "combined_score", "velocity"):
        if section in document and not isinstance(document[section], Mapping):
            yield Violation(section, "must be an object")


def _numbers(document: Mapping[str, Any]) -> Iterator[Violation]:
    for path, low, high in BOUNDED_NUMBERS:
        section = path.split(".", 1)[0]
        if isinstance(document.get(section, {}), Mapping):
            violation = _bounded(path, _lookup(document, path), low, high)
            if violation:
                yield violation


def _weights(document: Mapping[str, Any]) -> Iterator[Violation]:
    roi, velocity = _lookup(document, "combined_score.roi_weight"), _lookup(document, "combined_score.velocity_weight")
    if _is_number(roi) and _is_number(velocity):
        total = roi + velocity  # type: ignore[operator]
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            yield Violation("combined_score", f"roi_weight + velocity_weight must equal 1 (got {total:g})")


def _velocity_order(document: Mapping[str, Any]) -> Iterator[Violation]:
    for higher, lower in itertools.pairwise(VELOCITY_ORDER):
        high, low = _lookup(document, f"velocity.{higher}"), _lookup(document, f"velocity.{lower}")
        if _is_number(high) and _is_number(low) and high < low:  # type: ignore[operator]
            yield Violation(f"velocity.{higher}", f"must be at least {lower} ({low})")


def _fee_tables(document: Mapping[str, Any]) -> Iterator[Violation]:
    fees = document.get("fees")
    if not isinstance(fees, Mapping):
        return
    for name in FEE_TABLES:
        if name not in fees:
            yield Violation(f"fees.{name}", "is required")
    for name, table in fees.items():
        if name in FEE_SCALARS:
            continue
        if not isinstance(table, Mapping):
            if name in FEE_TABLES:
                yield Violation(f"fees.{name}", "must be an object")
            continue
        for key, high in FEE_BOUNDS.items():
            violation = _bounded(f"fees.{name}.{key}", table.get(key, _MISSING), 0, high)
            if violation:
                yield violation


def _engine_tables(document: Mapping[str, Any]) -> Iterator[Violation]:
    # The strategies (price sources, buy conditions) and the verdict table: the engine's own reader judges them,
    # so the config room accepts exactly what analyses can use.
    for problem in table_problems(document):
        yield Violation(problem["field"], problem["message"])


def _non_finite(node: object, path: str) -> Iterator[Violation]:
    # JSON has no NaN or Infinity, and PostgreSQL's jsonb refuses them: catch them anywhere, known key or not.
    if isinstance(node, float) and not math.isfinite(node):
        yield Violation(path, "must be a finite number")
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _non_finite(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_finite(value, f"{path}.{index}" if path else str(index))


def nesting_depth(document: object) -> int:
    """How many levels of objects and lists ``document`` nests (a scalar is 0, ``{"a": {}}`` is 2).

    Iterative, so it is safe to run on input before any recursive merge or check touches it.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Iterable[object] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


_CHECKS: Final = (_sections, _numbers, _weights, _velocity_order, _fee_tables, _engine_tables)


def validate_document(document: Mapping[str, Any]) -> list[Violation]:
    """Every rule ``document`` (an effective config) breaks, at most one violation per field, in rule order.

    The canonical defaults break none; ``{"roi": {"target_pct_default": 250}, ...}`` gives
    ``Violation("roi.target_pct_default", "must be between 0 and 200 (got 250)")``.
    """
    found: dict[str, Violation] = {}
    for violation in _non_finite(document, ""):
        found.setdefault(violation.field, violation)
    for check in _CHECKS:
        for violation in check(document):
            found.setdefault(violation.field, violation)
    return list(found.values())


@dataclass(frozen=True, slots=True)
class LayerViolation:
    """A violation found in the effective config that ``layers`` (e.g. ``global < domain:2``) produce."""

    field: str
    message: str
    layers: str


def validate_combinations(changed: str, documents: Mapping[str, Mapping[str, Any]]) -> list[LayerViolation]:
    """Validate every effective config the scope ``changed`` takes part in.

    ``documents`` maps each stored scope (``global``, ``domain:N``, ``category:x``) to its document, with
    ``changed`` already holding its new one. A category combines with every domain, so a category change is
    checked over each domain scope (and over none), and a global change over every combination. Violations
    are reported once per field, the changed scope's own chain (``global < changed``) first.
    """
    domains = [scope for scope in documents if scope.startswith("domain:")]
    categories = [scope for scope in documents if scope.startswith("category:")]
    chains: list[tuple[str, str | None, str | None]]
    if changed.startswith("domain:"):
        chains = [("global", changed, None)] + [("global", changed, c) for c in categories]
    elif changed.startswith("category:"):
        chains = [("global", None, changed)] + [("global", d, changed) for d in domains]
    else:
        chains = [("global", d, c) for d in [None, *domains] for c in [None, *categories]]
    found: dict[str, LayerViolation] = {}
    for chain in chains:
        scopes = [scope for scope in chain if scope]
        effective = deep_merge(*(documents[scope] for scope in scopes))
        for violation in validate_document(effective):
            found.setdefault(violation.field, LayerViolation(violation.field, violation.message, " < ".join(scopes)))
    return list(found.values())


def describe(violations: Iterable[LayerViolation], *, prefix: str) -> list[dict[str, Any]]:
    """Violations as error-envelope details, each field prefixed (``config_patch.roi.min_for_buy``)."""
    return [{"field": f"{prefix}.{v.field}", "message": v.message, "layers": v.layers} for v in violations]
