"""A 200-candidate AutoSourcing run through `arbvault local`: wall time from the 202 to stored picks, and Keepa
tokens per pick.

The stack runs as a subprocess (gateway, autosourcing function, outbox to the local SQS, batch_worker, offline
Keepa with latency 0 unless ``--keepa-latency-ms``, PostgreSQL in a scratch database). The run discovers
``--candidates`` products with the finder, analyses them as chunks and keeps every product with a price (open
scoring), so tokens per pick compares discovery and lookups with what a run yields. The per-run token limit is
raised for the run (``AUTOSOURCING_JOB_TOKENS_MAX``): 200 candidates with live offers cost 1212 at most. Usage:

    .venv/bin/python bench/bench_autosourcing.py [--candidates 200] [--keepa-latency-ms 0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from arbvault.migrations import upgrade
from bench_batch_local import WORKER_LINE, Stack
from infra.embedded_pg import scratch_database, server_url
from infra.paths import TEMPLATE_PATH

RUN_TIMEOUT_SECONDS = 600.0
OPEN_SCORING = {"roi_min": -1000, "velocity_min": 0, "stability_min": 0, "confidence_min": 0,
                "rating_required": "PASS", "max_results": 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--keepa-latency-ms", type=int, default=0)
    args = parser.parse_args()
    url, embedded = server_url()
    with tempfile.TemporaryDirectory(prefix="arbvault-bench-") as tmp, \
            scratch_database(url, prefix="arbvault_bench") as database:
        upgrade(database)
        home = Path(tmp) / "home"
        home.mkdir()
        stack = Stack(home, database, TEMPLATE_PATH, args.keepa_latency_ms,
                      env=("AUTOSOURCING_JOB_TOKENS_MAX=100000",))
        try:
            stack.wait_ready()
            headers = {"X-API-Key": stack.key}
            stack.client.get("/api/v1/autosourcing/runs", headers=headers).raise_for_status()  # warm
            started = time.perf_counter()
            created = stack.client.post("/api/v1/autosourcing/runs", headers=headers, json={
                "discovery_config": {"category_id": 283155, "bsr_max": 2_000_000, "max_results": args.candidates},
                "scoring_config": OPEN_SCORING})
            accepted = time.perf_counter()
            if created.status_code != 202:
                raise SystemExit(f"run answered {created.status_code}: {created.text}")
            location = created.headers["location"]
            while True:
                run = stack.client.get(location, headers=headers).json()
                if run["status"] not in ("PENDING", "RUNNING") and run["picks_total"] is not None:
                    break
                if time.perf_counter() - accepted > RUN_TIMEOUT_SECONDS:
                    raise SystemExit(f"run not settled after {RUN_TIMEOUT_SECONDS} s: {run}")
                time.sleep(0.1)
            settled = time.perf_counter()
            output = stack.output
        finally:
            stack.stop()
    batches = WORKER_LINE.findall(output)
    picks, tokens = run["picks_total"], run["tokens_used"]
    tiers: dict[str, int] = {}
    for pick in run["picks"]:
        tiers[pick["priority_tier"]] = tiers.get(pick["priority_tier"], 0) + 1
    print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}, offline Keepa "
          f"latency {args.keepa_latency_ms} ms")
    print(f"run {run['status']}: {run['candidates_found']} candidates, {run['progress']['succeeded']} analysed, "
          f"{picks} picks {dict(sorted(tiers.items()))}, {len(batches)} worker invocations")
    print(f"POST -> 202                     {(accepted - started) * 1000:10.1f} ms")
    print(f"202 -> picks stored (wall)      {settled - accepted:10.2f} s   (job's own duration "
          f"{(run['duration_ms'] or 0) / 1000:.2f} s)")
    queued = datetime.fromisoformat(run["started_at"]) - datetime.fromisoformat(run["created_at"])
    print(f"queued until discovery started  {queued.total_seconds():10.2f} s")
    print(f"tokens used / estimated         {tokens:>6} / {run['tokens_estimated']}")
    if picks:
        print(f"tokens per pick                 {tokens / picks:10.2f}")
    if run["status"] != "SUCCESS" or not picks:
        raise SystemExit("the run did not finish cleanly")


if __name__ == "__main__":
    main()
