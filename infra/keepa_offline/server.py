"""The offline Keepa server: Keepa's wire format over real HTTP on loopback (stdlib ``ThreadingHTTPServer``).

Endpoints ``/product``, ``/query``, ``/bestsellers``, ``/category`` and ``/token``, with or without a trailing
slash. Every answer is JSON with the full envelope (``timestamp``, ``tokensLeft``, ``refillIn``, ``refillRate``,
``tokenFlowReduction``, ``tokensConsumed``, ``processingTimeInMs``), gzip-compressed when the request accepts
gzip. 400 for a missing or wrong key and bad parameters, 429 when the balance is at or below zero, 404 for
other paths, 405 for other methods. Only domain 1 (amazon.com) has products. Tests can make the next
requests fail (``fail_next``, ``drop_next``) and read what was asked (``requests``).
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from infra.keepa_offline.bucket import TokenBucket
from infra.keepa_offline.catalogue import Catalogue
from infra.keepa_offline.endpoints import Endpoints, encode
from infra.keepa_offline.params import RequestRejected

DEFAULT_TOKENS = 1200
DEFAULT_REFILL_RATE = 20
_FREE = frozenset({"token"})
_POLL_SECONDS = 0.05
"""How often the serving loop checks for ``stop()`` (the stdlib default, 0.5 s, slows every test teardown)."""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it (the key is left out)."""

    method: str
    endpoint: str
    params: dict[str, str]
    status: int
    tokens_consumed: int
    gzip: bool


class OfflineKeepa:
    """A local Keepa: ``start()`` returns its base URL; also a context manager.

    ``key``: the only key accepted (any non-empty key when ``None``). ``tokens``: the starting balance;
    ``refill_rate`` tokens are added every ``refill_period_ms`` (Keepa: a minute). ``latency_ms`` delays every
    answer. ``clock`` pins the catalogue's time (Keepa minutes) for byte-identical generated products.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, key: str | None = None,
                 tokens: int = DEFAULT_TOKENS, refill_rate: int = DEFAULT_REFILL_RATE,
                 refill_period_ms: int = 60_000, latency_ms: int = 0, clock: int | None = None,
                 catalogue: Catalogue | None = None) -> None:
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        self.host, self.port, self.key, self.latency_ms = host, port, key, latency_ms
        self.bucket = TokenBucket(tokens=tokens, refill_rate=refill_rate, refill_period_ms=refill_period_ms)
        self.catalogue = catalogue or Catalogue(clock=clock)
        self.endpoints = Endpoints(self.catalogue)
        self.requests: deque[RecordedRequest] = deque(maxlen=10_000)
        self._failures: deque[int] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the offline Keepa server is not running")
        return f"http://{self.host}:{self._server.server_port}"

    def bind(self) -> str:
        """Open the listening socket (without serving yet); returns the base URL."""
        if self._server is None:
            self._server = _Server((self.host, self.port), _handler_for(self))
        return self.base_url

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL (``KEEPA_BASE_URL``)."""
        self.bind()
        if self._thread is None:
            assert self._server is not None
            self._thread = threading.Thread(target=self._server.serve_forever, args=(_POLL_SECONDS,),
                                            name="offline-keepa", daemon=True)
            self._thread.start()
        return self.base_url

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the ``arbvault keepa-offline`` command)."""
        self.bind()
        assert self._server is not None
        try:
            self._server.serve_forever(_POLL_SECONDS)
        finally:
            self._server.server_close()
            self._server = None

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
                self._server.shutdown()
                self._thread.join(timeout=5)
            self._server.server_close()
        self._server = self._thread = None

    def __enter__(self) -> OfflineKeepa:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ test controls
    def fail_next(self, count: int, *, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status`` (an envelope with an error, no tokens charged)."""
        with self._lock:
            self._failures.extend([status] * count)

    def drop_next(self, count: int) -> None:
        """Close the connection without answering the next ``count`` requests."""
        self.fail_next(count, status=0)

    def set_tokens(self, tokens: int) -> None:
        """Set the token balance."""
        self.bucket.set(tokens)

    def _next_failure(self) -> int | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    # ------------------------------------------------------------------ protocol
    def envelope(self, *, consumed: int, tokens_left: int, refill_in_ms: int, started: float) -> dict[str, Any]:
        return {"timestamp": int(time.time() * 1000), "tokensLeft": tokens_left, "refillIn": refill_in_ms,
                "refillRate": self.bucket.refill_rate, "tokenFlowReduction": 0.0, "tokensConsumed": consumed,
                "processingTimeInMs": int((time.perf_counter() - started) * 1000)}

    def respond(self, method: str, path: str, query: Mapping[str, str], body: bytes | None) -> tuple[int, bytes, int]:
        """Status, JSON body and tokens charged for a request, with the token bucket applied."""
        started = time.perf_counter()
        endpoint = path.strip("/")
        free = endpoint in _FREE
        try:
            handler = self.endpoints.route(method, endpoint)
            key = query.get("key", "")
            if not key or (self.key is not None and key != self.key):
                raise RequestRejected("invalid access key" if key else "the key parameter is required",
                                      error_type="invalidKey")
            answer = handler(query, body)
        except RequestRejected as exc:
            return exc.status, self._error_body(exc.error_type, exc.message, exc.details, started), 0
        snap = self.bucket.peek() if free else self.bucket.charge(answer.cost)
        consumed = 0 if free else answer.cost
        if not snap.accepted:
            payload = self.envelope(consumed=0, tokens_left=snap.tokens_left, refill_in_ms=snap.refill_in_ms,
                                    started=started)
            return 429, json.dumps(payload).encode(), 0
        envelope = self.envelope(consumed=consumed, tokens_left=snap.tokens_left, refill_in_ms=snap.refill_in_ms,
                                 started=started)
        return answer.status, encode({**envelope, **answer.payload}), consumed

    def _error_body(self, error_type: str, message: str, details: str, started: float) -> bytes:
        snap = self.bucket.peek()
        payload = self.envelope(consumed=0, tokens_left=snap.tokens_left, refill_in_ms=snap.refill_in_ms,
                                started=started)
        payload["error"] = {"type": error_type, "message": message, "details": details}
        return json.dumps(payload).encode()

    def injected_failure(self, status: int, message: str = "injected failure") -> bytes:
        """The body of a failure injected by ``fail_next`` (or of an error inside the server)."""
        return self._error_body("serverError", message, f"HTTP {status}", time.perf_counter())


def _accepts_gzip(header: str | None) -> bool:
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower().replace(" ", "")
            if not quality.startswith("q="):
                return True
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
    return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler_for(keepa: OfflineKeepa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Nagle would hold a body's last partial segment until the client's delayed ACK (about 40 ms a request).
        disable_nagle_algorithm = True
        server_version = "OfflineKeepa/1"
        timeout = 60  # idle keep-alive connections close after a minute

        def _serve(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if keepa.latency_ms:
                time.sleep(keepa.latency_ms / 1000)
            failure = keepa._next_failure()
            if failure == 0:
                self.close_connection = True
                self.connection.close()
                self._record(url.path, query, 0, 0, False)
                return
            if failure is not None:
                status, data, consumed = failure, keepa.injected_failure(failure), 0
            else:
                try:
                    status, data, consumed = keepa.respond(self.command, url.path, query, body)
                except Exception:  # a bug here must reach the client as Keepa's 500, not a dropped connection
                    traceback.print_exc(file=sys.stderr)
                    status, data, consumed = 500, keepa.injected_failure(500, "offline server error"), 0
            compressed = _accepts_gzip(self.headers.get("Accept-Encoding"))
            if compressed:
                data = gzip.compress(data, compresslevel=1)
            self._record(url.path, query, status, consumed, compressed)  # before answering: clients may look next
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            if compressed:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self, path: str, query: dict[str, str], status: int, consumed: int, compressed: bool) -> None:
            params = {k: v for k, v in query.items() if k != "key"}
            keepa.requests.append(RecordedRequest(self.command, path.strip("/"), params, status, consumed,
                                                  compressed))

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the request log is ``keepa.requests``."""

    return Handler

