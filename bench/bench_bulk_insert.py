"""A chunk's 100 analyses written two ways, in alternating rounds of one command: the project's one-parameter
``INSERT ... SELECT FROM json_to_recordset`` (``insert_job_analyses``) against SQLAlchemy's own
``insertmanyvalues`` (an executemany with RETURNING, sent as one multi-row ``VALUES`` statement), through stock
pg8000, in a scratch database on ``DATABASE_URL``'s server (else the embedded one). Each write runs in its own
transaction, rolled back, so every round writes the same rows. Usage:

    .venv/bin/python bench/bench_bulk_insert.py [--rows 100] [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.dialects.postgresql import insert

from _support import bench_environment
from arbvault.catalog.analysis_rows import insert_job_analyses
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.catalog.lookup import CatalogProduct
from arbvault.catalog.records import analysis_row
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.db import session_scope
from arbvault.engine.analyze import analyze
from arbvault.engine.rules_document import read_config
from arbvault.identifiers import normalise
from arbvault.jobs.creation import create_job
from arbvault.keepa.parsing import parse_product
from arbvault.models.analysis import Analysis
from bench_engine import raw_products
from infra.embedded_pg import scratch_database, server_url

OWNER = "00000000-0000-0000-0000-00000000be0c"
_TABLE = Analysis.__table__


def rows(count: int, job_id: uuid.UUID) -> list[dict[str, Any]]:
    """``count`` analysis rows of generated books, as a batch chunk builds them."""
    rules, now = read_config(DEFAULT_RULES), datetime.now(UTC)
    result = []
    for raw in raw_products(count):
        product = parse_product(raw, now=now)
        item = CatalogProduct(identifier=normalise(product.asin), raw=raw, fetched_at=now, from_snapshot=False,
                              options=FetchOptions(offers=20))
        result.append(analysis_row(analyze(product, rules, now=now), product, item, source="batch",
                                   created_by=OWNER, job_id=job_id))
    return result


def plain(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as SQLAlchemy's executemany takes them: with ids, metrics as a dict (its JSON type writes it)."""
    return [{**row, "id": uuid.uuid4(), "metrics": orjson.loads(orjson.dumps(row["metrics"]))} for row in values]


def insert_many_values(session: Any, rows: list[dict[str, Any]]) -> int:
    """``rows`` (``plain``) through SQLAlchemy's insertmanyvalues: one multi-row VALUES statement."""
    statement = insert(_TABLE).on_conflict_do_nothing(index_elements=["job_id", "asin"],
                                                      index_where=_TABLE.c.job_id.is_not(None))
    return len(session.execute(statement.returning(_TABLE.c.id), rows).all())


def timed(write: Any, values: list[dict[str, Any]]) -> float:
    with session_scope() as session:
        started = time.perf_counter()
        written = write(session, values)
        elapsed = (time.perf_counter() - started) * 1000
        session.rollback()
    if written != len(values):
        raise SystemExit(f"{write.__name__} wrote {written} of {len(values)}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    url, _ = server_url()
    with scratch_database(url, prefix="arbvault_bench") as database, bench_environment(database, "http://127.0.0.1:9"):
        with session_scope() as session:
            job, _ = create_job(session, kind="batch", identifiers=["0306406152"], owner_key_id=OWNER)
        values = rows(args.rows, job.id)
        writes = ((insert_job_analyses, values), (insert_many_values, plain(values)))
        samples: dict[str, list[float]] = {write.__name__: [] for write, _ in writes}
        for round_no in range(args.rounds):
            for write, given in writes if round_no % 2 == 0 else writes[::-1]:
                samples[write.__name__].append(timed(write, given))
    print(f"{len(values)} analysis rows, one job; median of {args.rounds} rounds, alternating (ms per write)")
    for name, times in samples.items():
        print(f"{name:<22} {statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()
