"""Merging rules documents: layers over layers, and patches into a scope's stored document. Pure functions."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

Document = dict[str, Any]


def _merge_into(target: Document, overlay: Mapping[str, Any], *, null_deletes: bool) -> None:
    # ``target`` belongs to the caller's result, so it is changed in place; values from ``overlay`` are copied.
    for key, value in overlay.items():
        if value is None and null_deletes:
            target.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge_into(target[key], value, null_deletes=null_deletes)
        elif isinstance(value, Mapping) and null_deletes:
            # A patch creating a section is itself a merge patch: its nulls delete nothing, so drop them.
            target[key] = {}
            _merge_into(target[key], value, null_deletes=True)
        else:
            target[key] = copy.deepcopy(value)


def deep_merge(*layers: Mapping[str, Any]) -> Document:
    """Merge ``layers`` left to right: dicts merge recursively, any other value (lists too) replaces.

    The result shares nothing with the inputs, which are not modified.
    ``deep_merge({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}, "b": [1]})`` is ``{"a": {"x": 1, "y": 3}, "b": [1]}``.
    """
    result: Document = {}
    for layer in layers:
        _merge_into(result, layer, null_deletes=False)
    return result


def apply_merge_patch(document: Mapping[str, Any], patch: Mapping[str, Any]) -> Document:
    """Apply ``patch`` to a scope's stored ``document`` as a JSON Merge Patch (RFC 7386).

    Like :func:`deep_merge`, except that ``null`` removes a key: that is how an override scope stops
    overriding a value and lets the layer below show through again.
    """
    result: Document = copy.deepcopy(dict(document))
    _merge_into(result, patch, null_deletes=True)
    return result
