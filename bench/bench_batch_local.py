"""A 10,000-identifier batch job through `arbvault local`: identifiers analysed and persisted per second, per worker.

The whole local stack runs as a subprocess, as a developer runs it: the HTTP gateway and authorizer, the batches
function, the outbox sent to the local SQS (moto), the template's event-source mapping polling into warm
batch_worker processes (``ScalingConfig.MaximumConcurrency`` of them, or ``--concurrency``), the offline Keepa
(latency 0 unless ``--keepa-latency-ms``) and PostgreSQL (a scratch database on ``DATABASE_URL``'s server, else
the embedded one, dropped afterwards). One POST creates the job; the job's status is polled until it settles.

Figures: wall time from the 202 to the settled status, identifiers per second overall and divided by the
workers, and per busy worker-second (identifiers over the summed durations of the worker's invocations, from the
stack's one console line per SQS batch). Usage:

    .venv/bin/python bench/bench_batch_local.py [--count 10000] [--concurrency N] [--keepa-latency-ms 0]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import text

from _support import free_port
from arbvault.db import build_engine
from arbvault.identifiers import isbn13_check_digit
from arbvault.migrations import upgrade
from infra.embedded_pg import scratch_database, server_url
from infra.keepa_offline import is_unknown
from infra.paths import PROJECT_ROOT, TEMPLATE_PATH
from infra.template import load_document

READY_TIMEOUT_SECONDS = 120.0
JOB_TIMEOUT_SECONDS = 900.0
# "SQS <queue> -> batch_worker 4 records, 0 failed 512.3 ms" (infra.local.pollers)
WORKER_LINE = re.compile(r"-> batch_worker (\d+) records?, (\d+) failed ([\d.]+) ms")


def identifiers(count: int) -> list[str]:
    """``count`` distinct, valid 978 ISBN-13s; the offline catalogue's rule leaves about one in ten unknown."""
    return [first12 + isbn13_check_digit(first12)
            for first12 in (f"978{(n * 7_654_321 + 977) % 10 ** 9:09d}" for n in range(count))]


def template_with(concurrency: int | None, workdir: Path) -> tuple[Path, int]:
    """The template to run (a copy with the worker's MaximumConcurrency replaced, if asked) and that number."""
    document = load_document(TEMPLATE_PATH)
    event = document["Resources"]["BatchWorkerFunction"]["Properties"]["Events"]["JobChunks"]["Properties"]
    if concurrency is None:
        return TEMPLATE_PATH, int(event["ScalingConfig"]["MaximumConcurrency"])
    event["ScalingConfig"]["MaximumConcurrency"] = concurrency
    for folder in ("functions", "shared"):  # CodeUri and the layer resolve next to the template
        (workdir / folder).symlink_to(PROJECT_ROOT / folder)
    path = workdir / "template.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path, concurrency


class Stack:
    """`arbvault local` in a session of its own, its output in a file."""

    def __init__(self, home: Path, database: str, template: Path, keepa_latency_ms: int,
                 env: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.home = home
        self.log = home / "stack.log"
        args = [sys.executable, "-m", "infra.cli", "local", "--port", str(self.port), "--no-reload",
                "--template", str(template), "--keepa-tokens", "10000000", "--keepa-refill-rate", "100000",
                "--keepa-latency-ms", str(keepa_latency_ms), "--env", "LOG_LEVEL=WARNING"]
        for assignment in env:
            args += ["--env", assignment]
        environment = {**os.environ, "DATABASE_URL": database, "ARBVAULT_HOME": str(home)}
        environment.pop("KEEPA_API_KEY", None)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=environment, stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60.0)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while "Ctrl-C stops the stack" not in self.output:  # the banner's last line
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the local stack did not start:\n{self.output}")
            time.sleep(0.1)

    @property
    def key(self) -> str:
        return (self.home / "dev-api-key").read_text().strip()

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def run_job(stack: Stack, ids: list[str]) -> dict[str, Any]:
    headers = {"X-API-Key": stack.key}
    # Warm the authorizer and the batches function, so the create below is timed warm.
    stack.client.get("/api/v1/batches", headers=headers).raise_for_status()
    started = time.perf_counter()
    created = stack.client.post("/api/v1/batches", headers=headers, json={"name": "bench", "identifiers": ids})
    accepted = time.perf_counter()
    if created.status_code != 202:
        raise SystemExit(f"create answered {created.status_code}: {created.text}")
    url = created.json()["status_url"]
    while True:
        job = stack.client.get(url, headers=headers).json()
        if job["status"] not in ("PENDING", "RUNNING"):
            break
        if time.perf_counter() - accepted > JOB_TIMEOUT_SECONDS:
            raise SystemExit(f"job not settled after {JOB_TIMEOUT_SECONDS} s: {job}")
        time.sleep(0.1)
    settled = time.perf_counter()
    return {"job": job, "create_ms": (accepted - started) * 1000, "wall_s": settled - accepted}


def stored_analyses(database: str, job_id: str) -> int:
    engine = build_engine(database, pool="null")
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM analyses WHERE job_id = :id"),
                                          {"id": job_id}).scalar_one())
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=None,
                        help="worker concurrency, 2-1000 as Lambda allows (default: the template's MaximumConcurrency)")
    parser.add_argument("--keepa-latency-ms", type=int, default=0)
    args = parser.parse_args()
    ids = identifiers(args.count)
    known = sum(1 for i in ids if not is_unknown(i))
    url, embedded = server_url()
    with tempfile.TemporaryDirectory(prefix="arbvault-bench-") as tmp, \
            scratch_database(url, prefix="arbvault_bench") as database:
        upgrade(database)
        template, workers = template_with(args.concurrency, Path(tmp))
        home = Path(tmp) / "home"
        home.mkdir()
        stack = Stack(home, database, template, args.keepa_latency_ms)
        try:
            stack.wait_ready()
            result = run_job(stack, ids)
            output = stack.output
        finally:
            stack.stop()
        job = result["job"]
        stored = stored_analyses(database, job["id"])
    batches = [(int(records), int(failed), float(ms)) for records, failed, ms in WORKER_LINE.findall(output)]
    busy_s = sum(ms for _, _, ms in batches) / 1000
    failed = sum(f for _, f, _ in batches)
    progress = job["progress"]
    analysed = progress["succeeded"] + progress["not_found"]
    print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}, offline Keepa "
          f"latency {args.keepa_latency_ms} ms, {workers} batch_worker(s) (MaximumConcurrency)")
    print(f"job {job['status']}: {progress['total']} identifiers ({known} known), succeeded {progress['succeeded']}, "
          f"not found {progress['not_found']}, failed {progress['failed']}, analyses stored {stored}, "
          f"tokens {job['tokens_used']}")
    print(f"create (POST -> 202, warm)      {result['create_ms']:10.1f} ms")
    print(f"202 -> settled (wall)           {result['wall_s']:10.2f} s   (job's own duration "
          f"{(job['duration_ms'] or 0) / 1000:.2f} s)")
    print(f"identifiers/s, all workers      {analysed / result['wall_s']:10.0f}")
    print(f"identifiers/s, per worker       {analysed / result['wall_s'] / workers:10.0f}   (wall / workers)")
    if busy_s:
        print(f"identifiers/s, per busy worker  {analysed / busy_s:10.0f}   ({len(batches)} SQS batches, "
              f"{busy_s:.2f} worker-s, {failed} records failed)")
    if job["status"] != "SUCCESS" or stored != progress["succeeded"] or analysed != progress["total"]:
        raise SystemExit("the job did not finish cleanly")


if __name__ == "__main__":
    main()
