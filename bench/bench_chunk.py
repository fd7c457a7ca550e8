"""The batch worker's chunk handler alone, in process: identifiers analysed and persisted per second, per worker,
for this checkout's code and a baseline commit's, in alternating rounds of the same command.

A scratch database on ``DATABASE_URL``'s server (else the embedded one) is migrated and shared; the offline
Keepa runs in a process of its own, as the real one is remote. Each version's ``shared/`` and batch worker (the
baseline's taken with ``git archive``, default ``00500ba``: the pipelined pg8000 connection; ``--rev`` adds more
commits) run ``bench/chunk_round.py`` in a fresh process per round, the versions' order alternating from round
to round; the worker's module is imported first, as Lambda's init does.
A round creates jobs of ``--count`` identifiers (chunks of 100) and gives their chunks' message bodies, in
batches of the template's ``BatchSize``, to ``arbvault.jobs.ChunkPipeline``, as one worker's invocations would:
claim, Keepa lookup through the snapshots (the next chunk's request goes out while the current chunk is
stored), analysis, one transaction writing the snapshots, the analyses, the chunk and the job. No queue is
involved. "fresh" jobs look every product up at Keepa (the same requests sent once before, untimed, so the
offline server's own generation of books is cached; ``--cold-keepa`` skips that); "snapshots" jobs repeat the
same identifiers, so Keepa is not called. Each line splits a chunk's wall time by phase and adds the worker's
own CPU time per chunk (``process_time``), which other load on the machine disturbs far less than wall time.
Usage:

    .venv/bin/python bench/bench_chunk.py [--count 3000] [--rounds 3] [--baseline 00500ba] [--rev REV ...]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

from _support import bench_environment, free_port
from infra.embedded_pg import scratch_database, server_url
from infra.template import load_document

ROOT = Path(__file__).resolve().parent.parent
ROUND = Path(__file__).resolve().parent / "chunk_round.py"
TOKENS, REFILL_RATE = 100_000_000, 100_000
PHASES = ("keepa", "analysis", "database", "other")
CURRENT = "current"
WORKER = "functions/batch_worker"


@contextmanager
def offline_keepa() -> Iterator[str]:
    """The base URL of ``arbvault keepa-offline``, run in a process of its own."""
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


@contextmanager
def versions(revisions: list[str]) -> Iterator[dict[str, Path]]:
    """The root of each revision (``shared/`` and the batch worker, by ``git archive`` into a temporary folder)
    and of this checkout."""
    with tempfile.TemporaryDirectory(prefix="arbvault_bench_") as folder:
        paths = {}
        for revision in revisions:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "shared", WORKER], check=True,
                                     capture_output=True).stdout
            target = Path(folder) / revision
            with tarfile.open(fileobj=BytesIO(archive)) as tar:
                tar.extractall(target, filter="data")
            paths[revision] = target
        paths[CURRENT] = ROOT
        yield paths


def batch_size() -> int:
    """``BatchSize`` of the batch worker's SQS event in template.yaml."""
    events = load_document()["Resources"]["BatchWorkerFunction"]["Properties"]["Events"]
    return int(next(event["Properties"]["BatchSize"] for event in events.values() if event["Type"] == "SQS"))


def run_round(root: Path, *, count: int, first: int, cold_keepa: bool) -> dict[str, Any]:
    """``chunk_round.py`` with ``root``'s ``shared/`` and batch worker first on the path, in a process of its own."""
    command = [sys.executable, str(ROUND), "--count", str(count), "--first", str(first),
               "--batch-size", str(batch_size())] + (["--cold-keepa"] if cold_keepa else [])
    shared = root / "shared"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shared), str(root / WORKER), str(ROUND.parent)])}
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["arbvault"].startswith(str(shared)):
        raise SystemExit(f"{shared}: the round imported {result['arbvault']}")
    return result


def line(label: str, samples: list[dict[str, Any]]) -> str:
    rate = statistics.median(s["rate"] for s in samples)
    chunk = statistics.median(s["per_chunk_ms"] for s in samples)
    cpu = statistics.median(s["cpu_ms"] for s in samples)
    split = "  ".join(f"{phase} {statistics.median(s[phase] for s in samples):5.1f}" for phase in PHASES)
    last = samples[-1]
    return (f"{label:<22} {rate:6.0f} identifiers/s  {chunk:5.1f} ms/chunk ({split}; worker CPU {cpu:5.1f})  "
            f"{last['status']}  analysed {last['succeeded']}  not found {last['not_found']}  tokens {last['tokens']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="00500ba", help="the commit to compare with")
    parser.add_argument("--rev", action="append", default=[], help="another commit to time (repeatable)")
    parser.add_argument("--cold-keepa", action="store_true", help="time the offline Keepa's generation too")
    args = parser.parse_args()
    if args.count > 12_000 and not args.cold_keepa:
        raise SystemExit("--count above 12,000 overflows the offline Keepa's cache of rendered products")
    url, embedded = server_url()
    samples: dict[str, list[dict[str, Any]]] = {}
    with scratch_database(url, prefix="arbvault_bench") as database, offline_keepa() as keepa, \
            bench_environment(database, keepa), versions([args.baseline, *args.rev]) as paths:
        labels = list(paths)
        for round_no in range(args.rounds):
            order = labels if round_no % 2 == 0 else labels[::-1]
            for label in order:
                first = (round_no * len(labels) + labels.index(label)) * 100_000
                samples.setdefault(label, []).append(
                    run_round(paths[label], count=args.count, first=first, cold_keepa=args.cold_keepa))
    print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}, "
          f"offline Keepa latency 0 ms ({'cold' if args.cold_keepa else 'warmed'}); jobs of {args.count} "
          f"identifiers, one worker in process; median of {args.rounds} rounds, versions alternating "
          f"(processed identifiers per second of wall time)")
    for label in labels:
        for kind in ("fresh", "snapshots"):
            print(line(f"{label} {kind}", [sample[kind] for sample in samples[label]]))
    for label in labels[:-1]:
        for kind in ("fresh", "snapshots"):
            then = statistics.median(s[kind]["rate"] for s in samples[label])
            now = statistics.median(s[kind]["rate"] for s in samples[CURRENT])
            print(f"{CURRENT} against {label}, {kind}: {100 * (now / then - 1):+.1f} % identifiers/s")


if __name__ == "__main__":
    main()
