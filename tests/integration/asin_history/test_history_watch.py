"""The watch list through the asin_history function: scoped to the calling key, every key's for an admin, and
the one 422 envelope for bad input."""

from __future__ import annotations

import uuid

import pytest
from history_support import OTHER_SOURCER, product_read, unwatch, watch, watches

from db_testing import rows
from infra.keepa_offline import OfflineKeepa
from keepa_testing import book_asins, book_isbns, product_requests
from support import ADMIN, SOURCER, call


def test_watching_looks_the_product_up_once_and_is_idempotent_per_key(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1)

    status, _headers, created = watch(asin)
    again_status, _, again = watch(asin)

    assert status == 201, created
    assert created["asin"] == asin and created["domain_id"] == 1 and created["title"]
    assert created["owner_key_id"] == SOURCER["key_id"] and created["tokens_used"] == 1
    assert again_status == 200 and again["id"] == created["id"] and again["tokens_used"] == 0  # from the snapshot
    assert len(product_requests(keepa)) == 1
    assert len(rows("SELECT * FROM asin_watches")) == 1


def test_an_isbn13_is_watched_as_its_asin(keepa: OfflineKeepa) -> None:
    (isbn,) = book_isbns(1, start=5)
    (asin,) = book_asins(1, start=5)

    status, _, created = watch(isbn)

    assert status == 201, created
    assert created["asin"] == asin


def test_a_product_keepa_does_not_know_is_not_watched(keepa: OfflineKeepa) -> None:
    (unknown,) = book_asins(1, known=False)

    status, _, body = watch(unknown)

    assert status == 404, body
    assert rows("SELECT * FROM asin_watches") == []


def test_each_key_sees_and_removes_only_its_own_watches_and_an_admin_any(keepa: OfflineKeepa) -> None:
    mine, theirs = book_asins(2, start=10)
    my_watch = watch(mine)[2]
    their_watch = watch(theirs, identity=OTHER_SOURCER)[2]
    shared = watch(theirs)[2]  # the same product watched by a second key is a second watch

    assert [w["asin"] for w in watches()[2]["items"]] == [theirs, mine]
    assert [w["id"] for w in watches(OTHER_SOURCER)[2]["items"]] == [their_watch["id"]]
    assert {w["id"] for w in watches(ADMIN)[2]["items"]} == {my_watch["id"], their_watch["id"], shared["id"]}

    # another key's watch is unknown to a sourcer: 404, and it stays
    status, _, body = unwatch(their_watch["id"])
    assert status == 404 and body["error"]["code"] == "not_found"
    assert unwatch(my_watch["id"])[0] == 204
    assert unwatch(my_watch["id"])[0] == 404
    # an admin removes any key's watch
    assert unwatch(their_watch["id"], identity=ADMIN)[0] == 204
    assert [w["id"] for w in watches(ADMIN)[2]["items"]] == [shared["id"]]


def test_the_watch_list_pages_by_cursor(keepa: OfflineKeepa) -> None:
    asins = book_asins(3, start=20)
    for asin in asins:
        assert watch(asin)[0] == 201

    first = watches(query="limit=2")[2]
    second = watches(query=f"limit=2&cursor={first['next_cursor']}")[2]

    assert [w["asin"] for w in first["items"]] == asins[:0:-1]
    assert [w["asin"] for w in second["items"]] == asins[:1] and second["next_cursor"] is None


def _field_errors(response: tuple[int, dict[str, str], object]) -> set[str]:
    status, _, body = response
    assert status == 422, body
    assert isinstance(body, dict) and body["error"]["code"] == "validation_error" and body["request_id"]
    return {detail["field"] for detail in body["error"]["details"]}


@pytest.mark.parametrize(("body", "field"), [
    ({"asin": "not-an-asin"}, "body.asin"),
    ({"asin": ""}, "body.asin"),
    ({"asin": "0134685997", "domain_id": 0}, "body.domain_id"),
    ({"asin": "0134685997", "domain_id": 13}, "body.domain_id"),
    ({"asin": "0134685997", "owner_key_id": "someone"}, "body.owner_key_id"),
    ({"domain_id": 1}, "body.asin"),
])
def test_a_bad_watch_body_is_a_422_envelope(keepa: OfflineKeepa, body: dict[str, object], field: str) -> None:
    response = call("asin_history", "POST", "/api/v1/asin-history/watch", json_body=body, identity=SOURCER)
    assert field in _field_errors(response)
    assert product_requests(keepa) == []


@pytest.mark.parametrize(("kind", "asin", "query", "field"), [
    ("trends", "0134685997", "days=0", "query.days"),
    ("trends", "0134685997", "days=366", "query.days"),
    ("trends", "0134685997", "domain_id=7&days=x", "query.days"),
    ("records", "0134685997", "limit=0", "query.limit"),
    ("records", "0134685997", "limit=501", "query.limit"),
    ("records", "0134685997", "cursor=%%%", "query.cursor"),
    ("records", "0134685997", "days=400", "query.days"),
    ("latest", "0134685998", "", "path.asin"),
    ("latest", "0134685997", "domain_id=0", "query.domain_id"),
    ("trends", "12345", "", "path.asin"),
])
def test_bad_product_reads_are_a_422_envelope(keepa: OfflineKeepa, kind: str, asin: str, query: str,
                                              field: str) -> None:
    assert field in _field_errors(product_read(kind, asin, query))
    assert product_requests(keepa) == []


def test_bad_watch_list_inputs_are_a_422_envelope(database_url: str) -> None:
    assert "query.cursor" in _field_errors(watches(query="cursor=bm90LWpzb24"))
    assert "query.limit" in _field_errors(watches(query="limit=0"))
    response = call("asin_history", "DELETE", "/api/v1/asin-history/watch/nope",
                    route="/api/v1/asin-history/watch/{watch_id}", path_parameters={"watch_id": "nope"})
    assert "path.watch_id" in _field_errors(response)
    assert unwatch(str(uuid.uuid4()), identity=ADMIN)[0] == 404
