"""Keepa calls end before the invocation does, and the billed Product Finder is not retried once it may have
been charged. Keepa is the offline server over HTTP; slowness and failures are its own (latency, injected
answers)."""

from __future__ import annotations

import contextvars
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from arbvault.deadline import invocation_deadline, seconds_left
from arbvault.keepa.client import KeepaClient, RetryPolicy
from arbvault.keepa.exceptions import KeepaUnavailableError
from infra.lambda_context import LocalLambdaContext
from keepa_testing import FAST_RETRY, MakeKeepa

SELECTION = {"rootCategory": [283155], "current_SALES_lte": 100_000, "perPage": 50}


def _client(base_url: str, retry: RetryPolicy = FAST_RETRY) -> KeepaClient:
    return KeepaClient(api_key="k", base_url=base_url, retry=retry)


def _invocation(seconds: float) -> LocalLambdaContext:
    return LocalLambdaContext("keepa-test", timeout_seconds=seconds)


@pytest.mark.parametrize(("timeout", "expected"), [(30.0, 28.0), (10.0, 9.0), (2.0, 1.8)])
def test_the_deadline_follows_the_context_and_ends_with_the_block(timeout: float, expected: float) -> None:
    assert seconds_left() is None
    with invocation_deadline(_invocation(timeout)):  # 2 s kept back, or a tenth of a short invocation
        left = seconds_left()
        assert left is not None and expected - 0.3 < left <= expected
    assert seconds_left() is None


def test_the_deadline_belongs_to_its_invocation_and_reaches_threads_running_in_its_context() -> None:
    seen: dict[str, float | None] = {}
    with invocation_deadline(_invocation(10.0)), ThreadPoolExecutor(2) as pool:
        seen["copied"] = pool.submit(contextvars.copy_context().run, seconds_left).result()
        seen["plain"] = pool.submit(seconds_left).result()
        with invocation_deadline(_invocation(30.0)):  # another invocation's deadline, then this one's again
            seen["nested"] = seconds_left()
        seen["after"] = seconds_left()
    assert seen["plain"] is None
    assert seen["copied"] is not None and 8.5 < seen["copied"] <= 9.0
    assert seen["nested"] is not None and seen["nested"] > 27
    assert seen["after"] is not None and seen["after"] <= 9.0
    assert seconds_left() is None


@pytest.mark.perf
def test_a_slow_keepa_is_abandoned_at_the_deadline_not_after_every_attempt(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa(latency_ms=10_000)
    with _client(keepa.base_url) as client, invocation_deadline(_invocation(1.8), reserve_seconds=0.0):
        started = time.monotonic()
        with pytest.raises(KeepaUnavailableError, match=r"ReadTimeout|no time left"):
            client.token_status()
        elapsed = time.monotonic() - started
    # 30 s reads over 3 attempts would take 90 s; the invocation had 2.5 s
    assert elapsed < 3.0, elapsed
    assert len(keepa.requests) <= 1  # the slow answer may still be recorded after the client left


def test_no_attempt_starts_without_half_a_second_left(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    with (_client(keepa.base_url) as client, invocation_deadline(_invocation(0.4), reserve_seconds=0.0),
          pytest.raises(KeepaUnavailableError, match="no time left for Keepa /token")):
        client.token_status()
    assert len(keepa.requests) == 0


def test_a_retry_that_would_not_fit_is_not_waited_for(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    keepa.fail_next(3, status=503)
    patient = RetryPolicy(attempts=4, base_delay=3.0, max_delay=3.0)  # waits of 1.5-3 s
    with (_client(keepa.base_url, patient) as client, invocation_deadline(_invocation(1.8), reserve_seconds=0.0),
          pytest.raises(KeepaUnavailableError) as caught):
        client.token_status()
    assert caught.value.status == 503
    assert [r.status for r in keepa.requests] == [503]


def test_without_a_deadline_retries_run_their_course(make_keepa: MakeKeepa) -> None:
    keepa = make_keepa()
    keepa.fail_next(2, status=503)
    with _client(keepa.base_url) as client:
        assert client.token_status().tokens_left > 0
    assert [r.status for r in keepa.requests] == [503, 503, 200]


@pytest.mark.parametrize("failure", ["503", "dropped"])
def test_the_product_finder_is_not_retried_once_keepa_may_have_billed_it(make_keepa: MakeKeepa,
                                                                        failure: str) -> None:
    keepa = make_keepa()
    if failure == "503":
        keepa.fail_next(1, status=503)
    else:
        keepa.drop_next(1)
    with _client(keepa.base_url) as client, pytest.raises(KeepaUnavailableError):
        client.product_finder(SELECTION)
    assert [r.endpoint for r in keepa.requests] == ["query"]


def test_the_product_finder_is_retried_when_the_request_never_left(make_keepa: MakeKeepa,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    keepa = make_keepa()
    url = keepa.base_url
    keepa.stop()
    with _client(url) as client, pytest.raises(KeepaUnavailableError, match="ConnectError"):
        client.product_finder(SELECTION)
    retries = [r for r in caplog.records if r.getMessage() == "keepa request failed; retrying"]
    assert len(retries) == FAST_RETRY.attempts - 1
