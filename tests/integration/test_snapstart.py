"""SnapStart restore hooks: a restored environment gets a fresh database connection, a fresh Keepa client and
newly seeded randomness; the hooks register only where Lambda's runtime library is importable."""

from __future__ import annotations

import random
import sys
import types

import pytest
from sqlalchemy import text

from arbvault.db import get_engine, session_scope
from arbvault.keepa.client import get_keepa_client
from arbvault.snapstart import register_restore_hooks, renew_after_restore
from infra.keepa_offline import OfflineKeepa


def test_restore_disposes_the_pooled_database_connection(database_url: str) -> None:
    # GIVEN an engine whose pool holds the connection INIT opened
    with session_scope() as session:
        assert session.execute(text("SELECT 1")).scalar_one() == 1
    engine = get_engine()
    pool = engine.pool
    assert pool.checkedin() == 1
    # WHEN the environment is restored
    renew_after_restore()
    # THEN that connection is closed and the next session connects through a new engine
    assert pool.checkedin() == 0
    assert get_engine() is not engine
    with session_scope() as session:
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_restore_replaces_the_keepa_client(keepa_env: OfflineKeepa) -> None:
    before = get_keepa_client()
    renew_after_restore()
    after = get_keepa_client()
    assert after is not before
    assert after.token_status().tokens_left > 0  # the new client reaches Keepa


def test_restore_reseeds_random() -> None:
    # GIVEN two environments resumed from one snapshot: the same generator state
    random.seed(20261206)
    snapshot_state = random.getstate()
    renew_after_restore()
    assert random.getstate() != snapshot_state
    first_draw = random.random()
    random.setstate(snapshot_state)
    renew_after_restore()
    assert random.random() != first_draw


def test_hooks_register_with_the_runtime_library(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[object] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    assert register_restore_hooks() is True
    assert registered == [renew_after_restore]


def test_hooks_are_a_no_op_without_the_runtime_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import raises ImportError
    assert register_restore_hooks() is False
