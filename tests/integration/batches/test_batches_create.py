"""POST /api/v1/batches through the handler: 202 with a status URL, the job written with its chunks and outbox in
one transaction, its messages on the template's queue, bad input refused before anything is written."""

from __future__ import annotations

import json
import uuid

import pytest
from batches_support import BATCHES

from db_testing import rows, scalar
from infra.keepa_offline import OfflineKeepa
from jobs_testing import JobQueues
from keepa_testing import MakeKeepa, book_isbns
from support import ADMIN, call


def test_create_answers_202_with_location_and_queues_one_message_per_chunk(queues: JobQueues,
                                                                           keepa: OfflineKeepa) -> None:
    identifiers = book_isbns(250)

    status, headers, body = call("batches", "POST", BATCHES, json_body={"name": "spring list",
                                                                        "identifiers": identifiers})

    assert status == 202, body
    job_id = uuid.UUID(body["id"])
    assert body["status"] == "PENDING"
    assert body["status_url"] == f"{BATCHES}/{job_id}" == headers["location"]
    assert (body["name"], body["items_total"], body["progress"]["chunks_total"], body["tokens_estimated"]) == (
        "spring list", 250, 3, 250 * 6)  # a page of offers (6 tokens) per product by default
    (job,) = rows("SELECT * FROM jobs WHERE id = :id", id=job_id)
    assert (job["kind"], job["owner_key_id"], job["items_total"]) == ("batch", ADMIN["key_id"], 250)
    chunks = rows('SELECT id, "index", identifiers FROM job_chunks WHERE job_id = :id ORDER BY "index"', id=job_id)
    assert [len(c["identifiers"]) for c in chunks] == [100, 100, 50]
    assert [i for c in chunks for i in c["identifiers"]] == identifiers
    # Every outbox row was sent after the commit, and the queue holds exactly one message per chunk.
    assert scalar("SELECT count(*) FROM outbox WHERE job_id = :id AND sent_at IS NOT NULL", id=job_id) == 3
    bodies = sorted((json.loads(m["Body"]) for m in queues.messages()), key=lambda b: b["chunk_id"])
    assert bodies == sorted(({"job_id": str(job_id), "chunk_id": str(c["id"])} for c in chunks),
                            key=lambda b: b["chunk_id"])
    # Checking the balance never spends a token: the stored balance was empty, so the free /token was asked.
    assert [r.endpoint for r in keepa.requests] == ["token"]


def test_create_normalises_and_counts_duplicates_once(queues: JobQueues, keepa: OfflineKeepa) -> None:
    isbn = book_isbns(1)[0]
    hyphenated = f"{isbn[:3]}-{isbn[3:4]}-{isbn[4:9]}-{isbn[9:12]}-{isbn[12]}"

    status, _, body = call("batches", "POST", BATCHES, json_body={
        "name": "dupes", "identifiers": [isbn, hyphenated, f" {isbn} "]})

    assert status == 202, body
    assert body["items_total"] == 1
    assert rows("SELECT identifiers FROM job_chunks")[0]["identifiers"] == [isbn]


def test_create_keeps_the_options_every_chunk_uses(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body={
        "name": "opts", "identifiers": book_isbns(3), "strategy": "velocity", "buy_price": 4.5,
        "buy_condition": "new", "config_profile": "spring", "offers": 20, "force_refresh": True})

    assert status == 202, body
    assert body["tokens_estimated"] == 3 * 6  # one offer page per product
    _, _, job = call("batches", "GET", f"{BATCHES}/{body['id']}", route=f"{BATCHES}/{{batch_id}}",
                     path_parameters={"batch_id": body["id"]})
    assert job["params"] == {"domain_id": 1, "strategy": "velocity", "buy_price": 4.5, "buy_condition": "new",
                             "force_refresh": True, "offers": 20, "config_profile": "spring"}
    # One resource: the 202 is the job's own read, with the entries the request left out.
    assert set(body) - set(job) == {"invalid_identifiers"}
    assert body["params"] == job["params"] and body["id"] == job["id"]


def test_invalid_identifiers_are_left_out_and_listed_with_their_reason(queues: JobQueues,
                                                                      keepa: OfflineKeepa) -> None:
    good = book_isbns(2)

    status, _, body = call("batches", "POST", BATCHES, json_body={
        "name": "some bad", "identifiers": [good[0], "9780000000001", good[1], "nope"]})

    assert status == 202, body
    assert body["items_total"] == 2 and body["tokens_estimated"] == 2 * 6
    assert [(r["index"], r["value"]) for r in body["invalid_identifiers"]] == [(1, "9780000000001"), (3, "nope")]
    assert "check digit" in body["invalid_identifiers"][0]["reason"]
    assert "10 characters" in body["invalid_identifiers"][1]["reason"]
    (chunk,) = rows("SELECT identifiers FROM job_chunks WHERE job_id = :id", id=uuid.UUID(body["id"]))
    assert chunk["identifiers"] == good


def test_replayed_create_lists_the_same_invalid_identifiers(queues: JobQueues, keepa: OfflineKeepa) -> None:
    payload = {"name": "replay", "identifiers": [book_isbns(1)[0], "nope"]}
    headers = {"idempotency-key": f"replay-{uuid.uuid4()}"}

    first = call("batches", "POST", BATCHES, json_body=payload, headers=headers)
    again = call("batches", "POST", BATCHES, json_body=payload, headers=headers)

    assert first[0] == again[0] == 202
    assert again[1]["idempotent-replayed"] == "true"
    assert again[2]["id"] == first[2]["id"]
    assert again[2]["invalid_identifiers"] == first[2]["invalid_identifiers"] == [
        {"index": 1, "value": "nope", "reason": first[2]["invalid_identifiers"][0]["reason"]}]


def test_only_invalid_identifiers_are_named_by_index_and_nothing_is_written(queues: JobQueues,
                                                                            keepa: OfflineKeepa) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body={
        "name": "bad", "identifiers": ["9780000000001", "nope"]})

    assert status == 422, body
    assert [d["field"] for d in body["error"]["details"]] == ["identifiers[0]", "identifiers[1]"]
    assert "identifiers[0]" in body["error"]["message"] and "identifiers[1]" in body["error"]["message"]
    assert scalar("SELECT count(*) FROM jobs") == 0
    assert queues.messages() == [] and list(keepa.requests) == []


@pytest.mark.parametrize(("payload", "field"), [
    ({"identifiers": ["0134685997"]}, "body.name"),
    ({"name": "x"}, "body.identifiers"),
    ({"name": "x", "identifiers": []}, "body.identifiers"),
    ({"name": "", "identifiers": ["0134685997"]}, "body.name"),
    ({"name": "x", "identifiers": ["0134685997"], "buy_price": -1}, "body.buy_price"),
    ({"name": "x", "identifiers": ["0134685997"], "buy_price": 0}, "body.buy_price"),
    ({"name": "x", "identifiers": ["0134685997"], "buy_price": "100000.01"}, "body.buy_price"),
    ({"name": "x", "identifiers": ["0134685997"], "buy_price": "4.255"}, "body.buy_price"),
    ({"name": "x", "identifiers": ["0134685997"], "strategy": "s" * 51}, "body.strategy"),
    ({"name": "x", "identifiers": ["0134685997"], "domain_id": 99}, "body.domain_id"),
    ({"name": "x", "identifiers": ["0134685997"], "offers": 5}, "body.offers"),
    ({"name": "x", "identifiers": ["0134685997"], "asin_list": ["0134685997"]}, "body.asin_list"),
])
def test_malformed_body_is_422_naming_the_field(queues: JobQueues, payload: dict[str, object], field: str) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body=payload)

    assert status == 422, body
    assert field in [d["field"] for d in body["error"]["details"]]
    assert scalar("SELECT count(*) FROM jobs") == 0


def test_unknown_strategy_is_422_before_any_token_is_checked(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body={
        "name": "x", "identifiers": book_isbns(2), "strategy": "moonshot"})

    assert status == 422, body
    assert "moonshot" in body["error"]["message"]
    assert scalar("SELECT count(*) FROM jobs") == 0 and list(keepa.requests) == []


def test_more_than_ten_thousand_distinct_identifiers_is_413(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body={"name": "huge", "identifiers": book_isbns(10_001)})

    assert status == 413, body
    assert body["error"]["details"][0]["count"] == 10_001
    assert scalar("SELECT count(*) FROM jobs") == 0


def test_ten_thousand_identifiers_make_one_hundred_chunks(queues: JobQueues, keepa: OfflineKeepa) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body={"name": "full", "identifiers": book_isbns(10_000)})

    assert status == 202, body
    assert (body["items_total"], body["progress"]["chunks_total"]) == (10_000, 100)
    assert scalar("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") == 100
    assert len(queues.messages()) == 100


def test_short_token_balance_is_429_with_retry_after_and_leaves_nothing(queues: JobQueues,
                                                                        make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(tokens=100, refill_rate=20)

    status, headers, body = call("batches", "POST", BATCHES, json_body={"name": "x", "identifiers": book_isbns(30)})

    assert status == 429, body
    assert body["error"]["code"] == "keepa_tokens_insufficient"
    (details,) = body["error"]["details"]
    # 30 products with a page of offers each need 180 tokens.
    assert (details["required"], details["balance"], details["deficit"]) == (180, 100, 80)
    # 80 short at 20 a minute: 4 refills, the first within a minute -> between 3 and 4 minutes.
    assert 3 * 60 <= int(headers["retry-after"]) <= 4 * 60
    assert scalar("SELECT count(*) FROM jobs") == 0 and scalar("SELECT count(*) FROM outbox") == 0
    assert queues.messages() == []
    assert [r.endpoint for r in keepa.requests] == ["token"]


def test_more_tokens_than_the_plan_ever_holds_is_413(queues: JobQueues, make_keepa: MakeKeepa) -> None:
    make_keepa(tokens=10, refill_rate=1)  # a bucket of at most 60 tokens

    status, _, body = call("batches", "POST", BATCHES, json_body={"name": "x", "identifiers": book_isbns(70)})

    assert status == 413, body
    assert body["error"]["code"] == "keepa_tokens_beyond_capacity"
    assert scalar("SELECT count(*) FROM jobs") == 0


def test_unreachable_queue_still_answers_202_and_keeps_the_messages_for_the_relay(
        queues: JobQueues, keepa: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> None:
    from arbvault.jobs.queue import reset_jobs_queue
    from arbvault.jobs.relay import relay_once
    from arbvault.settings import reset_settings

    monkeypatch.setenv("JOBS_QUEUE_URL", queues.jobs_url.rsplit("/", 1)[0] + "/no-such-queue")
    reset_settings()
    reset_jobs_queue()

    status, _, body = call("batches", "POST", BATCHES, json_body={"name": "x", "identifiers": book_isbns(150)})

    assert status == 202, body
    outbox = rows("SELECT sent_at, attempts, last_error FROM outbox WHERE job_id = :id", id=uuid.UUID(body["id"]))
    assert len(outbox) == 2
    assert all(r["sent_at"] is None and r["attempts"] == 1 and r["last_error"] for r in outbox)
    # THEN the relay, once the queue is back, delivers both.
    monkeypatch.setenv("JOBS_QUEUE_URL", queues.jobs_url)
    reset_settings()
    reset_jobs_queue()
    assert relay_once().sent == 2
    assert len(queues.messages()) == 2


def test_without_an_identity_the_route_is_401(queues: JobQueues) -> None:
    status, _, body = call("batches", "POST", BATCHES, json_body={"name": "x", "identifiers": ["0134685997"]},
                           identity=None)

    assert status == 401, body
    assert body["error"]["code"] == "unauthorized"
