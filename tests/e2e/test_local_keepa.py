"""`arbvault local` and Keepa: the offline server when ``KEEPA_API_KEY`` is unset (functions reach it through the
``KEEPA_BASE_URL`` they are given), the real one when it is set (and the key never shows)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from local_process import LocalStackProcess, taken_port

pytestmark = pytest.mark.e2e

# One of the offline server's fixture products (an ISBN-10 that is also its ASIN).
FIXTURE_ASIN = "0972351868"
OFFLINE_BANNER = re.compile(r"  Keepa     offline server at (http://127\.0\.0\.1:\d+) "
                            r"\(KEEPA_API_KEY unset; 777 tokens, 3 per minute\)")


@pytest.fixture(scope="module")
def offline_stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """The project's stack with a small offline budget (and KEEPA_API_KEY empty, whatever the shell says)."""
    with LocalStackProcess(tmp_path_factory.mktemp("keepa-stack"), database_url,
                           extra_args=("--keepa-tokens", "777", "--keepa-refill-rate", "3", "--lazy", "--no-reload"),
                           env={"KEEPA_API_KEY": ""}) as stack:
        yield stack


def _tokens(stack: LocalStackProcess) -> dict[str, int]:
    response = stack.request("GET", "/api/v1/keepa/tokens", params={"refresh": "true"},
                             headers={"X-API-Key": stack.dev_key})
    assert response.status_code == 200, response.text
    body: dict[str, int] = response.json()
    return body


def test_banner_names_the_offline_server_and_its_budget(offline_stack: LocalStackProcess) -> None:
    match = OFFLINE_BANNER.search(offline_stack.stdout)
    assert match, offline_stack.stdout
    # It is a Keepa: its free /token answers with the budget the flags gave it.
    answer = httpx.get(f"{match.group(1)}/token", params={"key": "any"})
    assert answer.status_code == 200 and answer.json()["refillRate"] == 3
    assert 0 < answer.json()["tokensLeft"] <= 777 + 3


def test_functions_reach_the_offline_server_through_keepa_base_url(offline_stack: LocalStackProcess) -> None:
    before = _tokens(offline_stack)
    assert before["refill_rate"] == 3 and before["tokens_left"] <= 777 + 3
    response = offline_stack.request("GET", f"/api/v1/keepa/{FIXTURE_ASIN}/metrics", params={"force_refresh": "true"},
                                     headers={"X-API-Key": offline_stack.dev_key})
    assert response.status_code == 200, response.text
    metrics = response.json()
    assert metrics["asin"] == FIXTURE_ASIN and metrics["snapshot_hit"] is False
    assert metrics["tokens_used"] > 0
    # The /product request was paid from the offline server's budget.
    after = _tokens(offline_stack)
    assert after["tokens_left"] <= before["tokens_left"] - metrics["tokens_used"] + 3


def test_real_key_is_handed_to_functions_and_never_printed(database_url: str, tmp_path: Path) -> None:
    secret = "kp-e2e-not-a-real-key-4711"
    unreachable = "http://127.0.0.1:9"  # discard port: nothing listens, so no request leaves the machine
    with LocalStackProcess(tmp_path, database_url, extra_args=("--lazy", "--no-reload"),
                           env={"KEEPA_API_KEY": secret, "KEEPA_BASE_URL": unreachable}) as stack:
        assert f"  Keepa     real Keepa at {unreachable} (KEEPA_API_KEY set)" in stack.stdout
        response = stack.request("GET", "/api/v1/keepa/tokens", params={"refresh": "true"},
                                 headers={"X-API-Key": stack.dev_key})
        # The function took the URL it was given (no offline server behind it): Keepa unavailable.
        assert response.status_code == 503, response.text
    assert secret not in stack.stdout and secret not in stack.stderr


def test_taken_keepa_port_is_one_clear_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    with taken_port() as port:
        stack = LocalStackProcess(tmp_path, database_url, extra_args=("--keepa-port", str(port), "--no-reload"),
                                  env={"KEEPA_API_KEY": ""})
        code = stack.exit_code(60)
    assert code == 2
    assert stack.stderr.strip() == f"arbvault local: port {port} on 127.0.0.1 is already in use (try --keepa-port)"
