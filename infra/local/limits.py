"""API Gateway's and Lambda's size limits, answered by the local gateway the way AWS answers them.

- Request line and header values: an HTTP API takes 10,240 bytes of them in all. Beyond that, the request is
  answered ``414`` when the request line alone is too long, ``431`` otherwise.
- Request body: 10 MB at most, ``413`` beyond.
- Function response: a synchronous Lambda invocation returns at most 6,291,556 bytes of JSON; a larger result
  fails the invocation, which an HTTP API answers ``500 {"message":"Internal Server Error"}``.

The HTTP server reads request heads of up to :data:`MAX_HEAD_READ_BYTES` so that it can answer those with a
status instead of dropping the connection mid-request; only a head larger still is refused by the parser.
"""

from __future__ import annotations

import json
from typing import Any, Final, Protocol

from infra.local.responses import PAYLOAD_TOO_LARGE, HttpResponse, gateway_error

MAX_HEAD_BYTES: Final = 10_240
MAX_BODY_BYTES: Final = 10 * 1024 * 1024
MAX_RESPONSE_BYTES: Final = 6_291_556
MAX_HEAD_READ_BYTES: Final = 8 * 1024 * 1024

URI_TOO_LONG: Final = gateway_error(414, "Request-URI Too Long")
HEADERS_TOO_LARGE: Final = gateway_error(431, "Request Header Fields Too Large")


class RequestHead(Protocol):
    method: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes | None


def request_line(request: RequestHead) -> str:
    """The request line as the client sent it (HTTP/1.1)."""
    target = request.raw_path + (f"?{request.raw_query}" if request.raw_query else "")
    return f"{request.method} {target} HTTP/1.1"


def request_refusal(request: RequestHead) -> tuple[HttpResponse, str] | None:
    """API Gateway's answer to a request over its size limits, with a note for the log; ``None`` within them.
    A ``body`` of ``None`` is one the server stopped reading past :data:`MAX_BODY_BYTES`."""
    line = len(request_line(request).encode("latin-1"))
    if line > MAX_HEAD_BYTES:
        return URI_TOO_LONG, f"request line of {line} bytes, over {MAX_HEAD_BYTES}"
    head = line + sum(len(value.encode("latin-1")) for _, value in request.headers)
    if head > MAX_HEAD_BYTES:
        return HEADERS_TOO_LARGE, f"request line and header values of {head} bytes, over {MAX_HEAD_BYTES}"
    if request.body is None:
        return PAYLOAD_TOO_LARGE, f"body over {MAX_BODY_BYTES} bytes"
    return None


def response_size(result: Any) -> int:
    """Bytes of a function's result as the Lambda runtime serialises it."""
    return len(json.dumps(result).encode())
