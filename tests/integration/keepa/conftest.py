"""Keepa integration fixtures: the offline Keepa server on loopback and clients talking to it over real HTTP.

For the lead to hoist into tests/conftest.py: ``offline_keepa`` (session server) and ``keepa_env`` (points
KEEPA_BASE_URL / KEEPA_API_KEY at it and resets the shared client).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from arbvault.keepa import KeepaClient, reset_keepa_client
from arbvault.settings import reset_settings
from infra.keepa_offline import OfflineKeepa
from keepa_support import CLOCK, FAST_RETRY


@pytest.fixture(scope="session")
def offline_keepa() -> Iterator[OfflineKeepa]:
    """One offline Keepa for the session, with a balance no test exhausts."""
    with OfflineKeepa(tokens=10_000_000, clock=CLOCK) as keepa:
        yield keepa


@pytest.fixture
def keepa_client(offline_keepa: OfflineKeepa) -> Iterator[KeepaClient]:
    with KeepaClient(api_key="test-key", base_url=offline_keepa.base_url, retry=FAST_RETRY) as client:
        yield client


@pytest.fixture
def make_keepa() -> Iterator[Callable[..., OfflineKeepa]]:
    """Start dedicated servers (own key, balance, failures); all are stopped after the test."""
    started: list[OfflineKeepa] = []

    def make(**options: Any) -> OfflineKeepa:
        keepa = OfflineKeepa(clock=CLOCK, **options)
        keepa.start()
        started.append(keepa)
        return keepa

    yield make
    for keepa in started:
        keepa.stop()


@pytest.fixture
def keepa_env(offline_keepa: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineKeepa]:
    """Settings pointing at the offline server with a plain key; the shared client is rebuilt before and after."""
    monkeypatch.setenv("KEEPA_BASE_URL", offline_keepa.base_url)
    monkeypatch.setenv("KEEPA_API_KEY", "test-key")
    monkeypatch.delenv("KEEPA_SECRET_ARN", raising=False)
    reset_settings()
    reset_keepa_client()
    yield offline_keepa
    reset_keepa_client()
    monkeypatch.undo()
    reset_settings()

