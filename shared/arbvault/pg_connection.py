"""pg8000's DB-API connection, with every statement in one network round trip.

pg8000 (1.31) sends an extended-protocol statement as three request/response exchanges (Parse + Sync, Describe
+ Sync, Bind + Execute + Sync), starts each transaction with a BEGIN exchange of its own, and rescans the SQL
text of every statement in pure Python to turn ``%s`` into ``$n``. ``PipelinedConnection`` writes Parse,
Describe, Bind, Execute and Sync in one flush: the server answers them in order and, after an error, skips to
the Sync, so one read loop sees everything, as libpq-based drivers do. A transaction's BEGIN travels in the
same flush as its first statement, and each distinct SQL text is converted once per process.

``defer_next()`` goes one step further for a write whose answer nobody waits for: the statement is sent and
its answer read with the next exchange (statement, commit or rollback), so the server executes it while the
client works. Its error, if any, is raised there, in the same transaction. Timestamps,
dates and JSON are read with ``datetime.fromisoformat`` and orjson (C) instead of pg8000's ``strptime`` and
``json`` (about 8 µs a timestamp: a chunk reads a hundred with its snapshots); what those cannot read
(``infinity``, years BC, integers beyond 64 bits) still goes to pg8000's own readers.

A batch chunk's dozen statements, three pings and three commits went from about 55 round trips to 18. Over the
network to RDS each round trip is a fraction of a millisecond; locally, the bench in ``bench/bench_chunk.py``
measures the difference. COPY (``stream=``) keeps pg8000's own path. The pg8000 internals used here are pinned
by the version range in ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import orjson
import pg8000.dbapi
from pg8000.converters import (
    DATE,
    JSON,
    JSONB,
    TIMESTAMP,
    TIMESTAMPTZ,
    date_in,
    json_in,
    make_params,
    timestamp_in,
    timestamptz_in,
)
from pg8000.core import BIND, NULL_BYTE, SYNC_MSG, Context, H_pack, _flush, _write, i_pack
from pg8000.exceptions import DatabaseError, InterfaceError

_BEGIN = "begin transaction"


def _reader(fast: Callable[[str], Any], exact: Callable[[str], Any],
            failures: tuple[type[Exception], ...]) -> Callable[[str], Any]:
    """Read a column's text with ``fast``; what it refuses, with pg8000's ``exact``."""
    def read(text: str) -> Any:
        try:
            return fast(text)
        except failures:
            return exact(text)
    return read


_READERS: dict[int, Callable[[str], Any]] = {
    TIMESTAMPTZ: _reader(datetime.fromisoformat, timestamptz_in, (ValueError,)),
    TIMESTAMP: _reader(datetime.fromisoformat, timestamp_in, (ValueError,)),
    DATE: _reader(date.fromisoformat, date_in, (ValueError,)),
    JSON: _reader(orjson.loads, json_in, (orjson.JSONDecodeError,)),
    JSONB: _reader(orjson.loads, json_in, (orjson.JSONDecodeError,)),
}


@lru_cache(maxsize=1024)
def _numbered(operation: str) -> str:
    """``operation`` with pg8000's ``format`` markers (``%s``) as ``$1``, ``$2``...; args do not change it."""
    statement, _ = pg8000.dbapi.convert_paramstyle("format", operation, ())
    return str(statement)


class PipelinedCursor(pg8000.dbapi.Cursor):  # type: ignore[misc]  # pg8000 ships no types
    """A cursor whose statements go through ``PipelinedConnection``'s one-flush exchanges."""

    _c: PipelinedConnection
    _input_oids: Sequence[int]
    input_types: list[Any]

    def execute(self, operation: str, args: Sequence[Any] = (), stream: Any = None) -> None:
        connection = self._c
        if connection is None:
            raise InterfaceError("Cursor closed")
        if stream is not None or isinstance(args, Mapping) or pg8000.dbapi.paramstyle != "format":
            super().execute(operation, args, stream)
            return
        connection.queue_begin()
        if args:
            self._context = connection.execute_unnamed(_numbered(operation), vals=args, oids=self._input_oids)
        else:  # the simple protocol, as pg8000 does: it allows several statements in one text
            self._context = connection.execute_simple(operation)
        rows = self._context.rows
        self._row_iter = None if rows is None else iter(rows)
        self._input_oids = ()
        self.input_types = []


class PipelinedConnection(pg8000.dbapi.Connection):  # type: ignore[misc]  # pg8000 ships no types
    """A pg8000 connection that sends each statement (and a transaction's BEGIN) in one flush."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pending: list[Context] = []  # written, not yet answered: a queued BEGIN, deferred statements
        self._defer_next = False
        super().__init__(*args, **kwargs)
        for oid, read in _READERS.items():
            self.register_in_adapter(oid, read)

    def cursor(self) -> PipelinedCursor:
        return PipelinedCursor(self)

    def _check_open(self) -> None:
        if self._sock is None:
            raise InterfaceError("connection is closed")

    def queue_begin(self) -> None:
        """Write a BEGIN, unflushed, if no transaction is open; the next statement's flush carries it."""
        self._check_open()
        if not self._in_transaction and not self.autocommit and not self._pending:
            self.send_QUERY(_BEGIN)
            self._pending.append(Context(_BEGIN))

    def defer_next(self) -> None:
        """Send the next statement without waiting for its answer (see the module docstring); its result is
        empty and its row count -1."""
        self._defer_next = True

    def rollback(self) -> None:
        if self._pending and self._sock is not None:
            self._read_pending()  # their errors are moot: the transaction is being rolled back
        super().rollback()

    def execute_simple(self, statement: str) -> Context:
        self._check_open()
        context = Context(statement)
        self.send_QUERY(statement)
        return self._exchange(context)

    def execute_unnamed(self, statement: str, vals: Sequence[Any] = (), oids: Sequence[int] = (),
                        stream: Any = None) -> Context:
        if stream is not None:
            return super().execute_unnamed(statement, vals=vals, oids=oids, stream=stream)
        self._check_open()
        bind = self._bind_message(vals)  # first: a value that cannot be sent raises with nothing written
        self.send_PARSE(NULL_BYTE, statement, oids)
        self.send_DESCRIBE_STATEMENT(NULL_BYTE)
        self._send_message(BIND, bind)
        self.send_EXECUTE()
        _write(self._sock, SYNC_MSG)
        context = Context(statement)
        if self._defer_next:
            self._defer_next = False
            _flush(self._sock)
            self._pending.append(context)
            return context
        return self._exchange(context)

    def _bind_message(self, vals: Sequence[Any]) -> bytes:
        """The Bind message's body for the unnamed statement and portal (``send_BIND``'s layout: text params,
        text results)."""
        params = make_params(self.py_types, vals)
        body = bytearray(NULL_BYTE + NULL_BYTE + H_pack(0) + H_pack(len(params)))
        for value in params:
            if value is None:
                body += i_pack(-1)
            else:
                encoded = value.encode(self._client_encoding)
                body += i_pack(len(encoded))
                body += encoded
        body += H_pack(0)
        return bytes(body)

    def _read_pending(self) -> DatabaseError | None:
        """Read the answers to everything pending; returns the first server error among them."""
        pending, self._pending = self._pending, []
        first: DatabaseError | None = None
        for waiting in pending:
            try:
                self.handle_messages(waiting)
            except DatabaseError as exc:
                first = first or exc
        return first

    def _exchange(self, context: Context) -> Context:
        """Flush, then read the answers to what is pending and to ``context``. A server error is raised only
        after every answer is read (``handle_messages`` reads up to ReadyForQuery first), the earliest first,
        so the connection stays in step with the server; a network error is raised at once."""
        _flush(self._sock)
        earlier = self._read_pending()
        try:
            self.handle_messages(context)
        except Exception as exc:  # after a failed deferred write a COMMIT is refused: name the first cause
            if earlier is None:
                raise
            raise earlier from exc
        if earlier is not None:
            raise earlier
        return context


def connect(**kwargs: Any) -> PipelinedConnection:
    """``pg8000.dbapi.connect`` with a ``PipelinedConnection``."""
    return PipelinedConnection(**kwargs)
