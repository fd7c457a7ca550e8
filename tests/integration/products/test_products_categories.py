"""GET /api/v1/products/categories through the handler: the reference table, and its check against Keepa."""

from __future__ import annotations

from products_support import CATEGORIES

from keepa_testing import MakeKeepa, RecordingKeepa, paid, spent
from support import SOURCER, call

BOOK_SUBJECTS = {3: "business", 266117: "accounting", 5: "computer_technology", 3839: "programming",
                 3508: "computer_science", 173514: "medical", 173515: "engineering", 8975347011: "education",
                 75: "science"}
ROOTS = {283155, 165793011, 1055398, 16310091, 3760901, 2619533011, 3375251, 468642, 15684181, 11091801}


def test_categories_list_the_validated_ids_without_asking_keepa(keepa: RecordingKeepa) -> None:
    status, _, answer = call("products", "GET", CATEGORIES, identity=SOURCER)

    assert status == 200, answer
    by_id = {item["category_id"]: item for item in answer["categories"]}
    assert {i for i, item in by_id.items() if item["is_root"]} == ROOTS
    assert {i: by_id[i]["key"] for i in BOOK_SUBJECTS} == BOOK_SUBJECTS
    assert by_id[283155]["name"] == "Books" and by_id[3839]["parent_category_id"] == 5
    assert 465600 not in by_id and 3738 not in by_id and 2578 not in by_id  # not browsable or misnamed
    assert answer["source"] == "table" and answer["tokens_used"] == 0
    assert {item["known_to_keepa"] for item in answer["categories"]} == {None}
    assert list(keepa.requests) == []


def test_categories_refresh_checks_every_id_with_keepa(keepa: RecordingKeepa) -> None:
    status, _, answer = call("products", "GET", CATEGORIES, query="refresh=true")

    assert status == 200, answer
    requests = paid(keepa)
    assert [r.endpoint for r in requests] == ["category", "category"]  # 19 ids, at most 10 per request
    assert answer["source"] == "keepa" and answer["tokens_used"] == spent(keepa) == 2
    by_id = {item["category_id"]: item for item in answer["categories"]}
    # The offline Keepa knows the Books tree only.
    assert {i for i, item in by_id.items() if item["known_to_keepa"]} == {283155, *BOOK_SUBJECTS}
    assert by_id[283155]["product_count"] == 15_000_000 and by_id[283155]["is_browse_node"] is True
    assert by_id[173514]["keepa_name"] == "Medical Books"
    assert by_id[165793011]["known_to_keepa"] is False and by_id[165793011]["product_count"] is None


def test_categories_refresh_is_refused_by_the_guard_when_tokens_are_short(
        make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=1, refill_rate=20)

    status, headers, answer = call("products", "GET", CATEGORIES, query="refresh=true")

    assert status == 429, answer
    assert answer["error"]["details"][0]["required"] == 2 and "retry-after" in headers
    assert paid(keepa) == []
