"""GET /api/v1/config/stats: every number comes from rows (or this environment's cache) and moves with them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from support import SOURCER, call

Caller = Callable[..., tuple[int, dict[str, str], Any]]


def _stats() -> dict[str, Any]:
    status, _, body = call("config", "GET", "/api/v1/config/stats", identity=SOURCER)
    assert status == 200, body
    return body


def test_counts_move_with_writes(put_config: Caller, category: str) -> None:
    before = _stats()
    assert put_config(f"category:{category}", {"meta": {"version": 1}})[0] == 200
    assert put_config(f"category:{category}", {"meta": {"version": 2}})[0] == 200
    after = _stats()
    assert after["total_configs"] == before["total_configs"] + 1
    assert after["active_configs"] == before["active_configs"] + 1
    assert after["recent_changes"] == before["recent_changes"] + 2
    assert after["tables"]["business_config"] == before["tables"]["business_config"] + 1
    assert after["tables"]["config_changes"] == before["tables"]["config_changes"] + 2


def test_tables_are_those_of_the_schema(other_environment: Engine) -> None:
    with other_environment.connect() as connection:
        names = set(connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )).scalars())
        api_keys = connection.execute(text("SELECT count(*) FROM api_keys")).scalar_one()
    tables = _stats()["tables"]
    assert set(tables) == names - {"alembic_version"}
    assert {"business_config", "config_changes", "api_keys"} <= set(tables)
    assert tables["api_keys"] == api_keys


def test_inactive_scopes_and_old_changes_count_apart(category: str, other_environment: Engine) -> None:
    before = _stats()
    with other_environment.begin() as connection:
        config_id = connection.execute(text(
            "INSERT INTO business_config (scope, data, parent_id, is_active) VALUES (:s, '{}', 1, false) RETURNING id"
        ), {"s": f"category:{category}"}).scalar_one()
        connection.execute(text(
            "INSERT INTO config_changes (id, config_id, old_config, new_config, diff_jsonpatch, changed_by,"
            " old_version, new_version, created_at) VALUES (gen_random_uuid(), :id, '{}', '{}', CAST(:p AS jsonb),"
            " 'archive', 0, 1, now() - interval '25 hours')"
        ), {"id": config_id, "p": json.dumps([])})
    after = _stats()
    assert after["total_configs"] == before["total_configs"] + 1
    assert after["active_configs"] == before["active_configs"]
    assert after["recent_changes"] == before["recent_changes"]
    assert after["tables"]["config_changes"] == before["tables"]["config_changes"] + 1


def test_cache_block_lists_this_environments_effective_configs(get_config: Caller, category: str) -> None:
    assert get_config(f"domain_id=3&category={category}")[0] == 200
    cache = _stats()["cache"]
    assert f"domain:3:category:{category}" in cache["keys"]
    assert cache["entries"] == len(cache["keys"]) == cache["active_entries"] + cache["expired_entries"]
    assert cache["active_entries"] >= 1


def test_stats_need_an_identity() -> None:
    assert call("config", "GET", "/api/v1/config/stats", identity=None)[0] == 401
