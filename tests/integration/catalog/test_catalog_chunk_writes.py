"""What a batch chunk writes: its analyses counted and never duplicated, and snapshots kept compressed."""

from __future__ import annotations

import json
import uuid

from arbvault.catalog.analysis_rows import analyse_found, insert_job_analyses
from arbvault.catalog.lookup import fetch_products
from arbvault.db import session_scope
from arbvault.keepa.client import KeepaClient
from db_testing import rows, scalar
from keepa_testing import book_asins


def _job_rows(client: KeepaClient, count: int, *, start: int, job_id: uuid.UUID) -> list[dict[str, object]]:
    lookup = fetch_products(book_asins(count, start=start), client=client)
    return analyse_found(lookup, domain_id=1, buy_price=None, strategy=None, source="batch",
                         created_by="catalog-test", job_id=job_id)


def test_job_rows_are_counted_and_a_repeat_stores_nothing_twice(client: KeepaClient) -> None:
    job_id = uuid.uuid4()
    chunk = _job_rows(client, 12, start=3_000, job_id=job_id)

    with session_scope() as session:
        first = insert_job_analyses(session, chunk[:5])
    with session_scope() as session:
        second = insert_job_analyses(session, chunk)  # a redelivered chunk: five rows are already there
    with session_scope() as session:
        third = insert_job_analyses(session, chunk)

    assert (first, second, third) == (5, len(chunk) - 5, 0)
    assert scalar("SELECT count(*) FROM analyses WHERE job_id = :job_id", job_id=job_id) == len(chunk)
    assert scalar("SELECT count(DISTINCT asin) FROM analyses WHERE job_id = :job_id", job_id=job_id) == len(chunk)


def test_no_job_rows_insert_nothing() -> None:
    with session_scope() as session:
        assert insert_job_analyses(session, []) == 0


def test_snapshots_are_stored_compressed_and_read_back_unchanged(client: KeepaClient) -> None:
    wanted = book_asins(6, start=3_100)
    fresh = fetch_products(wanted, client=client)

    stored = rows("SELECT asin, octet_length(product_lz4) AS size FROM keepa_snapshots")
    repeat = fetch_products(wanted, client=client)

    sizes = {row["asin"]: row["size"] for row in stored}
    assert sizes.keys() == {item.asin for item in fresh.found.values()}
    for item in fresh.found.values():
        assert sizes[item.asin] < len(json.dumps(item.raw, separators=(",", ":"))) / 2
    assert repeat.snapshot_hits == len(fresh.found)
    assert [item.raw for item in repeat.found.values()] == [item.raw for item in fresh.found.values()]
