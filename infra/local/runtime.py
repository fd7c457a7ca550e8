"""The inside of a function worker: a warm execution environment serving one function, one event at a time.

Run as a script (``python runtime.py NAME CONFIG``) in a subprocess of its own, it imports the function's handler as
the Lambda Python runtime does (code folder first on ``sys.path``, then the template's layers) and answers
invocations over two pipes the parent passes in: requests on one, results on the other. The protocol never
touches stdout or stderr, so whatever the handler prints or logs cannot corrupt it; the parent shows that
output as the function's log.

Frames are a 4-byte big-endian length followed by that many bytes of UTF-8 JSON. The parent imports this
module for :func:`encode_frame`, so the format is defined in this one place.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import struct
import sys
import time
import traceback
from pathlib import Path
from typing import Any, BinaryIO

_HEADER = struct.Struct(">I")


def encode_frame(message: dict[str, Any]) -> bytes:
    """``message`` as one frame."""
    payload = json.dumps(message, separators=(",", ":")).encode()
    return _HEADER.pack(len(payload)) + payload


def frame_length(header: bytes) -> int:
    """The payload length a frame header announces."""
    return int(_HEADER.unpack(header)[0])


HEADER_SIZE = _HEADER.size


def _read_frame(stream: BinaryIO) -> dict[str, Any] | None:
    header = stream.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        return None  # the parent closed the pipe: the environment is being shut down
    payload = stream.read(frame_length(header))
    message: dict[str, Any] = json.loads(payload)
    return message


def error_payload(exc: BaseException) -> dict[str, Any]:
    """The error document the Lambda Python runtime reports for an unhandled exception."""
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }


def _isolate_imports(code_dir: str, layer_dirs: list[str]) -> None:
    """Make the import path what Lambda gives: the code folder, then the layers, then the dependencies.

    The project's editable install would otherwise let a function import ``infra`` or another function's
    package, which works here and fails once deployed.
    """
    sys.path[0:1] = [code_dir, *layer_dirs]
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not getattr(f, "__module__", "").startswith("__editable___arbvault")]
    sys.path[:] = [p for p in sys.path if "__editable__" not in p]
    os.chdir(code_dir)


def _context_class() -> Any:
    # infra is not importable here (see _isolate_imports), so the context module is loaded from its file.
    source = Path(__file__).resolve().parent.parent / "lambda_context.py"
    spec = importlib.util.spec_from_file_location("_arbvault_lambda_context", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.LocalLambdaContext


def _load_handler(handler: str) -> Any:
    module_name, _, attribute = handler.replace("/", ".").rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def _serve(config: dict[str, Any], requests: BinaryIO, results: BinaryIO) -> int:
    def send(message: dict[str, Any]) -> None:
        results.write(encode_frame(message))
        results.flush()

    context_class = _context_class()
    started = time.perf_counter()
    try:
        handler = _load_handler(config["handler"])
    except Exception as exc:
        traceback.print_exc()
        send({"type": "init_error", "error": error_payload(exc)})
        return 1
    send({"type": "ready", "init_ms": (time.perf_counter() - started) * 1000})

    while (request := _read_frame(requests)) is not None:
        context = context_class(
            function_name=config["function_name"], memory_limit_in_mb=config["memory_mb"],
            timeout_seconds=config["timeout"], aws_request_id=request["request_id"],
        )
        try:
            result = handler(request["event"], context)
        except Exception as exc:
            traceback.print_exc()
            send({"type": "error", "error": error_payload(exc)})
            continue
        try:
            send({"type": "result", "result": result})
        except (TypeError, ValueError) as exc:
            send({"type": "error", "error": {"errorMessage": f"Unable to marshal response: {exc}",
                                             "errorType": "Runtime.MarshalError", "stackTrace": []}})
    return 0


def main(argv: list[str]) -> None:
    """``argv``: the script, the function's name (for ps), its JSON configuration."""
    config = json.loads(argv[2])
    _isolate_imports(config["code_dir"], config["layer_dirs"])
    with os.fdopen(config["request_fd"], "rb") as requests, os.fdopen(config["result_fd"], "wb") as results:
        code = _serve(config, requests, results)
    sys.stdout.flush()
    sys.stderr.flush()
    # Lambda never runs interpreter teardown (atexit, module cleanup) on an environment; skipping it here
    # also makes a stack with many warm functions stop in milliseconds instead of seconds.
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv)
