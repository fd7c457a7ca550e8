"""One round of ``bench_chunk.py`` for one version of the code: run by the driver in a process of its own.

``arbvault`` and the batch worker's ``app`` are whatever comes first on ``sys.path`` (the driver puts a version's
``shared/`` and ``functions/batch_worker/`` there), so the same script times today's code and an older one. The
worker's module is imported first, as Lambda's init does (what it sets up, such as the collector, holds). The
database (migrated) and the offline Keepa server are the driver's, named by ``DATABASE_URL`` and
``KEEPA_BASE_URL``. Prints one JSON object: the fresh job and the snapshots job. Usage (by the driver):

    PYTHONPATH=<version>/shared:<version>/functions/batch_worker .venv/bin/python bench/chunk_round.py \
        --count N --first K --batch-size 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")  # one JSON log line per chunk would drown the output
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

import app  # noqa: F401  (the version's batch worker: its init)
from sqlalchemy import select

import arbvault
from _support import books
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.fetch_options import FetchOptions
from arbvault.db import session_scope
from arbvault.jobs.creation import create_job
from arbvault.jobs.queries import get_job
from arbvault.jobs.worker import ChunkPipeline
from arbvault.models.outbox import OutboxMessage
from arbvault.observability import metrics

OWNER = "00000000-0000-0000-0000-00000000be0c"
PHASES = ("keepa", "analysis", "database", "other")


def warm_keepa(ids: list[str]) -> None:
    """Ask the offline Keepa for ``ids`` as a job's chunks will (same options), untimed."""
    client = keepa_client()
    for start in range(0, len(ids), 100):
        client.fetch_raw_products(ids[start:start + 100], **FetchOptions().client_options())


def run_job(ids: list[str], batch_size: int) -> dict[str, Any]:
    """Create a job of ``ids`` and process its chunks in order, a batch at a time; returns counts and timings."""
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=ids, owner_key_id=OWNER)
        bodies = list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.job_id == job.id)
                                      .order_by(OutboxMessage.id)))
    per_chunk: list[float] = []
    phases = dict.fromkeys(PHASES, 0.0)
    started, cpu_started = time.perf_counter(), time.process_time()
    for first in range(0, len(bodies), batch_size):
        batch = [(str(index), body) for index, body in enumerate(bodies[first:first + batch_size])]
        pipeline = ChunkPipeline(batch, lease_seconds=lambda: 120)
        for message_id, _ in batch:
            chunk_started = time.perf_counter()
            outcome = pipeline.process(message_id)
            per_chunk.append((time.perf_counter() - chunk_started) * 1000)
            for phase, ms in outcome.timings.finish().as_ms().items():
                if phase in phases:
                    phases[phase] += ms / len(bodies)
            metrics.clear_metrics()  # no handler flushes them here; keep them from piling up
            if outcome.action != "done":
                raise SystemExit(f"chunk not done: {outcome}")
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with session_scope() as session:
        done = get_job(session, job.id)
    progress = done.progress
    return {"per_chunk_ms": statistics.median(per_chunk), "status": done.status.value,
            "succeeded": progress.succeeded, "not_found": progress.not_found, "tokens": done.tokens_used,
            "rate": progress.processed / wall, "cpu_ms": cpu * 1000 / len(bodies), **phases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, required=True, help="number of the first book (disjoint per run)")
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--cold-keepa", action="store_true")
    args = parser.parse_args()
    run_job(books(200, start=args.first), args.batch_size)  # warm-up: connection, config cache, /token
    ids = books(args.count, start=args.first + 1_000)
    if not args.cold_keepa:
        warm_keepa(ids)
    fresh = run_job(ids, args.batch_size)
    snapshots = run_job(ids, args.batch_size)
    print(json.dumps({"arbvault": arbvault.__file__, "fresh": fresh, "snapshots": snapshots}))


if __name__ == "__main__":
    main()
