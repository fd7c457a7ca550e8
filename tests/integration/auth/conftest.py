"""Fixtures for the API key room: an empty api_keys table per test (keys are made with ``make_key``, from
tests/conftest.py), and Lambda authorizer events as API Gateway sends them (payload 2.0)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import delete

from arbvault.db import session_scope
from arbvault.models.api_key import ApiKey
from arbvault.observability import logger
from infra.http_events import http_api_event
from infra.lambda_context import LocalLambdaContext
from infra.local.authorizer import authorizer_event as gateway_authorizer_event
from support import load_function

Authorize = Callable[..., dict[str, Any]]


@pytest.fixture(autouse=True)
def no_api_keys(database_url: str) -> Iterator[None]:
    """Each test starts (and leaves) without keys: the last-admin rule depends on every key in the table."""
    with session_scope() as session:
        session.execute(delete(ApiKey))
    yield
    with session_scope() as session:
        session.execute(delete(ApiKey))


def authorizer_event(headers: dict[str, str] | None, *, method: str = "GET",
                     path: str = "/api/v1/config") -> dict[str, Any]:
    """The REQUEST event API Gateway sends the authorizer for ``method path`` (built as the local gateway does).

    The template configures no identity sources (caching is off), so ``identitySource`` is empty.
    """
    request = http_api_event(method, path, headers={"host": "api.example.test", **(headers or {})})
    return gateway_authorizer_event(request, identity=[])


@pytest.fixture
def authorize() -> Authorize:
    """Invoke the authorizer function's handler with an authorizer event carrying ``headers``."""
    function = load_function("authorizer")

    def invoke(headers: dict[str, str] | None, **kwargs: Any) -> dict[str, Any]:
        return function.handler(authorizer_event(headers, **kwargs), LocalLambdaContext(function_name="authorizer"))

    return invoke


@pytest.fixture
def read_logs() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """A reader of the JSON log lines the shared Powertools logger has written since the test began."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
