"""Fixtures for the analysis engine's unit tests: the canonical rules, read once, and variants of them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.config_view import EngineConfig
from arbvault.engine.rules_document import read_config


@pytest.fixture(scope="session")
def rules() -> EngineConfig:
    """The canonical default rules, read by the engine."""
    return read_config(DEFAULT_RULES)


@pytest.fixture
def rules_with() -> Callable[[Callable[[dict[str, Any]], None]], EngineConfig]:
    """Read a copy of the default rules after ``edit`` changed it in place."""

    def build(edit: Callable[[dict[str, Any]], None]) -> EngineConfig:
        doc = copy.deepcopy(DEFAULT_RULES)
        edit(doc)
        return read_config(doc)

    return build
