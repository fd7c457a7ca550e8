"""Racing writers on real connections: of several PUTs expecting the same version, exactly one wins."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from arbvault.config.exceptions import StaleVersionError
from arbvault.config.updates import update_scope
from arbvault.db import build_engine
from support import call

RACERS = 8
Caller = Callable[..., tuple[int, dict[str, str], Any]]
Reader = Callable[[str], dict[str, Any] | None]


def _race(requests: list[Callable[[], tuple[int, dict[str, str], Any]]]) -> list[int]:
    barrier = threading.Barrier(len(requests))

    def run(request: Callable[[], tuple[int, dict[str, str], Any]]) -> int:
        asyncio.set_event_loop(asyncio.new_event_loop())  # Mangum drives the app on the thread's loop
        try:
            barrier.wait()
            return request()[0]
        finally:
            asyncio.get_event_loop().close()
            asyncio.set_event_loop(None)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


def _put(scope: str, value: int, if_match: str) -> Callable[[], tuple[int, dict[str, str], Any]]:
    return lambda: call("config", "PUT", "/api/v1/config", query=f"scope={scope}",
                        json_body={"config_patch": {"meta": {"version": value}}}, headers={"if-match": if_match})


def test_puts_racing_with_the_same_if_match_have_one_winner(unpooled: None, put_config: Caller,
                                                            category: str, stored_scope: Reader) -> None:
    scope = f"category:{category}"
    assert put_config(scope, {"meta": {"version": -1}})[0] == 200
    statuses = _race([_put(scope, n, '"1"') for n in range(RACERS)])
    assert sorted(statuses) == [200] + [409] * (RACERS - 1)
    row = stored_scope(scope)
    assert row and row["version"] == 2 and row["changes"] == 2
    assert row["data"]["meta"]["version"] == statuses.index(200)


def test_racing_creations_of_a_new_scope_have_one_winner(unpooled: None, category: str,
                                                         stored_scope: Reader) -> None:
    scope = f"category:{category}"
    statuses = _race([_put(scope, n, '"0"') for n in range(RACERS)])
    assert sorted(statuses) == [200] + [409] * (RACERS - 1)
    row = stored_scope(scope)
    assert row and row["version"] == 1 and row["changes"] == 1


def _waiting_on_a_lock(engine: Engine, pid: int) -> bool:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar() is True


def test_second_writer_waits_for_the_first_and_then_sees_its_version(database_url: str, put_config: Caller,
                                                                      category: str, stored_scope: Reader,
                                                                      other_environment: Engine) -> None:
    # GIVEN a scope at version 1 and two environments with their own connections
    scope = f"category:{category}"
    assert put_config(scope, {"meta": {"created_by": "none"}})[0] == 200
    first_engine, second_engine = build_engine(database_url, pool="null"), build_engine(database_url, pool="null")
    outcome: dict[str, Any] = {}
    try:
        with Session(first_engine) as first, Session(second_engine) as second:
            second_pid = second.execute(text("SELECT pg_backend_pid()")).scalar_one()
            # WHEN the first writes at version 1 and keeps its transaction open
            update_scope(first, scope=scope, patch={"meta": {"created_by": "first"}}, changed_by="first",
                         expected_version=1)

            def second_writer() -> None:
                try:
                    update_scope(second, scope=scope, patch={"meta": {"created_by": "second"}}, changed_by="second",
                                 expected_version=1)
                    second.commit()
                    outcome["result"] = "won"
                except StaleVersionError as exc:
                    second.rollback()
                    outcome["result"] = exc.current_version

            thread = threading.Thread(target=second_writer)
            thread.start()
            # THEN the second is blocked on the row lock, not racing past it
            deadline = time.monotonic() + 10
            while not _waiting_on_a_lock(other_environment, second_pid):
                assert time.monotonic() < deadline, "the second writer never waited on the row lock"
                time.sleep(0.02)
            assert "result" not in outcome
            # AND once the first commits, the second finds version 2 and loses
            first.commit()
            thread.join(10)
    finally:
        first_engine.dispose()
        second_engine.dispose()
    assert outcome == {"result": 2}
    row = stored_scope(scope)
    assert row and row["data"] == {"meta": {"created_by": "first"}} and row["version"] == 2
