"""``newest_first`` against PostgreSQL: pages in (timestamp, id) order across a tie on the timestamp, no next
position on the last page, an empty table. The scheduler's audit rows serve as the table: its timestamp column is
``changed_at``, not ``created_at``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from arbvault.db import session_scope
from arbvault.keyset import KeysetPage, KeysetPosition, newest_first
from arbvault.models.autoscheduler import SchedulerChange
from db_testing import execute

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_audit_rows(database_url: str) -> Iterator[None]:
    execute("TRUNCATE autoscheduler_changes")
    yield
    execute("TRUNCATE autoscheduler_changes")


def _add(n: int, changed_at: datetime, action: str = "enable") -> uuid.UUID:
    """An audit row with id ``n`` (ids of small numbers sort as the numbers do) changed at ``changed_at``."""
    change_id = uuid.UUID(int=n)
    execute("INSERT INTO autoscheduler_changes (id, key_id, key_name, action, old_values, new_values, changed_at) "
            "VALUES (:id, 'k', 'key', :action, '{}', '{}', :changed_at)", id=change_id, action=action,
            changed_at=changed_at)
    return change_id


def _page(limit: int, after: KeysetPosition | None, action: str | None = None) -> KeysetPage[SchedulerChange]:
    statement = select(SchedulerChange)
    if action is not None:
        statement = statement.where(SchedulerChange.action == action)
    with session_scope() as session:
        return newest_first(session, statement, at=SchedulerChange.changed_at, id=SchedulerChange.id, limit=limit,
                            after=after)


def test_pages_run_newest_first_and_the_id_orders_rows_of_one_timestamp() -> None:
    oldest = _add(9, NOON - timedelta(hours=1))
    tied = [_add(n, NOON) for n in (2, 5, 3)]
    newest = _add(1, NOON + timedelta(hours=1))
    _add(4, NOON, action="disable")  # filtered out below

    pages: list[KeysetPage[SchedulerChange]] = []
    after = None
    while not pages or after is not None:
        pages.append(_page(2, after, action="enable"))
        after = pages[-1].next_position

    assert [[row.id for row in page.items] for page in pages] == [
        [newest, tied[1]], [tied[2], tied[0]], [oldest]]  # the tie at noon splits across pages 1 and 2
    assert pages[0].next_position == KeysetPosition(NOON, tied[1])
    assert pages[-1].next_position is None


def test_a_last_page_that_is_full_has_no_next_position() -> None:
    ids = [_add(n, NOON + timedelta(minutes=n)) for n in range(1, 5)]

    first = _page(2, None)
    last = _page(2, first.next_position)

    assert [row.id for row in first.items] == [ids[3], ids[2]] and first.next_position is not None
    assert [row.id for row in last.items] == [ids[1], ids[0]]
    assert last.next_position is None


def test_an_empty_table_is_one_empty_page() -> None:
    assert _page(3, None) == KeysetPage([], None)
    assert _page(3, KeysetPosition(NOON, uuid.UUID(int=1))) == KeysetPage([], None)
