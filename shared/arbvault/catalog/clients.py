"""The Keepa client for a marketplace: the environment's shared client for amazon.com, one more per other domain."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from arbvault.bounds import keepa_domain
from arbvault.exceptions import InvalidInputError

if TYPE_CHECKING:
    from arbvault.keepa.client import KeepaClient

US_DOMAIN = 1
_others: dict[tuple[int, str], KeepaClient] = {}
_lock = threading.Lock()


def keepa_client(domain_id: int = US_DOMAIN) -> KeepaClient:
    """The client for ``domain_id``; 422 naming ``domain_id`` for a marketplace Keepa does not serve."""
    from arbvault.keepa.client import KeepaClient, get_keepa_client

    try:
        keepa_domain(domain_id)
    except ValueError as exc:
        raise InvalidInputError(f"domain_id {exc}", details=[{"field": "domain_id", "message": str(exc)}]) from None
    if domain_id == US_DOMAIN:
        return get_keepa_client()
    from arbvault.keepa.client import resolve_api_key
    from arbvault.settings import get_settings

    # Keyed by base URL too: tests and the local stack repoint KEEPA_BASE_URL within one process.
    key = (domain_id, get_settings().keepa_base_url)
    with _lock:
        client = _others.get(key)
        if client is None:
            client = _others[key] = KeepaClient(api_key=resolve_api_key, base_url=key[1], domain=domain_id)
    return client
