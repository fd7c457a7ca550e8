"""Business configuration: layered rules (global < domain < category), versioned writes with audit, history.

Other rooms read rules through :func:`effective_config`; the config function serves the rest over HTTP.
"""

from arbvault.config.cache import CacheStats
from arbvault.config.defaults import DEFAULT_OVERRIDES, DEFAULT_RULES
from arbvault.config.effective import EffectiveConfig, cache_stats, effective_config
from arbvault.config.exceptions import (
    ConfigNotSeededError,
    ConfigTooLargeError,
    ConfigValidationError,
    InvalidScopeError,
    MalformedIfMatchError,
    StaleVersionError,
)
from arbvault.config.history import ChangePage, ChangeRecord, diff_summary, list_changes
from arbvault.config.merge import apply_merge_patch, deep_merge
from arbvault.config.preconditions import parse_if_match
from arbvault.config.preview import preview_patch
from arbvault.config.scopes import DOMAIN_ID_MAX, normalise_category, parse_scope
from arbvault.config.shape import MAX_DOCUMENT_BYTES, patch_violations
from arbvault.config.stats import ConfigStats, config_stats
from arbvault.config.updates import ScopeUpdate, update_scope
from arbvault.config.validation import Violation, validate_document

__all__ = [
    "DEFAULT_OVERRIDES",
    "DEFAULT_RULES",
    "DOMAIN_ID_MAX",
    "MAX_DOCUMENT_BYTES",
    "CacheStats",
    "ChangePage",
    "ChangeRecord",
    "ConfigNotSeededError",
    "ConfigStats",
    "ConfigTooLargeError",
    "ConfigValidationError",
    "EffectiveConfig",
    "InvalidScopeError",
    "MalformedIfMatchError",
    "ScopeUpdate",
    "StaleVersionError",
    "Violation",
    "apply_merge_patch",
    "cache_stats",
    "config_stats",
    "deep_merge",
    "diff_summary",
    "effective_config",
    "list_changes",
    "normalise_category",
    "parse_if_match",
    "parse_scope",
    "patch_violations",
    "preview_patch",
    "update_scope",
    "validate_document",
]
