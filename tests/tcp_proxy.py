"""A loopback TCP proxy in front of a PostgreSQL address, for real TCP connections and simulated outages."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url


def _target(url: str) -> tuple[int, object]:
    parsed = make_url(url)
    host = parsed.query.get("host")
    if isinstance(host, str) and host.startswith("/"):
        return socket.AF_UNIX, f"{host}/.s.PGSQL.{parsed.port or 5432}"
    return socket.AF_INET, (parsed.host or "127.0.0.1", parsed.port or 5432)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the server of ``url``; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, url: str) -> None:
        self._family, self._address = _target(url)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._accepting = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._accepting:
                client.close()
                continue
            upstream = socket.socket(self._family, socket.SOCK_STREAM)
            upstream.connect(self._address)  # type: ignore[arg-type]
            with self._lock:
                self._open += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def url_for(self, url: str) -> str:
        parsed = make_url(url)
        return parsed.set(host="127.0.0.1", port=self.port, query={}).render_as_string(hide_password=False)

    def cut(self) -> None:
        self._accepting = False
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def restore(self) -> None:
        self._accepting = True

    def close(self) -> None:
        self.cut()
        self._listener.close()


@contextmanager
def tcp_proxy(url: str) -> Iterator[TcpProxy]:
    proxy = TcpProxy(url)
    try:
        yield proxy
    finally:
        proxy.close()
