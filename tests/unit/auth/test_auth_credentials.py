"""Which key a request presents: Bearer (any case, extra spaces) or X-API-Key; both must agree."""

from __future__ import annotations

import pytest

from arbvault.auth.exceptions import CredentialError
from arbvault.auth.keys import key_from_headers

KEY = "avk_" + "k" * 43
OTHER = "avk_" + "o" * 43


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authorization": f"Bearer {KEY}"}, KEY),
        ({"authorization": f"bearer {KEY}"}, KEY),
        ({"authorization": f"BEARER {KEY}"}, KEY),
        ({"authorization": f"  Bearer    {KEY}  "}, KEY),
        ({"authorization": f"Bearer\t{KEY}"}, KEY),
        ({"x-api-key": KEY}, KEY),
        ({"x-api-key": f"  {KEY} "}, KEY),
        ({"Authorization": f"Bearer {KEY}"}, KEY),          # names from tools that keep their case
        ({"X-API-Key": KEY}, KEY),
        ({"authorization": f"Bearer {KEY}", "x-api-key": KEY}, KEY),  # both, same key
        ({"authorization": "", "x-api-key": KEY}, KEY),               # empty header counts as absent
    ],
)
def test_key_from_headers_accepts(headers: dict[str, str], expected: str) -> None:
    assert key_from_headers(headers) == expected


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing"),
        (None, "missing"),
        ({"host": "example.com"}, "missing"),
        ({"authorization": ""}, "missing"),
        ({"x-api-key": "   "}, "missing"),
        ({"authorization": "Bearer"}, "malformed"),
        ({"authorization": "Bearer "}, "malformed"),
        ({"authorization": KEY}, "malformed"),                     # no scheme
        ({"authorization": f"Basic {KEY}"}, "malformed"),
        ({"authorization": f"Bearer {KEY} extra"}, "malformed"),
        ({"authorization": f"Bearer {KEY[:-1]}"}, "malformed"),
        ({"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"}, "malformed"),  # a JWT is not our key
        ({"x-api-key": "not-a-key"}, "malformed"),
        ({"x-api-key": f"{KEY},{OTHER}"}, "malformed"),            # repeated header, joined by API Gateway
        ({"authorization": f"Basic {KEY}", "x-api-key": KEY}, "malformed"),
        ({"authorization": f"Bearer {KEY}", "x-api-key": OTHER}, "conflicting"),
        ({"authorization": 42, "x-api-key": None}, "missing"),      # not strings: ignored
    ],
)
def test_key_from_headers_refuses(headers: dict[str, object] | None, reason: str) -> None:
    with pytest.raises(CredentialError) as caught:
        key_from_headers(headers)
    assert caught.value.reason == reason
    assert KEY not in caught.value.message
