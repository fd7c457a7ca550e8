"""Snapshot writes lock rows in key order, so a request and a batch chunk storing the same books cannot deadlock."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.lookup import fetch_products
from arbvault.catalog.snapshots import save_snapshots
from arbvault.db import get_engine, session_scope
from arbvault.keepa.client import KeepaClient
from keepa_testing import book_asins

WAIT_SECONDS = 10.0


def _waiting_on_a_lock() -> bool:
    with get_engine().connect() as connection:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")))


def _locked(asin: str) -> bool:
    """Whether another transaction holds ``asin``'s snapshot row."""
    with get_engine().connect() as connection:
        try:
            connection.execute(text("SELECT 1 FROM keepa_snapshots WHERE asin = :asin FOR UPDATE NOWAIT"),
                               {"asin": asin})
        except DBAPIError:
            return True
        finally:
            connection.rollback()
    return False


@pytest.mark.usefixtures("unpooled")
def test_a_writer_blocked_on_a_later_row_already_holds_the_earlier_one(client: KeepaClient) -> None:
    first, second = sorted(book_asins(2, start=40))
    raw = {asin: item.raw for asin, item in fetch_products([first, second], client=client).found.items()}
    options, now = FetchOptions(), datetime.now(UTC)

    with Session(get_engine()) as holder:  # holds ``second``, as a chunk storing it would until it commits
        save_snapshots(holder, [raw[second]], domain_id=1, options=options, fetched_at=now)

        def store_in_reverse() -> None:
            with session_scope() as session:
                save_snapshots(session, [raw[second], raw[first]], domain_id=1, options=options, fetched_at=now)

        writer = threading.Thread(target=store_in_reverse)
        writer.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while not _waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            assert _waiting_on_a_lock(), "the second writer never waited for the held row"
            # Given in reverse, the rows were still locked in key order: the earlier one is held, the later awaited.
            assert _locked(first)
        finally:
            holder.rollback()
            writer.join(WAIT_SECONDS)
    assert not writer.is_alive()
    assert not _locked(first) and not _locked(second)
