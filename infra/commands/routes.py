"""`arbvault routes [--check]`: the template's routes as a table, or a check that code and template agree."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infra.paths import TEMPLATE_PATH

if TYPE_CHECKING:
    from infra.template import Template


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("routes", help="list template.yaml's routes; --check fails on drift from code")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 listing every route where template.yaml and the functions' apps differ")
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH,
                        help="template to read (default: %(default)s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from infra.template import parse_template

    template = parse_template(args.template)
    return check(template) if args.check else table(template)


def table(template: Template) -> int:
    """Print method, path, function and auth of every route, ordered by path."""
    rows = [("METHOD", "PATH", "FUNCTION", "AUTH")]
    rows += [(r.method, r.path, r.function, "key" if r.auth else "none")
             for r in sorted(template.routes, key=lambda r: (r.path, r.method))]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    return 0


def check(template: Template) -> int:
    """Print each drift and return 1, or a one-line summary and 0."""
    from infra.routes_check import check_routes

    drifts = check_routes(template)
    for drift in drifts:
        print(drift)
    if drifts:
        print(f"{len(drifts)} drift(s) between {template.path.name} and the functions' FastAPI apps")
        return 1
    functions = {route.function for route in template.routes}
    print(f"routes in sync: {len(template.routes)} routes, {len(functions)} functions")
    return 0
