"""Keepa function tests: the run's database, and an offline Keepa of each test's own (its own token bucket).

Catalog state (snapshots, misses, the stored token balance) is emptied before each test, so every test starts
as a fresh deployment facing a fresh Keepa account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text

from arbvault.db import get_engine
from arbvault.keepa import reset_keepa_client
from arbvault.settings import reset_settings
from infra.keepa_offline import OfflineKeepa
from keepa_fn_support import CLOCK


@pytest.fixture(autouse=True)
def _clean_catalog(database_url: str) -> None:
    with get_engine().begin() as connection:
        connection.execute(text("TRUNCATE keepa_snapshots, keepa_misses, keepa_token_state"))


@pytest.fixture
def make_keepa(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., OfflineKeepa]]:
    """Start an offline Keepa (options as ``OfflineKeepa``) and point the settings at it; stopped after the test."""
    started: list[OfflineKeepa] = []

    def make(**options: Any) -> OfflineKeepa:
        keepa = OfflineKeepa(clock=CLOCK, **options)
        keepa.start()
        started.append(keepa)
        monkeypatch.setenv("KEEPA_BASE_URL", keepa.base_url)
        monkeypatch.setenv("KEEPA_API_KEY", "test-key")
        monkeypatch.delenv("KEEPA_SECRET_ARN", raising=False)
        reset_settings()
        reset_keepa_client()
        return keepa

    yield make
    reset_keepa_client()
    monkeypatch.undo()
    reset_settings()
    for keepa in started:
        keepa.stop()


@pytest.fixture
def keepa(make_keepa: Callable[..., OfflineKeepa]) -> OfflineKeepa:
    """An offline Keepa with the default balance (1,200 tokens, 20 per minute)."""
    return make_keepa()
