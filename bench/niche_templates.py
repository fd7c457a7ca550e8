"""What niche discovery finds locally: every curated template scored as ``POST /niches/discover`` scores it, over
the offline Keepa server (finder, then each candidate with a page of live offers) and a scratch database on
``DATABASE_URL``'s server, else the embedded one (dropped afterwards). Per template: the finder's candidates, why
the others were left out, the products reaching its minima and their ROI. Usage:

    .venv/bin/python bench/niche_templates.py [--products-per-niche 10]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("LOG_LEVEL", "WARNING")

from _support import bench_environment
from arbvault.catalog.fetch_options import LIVE_OFFERS, FetchOptions
from arbvault.discovery.scoring import ScoringCriteria, discover_with_scoring
from arbvault.niches.discover import template_filters
from arbvault.niches.templates import TEMPLATES
from infra.embedded_pg import scratch_database, server_url
from infra.keepa_offline import OfflineKeepa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products-per-niche", type=int, default=10)
    args = parser.parse_args()
    url, _ = server_url()
    with scratch_database(url, prefix="arbvault_bench") as database, \
            OfflineKeepa(tokens=10_000_000, latency_ms=0, clock=8_380_000) as keepa, \
            bench_environment(database, keepa.base_url):
        found: list[list[float]] = []
        for t in TEMPLATES:
            result = discover_with_scoring(template_filters(t, 1), max_results=args.products_per_niche,
                                           criteria=ScoringCriteria(roi_min=t.roi_min, velocity_min=t.velocity_min),
                                           options=FetchOptions(offers=LIVE_OFFERS))
            rois = sorted(float(p.analysis.profit.roi_pct) for p in result.products if p.analysis.profit)
            found.append(rois)
            excluded = {k: v for k, v in result.excluded.items() if v}
            span = f"ROI {rois[0]:.1f}-{rois[-1]:.1f} %" if rois else "-"
            print(f"{t.id:<27} ROI >= {t.roi_min:>2}  candidates {result.considered:>3}  found {len(rois):>2}  "
                  f"{span:<18} left out {excluded}")
    rois = [r for niche in found for r in niche]
    print(f"{sum(bool(n) for n in found)} of {len(TEMPLATES)} templates find products; {len(rois)} products, "
          f"median ROI {sorted(rois)[len(rois) // 2]:.1f} %" if rois else "no template finds a product")


if __name__ == "__main__":
    main()
