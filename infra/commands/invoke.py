"""`arbvault invoke FUNCTION --event FILE`: run one handler once, like `sam local invoke`, without Docker.

The handler runs in a fresh worker with the function's template environment and what `arbvault local` gives
functions: the local database (migrated), the offline Keepa server unless ``KEEPA_API_KEY`` is set, and, when the
template declares queues, a local SQS endpoint with them (``!Ref Queue`` variables resolve to their URLs), so an
SQS event (``events/batch_worker/...``) runs the worker as its mapping would.
Its result goes to stdout as JSON; its logs and a Lambda-style REPORT line go to stderr. A handler that raises,
times out or dies prints Lambda's error document on stdout and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections import ChainMap
from pathlib import Path
from typing import Any

from infra.paths import TEMPLATE_PATH

EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("invoke", help="run one function's handler with an event file")
    parser.add_argument("function", help="function folder name (health) or logical id (HealthFunction)")
    parser.add_argument("--event", "-e", required=True,
                        help="event JSON file (see events/<function>/), or - for standard input")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set a variable in the function's environment (repeatable)")
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH, help="SAM template (default: %(default)s)")
    parser.set_defaults(func=run)


def _read_event(source: str) -> Any:
    text = sys.stdin.read() if source == "-" else Path(source).read_text()
    return json.loads(text)


def run(args: argparse.Namespace) -> int:
    from infra.commands.local import KEEPA_REFILL_RATE, KEEPA_TOKENS
    from infra.local import (
        Console,
        InvocationError,
        KeepaOptions,
        LocalStackError,
        Services,
        Stack,
        Worker,
        function_runtime,
        parse_assignments,
    )

    log = Console(out=sys.stderr)  # stdout carries the result and nothing else
    try:
        environment = parse_assignments(args.env)
        event = _read_event(args.event)
        keepa = KeepaOptions(tokens=KEEPA_TOKENS, refill_rate=KEEPA_REFILL_RATE)
        services = Services(args.template, environment, keepa, log, only_for=args.function)
        spec = services.template.function(args.function)
    except (OSError, ValueError, KeyError, LocalStackError) as exc:  # json.JSONDecodeError is a ValueError
        message = exc.args[0] if isinstance(exc, KeyError) else exc
        print(f"arbvault invoke: {message}", file=sys.stderr)
        return EXIT_USAGE

    stack = Stack(services.components, on_error=lambda name, exc: log.line(f"stopping {name} failed: {exc}"))
    try:
        stack.start()
    except Exception as exc:  # unreachable DATABASE_URL, embedded server failing to start, a bad queue
        print(f"arbvault invoke: could not start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    # --env wins over what the services provide, as with `arbvault local`.
    runtime = function_runtime(services.template, spec, ChainMap(environment, services.provided))
    worker = Worker(runtime, lambda _, line: print(line, file=sys.stderr))
    request_id = str(uuid.uuid4())
    init_ms = 0.0
    started = time.perf_counter()
    try:
        init_ms = worker.start()
        started = time.perf_counter()
        outcome, code = worker.invoke(event, request_id=request_id), 0
    except InvocationError as exc:
        outcome, code = exc.error, EXIT_FAILED
    finally:
        duration_ms = (time.perf_counter() - started) * 1000
        worker.stop()
        stack.stop()
    print(json.dumps(outcome))
    print(f"REPORT RequestId: {request_id}\tInit Duration: {init_ms:.2f} ms\tDuration: {duration_ms:.2f} ms\t"
          f"Memory Size: {spec.memory_mb} MB", file=sys.stderr)
    return code
