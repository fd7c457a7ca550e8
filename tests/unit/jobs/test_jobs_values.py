"""Pure values of the jobs room: chunking, progress, parameters, messages, fingerprints, token estimates."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from arbvault.exceptions import InvalidInputError
from arbvault.identifiers import isbn13_check_digit, isbn13_to_isbn10, normalise
from arbvault.jobs.chunking import CHUNK_SIZE, chunk_identifiers, split_chunks
from arbvault.jobs.exceptions import JobMessageError
from arbvault.jobs.params import JobParams, estimate_tokens
from arbvault.jobs.queries import Progress
from arbvault.jobs.queue import ChunkMessage
from arbvault.jobs.submit import request_fingerprint


@pytest.mark.parametrize(("count", "sizes"), [(0, []), (1, [1]), (100, [100]), (101, [100, 1]),
                                              (250, [100, 100, 50]), (10_000, [100] * 100)])
def test_split_chunks_keeps_order_in_chunks_of_at_most_100(count: int, sizes: list[int]) -> None:
    items = list(range(count))
    chunks = split_chunks(items)
    assert [len(c) for c in chunks] == sizes
    assert [i for chunk in chunks for i in chunk] == items
    assert CHUNK_SIZE == 100


def test_progress_is_derived_from_chunk_counts() -> None:
    progress = Progress(total=250, succeeded=180, not_found=10, failed=50, chunks_total=3, chunks_done=2,
                        chunks_failed=1)
    assert progress.processed == 240
    assert progress.percent == 96.0
    assert progress.chunks_settled == 3
    assert progress.as_dict()["processed"] == 240


def test_progress_of_an_empty_job_is_complete() -> None:
    assert Progress(0, 0, 0, 0, 0, 0, 0).percent == 100.0


def test_job_params_round_trip_keeps_the_buy_price_exact() -> None:
    params = JobParams(domain_id=1, strategy="velocity", buy_price=Decimal("12.35"), buy_condition="used_good",
                       offers=20)
    assert JobParams.from_dict(params.as_dict()) == params
    assert params.as_dict()["buy_price"] == "12.35"


@pytest.mark.parametrize(("raw", "field"), [({"colour": "red"}, "colour"), ({"buy_price": "abc"}, "buy_price"),
                                            ({"buy_price": -1}, "buy_price"), ({"offers": 5}, "offers"),
                                            ({"domain_id": "1"}, "domain_id"),
                                            ({"buy_condition": "mint"}, "buy_condition")])
def test_job_params_refuse_bad_values_naming_the_field(raw: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        JobParams.from_dict(raw)
    assert caught.value.details[0]["field"] == field


def test_chunk_message_round_trips() -> None:
    message = ChunkMessage(uuid.uuid4(), uuid.uuid4())
    assert ChunkMessage.parse(message.to_body()) == message


@pytest.mark.parametrize("body", ["", "not json", "[]", '{"job_id": "x", "chunk_id": "y"}', '{"job_id": null}'])
def test_chunk_message_refuses_malformed_bodies(body: str) -> None:
    with pytest.raises(JobMessageError):
        ChunkMessage.parse(body)


def test_request_fingerprint_ignores_key_order_and_sees_values() -> None:
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})
    assert request_fingerprint({"p": Decimal("1.10")}) != request_fingerprint({"p": Decimal("1.1")})


@pytest.mark.parametrize(("count", "params", "tokens"), [(250, None, 250), (0, None, 0),
                                                         (10, JobParams(offers=20), 60)])
def test_estimate_tokens_uses_the_documented_costs(count: int, params: JobParams | None, tokens: int) -> None:
    assert estimate_tokens(count, params=params) == tokens


def test_chunks_are_one_keepa_request_each_asins_then_isbn13s_in_order() -> None:
    isbn13s = [normalise(f"978{n:09d}" + isbn13_check_digit(f"978{n:09d}")) for n in range(150)]
    asins = [normalise(isbn13_to_isbn10(i.value) or "") for i in isbn13s[:120]]
    mixed = [item for pair in zip(asins, isbn13s, strict=False) for item in pair] + isbn13s[120:]
    chunks = chunk_identifiers(mixed)
    assert [len(c) for c in chunks] == [100, 20, 100, 50]
    assert [v for c in chunks[:2] for v in c] == [i.value for i in asins]
    assert [v for c in chunks[2:] for v in c] == [i.value for i in isbn13s]
