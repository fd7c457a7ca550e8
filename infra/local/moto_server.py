"""A moto server on loopback: the AWS APIs the local stack emulates (SQS), over real HTTP.

moto's own ``ThreadedMotoServer`` binds its port inside its serving thread, so a port that cannot be bound
leaves ``start()`` waiting forever. Here the socket is bound in the constructor (a taken port fails at once
with :class:`AddressUnavailableError`, and the endpoint is known before anything starts), and moto's
per-request log lines are silenced: pollers long-poll all the time, and the stack prints its own line per
batch instead.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from infra.local.aws import LOCAL_ACCOUNT_ID
from infra.local.server import bind

STOP_TIMEOUT_SECONDS = 5.0


class MotoServer:
    """moto's WSGI application on ``host:port`` (0: a free port), served by a thread of its own."""

    name = "sqs"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        # moto serves every request in the account this variable names (read per request, in this process):
        # the account of the stack's other emulated ARNs.
        os.environ["MOTO_ACCOUNT_ID"] = LOCAL_ACCOUNT_ID
        # moto is imported here, not at module import: commands that never start it never pay for it.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class QuietHandler(MotoRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                """One line per API call would drown the stack's own output."""

        self.account_id = LOCAL_ACCOUNT_ID
        # Bound here, not by werkzeug: it would print a message and exit the process on a taken port.
        sock = bind(host, port, option="--sqs-port")
        try:
            self._server = make_server(host, sock.getsockname()[1], DomainDispatcherApplication(create_backend_app),
                                       threaded=True, request_handler=QuietHandler, fd=sock.fileno())
        finally:
            sock.close()  # the server works on a duplicate of the descriptor
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        """The base URL clients use (``AWS_ENDPOINT_URL_SQS``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="moto-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port; long polls still open are abandoned with their threads."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(STOP_TIMEOUT_SECONDS)
            self._thread = None
        self._server.server_close()
