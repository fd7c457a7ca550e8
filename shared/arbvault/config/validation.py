"""The rules an effective config must satisfy (docs/rules.md#the-rules-document). Pure: documents in, violations out.

The rules document's one typed model (``arbvault.engine.rules_document``) judges the sections the engine
reads, so a write is refused exactly when the engine could not use the result. Keys the model does not know
are the business of ``arbvault.config.shape``, which refuses them in patches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from arbvault.config.merge import deep_merge
from arbvault.engine.rules_document import rules_problems

MAX_DEPTH: Final = 32  # the rules documents nest 4 deep; hundreds of levels break JSON encoders downstream


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: the dotted path of the field and what is wrong with it."""

    field: str
    message: str


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


def validate_document(document: Mapping[str, Any]) -> list[Violation]:
    """Every rule ``document`` (an effective config) breaks, at most one violation per field.

    The canonical defaults break none; ``{"roi": {"target_pct_default": 250}, ...}`` gives
    ``Violation("roi.target_pct_default", "must be between 0 and 200 (got 250)")``.
    """
    found: dict[str, Violation] = {}
    for violation in _non_finite(document, ""):
        found.setdefault(violation.field, violation)
    for problem in rules_problems(document):
        found.setdefault(problem["field"], Violation(problem["field"], problem["message"]))
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
