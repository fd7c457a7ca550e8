"""A 100-identifier ingest through the keepa function's handler, with its time split by phase.

The handler gets real API Gateway HTTP API events; Keepa is the offline server on loopback (latency 0) and
PostgreSQL is a scratch database on ``DATABASE_URL``'s server, else the embedded one (dropped afterwards).
Each round ingests 100 new identifiers (first run: Keepa is called, snapshots written) and then the same 100
again (repeat: served from snapshots, 0 tokens). The split comes from the ingest's own timing record (the
``Server-Timing`` header: keepa, analysis, database, other); "wall" is the whole handler call. Usage:

    .venv/bin/python bench/bench_ingest.py [--rounds 5] [--count 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")  # one JSON log line per request would drown the table
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

from _support import bench_environment, books
from infra.embedded_pg import scratch_database, server_url
from infra.function_loader import load_function
from infra.http_events import http_api_event
from infra.keepa_offline import OfflineKeepa
from infra.lambda_context import LocalLambdaContext

IDENTITY = {"key_id": "00000000-0000-0000-0000-00000000be0c", "key_name": "bench", "role": "sourcer"}
PHASES = ("keepa", "analysis", "database", "other", "total")


def identifiers(count: int, round_no: int) -> list[str]:
    """``count`` distinct books of round ``round_no`` (a round holds at most 1,000)."""
    return books(count, start=round_no * 1_000)


def ingest(handler: Any, ids: list[str]) -> dict[str, Any]:
    event = http_api_event("POST", "/api/v1/keepa/ingest", headers={"content-type": "application/json"},
                           body=json.dumps({"identifiers": ids}), authorizer=IDENTITY)
    started = time.perf_counter()
    response = handler(event, LocalLambdaContext(function_name="keepa"))
    wall = (time.perf_counter() - started) * 1000
    if response["statusCode"] != 200:
        raise SystemExit(f"ingest answered {response['statusCode']}: {response['body']}")
    body = json.loads(response["body"])
    split = dict(part.strip().split(";dur=") for part in response["headers"]["server-timing"].split(","))
    return {"wall": wall, **{k: float(v) for k, v in split.items()}, "tokens": body["tokens_used"],
            "stored": len(body["items"]), "not_found": len(body["not_found_identifiers"]),
            "hits": body["snapshot_hits"]}


def row(label: str, samples: list[dict[str, Any]]) -> str:
    med = {key: statistics.median(s[key] for s in samples) for key in ("wall", *PHASES)}
    cells = "".join(f"{med[key]:10.1f}" for key in ("wall", *PHASES))
    last = samples[-1]
    return (f"{label:<14}{cells}   tokens {last['tokens']:>3}  stored {last['stored']:>3}  "
            f"not found {last['not_found']:>2}  snapshot hits {last['hits']:>3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    url, embedded = server_url()
    with scratch_database(url, prefix="arbvault_bench") as database, \
            OfflineKeepa(tokens=10_000_000, latency_ms=0, clock=8_380_000) as keepa, \
            bench_environment(database, keepa.base_url):
        handler = load_function("keepa").handler
        cold = ingest(handler, identifiers(args.count, 0))  # first use: connection, config cache, /token
        firsts, repeats = [], []
        for round_no in range(1, args.rounds + 1):
            ids = identifiers(args.count, round_no)
            firsts.append(ingest(handler, ids))
            repeats.append(ingest(handler, ids))
    print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}, "
          f"offline Keepa latency 0 ms; {args.count} identifiers; median of {args.rounds} rounds (ms)")
    print(f"{'':<14}" + "".join(f"{key:>10}" for key in ("wall", *PHASES)))
    print(row("first of all", [cold]))
    print(row("first run", firsts))
    print(row("repeat", repeats))


if __name__ == "__main__":
    main()
