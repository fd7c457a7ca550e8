"""The ``keepa`` component: the Keepa the functions talk to, offline unless a real key is given.

With ``KEEPA_API_KEY`` unset (in the shell and in ``--env``), the offline Keepa server (``infra.keepa_offline``)
serves on loopback and functions get its ``KEEPA_BASE_URL`` and a key it accepts; its token budget
(``arbvault local --keepa-tokens/--keepa-refill-rate``) is generous by default, so local work is not throttled.
With a key, functions get it (and ``KEEPA_BASE_URL`` when the shell sets one, else the template's) and talk to
the real Keepa.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from infra.keepa_offline import OfflineKeepa
from infra.keepa_offline.server import DEFAULT_REFILL_RATE, DEFAULT_TOKENS
from infra.local.server import address_error

# The offline server accepts any non-empty key; functions need one to send.
OFFLINE_KEY = "offline-local-key"
KEY_VARIABLE = "KEEPA_API_KEY"
URL_VARIABLE = "KEEPA_BASE_URL"


@dataclass(frozen=True, slots=True)
class KeepaOptions:
    """How to run the offline server (ignored when a real key is given)."""

    tokens: int = DEFAULT_TOKENS  # the offline server's own defaults, Keepa-like; the commands pass generous ones
    refill_rate: int = DEFAULT_REFILL_RATE  # tokens per minute
    port: int = 0  # 0: a free port
    latency_ms: int = 0


class Keepa:
    """Points functions (through ``provided``) at the offline server or at the real Keepa."""

    name = "keepa"

    def __init__(self, provided: MutableMapping[str, str], environment: Mapping[str, str],
                 options: KeepaOptions) -> None:
        self._provided = provided
        self._options = options
        # A key from --env counts as much as one from the shell.
        self._key = environment.get(KEY_VARIABLE) or os.environ.get(KEY_VARIABLE, "").strip()
        self._base_url = environment.get(URL_VARIABLE) or os.environ.get(URL_VARIABLE, "").strip()
        self._server: OfflineKeepa | None = None
        self.url = ""

    @property
    def offline(self) -> bool:
        return not self._key

    @property
    def description(self) -> str:
        """The banner's line; never shows a key."""
        if not self.offline:
            where = self._base_url or "the template's KEEPA_BASE_URL"
            return f"real Keepa at {where} ({KEY_VARIABLE} set)"
        options = self._options
        latency = f", {options.latency_ms} ms latency" if options.latency_ms else ""
        return (f"offline server at {self.url} ({KEY_VARIABLE} unset; {options.tokens:,} tokens, "
                f"{options.refill_rate:,} per minute{latency})")

    def start(self) -> None:
        if not self.offline:
            self._provided[KEY_VARIABLE] = self._key
            if self._base_url:
                self._provided[URL_VARIABLE] = self._base_url
            return
        options = self._options
        server = OfflineKeepa(port=options.port, tokens=options.tokens, refill_rate=options.refill_rate,
                              latency_ms=options.latency_ms)
        try:
            self.url = server.start()
        except OSError as exc:
            raise address_error(exc, server.host, options.port, option="--keepa-port") from exc
        self._server = server
        self._provided.update({URL_VARIABLE: self.url, KEY_VARIABLE: OFFLINE_KEY})

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
