"""`arbvault invoke FUNCTION --event FILE`: run one handler once, like `sam local invoke`, without Docker.

The handler runs in a fresh worker with the function's template environment and the local database (migrated).
Its result goes to stdout as JSON; its logs and a Lambda-style REPORT line go to stderr. A handler that raises,
times out or dies prints Lambda's error document on stdout and exits 1.
"""

from __future__ import annotations

import argparse
import json
from collections import ChainMap
import sys
import time
import uuid
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
    from infra.local import Database, InvocationError, Worker, function_runtime, parse_assignments
    from infra.template import parse_template

    try:
        template = parse_template(args.template)
        spec = template.function(args.function)
        event = _read_event(args.event)
        environment = parse_assignments(args.env)
    except (OSError, ValueError, KeyError) as exc:  # json.JSONDecodeError is a ValueError
        message = exc.args[0] if isinstance(exc, KeyError) else exc
        print(f"arbvault invoke: {message}", file=sys.stderr)
        return EXIT_USAGE

    provided: dict[str, str] = {}
    database = Database(provided)
    try:
        database.start()
    except Exception as exc:  # unreachable DATABASE_URL, embedded server failing to start
        print(f"arbvault invoke: no database: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    # --env wins over what the stack provides, as with `arbvault local`.
    runtime = function_runtime(template, spec, ChainMap(environment, provided))
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
        database.stop()
    print(json.dumps(outcome))
    print(f"REPORT RequestId: {request_id}\tInit Duration: {init_ms:.2f} ms\tDuration: {duration_ms:.2f} ms\t"
          f"Memory Size: {spec.memory_mb} MB", file=sys.stderr)
    return code
