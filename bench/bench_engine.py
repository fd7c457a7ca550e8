"""The pure analysis engine: analyses per second over generated products (no network, no database).

Products come from the offline Keepa catalogue (the same deterministic books the server sends), rendered and
decoded once before timing. Three timings per round, in the same process: parsing alone (the baseline every
analysis pays), analysing already parsed products, and parse + analyse. Usage:

    .venv/bin/python bench/bench_engine.py [--count 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime

from _support import books
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import analyze
from arbvault.engine.rules_document import read_config
from arbvault.keepa.parsing import parse_product
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

OPTIONS = ProductOptions(stats=90, history=True, offers=20, buybox=True)


def raw_products(count: int) -> list[dict[str, object]]:
    catalogue = Catalogue()
    products = []
    for identifier in books(count * 2):
        entry = catalogue.by_code(identifier) if len(identifier) == 13 else catalogue.by_asin(identifier)
        if entry is not None:
            products.append(json.loads(catalogue.render(entry, OPTIONS)[0]))
        if len(products) == count:
            break
    return products


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    raws = raw_products(args.count)
    rules = read_config(DEFAULT_RULES)
    now = datetime.now(UTC)
    parse_rates, analyse_rates, full_rates = [], [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for raw in raws:
            parse_product(raw, now=now)
        parse_rates.append(len(raws) / (time.perf_counter() - started))
        parsed = [parse_product(raw, now=now) for raw in raws]  # untimed: keeping 10,000 products alive costs GC
        started = time.perf_counter()
        for product in parsed:
            analyze(product, rules, now=now)
        analyse_rates.append(len(raws) / (time.perf_counter() - started))
        started = time.perf_counter()
        for raw in raws:
            analyze(parse_product(raw, now=now), rules, now=now)
        full_rates.append(len(raws) / (time.perf_counter() - started))
    parse_rate, full_rate = statistics.median(parse_rates), statistics.median(full_rates)
    print(f"{len(raws)} products, {args.rounds} rounds (median)")
    print(f"parse only          {parse_rate:10,.0f} products/s")
    print(f"analyse only        {statistics.median(analyse_rates):10,.0f} analyses/s (products parsed beforehand)")
    print(f"parse + analyse     {full_rate:10,.0f} analyses/s  ({full_rate / parse_rate:.2f} x parse-only rate)")


if __name__ == "__main__":
    main()
