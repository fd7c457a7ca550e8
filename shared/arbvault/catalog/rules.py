"""Which business rules analyse a product: the effective config of its domain and its category layer.

The category layer is the most specific node of the product's category tree (leaf first, then up to the
root) that has an active ``category:<name>`` scope, so a textbook under Books gets ``category:textbooks`` when
that scope exists, and ``category:books`` otherwise. With none, global < domain rules apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import select

from arbvault.config.effective import effective_config
from arbvault.config.exceptions import InvalidScopeError
from arbvault.config.scopes import normalise_category
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.rules_document import read_config
from arbvault.engine.strategy import named_strategy
from arbvault.models.business_config import BusinessConfig

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from arbvault.config.effective import EffectiveConfig
    from arbvault.keepa.product import KeepaProduct

_CATEGORY_PREFIX = "category:"


def active_categories(session: Session) -> frozenset[str]:
    """Names of the active category scopes (one indexed read of scope names, no documents)."""
    scopes = session.scalars(select(BusinessConfig.scope).where(
        BusinessConfig.scope.startswith(_CATEGORY_PREFIX), BusinessConfig.is_active))
    return frozenset(scope.removeprefix(_CATEGORY_PREFIX) for scope in scopes)


@lru_cache(maxsize=4096)
def _canonical(name: str) -> str | None:
    """``name`` as a scope name; ``None`` for names like "Clothing, Shoes & Jewelry" that can never be one.
    Cached: a chunk's hundred products share a few dozen category names."""
    try:
        return normalise_category(name)
    except InvalidScopeError:
        return None


def category_layer(names: Iterable[str | None], active: frozenset[str]) -> str | None:
    """The first of ``names`` (most specific first) whose canonical form is an active category scope."""
    for name in names:
        if name and (canonical := _canonical(name)) in active:
            return canonical
    return None


def product_category_names(product: KeepaProduct) -> list[str | None]:
    """Leaf to root, then the root category name Keepa reports separately."""
    return [node.name for node in reversed(product.categories)] + [product.root_category_name]


# The engine config read from each cached effective config, kept while that cached value stays the same object
# (``effective_config(own_copy=False)``): a chunk then neither copies nor re-reads an unchanged document.
_read_configs: dict[tuple[int, str | None], tuple[EffectiveConfig, EngineConfig]] = {}


class RulesBook:
    """Engine configs for one domain by category layer, each read once per request; nothing is read before
    the first config is asked for."""

    def __init__(self, session: Session, *, domain_id: int) -> None:
        self._session = session
        self._domain_id = domain_id
        self._active: frozenset[str] | None = None
        self._configs: dict[str | None, EngineConfig] = {}

    def config(self, category: str | None) -> EngineConfig:
        """The engine config of ``category``'s layer (None: domain level)."""
        if category not in self._configs:
            effective = effective_config(self._session, domain_id=self._domain_id, category=category,
                                         own_copy=False)
            key = (self._domain_id, category)
            known = _read_configs.get(key)
            if known is None or known[0] is not effective:
                known = _read_configs[key] = (effective, read_config(effective.document))
            self._configs[category] = known[1]
        return self._configs[category]

    def for_product(self, product: KeepaProduct) -> EngineConfig:
        if self._active is None:
            self._active = active_categories(self._session)
        return self.config(category_layer(product_category_names(product), self._active))

    def check_strategy(self, strategy: str | None) -> None:
        """Refuse an unknown strategy before any token is spent (``UnknownStrategyError``, 422)."""
        if strategy is not None:
            named_strategy(strategy, self.config(None))
