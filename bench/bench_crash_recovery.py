"""How long a worker crash delays a batch job, through `arbvault local` with the template's own timeouts.

A job starts; once its first chunk is done, every batch_worker process is killed (SIGKILL) mid-batch, as a
crashed Lambda environment. The records it held come back after the jobs queue's visibility timeout, and the
chunk it was writing once its lease has ended. Figures: time from the kill to the job's SUCCESS, next to the
bound the template promises (visibility timeout + worker timeout), and that every identifier was analysed
exactly once. Offline Keepa latency (``--keepa-latency-ms``, default 300) keeps the batch in flight. Usage:

    .venv/bin/python bench/bench_crash_recovery.py [--count 1000] [--keepa-latency-ms 300]
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

import psutil
from sqlalchemy import text

from arbvault.db import build_engine
from arbvault.migrations import upgrade
from bench_batch_local import JOB_TIMEOUT_SECONDS, Stack, identifiers
from infra.embedded_pg import scratch_database, server_url
from infra.keepa_offline import is_unknown
from infra.paths import TEMPLATE_PATH
from infra.template import load_document


def crash_workers(stack: Stack) -> int:
    """SIGKILL every batch_worker environment of the stack (their command line names the function third)."""
    killed = 0
    for process in psutil.Process(stack.process.pid).children(recursive=True):
        try:
            if process.cmdline()[2:3] == ["batch_worker"]:
                process.send_signal(signal.SIGKILL)
                killed += 1
        except psutil.NoSuchProcess:
            continue
    return killed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000)
    parser.add_argument("--keepa-latency-ms", type=int, default=300)
    args = parser.parse_args()
    resources = load_document(TEMPLATE_PATH)["Resources"]
    visibility = int(resources["JobsQueue"]["Properties"]["VisibilityTimeout"])
    timeout = int(resources["BatchWorkerFunction"]["Properties"]["Timeout"])
    ids = identifiers(args.count)
    url, _ = server_url()
    with tempfile.TemporaryDirectory(prefix="arbvault-bench-") as tmp, \
            scratch_database(url, prefix="arbvault_bench") as database:
        upgrade(database)
        engine = build_engine(database, pool="null")

        def one(sql: str, job_id: str) -> object:
            with engine.connect() as connection:
                return connection.execute(text(sql), {"id": job_id}).scalar_one()

        stack = Stack(Path(tmp), database, TEMPLATE_PATH, args.keepa_latency_ms)
        try:
            stack.wait_ready()
            created = stack.client.post("/api/v1/batches", headers={"X-API-Key": stack.key},
                                        json={"name": "crash", "identifiers": ids})
            if created.status_code != 202:
                raise SystemExit(f"create answered {created.status_code}: {created.text}")
            job_id = created.headers["location"].rstrip("/").rsplit("/", 1)[1]
            done = "SELECT count(*) FROM job_chunks WHERE job_id = :id AND state = 'done'"
            while one(done, job_id) == 0:
                time.sleep(0.05)
            killed = crash_workers(stack)
            crashed_at, done_at_crash = time.monotonic(), one(done, job_id)
            while one("SELECT status FROM jobs WHERE id = :id", job_id) in ("PENDING", "RUNNING"):
                if time.monotonic() - crashed_at > JOB_TIMEOUT_SECONDS:
                    raise SystemExit(f"job not settled {JOB_TIMEOUT_SECONDS} s after the crash")
                time.sleep(0.2)
            recovery = time.monotonic() - crashed_at
            status = one("SELECT status FROM jobs WHERE id = :id", job_id)
            stored = one("SELECT count(*) FROM analyses WHERE job_id = :id", job_id)
            distinct = one("SELECT count(DISTINCT identifier) FROM analyses WHERE job_id = :id", job_id)
            chunks = one("SELECT count(*) FROM job_chunks WHERE job_id = :id", job_id)
        finally:
            stack.stop()
            engine.dispose()
    known = sum(1 for i in ids if not is_unknown(i))
    print(f"python {sys.version.split()[0]}; template: VisibilityTimeout {visibility} s, batch_worker Timeout "
          f"{timeout} s; offline Keepa latency {args.keepa_latency_ms} ms")
    print(f"killed {killed} batch_worker process(es) with {done_at_crash} of {chunks} chunks done")
    print(f"crash -> job {status}: {recovery:.1f} s (bound: {visibility} + {timeout} = {visibility + timeout} s)")
    print(f"analyses stored {stored}, distinct identifiers {distinct}, known identifiers {known}")
    if status != "SUCCESS" or stored != distinct or stored != known or recovery > visibility + timeout:
        raise SystemExit("the job did not recover cleanly within the bound")


if __name__ == "__main__":
    main()
