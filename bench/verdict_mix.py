"""The verdicts the default rules give generated books: how many of each label, why they pass, where the prices
came from. Products come from the offline Keepa catalogue (no network, no database), once as an ingest without
offers sees them and once with ``offers=20``. Usage:

    .venv/bin/python bench/verdict_mix.py [--count 100]
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import UTC, datetime

import orjson

from _support import books
from arbvault.config.defaults import DEFAULT_RULES
from arbvault.engine.analyze import analyze
from arbvault.engine.rules_document import read_config
from arbvault.keepa.parsing import parse_product
from infra.keepa_offline import Catalogue
from infra.keepa_offline.views import ProductOptions

VIEWS = {"without offers": ProductOptions(stats=90), "offers=20": ProductOptions(stats=90, offers=20)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    catalogue = Catalogue()
    rules = read_config(DEFAULT_RULES)
    now = datetime.now(UTC)
    entries = [entry for code in books(args.count) if (entry := catalogue.by_asin(code) or catalogue.by_code(code))]
    for name, view in VIEWS.items():
        verdicts: Counter[str] = Counter()
        issues: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        for entry in entries:
            product = parse_product(orjson.loads(catalogue.render(entry, view)[0]), now=now)
            a = analyze(product, rules, now=now)
            verdicts[f"{a.recommendation.label}/{a.overall_rating}"] += 1
            issues[a.primary_issue or "-"] += 1
            sources[f"{a.buy_price_source} {a.buy_condition} -> {a.sell_price_source}"] += 1
        print(f"{name}: {len(entries)} books")
        print("  verdicts ", dict(verdicts.most_common()))
        print("  pass why ", dict(issues.most_common()))
        print("  prices   ", dict(sources.most_common(5)))


if __name__ == "__main__":
    main()
