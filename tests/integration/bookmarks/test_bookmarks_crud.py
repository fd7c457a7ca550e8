"""Saved niches: create, read, list (cursor), change, delete; one 422 envelope for bad input; names unique per key
in any case (409); every route scoped to the calling key (another key's niche is 404, an admin sees all)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bookmarks_support import ANALYZE_FILTERS, NICHES, bookmarks, save, sourcer

from arbvault.bookmarks.schemas import FILTERS_MAX_BYTES
from arbvault.niches.schemas import AnalyzeIn, DiscoverIn
from db_testing import scalar
from support import ADMIN, SOURCER


def _fields(answer: dict[str, Any]) -> list[str]:
    assert answer["error"]["code"] == "validation_error", answer
    return [detail["field"] for detail in answer["error"]["details"]]


def test_a_saved_niche_reads_back_with_its_filters_completed_and_trimmed_name() -> None:
    body = {"niche_name": "  Programming books ", "category_id": 3839, "category_name": "Programming",
            "filters": {"analyze": {"category_ids": [3839], "criteria": {"bsr_min": 1000, "bsr_max": 90000,
                                                                        "stability_min": 0.8}}},
            "last_score": 7.25, "description": "steady sellers"}

    status, headers, saved = bookmarks("POST", json_body=body)

    assert status == 201, saved
    assert headers["location"] == f"{NICHES}/{saved['id']}"
    assert (saved["niche_name"], saved["category_id"], saved["category_name"]) == ("Programming books", 3839,
                                                                                     "Programming")
    assert (saved["last_score"], saved["description"], saved["last_run"]) == (7.25, "steady sellers", None)
    assert saved["owner_key_id"] == SOURCER["key_id"]
    # Every default is filled in and decimals stay numbers, so the filters re-run as they were meant.
    analyze = saved["filters"]["analyze"]
    assert list(saved["filters"]) == ["analyze"]
    assert analyze["criteria"] == {"bsr_min": 1000, "bsr_max": 90000, "sellers_max": 3, "margin_min": 30.0,
                                   "stability_min": 0.8, "sample_size": 20}
    assert (analyze["max_results"], analyze["domain_id"], analyze["category_ids"]) == (10, 1, [3839])
    status, _, read = bookmarks("GET", saved["id"])
    assert status == 200 and read == saved
    status, _, filters = bookmarks("GET", saved["id"], "/filters")
    assert status == 200 and filters == {"filters": saved["filters"]}
    assert AnalyzeIn.model_validate(filters["filters"]["analyze"]).plan().category_ids == (3839,)


def test_discover_filters_are_saved_as_a_discover_body() -> None:
    saved = save("Five templates", filters={"discover": {"count": 5, "shuffle": False, "buffer_pct": 10}})

    assert saved["filters"] == {"discover": {"count": 5, "shuffle": False, "products_per_niche": 10,
                                             "domain_id": 1, "buffer_pct": 10.0}}
    assert DiscoverIn.model_validate(saved["filters"]["discover"]).count == 5


@pytest.mark.parametrize(("body", "field"), [
    ({"niche_name": "   "}, "body.niche_name"),
    ({"niche_name": ""}, "body.niche_name"),
    ({"niche_name": "x" * 256}, "body.niche_name"),
    ({"niche_name": "a\x00b"}, "body.niche_name"),
    ({"last_score": 10.5}, "body.last_score"),
    ({"last_score": -0.01}, "body.last_score"),
    ({"last_score": 7.125}, "body.last_score"),
    ({"last_score": "-972636310885202405008012105"}, "body.last_score"),  # past the decimal context's digits
    ({"last_score": "1e30"}, "body.last_score"),
    ({"category_id": 0}, "body.category_id"),
    ({"category_id": 2**63}, "body.category_id"),
    ({"category_name": "c" * 256}, "body.category_name"),
    ({"description": "d" * 1001}, "body.description"),
    ({"filters": {}}, "body.filters"),
    ({"filters": {**ANALYZE_FILTERS, "discover": {}}}, "body.filters"),
    ({"filters": {**ANALYZE_FILTERS, "discover": None}}, "body.filters"),
    ({"filters": {"analyze": None}}, "body.filters"),
    ({"filters": {"analyze": {"colour": "red"}}}, "body.filters.analyze.colour"),
    ({"filters": {"analyze": {"criteria": {"bsr_min": 5000, "bsr_max": 5000}}}},
     "body.filters.analyze.criteria.bsr_max"),
    ({"filters": {"analyze": {"category_ids": [1, 2, 3, 4, 5, 6]}}}, "body.filters.analyze.category_ids"),
    ({"filters": {"discover": {"count": 6}}}, "body.filters.discover.count"),
    ({"filters": "analyze"}, "body.filters"),
    ({"owner_key_id": "someone"}, "body.owner_key_id"),
])
def test_bad_input_is_one_422_naming_the_field(body: dict[str, Any], field: str) -> None:
    status, _, answer = bookmarks("POST", json_body={"niche_name": "Niche", "filters": ANALYZE_FILTERS, **body})

    assert status == 422, answer
    assert field in _fields(answer)
    assert scalar("SELECT count(*) FROM saved_niches") == 0


def test_oversized_filters_are_refused_whole_before_any_field_is_read() -> None:
    filters = {"analyze": {f"key_{i}": i for i in range(5_000)}}
    assert len(json.dumps(filters)) > FILTERS_MAX_BYTES

    status, _, answer = bookmarks("POST", json_body={"niche_name": "Huge", "filters": filters})

    assert status == 422, answer
    assert [(d["field"], d["code"]) for d in answer["error"]["details"]] == [("body.filters", "filters_too_large")]
    status, _, answer = bookmarks("PUT", save()["id"], json_body={"filters": filters})
    assert status == 422 and [d["code"] for d in answer["error"]["details"]] == ["filters_too_large"]


def test_a_name_is_unique_per_key_in_any_case_and_free_for_another_key() -> None:
    first = save("Medical Books")
    other = sourcer("other")

    status, _, answer = bookmarks("POST", json_body={"niche_name": " medical books", "filters": ANALYZE_FILTERS})

    assert status == 409, answer
    assert answer["error"]["code"] == "niche_name_taken"
    assert answer["error"]["details"][0]["field"] == "body.niche_name"
    theirs = save("Medical Books", identity=other)
    assert theirs["owner_key_id"] == other["key_id"] != first["owner_key_id"]
    assert scalar("SELECT count(*) FROM saved_niches") == 2


def test_an_update_changes_only_the_fields_sent_and_refuses_a_taken_name() -> None:
    saved = save("Programming books", category_id=3839, last_score=6.5, description="first pass")
    save("Engineering books")

    status, _, changed = bookmarks("PUT", saved["id"], json_body={"description": "second pass", "niche_name": None})

    assert status == 200, changed
    assert changed["description"] == "second pass" and changed["niche_name"] == "Programming books"
    assert (changed["category_id"], changed["last_score"], changed["filters"]) == (3839, 6.5, saved["filters"])
    assert changed["updated_at"] >= saved["updated_at"] and changed["created_at"] == saved["created_at"]
    status, _, answer = bookmarks("PUT", saved["id"], json_body={"niche_name": "ENGINEERING books"})
    assert status == 409 and answer["error"]["code"] == "niche_name_taken", answer
    status, _, renamed = bookmarks("PUT", saved["id"], json_body={"niche_name": "PROGRAMMING books",
                                                                  "last_score": None,
                                                                  "filters": {"discover": {"count": 1}}})
    assert status == 200, renamed
    assert (renamed["niche_name"], renamed["last_score"]) == ("PROGRAMMING books", None)
    assert renamed["filters"]["discover"]["count"] == 1 and "analyze" not in renamed["filters"]
    for score in (11, "-972636310885202405008012105"):
        status, _, answer = bookmarks("PUT", saved["id"], json_body={"last_score": score})
        assert status == 422 and _fields(answer) == ["body.last_score"], answer


def test_delete_is_204_then_the_niche_is_gone() -> None:
    saved = save()

    status, _, body = bookmarks("DELETE", saved["id"])

    assert (status, body) == (204, "")
    for method, suffix in [("GET", ""), ("DELETE", ""), ("GET", "/filters"), ("PUT", "")]:
        status, _, answer = bookmarks(method, saved["id"], suffix, json_body={} if method == "PUT" else None)
        assert status == 404 and answer["error"]["code"] == "saved_niche_not_found", (method, answer)


def test_another_keys_niche_is_404_on_every_route_and_an_admin_sees_all() -> None:
    alice, bob = sourcer("alice"), sourcer("bob")
    theirs = save("Alice's niche", identity=alice)
    mine = save("Bob's niche", identity=bob)

    for method, suffix, body in [("GET", "", None), ("GET", "/filters", None), ("PUT", "", {"description": "x"}),
                                 ("DELETE", "", None), ("POST", "/run", None)]:
        status, _, answer = bookmarks(method, theirs["id"], suffix, json_body=body, identity=bob)
        assert status == 404, (method, suffix, answer)
        assert answer["error"]["code"] == "saved_niche_not_found"
    status, _, page = bookmarks("GET", identity=bob)
    assert [item["id"] for item in page["items"]] == [mine["id"]]
    status, _, page = bookmarks("GET", identity=ADMIN)
    assert {item["id"] for item in page["items"]} == {theirs["id"], mine["id"]}
    status, _, read = bookmarks("GET", theirs["id"], identity=ADMIN)
    assert status == 200 and read["description"] is None  # bob's PUT changed nothing
    assert bookmarks("DELETE", theirs["id"], identity=ADMIN)[0] == 204


def test_the_list_pages_newest_first_with_a_cursor() -> None:
    names = [f"Niche {i}" for i in range(5)]
    for name in names:
        save(name)
    save("Someone else's", identity=sourcer("other"))

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        status, _, page = bookmarks("GET", query="limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, page
        seen += [item["niche_name"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == names[::-1] and pages == 3
    for query, field in [("cursor=not-a-cursor", "query.cursor"), ("limit=0", "query.limit"),
                         ("limit=501", "query.limit")]:
        status, _, answer = bookmarks("GET", query=query)
        assert status == 422 and field in _fields(answer), answer
