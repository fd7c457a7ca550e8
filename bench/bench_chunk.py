"""The batch worker's chunk handler alone, in process: identifiers analysed and persisted per second, per worker.

A job of ``--count`` identifiers (chunks of 100) is created in a scratch database on ``DATABASE_URL``'s server,
else the embedded one (dropped afterwards); its chunks' message bodies are taken from the outbox and given, in
batches of the template's ``BatchSize``, to ``arbvault.jobs.ChunkPipeline``, as one worker's invocations would:
claim, Keepa lookup through the snapshots (the offline server on loopback, latency 0; the next chunk's request
goes out while the current chunk is stored), analysis, one transaction writing the snapshots, the analyses,
the chunk and the job. No queue is involved. "fresh" jobs look every product up at Keepa; "snapshots" jobs repeat
the same identifiers, so Keepa is not called (0 tokens). The offline Keepa runs in a process of its own, as the
real one is remote (``--keepa-in-process`` shares this process, and its GIL, with it). Before each fresh job,
untimed, the same requests are sent to it once, so that its own work of generating books (about 0.5 ms a book
in Python) is cached and the job's Keepa time is the answer's transfer and decoding, as with "latency 0"; the
job still pays Keepa tokens and writes every snapshot. ``--cold-keepa`` skips that warm-up. The baseline line
repeats each snapshots job through pg8000's own connection (three round trips a statement and a BEGIN of its
own) instead of ``arbvault.pg_connection``'s pipelined one, in the same process and round. Each line splits a chunk's
wall time by phase and adds the worker's own CPU time per chunk (``process_time``), which other load on the
machine disturbs far less than wall time. Usage:

    .venv/bin/python bench/bench_chunk.py [--count 5000] [--rounds 3] [--keepa-in-process] [--cold-keepa]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")  # one JSON log line per chunk would drown the table
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

import pg8000.dbapi
from sqlalchemy import select

from _support import bench_environment, books, free_port
from arbvault import pg_connection
from arbvault.catalog import FetchOptions, keepa_client
from arbvault.db import reset_engine, session_scope
from arbvault.jobs import ChunkPipeline, create_job, get_job, metrics
from arbvault.models import OutboxMessage
from infra.embedded_pg import scratch_database, server_url
from infra.keepa_offline import OfflineKeepa
from infra.template import load_document

OWNER = "00000000-0000-0000-0000-00000000be0c"
TOKENS, REFILL_RATE = 100_000_000, 100_000
PHASES = ("keepa", "analysis", "database", "other")


@contextmanager
def offline_keepa(in_process: bool) -> Iterator[str]:
    """The offline Keepa's base URL: a thread of this process, or ``arbvault keepa-offline`` in its own."""
    if in_process:
        with OfflineKeepa(tokens=TOKENS, refill_rate=REFILL_RATE, latency_ms=0, clock=8_380_000) as keepa:
            yield keepa.base_url
        return
    port = free_port()
    command = [str(Path(sys.executable).parent / "arbvault"), "keepa-offline", "--port", str(port),
               "--tokens", str(TOKENS), "--refill-rate", str(REFILL_RATE)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the offline Keepa server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def identifiers(count: int, round_no: int) -> list[str]:
    """``count`` distinct books of round ``round_no`` (a round holds at most 100,000)."""
    return books(count, start=round_no * 100_000)


@contextmanager
def plain_pg8000() -> Iterator[None]:
    """Connections from ``pg8000.dbapi.connect`` instead of ``arbvault.pg_connection`` (a fresh engine)."""
    pipelined = pg_connection.connect
    pg_connection.connect = pg8000.dbapi.connect  # type: ignore[assignment]
    reset_engine()
    try:
        yield
    finally:
        pg_connection.connect = pipelined
        reset_engine()


def warm_keepa(ids: list[str]) -> None:
    """Ask the offline Keepa for ``ids`` as a job's chunks will (same options), untimed."""
    client = keepa_client()
    for start in range(0, len(ids), 100):
        client.fetch_raw_products(ids[start:start + 100], **FetchOptions().client_options())


def batch_size() -> int:
    """``BatchSize`` of the batch worker's SQS event in template.yaml."""
    events = load_document()["Resources"]["BatchWorkerFunction"]["Properties"]["Events"]
    return int(next(event["Properties"]["BatchSize"] for event in events.values() if event["Type"] == "SQS"))


def run_job(ids: list[str]) -> dict[str, Any]:
    """Create a job of ``ids`` and process its chunks in order, a batch at a time; returns counts and timings."""
    with session_scope() as session:
        job, _ = create_job(session, kind="batch", identifiers=ids, owner_key_id=OWNER)
        bodies = list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.job_id == job.id)
                                      .order_by(OutboxMessage.id)))
    per_chunk: list[float] = []
    phases = dict.fromkeys(PHASES, 0.0)
    size = batch_size()
    started, cpu_started = time.perf_counter(), time.process_time()
    for first in range(0, len(bodies), size):
        batch = [(str(index), body) for index, body in enumerate(bodies[first:first + size])]
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
    return {"wall": wall, "per_chunk_ms": statistics.median(per_chunk), "status": done.status.value,
            "succeeded": progress.succeeded, "not_found": progress.not_found, "tokens": done.tokens_used,
            "rate": progress.processed / wall, "cpu_ms": cpu * 1000 / len(bodies), **phases}


def line(label: str, samples: list[dict[str, Any]]) -> str:
    rate = statistics.median(s["rate"] for s in samples)
    chunk = statistics.median(s["per_chunk_ms"] for s in samples)
    cpu = statistics.median(s["cpu_ms"] for s in samples)
    split = "  ".join(f"{phase} {statistics.median(s[phase] for s in samples):5.1f}" for phase in PHASES)
    last = samples[-1]
    return (f"{label:<10} {rate:7.0f} identifiers/s  {chunk:6.1f} ms/chunk ({split}; worker CPU {cpu:5.1f})  "
            f"{last['status']}  analysed {last['succeeded']}  not found {last['not_found']}  tokens {last['tokens']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keepa-in-process", action="store_true")
    parser.add_argument("--cold-keepa", action="store_true", help="time the offline Keepa's generation too")
    args = parser.parse_args()
    if args.count > 12_000 and not args.cold_keepa:
        raise SystemExit("--count above 12,000 overflows the offline Keepa's cache of rendered products")
    url, embedded = server_url()
    with scratch_database(url, prefix="arbvault_bench") as database, offline_keepa(args.keepa_in_process) as keepa, \
            bench_environment(database, keepa):
        run_job(identifiers(200, 0))  # warm-up: connection, config cache, /token
        fresh, cached, baseline = [], [], []
        for round_no in range(1, args.rounds + 1):
            ids = identifiers(args.count, round_no)
            if not args.cold_keepa:
                warm_keepa(ids)
            fresh.append(run_job(ids))
            cached.append(run_job(ids))
            with plain_pg8000():
                baseline.append(run_job(ids))
    keepa_place = f"{'this' if args.keepa_in_process else 'own'} process, {'cold' if args.cold_keepa else 'warmed'}"
    print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}, "
          f"offline Keepa latency 0 ms ({keepa_place}); jobs of {args.count} identifiers, one worker in process; "
          f"median of {args.rounds} rounds (processed identifiers per second of wall time)")
    print(line("fresh", fresh))
    print(line("snapshots", cached))
    print(line("baseline", baseline) + "  (snapshots through pg8000's own connection)")


if __name__ == "__main__":
    main()
