"""GET /api/v1/config/changes: audit rows newest first, keyset pages, filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from arbvault.web.pagination import encode_cursor
from support import ADMIN, call

Caller = Callable[..., tuple[int, dict[str, str], Any]]


def _changes(query: str, *, identity: dict[str, str] | None = ADMIN) -> tuple[int, Any]:
    status, _, body = call("config", "GET", "/api/v1/config/changes", query=query, identity=identity)
    return status, body


def test_pages_follow_the_cursor_newest_first_without_gaps(put_config: Caller, category: str) -> None:
    # GIVEN five versions of one scope
    scope = f"category:{category}"
    for n in range(5):
        assert put_config(scope, {"meta": {"version": n}}, reason=f"step {n}")[0] == 200
    # WHEN they are read two at a time
    seen: list[dict[str, Any]] = []
    query = f"scope={scope}&limit=2"
    pages = 0
    while True:
        status, body = _changes(query)
        assert status == 200, body
        assert len(body["items"]) <= 2
        seen += body["items"]
        pages += 1
        if body["next_cursor"] is None:
            break
        query = f"scope={scope}&limit=2&cursor={body['next_cursor']}"
    # THEN three pages hold all five, newest first, each once
    assert pages == 3
    assert [item["new_version"] for item in seen] == [5, 4, 3, 2, 1]
    assert len({item["id"] for item in seen}) == 5
    newest = seen[0]
    assert newest["scope"] == scope and newest["changed_by"] == ADMIN["key_name"]
    assert newest["change_reason"] == "step 4" and newest["change_source"] == "api"
    assert newest["old_version"] == 4
    assert newest["diff_jsonpatch"] == [{"op": "replace", "path": "/meta/version", "value": 4}]
    assert newest["diff_summary"] == "1 change (replace x1)"
    assert seen[-1]["diff_summary"] == "1 change (add x1)"
    assert newest["changed_at"].endswith("Z")


def test_filters_by_scope_and_by_changed_by(put_config: Caller, category: str) -> None:
    scope = f"category:{category}"
    someone = {**ADMIN, "key_name": f"k-{category}"}
    assert put_config(scope, {"meta": {"version": 1}})[0] == 200
    assert put_config(scope, {"meta": {"version": 2, "created_by": 3}}, identity=someone)[0] == 200
    assert put_config(f"{scope}_other", {"meta": {"version": 1}}, identity=someone)[0] == 200

    _, by_scope = _changes(f"scope=category:{category.upper()}")
    assert [(i["new_version"], i["changed_by"]) for i in by_scope["items"]] == [(2, someone["key_name"]),
                                                                              (1, ADMIN["key_name"])]
    assert by_scope["items"][0]["diff_summary"] == "2 changes (add x1, replace x1)"
    _, by_key = _changes(f"changed_by={someone['key_name']}")
    assert {i["scope"] for i in by_key["items"]} == {scope, f"{scope}_other"}
    _, both = _changes(f"changed_by={someone['key_name']}&scope={scope}")
    assert [i["scope"] for i in both["items"]] == [scope]
    assert both["next_cursor"] is None


def test_unfiltered_list_includes_the_newest_change(put_config: Caller, category: str) -> None:
    assert put_config(f"category:{category}", {"meta": {"version": 1}})[0] == 200
    status, body = _changes("limit=1")
    assert status == 200
    assert body["items"][0]["scope"] == f"category:{category}"


@pytest.mark.parametrize(("query", "field"), [
    ("limit=0", "query.limit"),
    ("limit=501", "query.limit"),
    ("cursor=not-a-cursor", "query.cursor"),
    ("cursor=" + encode_cursor({"created_at": "yesterday", "id": "x"}), "query.cursor"),
    ("cursor=" + encode_cursor({"created_at": "2026-01-01T00:00:00", "id":
                                "00000000-0000-0000-0000-000000000000"}), "query.cursor"),
    ("cursor=" + encode_cursor({"offset": 5}), "query.cursor"),
    ("scope=tenant:1", "query.scope"),
])
def test_bad_query_is_422_naming_the_field(query: str, field: str) -> None:
    status, body = _changes(query)
    assert status == 422, body
    assert [d["field"] for d in body["error"]["details"]] == [field]


def test_history_needs_an_identity() -> None:
    assert _changes("", identity=None)[0] == 401
