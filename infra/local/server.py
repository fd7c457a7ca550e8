"""The ``gateway`` component: an HTTP server (uvicorn, in a thread of its own) in front of :class:`Gateway`.

The listening socket is bound before anything else starts (:func:`bind`), so a taken port is reported at once.
Requests are handled in worker threads; one that takes longer than API Gateway's integration timeout is
answered ``503 Service Unavailable`` while its function runs on, as on AWS.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import uvicorn

from infra.local.exceptions import AddressUnavailableError
from infra.local.gateway import Gateway, IncomingRequest
from infra.local.limits import MAX_BODY_BYTES, MAX_HEAD_READ_BYTES
from infra.local.responses import SERVICE_UNAVAILABLE, HttpResponse

# HTTP APIs give an integration at most 30 seconds.
INTEGRATION_TIMEOUT_SECONDS = 30.0
START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
REQUEST_THREADS = 32


def address_error(exc: OSError, host: str, port: int, *, option: str = "--port") -> AddressUnavailableError:
    """The one-line error for a failed bind; ``option`` is the command-line option that picks another port."""
    if exc.errno == errno.EADDRINUSE:
        return AddressUnavailableError(f"port {port} on {host} is already in use (try {option})")
    return AddressUnavailableError(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def bind(host: str, port: int, *, option: str = "--port") -> socket.socket:
    """A listening socket on ``host:port``; :class:`AddressUnavailableError` (naming ``option``) when that is
    impossible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The explicit protocol matters: asyncio turns Nagle off only on sockets whose proto is IPPROTO_TCP, and
    # accepted sockets inherit it from this one. With proto 0, every keep-alive response waited ~40 ms for
    # a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    # Lets a restarted stack reuse the port while old connections sit in TIME_WAIT; a live listener still
    # makes bind fail on POSIX systems.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise address_error(exc, host, port, option=option) from exc
    sock.listen(128)
    return sock


class HttpServer:
    """Serves ``gateway`` on ``sock`` until stopped."""

    name = "gateway"

    def __init__(self, sock: socket.socket, gateway: Gateway) -> None:
        self._sock = sock
        self._gateway = gateway
        # h11 (not httptools), reading heads far past API Gateway's limit, so those are answered 414/431.
        config = uvicorn.Config(self._asgi, interface="asgi3", lifespan="off", log_config=None, access_log=False,
                                server_header=False, ws="none", timeout_graceful_shutdown=2, http="h11",
                                h11_max_incomplete_event_size=MAX_HEAD_READ_BYTES)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        # Requests block on their function; each waits in a thread of this pool, not on the event loop.
        self._pool = ThreadPoolExecutor(max_workers=REQUEST_THREADS, thread_name_prefix="request")

    @property
    def listening_socket(self) -> socket.socket:
        return self._sock

    def start(self) -> None:
        # uvicorn installs no signal handlers outside the main thread: the command owns SIGINT and SIGTERM.
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name="http-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.should_exit = True
            self._thread.join(STOP_TIMEOUT_SECONDS)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT_SECONDS)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._sock.close()

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = IncomingRequest(
            method=scope["method"],
            raw_path=(scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
            raw_query=scope.get("query_string", b"").decode("latin-1"),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            body=await _read_body(receive),
            source_ip=(scope.get("client") or ("127.0.0.1", 0))[0],
        )
        try:
            handling = asyncio.get_running_loop().run_in_executor(self._pool, self._gateway.handle, request)
            response = await asyncio.wait_for(handling, INTEGRATION_TIMEOUT_SECONDS)
        except TimeoutError:
            response = SERVICE_UNAVAILABLE
        await _send(send, response)


async def _read_body(receive: Any) -> bytes | None:
    """The whole request body, or ``None`` once it exceeds the payload limit (the rest is drained)."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks) if size <= MAX_BODY_BYTES else None


async def _send(send: Any, response: HttpResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
