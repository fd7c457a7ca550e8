"""The ingest service: one INSERT for all analyses, and a timing record split by phase."""

from __future__ import annotations

from arbvault.catalog.ingest import ingest
from arbvault.keepa.client import KeepaClient
from db_testing import inserts_into, recording_statements
from keepa_testing import book_asins


def test_ingest_writes_all_analyses_in_one_statement_and_times_each_phase(client: KeepaClient) -> None:
    wanted = book_asins(40, start=1_000)

    with recording_statements() as seen:
        result = ingest(wanted, created_by="catalog-test", client=client)

    assert len(result.items) == 40
    assert inserts_into(seen, "analyses") == 1
    timings = result.timings.as_ms()
    assert timings["keepa"] > 0 and timings["analysis"] > 0 and timings["database"] > 0
    assert timings["total"] >= timings["keepa"] + timings["analysis"] + timings["database"]


def test_a_repeated_ingest_spends_no_time_at_keepa(client: KeepaClient) -> None:
    wanted = book_asins(5, start=2_000)
    ingest(wanted, created_by="catalog-test", client=client)

    repeat = ingest(wanted, created_by="catalog-test", client=client)

    assert repeat.tokens_consumed == 0 and repeat.snapshot_hits == 5
    assert repeat.timings.as_ms()["keepa"] == 0
