"""Product lookups through snapshots: TTL, request options, codes, misses, and bulk writes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.lookup import fetch_products
from arbvault.db import get_engine
from arbvault.keepa.client import KeepaClient
from arbvault.settings import reset_settings
from db_testing import inserts_into, recording_statements
from infra.keepa_offline import OfflineKeepa
from keepa_testing import book_asins, book_isbns


def age(table: str, column: str, seconds: int) -> None:
    with get_engine().begin() as connection:
        connection.execute(text(f"UPDATE {table} SET {column} = {column} - make_interval(secs => :s)"),
                           {"s": seconds})


def test_a_repeat_within_the_ttl_is_free_and_an_expired_snapshot_is_fetched_again(client: KeepaClient) -> None:
    wanted = book_asins(4)
    first = fetch_products(wanted, client=client)
    assert first.tokens_consumed == 4 and first.snapshot_hits == 0 and first.keepa_requested == 4

    repeat = fetch_products(wanted, client=client)
    assert repeat.tokens_consumed == 0 and repeat.snapshot_hits == 4 and repeat.keepa_requested == 0
    assert all(item.from_snapshot for item in repeat.found.values())
    assert [item.raw for item in repeat.found.values()] == [item.raw for item in first.found.values()]

    age("keepa_snapshots", "fetched_at", 3601)  # the default TTL is an hour
    expired = fetch_products(wanted, client=client)
    assert expired.tokens_consumed == 4 and expired.snapshot_hits == 0


def test_the_ttl_comes_from_settings(client: KeepaClient, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = book_asins(2, start=10)
    fetch_products(wanted, client=client)
    monkeypatch.setenv("KEEPA_SNAPSHOT_TTL_SECONDS", "0")
    reset_settings()
    try:
        assert fetch_products(wanted, client=client).tokens_consumed == 2
    finally:
        monkeypatch.undo()
        reset_settings()


def test_force_refresh_bypasses_fresh_snapshots(client: KeepaClient) -> None:
    wanted = book_asins(3, start=20)
    fetch_products(wanted, client=client)

    forced = fetch_products(wanted, client=client, force_refresh=True)

    assert forced.tokens_consumed == 3 and forced.snapshot_hits == 0
    assert not any(item.from_snapshot for item in forced.found.values())


@pytest.mark.parametrize(("stored", "wanted", "served"), [
    (FetchOptions(), FetchOptions(), True),
    (FetchOptions(offers=40), FetchOptions(offers=20), True),
    (FetchOptions(offers=40), FetchOptions(), True),
    (FetchOptions(), FetchOptions(offers=20), False),
    (FetchOptions(offers=20), FetchOptions(offers=40), False),
    (FetchOptions(stats_days=90), FetchOptions(stats_days=180), False),
    (FetchOptions(history=False), FetchOptions(history=True), False),
    (FetchOptions(history=True), FetchOptions(history=False), True),
    (FetchOptions(), FetchOptions(buybox=True), False),
    (FetchOptions(buybox=True), FetchOptions(), True),
])
def test_a_snapshot_serves_only_lookups_it_has_the_data_for(client: KeepaClient, stored: FetchOptions,
                                                            wanted: FetchOptions, served: bool) -> None:
    (asin,) = book_asins(1, start=30)
    fetch_products([asin], client=client, options=stored)

    again = fetch_products([asin], client=client, options=wanted)

    assert (again.snapshot_hits == 1) is served
    assert (again.tokens_consumed == 0) is served


def test_an_isbn13_finds_the_snapshot_fetched_by_its_asin(client: KeepaClient, keepa: OfflineKeepa) -> None:
    (isbn,) = book_isbns(1, start=40)
    (asin,) = book_asins(1, start=40)
    fetch_products([asin], client=client)

    by_code = fetch_products([isbn], client=client)

    assert by_code.snapshot_hits == 1 and by_code.tokens_consumed == 0
    assert by_code.found[isbn].asin == asin and by_code.found[isbn].identifier.kind == "isbn13"
    assert len([r for r in keepa.requests if r.endpoint == "product"]) == 1


def test_misses_are_reported_remembered_briefly_and_bypassed_by_force(client: KeepaClient) -> None:
    unknown = book_asins(2, known=False, start=50)
    first = fetch_products(unknown, client=client)
    assert first.not_found == tuple(unknown) and first.tokens_consumed == 2 and first.found == {}

    repeat = fetch_products(unknown, client=client)
    assert repeat.not_found == tuple(unknown) and repeat.tokens_consumed == 0 and repeat.miss_hits == 2

    assert fetch_products(unknown, client=client, force_refresh=True).tokens_consumed == 2
    age("keepa_misses", "checked_at", 601)  # the default not-found TTL is ten minutes
    assert fetch_products(unknown, client=client).tokens_consumed == 2


def test_misses_are_not_stored_as_snapshots(client: KeepaClient) -> None:
    fetch_products(book_asins(3, known=False, start=60), client=client)

    with get_engine().connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM keepa_snapshots")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM keepa_misses")).scalar_one() == 3


def test_a_hundred_products_are_written_in_one_statement_per_table(client: KeepaClient) -> None:
    wanted = book_asins(90, start=100) + book_asins(10, known=False, start=100)

    with recording_statements() as seen:
        lookup = fetch_products(wanted, client=client)

    assert len(lookup.found) == 90 and len(lookup.not_found) == 10
    assert inserts_into(seen, "keepa_snapshots") == 1
    assert inserts_into(seen, "keepa_misses") == 1
    with get_engine().connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM keepa_snapshots")).scalar_one() == 90


def test_results_keep_request_order_and_deduplicate(client: KeepaClient) -> None:
    wanted = book_asins(3, start=200)
    spelled = [wanted[2], wanted[0], wanted[2].lower(), wanted[1]]

    lookup = fetch_products(spelled, client=client)

    assert list(lookup.found) == [wanted[2], wanted[0], wanted[1]]
    assert lookup.tokens_consumed == 3
