"""HttpApi Lambda authorizers: the REQUEST event API Gateway sends them and how it reads their answer.

Only what HTTP APIs do with payload format 2.0 and simple responses is emulated: identity sources that are
configured but absent from the request are refused with 401 without calling the authorizer; otherwise the
authorizer runs and ``{"isAuthorized": bool, "context": {...}}`` decides, the context reaching the route's
function as ``requestContext.authorizer.lambda``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from infra.local.function_env import local_region
from infra.local.responses import MalformedResponseError
from infra.template import AuthorizerSpec


@dataclass(frozen=True, slots=True)
class Decision:
    """What the authorizer answered."""

    allowed: bool
    context: dict[str, Any]


def check_supported(spec: AuthorizerSpec) -> None:
    """Raise ``ValueError`` for authorizer settings the local gateway does not emulate."""
    if spec.payload_version != "2.0" or not spec.simple_responses:
        raise ValueError(f"authorizer {spec.name!r}: only payload format 2.0 with EnableSimpleResponses is "
                         "emulated locally")


def identity_source(event: dict[str, Any], spec: AuthorizerSpec) -> list[str] | None:
    """Values of the configured identity sources, in order; ``None`` when one is missing (API Gateway: 401)."""
    headers = event.get("headers") or {}
    query = event.get("queryStringParameters") or {}
    values = [headers.get(name.lower()) for name in spec.identity_headers]
    values += [query.get(name) for name in spec.identity_query]
    if any(not value for value in values):
        return None
    return [str(value) for value in values]


def authorizer_event(event: dict[str, Any], identity: list[str]) -> dict[str, Any]:
    """The REQUEST event for the HTTP API ``event`` a route is about to receive."""
    context = copy.deepcopy(event["requestContext"])
    context.pop("authorizer", None)
    method = context["http"]["method"]
    route_arn = (f"arn:aws:execute-api:{local_region()}:{context['accountId']}:{context['apiId']}/"
                 f"{context['stage']}/{method}{event['rawPath']}")
    request: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn,
        "identitySource": identity,
        "routeKey": event["routeKey"],
        "rawPath": event["rawPath"],
        "rawQueryString": event["rawQueryString"],
        "headers": dict(event.get("headers") or {}),
        "requestContext": context,
    }
    for optional in ("cookies", "queryStringParameters", "pathParameters", "stageVariables"):
        if optional in event:
            request[optional] = copy.deepcopy(event[optional])
    return request


def decision(result: Any) -> Decision:
    """Read a simple response; raise :class:`MalformedResponseError` for anything else (API Gateway: 500)."""
    if not isinstance(result, dict) or not isinstance(result.get("isAuthorized"), bool):
        raise MalformedResponseError("a simple authorizer response needs a boolean isAuthorized")
    context = result.get("context") or {}
    if not isinstance(context, dict):
        raise MalformedResponseError("the authorizer's context must be a map")
    return Decision(result["isAuthorized"], context)
