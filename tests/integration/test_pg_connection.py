"""The pipelined pg8000 connection against a real PostgreSQL: one flush per statement, errors in step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pg8000.exceptions import DatabaseError
from sqlalchemy import text
from sqlalchemy.engine import make_url

from arbvault import db, pg_connection


class CountingSocket:
    """The connection's socket file, counting flushes (each one is a request the client then waits on)."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        self.wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


@pytest.fixture
def connection(database_url: str) -> Iterator[pg_connection.PipelinedConnection]:
    conn = pg_connection.connect(**db._connect_kwargs(make_url(db.normalise_url(database_url))))
    yield conn
    if conn._sock is not None:
        conn.close()


def counted(conn: pg_connection.PipelinedConnection) -> CountingSocket:
    sock = CountingSocket(conn._sock)
    conn._sock = sock
    return sock


def test_a_statement_and_its_begin_take_one_flush(connection: pg_connection.PipelinedConnection) -> None:
    sock = counted(connection)
    cursor = connection.cursor()
    cursor.execute("SELECT %s::int + %s::int, %s::text", (1, 2, "x"))
    assert list(cursor.fetchall()) == [[3, "x"]] and sock.flushes == 1
    assert connection._in_transaction
    cursor.execute("SELECT generate_series(1, %s)", (3,))
    assert [row[0] for row in cursor.fetchall()] == [1, 2, 3] and sock.flushes == 2
    connection.commit()
    assert sock.flushes == 3 and not connection._in_transaction


def test_statements_without_parameters_use_the_simple_protocol(
        connection: pg_connection.PipelinedConnection) -> None:
    sock = counted(connection)
    cursor = connection.cursor()
    cursor.execute("CREATE TEMP TABLE t (n int); INSERT INTO t VALUES (1), (2)")
    cursor.execute("SELECT count(*) FROM t")
    assert cursor.fetchone() == [2] and sock.flushes == 2


@pytest.mark.parametrize(("sql", "args", "code"), [
    ("SELEC %s", (1,), "42601"),  # fails at Parse
    ("SELECT 1 / %s::int", (0,), "22012"),  # fails at Execute
    ("SELECT %s::int", ("not a number",), "22P02"),  # fails at Bind
])
def test_an_error_leaves_the_connection_in_step(connection: pg_connection.PipelinedConnection, sql: str,
                                                args: tuple[Any, ...], code: str) -> None:
    cursor = connection.cursor()
    with pytest.raises(DatabaseError) as raised:
        cursor.execute(sql, args)
    assert raised.value.args[0]["C"] == code
    connection.rollback()
    cursor.execute("SELECT %s::text", ("still usable",))
    assert cursor.fetchone() == ["still usable"]


def test_a_value_pg8000_cannot_send_raises_before_anything_is_sent(
        connection: pg_connection.PipelinedConnection) -> None:
    cursor = connection.cursor()
    with pytest.raises(UnicodeEncodeError):
        cursor.execute("SELECT %s::text", ("\ud800",))  # a lone surrogate has no UTF-8 form
    cursor.execute("SELECT %s::int", (7,))  # the queued BEGIN goes with this statement
    assert cursor.fetchone() == [7] and connection._in_transaction


def test_a_closed_connection_says_so(connection: pg_connection.PipelinedConnection) -> None:
    connection.close()
    with pytest.raises(Exception, match="closed"):
        connection.cursor().execute("SELECT %s::int", (1,))


def test_the_engine_uses_it(database_url: str) -> None:
    engine = db.build_engine(database_url)
    try:
        with engine.connect() as conn:
            assert isinstance(conn.connection.dbapi_connection, pg_connection.PipelinedConnection)
            assert conn.execute(text("SELECT :a || :b"), {"a": "pipe", "b": "lined"}).scalar() == "pipelined"
            assert conn.execute(text("SELECT 100 %% 7 = 2, CAST(:x AS int)"), {"x": 5}).one() == (True, 5)
    finally:
        engine.dispose()


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT '2026-11-26 07:51:41.123456+00'::timestamptz", datetime(2026, 11, 26, 7, 51, 41, 123456, tzinfo=UTC)),
    ("SELECT '2026-11-26 07:51:41'::timestamp", datetime(2026, 11, 26, 7, 51, 41)),
    ("SELECT '2026-11-26'::date", date(2026, 11, 26)),
    ("SELECT 'infinity'::timestamptz", "infinity"),
    ("SELECT '0044-03-15 BC'::date", "0044-03-15 BC"),
    ("SELECT '{\"a\": [1, 2.5, null, \"é\"]}'::jsonb", {"a": [1, 2.5, None, "é"]}),
    ("SELECT '[18446744073709551616]'::json", [18446744073709551616]),  # beyond orjson: pg8000's reader
])
def test_columns_read_as_pg8000_reads_them(connection: pg_connection.PipelinedConnection, sql: str,
                                           expected: object) -> None:
    cursor = connection.cursor()
    cursor.execute(sql)
    assert cursor.fetchone() == [expected]


def test_timestamps_keep_their_offset(connection: pg_connection.PipelinedConnection) -> None:
    cursor = connection.cursor()
    cursor.execute("SET TIME ZONE 'Asia/Kolkata'")
    cursor.execute("SELECT '2026-11-26 07:51:41+00'::timestamptz")
    value = cursor.fetchone()[0]
    assert value == datetime(2026, 11, 26, 7, 51, 41, tzinfo=UTC) and value.utcoffset() == timedelta(hours=5.5)


def test_a_deferred_write_is_read_with_the_next_exchange(connection: pg_connection.PipelinedConnection) -> None:
    cursor = connection.cursor()
    cursor.execute("CREATE TEMP TABLE d (n int PRIMARY KEY)")
    connection.commit()
    sock = counted(connection)
    connection.defer_next()
    cursor.execute("INSERT INTO d SELECT generate_series(1, %s)", (1000,))
    assert sock.flushes == 1 and cursor.rowcount == -1
    cursor.execute("SELECT count(*) FROM d WHERE n <= %s", (1000,))  # answered after the insert's answer
    assert cursor.fetchone() == [1000] and sock.flushes == 2
    connection.commit()


def test_a_deferred_error_surfaces_at_the_next_statement(connection: pg_connection.PipelinedConnection) -> None:
    cursor = connection.cursor()
    cursor.execute("CREATE TEMP TABLE d (n int PRIMARY KEY)")
    connection.commit()
    connection.defer_next()
    cursor.execute("INSERT INTO d VALUES (%s), (%s)", (1, 1))  # a duplicate key, reported later
    with pytest.raises(DatabaseError) as raised:
        cursor.execute("SELECT %s::int", (2,))
    assert raised.value.args[0]["C"] == "23505"
    connection.rollback()
    cursor.execute("SELECT count(*) FROM d")
    assert cursor.fetchone() == [0]


def test_a_commit_after_a_failed_deferred_write_names_the_write(
        connection: pg_connection.PipelinedConnection) -> None:
    cursor = connection.cursor()
    cursor.execute("CREATE TEMP TABLE d (n int PRIMARY KEY)")
    connection.commit()
    connection.defer_next()
    cursor.execute("INSERT INTO d VALUES (%s), (%s)", (1, 1))
    with pytest.raises(DatabaseError) as raised:
        connection.commit()
    assert raised.value.args[0]["C"] == "23505" and not connection._in_transaction


def test_a_rollback_reads_what_is_pending(connection: pg_connection.PipelinedConnection) -> None:
    cursor = connection.cursor()
    cursor.execute("CREATE TEMP TABLE d (n int PRIMARY KEY)")
    connection.commit()
    connection.defer_next()
    cursor.execute("INSERT INTO d VALUES (%s)", (1,))  # the first statement: its BEGIN is pending too
    connection.rollback()
    cursor.execute("SELECT count(*) FROM d")
    assert cursor.fetchone() == [0]
