"""The offline Keepa's per-book cost: generating a book, then rendering it as a request sees it (JSON bytes).

CPU time per book (best of ``--rounds``, so other load on the machine counts little), for a plain
``stats=90`` request and an ``offers=20&stats=90`` one, with the rendered size. Books are generated cold (no
catalogue cache). Usage:

    .venv/bin/python bench/bench_offline_catalogue.py [--count 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import orjson

from _support import books
from infra.keepa_offline.catalogue import key_for_asin, key_for_code, today_clock
from infra.keepa_offline.generator import generate_book
from infra.keepa_offline.views import ProductOptions, product_view

REQUESTS = {"stats=90": ProductOptions(stats=90), "offers=20&stats=90": ProductOptions(stats=90, offers=20)}


def best_ms_per_book(work: Callable[[], object], count: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    clock = today_clock()
    keys = []
    for identifier in books(args.count):
        found = key_for_code(identifier) if len(identifier) == 13 else key_for_asin(identifier)
        assert found is not None
        keys.append(found[0])

    def generate() -> list[dict[str, object]]:
        return [generate_book(key, asin=key, ean=key, clock=clock) for key in keys]

    print(f"generate                {best_ms_per_book(generate, len(keys), args.rounds):.3f} ms/book")
    products = generate()
    for name, options in REQUESTS.items():
        def render(options: ProductOptions = options) -> list[bytes]:
            return [orjson.dumps(product_view(product, options, clock)) for product in products]
        size = sum(map(len, render())) / len(products) / 1024
        print(f"render {name:18s} {best_ms_per_book(render, len(keys), args.rounds):.3f} ms/book, {size:.1f} KB")


if __name__ == "__main__":
    main()
