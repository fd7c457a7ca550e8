"""`arbvault local`: the whole stack on this machine, without Docker (see ``infra.local``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from infra.paths import TEMPLATE_PATH

EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "local", help="run the API locally: template routes, authorizer, warm functions, hot reload, database")
    parser.add_argument("--port", type=_port, default=3000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH, help="SAM template (default: %(default)s)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set a variable in every function's environment (repeatable)")
    parser.add_argument("--lazy", action="store_true",
                        help="start each function on its first request instead of warming them at start")
    parser.add_argument("--no-reload", action="store_true", help="do not watch files for changes")
    parser.set_defaults(func=run)


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def run(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    from infra.local import AddressUnavailableError, Console, LocalOptions, LocalStack, bind, parse_assignments

    console = Console()
    try:
        environment = parse_assignments(args.env)
    except ValueError as exc:
        print(f"arbvault local: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        sock = bind(args.host, args.port)
    except AddressUnavailableError as exc:
        print(f"arbvault local: {exc}", file=sys.stderr)
        return EXIT_USAGE

    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    options = LocalOptions(args.template, environment, prewarm=not args.lazy, reload=not args.no_reload)
    try:
        stack = LocalStack(options, sock, console)
        stack.start(began)
    except Exception as exc:  # a bad template, an unreachable database: one line, not a traceback
        sock.close()
        print(f"arbvault local: could not start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for line in stack.banner():
        console.line(line)
    stopping.wait()
    console.line("stopping...")
    stack.stop()
    console.line("stopped")
    return 0
