"""``GET /api/v1/analyses`` pages with and without ``latest=true`` over a table of repeated analyses.

A scratch database on ``DATABASE_URL``'s server (else the embedded one, dropped afterwards) gets ``--rows``
analyses of ``--products`` ASINs (so each product has rows / products analyses), then each query's first page
of 50 is read ``--rounds`` times through ``list_analyses`` and its median printed. ``latest=true`` keeps a row
when no later row of its product exists (an anti-join through ``ix_analyses_asin``); the baseline is the same
page without it. Usage:

    .venv/bin/python bench/bench_latest.py [--rows 400000] [--products 40000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from decimal import Decimal

from sqlalchemy import text

from _support import bench_environment
from arbvault.analyses.filters import AnalysisFilters
from arbvault.analyses.store import Sort, list_analyses
from arbvault.db import session_scope
from infra.embedded_pg import scratch_database, server_url

QUERIES: dict[str, tuple[AnalysisFilters, Sort]] = {
    "newest first": (AnalysisFilters(), Sort()),
    "ROI, best first": (AnalysisFilters(), Sort("roi_pct", "desc")),
    "ROI >= 140 and velocity >= 90, by combined score": (
        AnalysisFilters(roi_min=Decimal(140), velocity_min=Decimal(90)), Sort("combined_score", "desc")),
}

SEED_BATCH = 25_000
SEED = """
INSERT INTO analyses (id, domain_id, identifier, asin, strategy, velocity_score, stability_score, confidence_score,
                      overall_rating, recommendation, combined_score, roi_pct, profit, metrics, source, created_by,
                      created_at, updated_at)
SELECT gen_random_uuid(), 1, asin, asin, 'balanced', mod(g, 100), 50, 50, 'GOOD', 'BUY', mod(g, 97), mod(g, 211) - 50,
       mod(g, 13), '{}', 'ingest', 'bench', now() - g * interval '1 second', now()
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g,
     LATERAL (SELECT 'B0' || lpad(mod(g, CAST(:products AS integer))::text, 8, '0') AS asin) AS product
"""


def median_ms(filters: AnalysisFilters, sort: Sort, rounds: int) -> float:
    times = []
    with session_scope() as session:
        for _ in range(rounds):
            started = time.perf_counter()
            list_analyses(session, filters=filters, sort=sort, limit=50)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--products", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url, embedded = server_url()
    with scratch_database(url, prefix="arbvault_bench") as database, bench_environment(database, "http://unused"):
        for first in range(1, args.rows + 1, SEED_BATCH):  # batches: each statement stays within the socket timeout
            with session_scope() as session:
                session.execute(text(SEED), {"first": first, "last": min(first + SEED_BATCH - 1, args.rows),
                                             "products": args.products})
        with session_scope() as session:
            session.execute(text("ANALYZE analyses"))
        print(f"python {sys.version.split()[0]}, PostgreSQL {'embedded' if embedded else 'DATABASE_URL'}; "
              f"{args.rows:,} analyses of {args.products:,} products; first page of 50, median of {args.rounds} (ms)")
        print(f"{'query':<52}{'all rows':>10}{'latest':>10}")
        for name, (filters, sort) in QUERIES.items():
            latest = dataclasses.replace(filters, latest=True)
            print(f"{name:<52}{median_ms(filters, sort, args.rounds):>10.1f}"
                  f"{median_ms(latest, sort, args.rounds):>10.1f}")


if __name__ == "__main__":
    main()
