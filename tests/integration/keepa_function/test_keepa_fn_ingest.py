"""POST /api/v1/keepa/ingest through the handler: tokens, snapshots, stored analyses, and bad input."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from keepa_fn_support import INGEST, stored_analyses

from arbvault.engine.verdict import NO_PRICE_DATA
from infra.keepa_offline import OfflineKeepa, is_unknown
from keepa_testing import book_asins, book_isbns, product_requests, spent
from support import ADMIN, SOURCER, call


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def hundred_identifiers() -> list[str]:
    """60 ISBN-10 ASINs (5 unknown) and 40 ISBN-13s looked up by code (2 unknown)."""
    return (book_asins(55) + book_asins(5, known=False)
            + book_isbns(38, start=5_000) + book_isbns(2, known=False, start=5_000))


def test_ingest_repeat_within_ttl_costs_no_token_and_force_refresh_spends_again(keepa: OfflineKeepa) -> None:
    identifiers = hundred_identifiers()

    # Without offers every product costs 1 token, which makes Keepa's charging visible: it charges every ASIN
    # (unknown ones too) and only the products a code returns.
    status, headers, first = call("keepa", "POST", INGEST, json_body={"identifiers": identifiers, "offers": 0})
    assert status == 200, first
    assert first["tokens_used"] == 60 + 38 == spent(keepa)
    assert first["snapshot_hits"] == 0 and first["cached_not_found"] == 0
    assert len(first["items"]) == 93
    assert sorted(first["not_found_identifiers"]) == sorted(i for i in identifiers if is_unknown(i))
    assert "keepa;dur=" in headers["server-timing"] and "database;dur=" in headers["server-timing"]

    requests_before = len(keepa.requests)
    status, _, repeat = call("keepa", "POST", INGEST, json_body={"identifiers": identifiers, "offers": 0})
    assert status == 200, repeat
    assert repeat["tokens_used"] == 0 and spent(keepa) == 98
    assert len(keepa.requests) == requests_before  # not even /token: nothing needed paying for
    assert repeat["snapshot_hits"] == 93 and repeat["cached_not_found"] == 7
    assert [i["asin"] for i in repeat["items"]] == [i["asin"] for i in first["items"]]
    assert {i["id"] for i in repeat["items"]}.isdisjoint({i["id"] for i in first["items"]})

    status, _, forced = call("keepa", "POST", INGEST, json_body={"identifiers": identifiers, "offers": 0,
                                                             "force_refresh": True})
    assert status == 200, forced
    assert forced["tokens_used"] == 98 and spent(keepa) == 196
    assert forced["snapshot_hits"] == 0 and forced["cached_not_found"] == 0


def test_ingest_stores_every_analysis_with_its_columns_and_detail(keepa: OfflineKeepa) -> None:
    identifiers = book_asins(3) + book_isbns(2, start=900)

    status, _, body = call("keepa", "POST", INGEST, identity=SOURCER,
                           json_body={"identifiers": identifiers, "buy_price": "4.25", "buy_condition": "new",
                                      "offers": 20})  # the Buy Box a new copy sells at comes with offers

    assert status == 200, body
    rows = {str(row["id"]): row for row in stored_analyses([i["id"] for i in body["items"]])}
    assert len(rows) == 5
    for item in body["items"]:
        row = rows[item["id"]]
        assert row["source"] == "ingest" and row["created_by"] == SOURCER["key_id"]
        assert row["buy_price"] == Decimal("4.25") and item["buy_price"] == 4.25
        assert row["buy_price_source"] == row["metrics"]["buy_price_source"] == "requested"
        assert row["buy_condition"] == item["buy_condition"] == "new"
        assert row["sell_price_source"] == item["sell_price_source"] == row["metrics"]["sell_price_source"]
        assert row["asin"] == item["asin"] and row["identifier"] == item["identifier"]
        profit = row["metrics"]["profit"]
        assert row["roi_pct"] == _decimal(item["roi_pct"]) == _decimal(profit and profit["roi_pct"])
        assert row["velocity_score"] == Decimal(str(row["metrics"]["velocity"]["score"]))
        assert 0 <= row["stability_score"] <= 100 and 0 <= row["confidence_score"] <= 100
        assert row["recommendation"] == row["metrics"]["recommendation"]["label"]
        assert row["metrics"]["keepa"]["from_snapshot"] is False
    assert [i["identifier"] for i in body["items"]] == identifiers
    assert any(i["roi_pct"] is not None for i in body["items"])


def test_ingest_finds_isbn13_by_code_and_reports_its_asin(keepa: OfflineKeepa) -> None:
    (isbn,) = book_isbns(1, start=321)

    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": [isbn]})

    assert status == 200, body
    (item,) = body["items"]
    assert item["identifier"] == isbn and item["isbn13"] == isbn
    assert item["asin"] == book_asins(1, start=321)[0]
    (request,) = product_requests(keepa)
    assert request.params["code"] == isbn and "asin" not in request.params


def test_ingest_deduplicates_after_normalisation(keepa: OfflineKeepa) -> None:
    (isbn,) = book_isbns(1, start=77)
    spelled = [isbn, f"{isbn[:3]}-{isbn[3:]}", f" {isbn} "]

    # Without offers one product costs exactly 1 token: the three spellings are paid for once.
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": spelled, "offers": 0})

    assert status == 200, body
    assert len(body["items"]) == 1 and body["tokens_used"] == 1


def test_ingest_of_only_unknown_identifiers_reports_them_all(keepa: OfflineKeepa) -> None:
    unknown = book_asins(2, known=False) + book_isbns(1, known=False)

    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": unknown})

    assert status == 200, body
    assert body["items"] == [] and body["not_found_identifiers"] == unknown
    assert body["tokens_used"] == 2  # the two ASINs; an unknown code costs nothing


def test_ingest_above_the_threshold_becomes_a_job_answering_202_with_its_status_url(keepa: OfflineKeepa) -> None:
    status, headers, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(101)})

    assert status == 202, body
    assert body["status"] == "PENDING" and (body["items_total"], body["progress"]["chunks_total"]) == (101, 2)
    assert body["status_url"] == f"/api/v1/batches/{body['id']}" == headers["location"]
    assert product_requests(keepa) == []  # queued, not fetched: only the free /token balance was asked


def test_ingest_job_replayed_by_its_idempotency_key_says_so_and_is_the_same_job(keepa: OfflineKeepa) -> None:
    body = {"identifiers": book_asins(101)}
    headers = {"idempotency-key": str(uuid.uuid4())}

    first = call("keepa", "POST", INGEST, json_body=body, headers=headers)
    again = call("keepa", "POST", INGEST, json_body=body, headers=headers)

    assert first[0] == again[0] == 202, (first, again)
    assert first[2]["id"] == again[2]["id"]
    assert first[1]["location"] == again[1]["location"] == first[2]["status_url"]
    assert "idempotent-replayed" not in first[1] and again[1]["idempotent-replayed"] == "true"


def test_ingest_threshold_comes_from_settings(keepa: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> None:
    from arbvault.settings import reset_settings

    monkeypatch.setenv("INGEST_ASYNC_THRESHOLD", "2")
    reset_settings()

    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(3)})

    assert status == 202 and body["items_total"] == 3, body


def test_ingest_analyses_the_valid_identifiers_and_lists_each_invalid_one(keepa: OfflineKeepa) -> None:
    good = book_asins(1)[0]
    # Without offers the one product fetched costs exactly 1 token.
    status, _, body = call("keepa", "POST", INGEST,
                           json_body={"identifiers": [good, "12345", good, "9780000000000", "B0!!"], "offers": 0})

    assert status == 200, body
    assert [item["asin"] for item in body["items"]] == [good]
    assert [(r["index"], r["value"]) for r in body["invalid_identifiers"]] == [
        (1, "12345"), (3, "9780000000000"), (4, "B0!!")]
    assert "check digit" in body["invalid_identifiers"][1]["reason"]
    assert body["not_found_identifiers"] == [] and body["tokens_used"] == 1


def test_ingest_of_only_invalid_identifiers_is_422_naming_each_by_index(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": ["12345", "9780000000000", "B0!!"]})

    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    assert {d["code"] for d in body["error"]["details"]} == {"invalid_identifiers"}
    assert [d["field"] for d in body["error"]["details"]] == ["identifiers[0]", "identifiers[1]", "identifiers[2]"]
    assert body["error"]["details"][1]["value"] == "9780000000000"
    assert keepa.requests == type(keepa.requests)()


def test_default_ingest_fetches_offers_and_prices_a_generated_book(keepa: OfflineKeepa) -> None:
    (asin,) = book_asins(1, start=3)

    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": [asin]})

    assert status == 200, body
    (request,) = product_requests(keepa)
    assert request.params["offers"] == "20"
    (item,) = body["items"]
    # The default sources buy the cheapest live offer and sell at the used Buy Box, both sent with offers.
    assert item["buy_price_source"] == "live_offer" and item["buy_price"] is not None
    assert item["sell_price_source"] == "buy_box_used" and item["sell_price"] is not None
    assert item["roi_pct"] is not None
    metrics = item["metrics"]
    assert metrics["primary_issue"] != NO_PRICE_DATA and "no_price_data" not in metrics["risk_factors"]
    assert body["tokens_used"] == spent(keepa) >= 6 and body["tokens_used"] % 6 == 0  # 6 per page of 10 live offers


def test_ingest_offers_between_none_and_a_page_is_a_validation_error(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(1), "offers": 5})

    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    (detail,) = body["error"]["details"]
    assert detail["field"] == "body.offers" and "0 (no live offers) or from 20 to 100" in detail["message"]
    assert keepa.requests == type(keepa.requests)()


@pytest.mark.parametrize(("body", "field"), [
    ({"identifiers": []}, "body.identifiers"),
    ({"identifiers": "1739104269"}, "body.identifiers"),
    ({"identifiers": [17]}, "body.identifiers.0"),
    ({"identifiers": ["1739104269"], "buy_price": -1}, "body.buy_price"),
    ({"identifiers": ["1739104269"], "buy_price": "1.234"}, "body.buy_price"),
    ({"identifiers": ["1739104269"], "buy_price": 0}, "body.buy_price"),
    ({"identifiers": ["1739104269"], "buy_price": "100000.01"}, "body.buy_price"),
    ({"identifiers": ["1739104269"], "strategy": "s" * 51}, "body.strategy"),
    ({"identifiers": ["1739104269"], "domain_id": 0}, "body.domain_id"),
    ({"identifiers": ["1739104269"], "offers": 5}, "body.offers"),
    ({"identifiers": ["1739104269"], "force_refresh": "sometimes"}, "body.force_refresh"),
    ({"identifiers": ["1739104269"], "asins": []}, "body.asins"),
])
def test_ingest_rejects_malformed_bodies_naming_the_field(keepa: OfflineKeepa, body: dict[str, object],
                                                          field: str) -> None:
    status, _, answer = call("keepa", "POST", INGEST, json_body=body)

    assert status == 422, answer
    assert field in [d["field"] for d in answer["error"]["details"]]


def test_ingest_unknown_strategy_is_422_before_any_token(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(2), "strategy": "moonshot"})

    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    detail = body["error"]["details"][0]
    assert (detail["field"], detail["code"]) == ("strategy", "unknown_strategy")
    assert spent(keepa) == 0


def test_ingest_unserved_marketplace_is_422(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(1), "domain_id": 7})

    assert status == 422, body
    assert (body["error"]["details"][0]["field"], body["error"]["details"][0]["code"]) == ("body.domain_id",
                                                                                          "domain_invalid")
    assert spent(keepa) == 0


def test_ingest_with_a_named_strategy_uses_it(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(2), "strategy": "velocity"})

    assert status == 200, body
    assert {i["strategy"] for i in body["items"]} == {"velocity"}
    assert all(i["metrics"]["strategy_auto_selected"] is False for i in body["items"])


def test_ingest_needs_an_identity(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(1)}, identity=None)

    assert status == 401 and body["error"]["code"] == "unauthorized"


def test_ingest_by_an_admin_records_the_admin_key(keepa: OfflineKeepa) -> None:
    status, _, body = call("keepa", "POST", INGEST, json_body={"identifiers": book_asins(1)}, identity=ADMIN)

    assert status == 200
    assert body["items"][0]["created_by"] == ADMIN["key_id"]
