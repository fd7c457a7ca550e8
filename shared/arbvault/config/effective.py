"""The effective config of a (domain, category): global < domain:{id} < category:{name}, cached per environment.

Caching. Each execution environment keeps the merged documents for ``CONFIG_CACHE_SECONDS``, but never
trusts them blindly (a time-based cache alone would hide a write made through one Lambda environment from the
others). Every use first reads the (scope, version, xmin) of the involved rows in one
indexed query that returns no documents; a cached document is served only if that fingerprint is unchanged.
A PUT in any environment, or a hand-made UPDATE, changes it, so the next read anywhere sees the change.
The cache saves the document transfer and the merge, not the round trip.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from arbvault.config import store
from arbvault.config.cache import CacheStats, FingerprintCache
from arbvault.config.exceptions import ConfigNotSeededError
from arbvault.config.merge import deep_merge
from arbvault.config.scopes import (
    LAYERS,
    Layer,
    category_scope,
    check_domain_id,
    domain_scope,
    effective_scope_name,
    layer_of,
    normalise_category,
)
from arbvault.models.business_config import GLOBAL_SCOPE
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from collections.abc import Hashable

    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class EffectiveConfig:
    """The merged rules for one (domain, category), with which layers took part and at which versions.

    ``versions`` holds each layer's version (None when that layer has no active row); ``updated_at`` is the
    latest write among the layers, in UTC.
    """

    scope: str
    domain_id: int
    category: str | None
    document: dict[str, Any]
    sources: dict[Layer, bool]
    versions: dict[Layer, int | None]
    updated_at: datetime


_cache: FingerprintCache[EffectiveConfig] = FingerprintCache()


def _own_copy(value: EffectiveConfig) -> EffectiveConfig:
    # Callers may change what they get; the cached document must stay as the database has it.
    return replace(value, document=copy.deepcopy(value.document), sources=dict(value.sources),
                   versions=dict(value.versions))


def _build(domain_id: int, category: str | None, layers: store.Layers) -> EffectiveConfig:
    if GLOBAL_SCOPE not in layers.rows:
        raise ConfigNotSeededError()
    by_layer = {layer_of(scope): row for scope, row in layers.rows.items()}
    ordered = [by_layer[layer] for layer in LAYERS if layer in by_layer]
    return EffectiveConfig(
        scope=effective_scope_name(domain_id, category),
        domain_id=domain_id,
        category=category,
        document=deep_merge(*(row.data for row in ordered)),
        sources={layer: layer in by_layer for layer in LAYERS},
        versions={layer: by_layer[layer].version if layer in by_layer else None for layer in LAYERS},
        updated_at=max(row.updated_at for row in ordered).astimezone(UTC),
    )


def effective_config(
    session: Session, *, domain_id: int = 1, category: str | None = "books", force_refresh: bool = False,
    own_copy: bool = True,
) -> EffectiveConfig:
    """The effective rules for ``domain_id`` and ``category`` (normalised; None or "" for no category layer).

    Served from this environment's cache when the involved rows are unchanged (one cheap query), else read
    and merged. ``force_refresh`` skips the cache. Raises :class:`InvalidScopeError` for a bad domain id or
    category name and :class:`ConfigNotSeededError` when the global row is missing. The result is the
    caller's own copy, unless ``own_copy`` is False: then it is the cached value itself, the same object for
    as long as the rows are unchanged, which the caller must not change.
    """
    domain_id = check_domain_id(domain_id)
    canonical = normalise_category(category) if category else None
    scopes = [GLOBAL_SCOPE, domain_scope(domain_id)] + ([category_scope(canonical)] if canonical else [])
    key = (domain_id, canonical)
    if not force_refresh:
        cached = _cache.get(key)
        if cached is not None and cached[1] == store.layer_fingerprint(session, scopes):
            return _own_copy(cached[0]) if own_copy else cached[0]
    layers = store.load_layers(session, scopes)
    value = _build(domain_id, canonical, layers)
    _cache.put(key, value, layers.fingerprint, ttl_seconds=get_settings().config_cache_seconds)
    return _own_copy(value) if own_copy else value


def _key_name(key: Hashable) -> str:
    assert isinstance(key, tuple)
    domain_id, category = key
    return effective_scope_name(domain_id, category).removeprefix("effective:")


def cache_stats() -> CacheStats:
    """This environment's effective-config cache: entry counts and keys like ``domain:1:category:books``."""
    return _cache.stats(key_name=_key_name)
