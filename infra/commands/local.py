"""`arbvault local`: the whole stack on this machine, without Docker (see ``infra.local``)."""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.paths import TEMPLATE_PATH

EXIT_USAGE = 2
# The offline Keepa's budget for local work (also `arbvault invoke`'s): generous, so nothing local is throttled
# unless asked to be (--keepa-tokens 50 shows the 429 path). Here rather than in infra.local, whose import
# would slow down every `arbvault` command.
KEEPA_TOKENS = 1_000_000
KEEPA_REFILL_RATE = 20_000  # per minute
# A stop still under way this long after Ctrl-C prints every thread's stack to stderr, to show what holds it up.
STOP_REPORT_SECONDS = 10.0
SIGNAL_POLL_SECONDS = 0.2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "local", help="run the stack locally: template routes, authorizer, warm functions, hot reload, database, "
                      "offline Keepa, SQS queues and their pollers, schedules")
    parser.add_argument("--port", type=_port, default=3000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH, help="SAM template (default: %(default)s)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set a variable in every function's environment (repeatable)")
    parser.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="override a template parameter, as sam's --parameter-overrides does (repeatable), "
                             "e.g. CorsAllowedOrigins=http://localhost:8080")
    parser.add_argument("--lazy", action="store_true",
                        help="start each function on its first request instead of warming them at start")
    parser.add_argument("--no-reload", action="store_true", help="do not watch files for changes")
    parser.add_argument("--sqs-port", type=_port, default=0,
                        help="port of the local SQS endpoint (moto) serving the template's queues (default: any)")
    keepa = parser.add_argument_group("offline Keepa (used when KEEPA_API_KEY is unset)")
    keepa.add_argument("--keepa-port", type=_port, default=0, help="port of the offline Keepa server (default: any)")
    keepa.add_argument("--keepa-tokens", type=_non_negative, default=KEEPA_TOKENS,
                       help="starting token balance (default: %(default)s)")
    keepa.add_argument("--keepa-refill-rate", type=_positive, default=KEEPA_REFILL_RATE,
                       help="tokens added per minute (default: %(default)s)")
    keepa.add_argument("--keepa-latency-ms", type=_non_negative, default=0,
                       help="delay before every answer, in ms (default: %(default)s)")
    # For tests: schedules run on a clock this many times faster, so rate(1 minute) can fire every second.
    parser.add_argument("--schedule-speedup", type=_speedup, default=1.0, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def _non_negative(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _speedup(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


class StopSignals:
    """SIGINT and SIGTERM: the first asks for an orderly stop, a second one quits at once (function workers exit
    by themselves once their request pipe closes with this process)."""

    def __init__(self, quit_now: Callable[[int], object] = os._exit) -> None:
        self.requested = threading.Event()
        self._quit_now = quit_now

    def handle(self, signum: int, _frame: object = None) -> None:
        if self.requested.is_set():
            os.write(2, b"arbvault local: stopped at once\n")
            self._quit_now(128 + signum)
        self.requested.set()

    def wait(self) -> None:
        """Return once a stop is requested. The wait is timed: the kernel may hand the signal to any thread, and
        then only a main thread that wakes up runs the handler (an untimed wait would sleep through it)."""
        while not self.requested.wait(SIGNAL_POLL_SECONDS):
            pass


def run(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    from infra.local import (
        AddressUnavailableError,
        Console,
        KeepaOptions,
        LocalOptions,
        LocalStack,
        bind,
        parse_assignments,
    )

    console = Console()
    try:
        environment = parse_assignments(args.env)
        parameters = parse_assignments(args.parameter, option="--parameter")
    except ValueError as exc:
        print(f"arbvault local: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        sock = bind(args.host, args.port)
    except AddressUnavailableError as exc:
        print(f"arbvault local: {exc}", file=sys.stderr)
        return EXIT_USAGE

    stop = StopSignals()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop.handle)
    keepa = KeepaOptions(port=args.keepa_port, tokens=args.keepa_tokens, refill_rate=args.keepa_refill_rate,
                         latency_ms=args.keepa_latency_ms)
    options = LocalOptions(args.template, environment, parameters, prewarm=not args.lazy, reload=not args.no_reload,
                           keepa=keepa, sqs_port=args.sqs_port, schedule_speedup=args.schedule_speedup)
    try:
        stack = LocalStack(options, sock, console)
        stack.start(began)
    except AddressUnavailableError as exc:  # --sqs-port or --keepa-port taken: a usage error, as with --port
        sock.close()
        print(f"arbvault local: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bad template, an unreachable database: one line, not a traceback
        sock.close()
        print(f"arbvault local: could not start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for line in stack.banner():
        console.line(line)
    stop.wait()
    console.line("stopping... (Ctrl-C again to quit at once)")
    faulthandler.dump_traceback_later(STOP_REPORT_SECONDS)  # left armed until the process has exited
    stack.stop()
    console.line("stopped")
    return 0
