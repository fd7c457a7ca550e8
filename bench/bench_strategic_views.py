"""A strategic view of 50 identifiers through the strategic_views function's handler, cold and warm.

The handler gets real API Gateway HTTP API events (``GET /api/v1/strategic-views/{view}?asins=...``); Keepa is
the offline server on loopback (latency 0) and PostgreSQL a scratch database on ``DATABASE_URL``'s server, else
the embedded one (dropped afterwards). Each round asks for 50 new identifiers (first: Keepa is called and
snapshots written) and then the same 50 again (warm: served from snapshots, 0 tokens). Usage:

    .venv/bin/python bench/bench_strategic_views.py [--rounds 5] [--count 50] [--view balanced-score]
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

IDENTITY = {"key_id": "00000000-0000-0000-0000-00000000be0d", "key_name": "bench", "role": "sourcer"}


def view(handler: Any, name: str, ids: list[str]) -> dict[str, Any]:
    event = http_api_event("GET", f"/api/v1/strategic-views/{name}",
                           route_key="GET /api/v1/strategic-views/{view_type}", path_parameters={"view_type": name},
                           raw_query="asins=" + ",".join(ids), authorizer=IDENTITY)
    started = time.perf_counter()
    response = handler(event, LocalLambdaContext(function_name="strategic_views"))
    wall = (time.perf_counter() - started) * 1000
    if response["statusCode"] != 200:
        raise SystemExit(f"the view answered {response['statusCode']}: {response['body']}")
    body = json.loads(response["body"])
    return {"wall": wall, "tokens": body["tokens_used"], "hits": body["snapshot_hits"],
            "ranked": body["results_returned"]}


def row(label: str, samples: list[dict[str, Any]]) -> str:
    last = samples[-1]
    return (f"{label:<8}{statistics.median(s['wall'] for s in samples):10.1f} ms   tokens {last['tokens']:>4}  "
            f"snapshot hits {last['hits']:>3}  ranked {last['ranked']:>3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--view", default="balanced-score")
    args = parser.parse_args()
    url, embedded = server_url()
    with scratch_database(url, prefix="arbvault_bench") as database, \
            OfflineKeepa(tokens=10_000_000, latency_ms=0, clock=8_380_000) as keepa, \
            bench_environment(database, keepa.base_url):
        handler = load_function("strategic_views").handler
        view(handler, args.view, books(args.count, start=0))  # first use: connection, config cache, /token
        firsts, warm = [], []
        for round_no in range(1, args.rounds + 1):
            ids = books(args.count, start=round_no * 1_000)
            firsts.append(view(handler, args.view, ids))
            warm.append(view(handler, args.view, ids))
    print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}, "
          f"offline Keepa latency 0 ms; {args.count} identifiers, view {args.view}; median of {args.rounds} rounds")
    print(row("first", firsts))
    print(row("warm", warm))


if __name__ == "__main__":
    main()
