"""Which keys a rules document may hold, derived from the canonical defaults, and how large it may grow.

An object's keys are the keys the defaults give it. A few objects hold entries the operator names (a
category's fee table or rank benchmark, a strategy): an entry may use any key that some entry of the defaults
uses. Items of a list of objects (``verdicts``) likewise take the keys of the defaults' items. So a
key added to the defaults is accepted at once wherever it applies, and nothing else is.

A patch removing a key (``null``) is always accepted, so keys stored before this check can be cleared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.config.merge import deep_merge
from arbvault.config.validation import Violation

# Objects whose keys are names chosen by the operator (fee tables and benchmarks by category, strategies).
NAMED_ENTRIES: Final = frozenset({"fees", "velocity.benchmarks", "strategies"})
MAX_DOCUMENT_BYTES: Final = 64 * 1024
_KNOWN_SHOWN: Final = 12  # keys listed in an "unknown key" message


@dataclass(frozen=True)
class Shape:
    """What one place of a document holds: a single ``value``; an ``object`` with fixed ``keys`` and, when
    ``entry`` is set, entries of any name shaped like it; or a ``list`` whose items are shaped like ``entry``."""

    kind: Literal["value", "object", "list"]
    keys: Mapping[str, Shape] = field(default_factory=dict)
    entry: Shape | None = None


VALUE: Final = Shape("value")


def shape_of(document: Mapping[str, Any]) -> Shape:
    """The shape of every document whose keys are those of ``document`` (the canonical defaults)."""
    return _shape_of(document, "")


def _shape_of(value: Any, path: str) -> Shape:
    if isinstance(value, list):
        items = [item for item in value if isinstance(item, Mapping)]
        return Shape("list", entry=_shape_of(deep_merge(*items), f"{path}.*") if items else VALUE)
    if not isinstance(value, Mapping):
        return VALUE
    if path not in NAMED_ENTRIES:
        return Shape("object", {key: _shape_of(child, _join(path, key)) for key, child in value.items()})
    fixed = {key: _shape_of(child, _join(path, key)) for key, child in value.items() if not isinstance(child, Mapping)}
    entries = [child for child in value.values() if isinstance(child, Mapping)]
    return Shape("object", fixed, entry=_shape_of(deep_merge(*entries), f"{path}.*") if entries else VALUE)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


RULES_SHAPE: Final = shape_of(DEFAULT_RULES)


def _unknown(shape: Shape) -> str:
    known = sorted(shape.keys)
    listed = ", ".join(known[:_KNOWN_SHOWN]) + (", ..." if len(known) > _KNOWN_SHOWN else "")
    return f"is not a rules key; known here: {listed}" if known else "is not a rules key"


def _check(node: Any, shape: Shape, path: str) -> Iterator[Violation]:
    if shape.kind == "value":
        if isinstance(node, (Mapping, list)):
            yield Violation(path, "must be a single value, not an object or a list")
        return
    if shape.kind == "list":
        if not isinstance(node, list):
            yield Violation(path, "must be a list")
            return
        for index, item in enumerate(node):
            yield from _check(item, shape.entry or VALUE, _join(path, index))
        return
    if not isinstance(node, Mapping):
        yield Violation(path, "must be an object")
        return
    for key, value in node.items():
        if value is None:
            continue  # null removes the key: allowed for any key
        child = shape.keys.get(key, shape.entry)
        if child is None:
            yield Violation(_join(path, key), _unknown(shape))
        else:
            yield from _check(value, child, _join(path, key))


def patch_violations(patch: Mapping[str, Any], shape: Shape = RULES_SHAPE) -> list[Violation]:
    """Keys of ``patch`` (a merge patch for any scope) the rules do not have, and objects or lists where the rules
    hold something else; ``[]`` when every key is known. Fields are dotted paths (``fees.books.prep_feee``)."""
    return list(_check(patch, shape, ""))


def document_size(document: Mapping[str, Any]) -> int:
    """Bytes of ``document`` as compact UTF-8 JSON, the measure :data:`MAX_DOCUMENT_BYTES` applies to."""
    return len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
