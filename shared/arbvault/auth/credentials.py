"""Find the API key a request presents: ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.

Every credential header that is present must be well formed, and when both are present they must carry the
same key: a request that sends two different keys, or a non-Bearer ``Authorization`` next to an
``X-API-Key``, is refused rather than guessed at. An empty header counts as absent.
"""

from __future__ import annotations

from collections.abc import Mapping

from arbvault.auth.exceptions import CredentialError
from arbvault.auth.keys import is_well_formed

_BEARER = "bearer"


def _header(headers: Mapping[object, object], name: str) -> str | None:
    # Payload 2.0 lower-cases names already; other callers (tools, tests) may not.
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _bearer_token(authorization: str) -> str:
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != _BEARER:
        raise CredentialError("malformed")
    return parts[1]


def key_from_headers(headers: Mapping[object, object] | None) -> str:
    """The well-formed key presented in ``headers``; raises :class:`CredentialError` with the reason otherwise.

    >>> key_from_headers({"authorization": "bearer avk_" + "A" * 43}) == "avk_" + "A" * 43
    True
    """
    if not isinstance(headers, Mapping):
        raise CredentialError("missing")
    authorization = _header(headers, "authorization")
    api_key_header = _header(headers, "x-api-key")
    presented = [key for key in (
        _bearer_token(authorization) if authorization is not None else None,
        api_key_header,
    ) if key is not None]
    if not presented:
        raise CredentialError("missing")
    if any(not is_well_formed(key) for key in presented):
        raise CredentialError("malformed")
    if len(set(presented)) > 1:
        raise CredentialError("conflicting")
    return presented[0]
