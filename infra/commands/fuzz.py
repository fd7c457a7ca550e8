"""`arbvault fuzz`: Schemathesis against a throw-away `arbvault local`, with an admin and a sourcer key."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

# Fixed, so that every run sends the same requests. Here rather than in infra.fuzz, whose imports would slow
# down every `arbvault` command.
DEFAULT_EXAMPLES = 20
DEFAULT_SEED = 20261205


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fuzz", help="start the local stack on a scratch database and run Schemathesis against it "
                     "(no 5xx, documented statuses and bodies); exits 1 on any failure")
    parser.add_argument("--examples", type=_positive, default=DEFAULT_EXAMPLES,
                        help="examples per operation in the fuzzing phase (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    parser.add_argument("--report-dir", type=Path,
                        help="keep Schemathesis' JSON reports and the stack's log here (default: discarded)")
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from infra.fuzz import fuzz

    return fuzz(examples=args.examples, seed=args.seed, report_dir=args.report_dir)
