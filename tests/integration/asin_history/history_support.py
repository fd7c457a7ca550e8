"""Calls of the asin_history function and reads of its tables (a uniquely named module)."""

from __future__ import annotations

from typing import Any

from support import SOURCER, call

PREFIX = "/api/v1/asin-history"
OTHER_SOURCER = {"key_id": "00000000-0000-0000-0000-0000000000c3", "key_name": "other-sourcer", "role": "sourcer"}
Response = tuple[int, dict[str, str], Any]


def watch(asin: str, identity: dict[str, str] = SOURCER, **fields: Any) -> Response:
    return call("asin_history", "POST", f"{PREFIX}/watch", json_body={"asin": asin, **fields}, identity=identity)


def watches(identity: dict[str, str] = SOURCER, query: str = "") -> Response:
    return call("asin_history", "GET", f"{PREFIX}/watch", query=query, identity=identity)


def unwatch(watch_id: str, identity: dict[str, str] = SOURCER) -> Response:
    return call("asin_history", "DELETE", f"{PREFIX}/watch/{watch_id}", route=f"{PREFIX}/watch/{{watch_id}}",
                path_parameters={"watch_id": watch_id}, identity=identity)


def product_read(kind: str, asin: str, query: str = "", identity: dict[str, str] = SOURCER) -> Response:
    """GET trends, records or latest of ``asin``."""
    return call("asin_history", "GET", f"{PREFIX}/{kind}/{asin}", route=f"{PREFIX}/{kind}/{{asin}}",
                path_parameters={"asin": asin}, query=query, identity=identity)
