"""`arbvault openapi`: write one OpenAPI 3.1 document for every route template.yaml declares."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from infra.paths import TEMPLATE_PATH


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("openapi", help="write the API's OpenAPI 3.1 document (template routes only)")
    parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH,
                        help="template to read (default: %(default)s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from infra.openapi import build_openapi
    from infra.routes_check import check_routes
    from infra.template import parse_template

    template = parse_template(args.template)
    # A document for routes that drifted would describe an API nobody serves: refuse, as the check does.
    drifts = check_routes(template)
    if drifts:
        for drift in drifts:
            print(drift, file=sys.stderr)
        print(f"{len(drifts)} drift(s): fix them (`arbvault routes --check`) before writing the document",
              file=sys.stderr)
        return 1
    text = json.dumps(build_openapi(template), indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text)
        print(f"wrote {args.output} ({len(template.routes)} routes)", file=sys.stderr)
    return 0
