"""Keepa errors map to HTTP statuses by type in the one table (arbvault.web.errors)."""

from __future__ import annotations

import pytest

from arbvault.exceptions import ArbvaultError, DependencyUnavailableError
from arbvault.keepa.exceptions import KeepaRequestError, KeepaUnavailableError, TokensExhaustedError
from arbvault.web.errors import status_for


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (TokensExhaustedError(refill_in_ms=1000, tokens_left=0, refill_rate=20), 429),
        (KeepaRequestError("Keepa /product: invalid access key", status=400), 503),
        (KeepaUnavailableError("Keepa /product answered 502", status=502), 503),
    ],
)
def test_status_by_type(error: ArbvaultError, status: int) -> None:
    assert status_for(error) == status


def test_request_and_unavailable_errors_are_dependency_failures() -> None:
    assert isinstance(KeepaRequestError("x", status=402), DependencyUnavailableError)
    assert isinstance(KeepaUnavailableError("x"), DependencyUnavailableError)
