"""The `arbvault` command: each subcommand lives in its own module under ``infra.commands``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Subcommand name -> module exposing ``register(subparsers)``; each sets ``func(args) -> int`` as default.
COMMANDS: dict[str, str] = {
    "local": "infra.commands.local",
    "invoke": "infra.commands.invoke",
    "routes": "infra.commands.routes",
    "openapi": "infra.commands.openapi",
    "migrate": "infra.commands.migrate",
    "keys": "infra.commands.keys",
    "keepa-offline": "infra.commands.keepa_offline",
    "fuzz": "infra.commands.fuzz",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arbvault", description="ArbitrageVault Serverless tooling")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS.values():
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`arbvault routes | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
