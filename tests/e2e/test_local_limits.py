"""`arbvault local` answers requests and responses over API Gateway's and Lambda's size limits as AWS does:
414 for a long request line, 431 for large headers, 413 for a large body, 500 for a response Lambda refuses.
Each refusal is a status on a connection that stays usable, never a reset."""

from __future__ import annotations

import socket

import httpx
import pytest
from local_process import LocalStackProcess

from infra.local.limits import MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_RESPONSE_BYTES

pytestmark = pytest.mark.e2e


def _still_serving(stack: LocalStackProcess) -> None:
    response = stack.request("GET", "/probe/x")
    assert response.status_code == 200, response.text


def _raw_request(stack: LocalStackProcess, head: bytes) -> bytes:
    """Send ``head`` (asking to close after the answer) on a connection of its own, since httpx refuses URLs this
    long, and return the whole answer."""
    url = httpx.URL(str(stack.client.base_url))
    with socket.create_connection((url.host, url.port), timeout=30) as connection:
        connection.sendall(head)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_200_kb_request_line_is_414(fixture_stack: LocalStackProcess) -> None:
    target = "/probe/x?tag=" + "a" * 200_000
    head = f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    answer = _raw_request(fixture_stack, head.encode())
    assert answer.startswith(b"HTTP/1.1 414 "), answer[:200]
    assert answer.endswith(b'{"message":"Request-URI Too Long"}')
    _still_serving(fixture_stack)


def test_a_request_line_at_the_limit_reaches_the_function(fixture_stack: LocalStackProcess) -> None:
    path = "/probe/x?tag="
    padding = MAX_HEAD_BYTES - len(f"GET {path} HTTP/1.1") - 2_000  # room for the client's own headers
    response = fixture_stack.request("GET", path + "a" * padding)
    assert response.status_code == 200, response.text
    assert response.json()["queryStringParameters"]["tag"] == "a" * padding


@pytest.mark.parametrize("size", [1024 * 1024, MAX_HEAD_BYTES])
def test_header_values_over_the_limit_are_431(fixture_stack: LocalStackProcess, size: int) -> None:
    response = fixture_stack.request("GET", "/probe/x", headers={"X-Big": "b" * size})
    assert response.status_code == 431 and response.json() == {"message": "Request Header Fields Too Large"}
    _still_serving(fixture_stack)


def test_a_body_over_10_mb_is_413(fixture_stack: LocalStackProcess) -> None:
    response = fixture_stack.request("POST", "/probe/echo", content=b"{" + b" " * MAX_BODY_BYTES + b"}")
    assert response.status_code == 413 and response.json() == {"message": "Request Entity Too Large"}
    _still_serving(fixture_stack)


def test_a_response_over_lambdas_6_mb_is_500(fixture_stack: LocalStackProcess) -> None:
    response = fixture_stack.request("GET", f"/probe/x?mode=sized&size={MAX_RESPONSE_BYTES}")
    assert response.status_code == 500 and response.json() == {"message": "Internal Server Error"}
    fixture_stack.wait_for_line(f"over Lambda's {MAX_RESPONSE_BYTES})")
    below = MAX_RESPONSE_BYTES - 1_000  # the result's JSON adds the status code and headers
    response = fixture_stack.request("GET", f"/probe/x?mode=sized&size={below}")
    assert response.status_code == 200 and len(response.content) == below
