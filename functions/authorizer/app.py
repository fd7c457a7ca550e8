"""Authorizer: the HTTP API's Lambda authorizer (payload 2.0, simple responses) for every route but health.

A request is allowed when it presents an active API key (``Authorization: Bearer <key>`` or ``X-API-Key``);
the key's id, name and role go to the route as ``requestContext.authorizer.lambda``. Anything wrong with the
credential is a deny, which API Gateway answers with 403.

When the database cannot be reached the key can be neither accepted nor refused, and the handler raises:
API Gateway then answers 500. Both outcomes keep the door shut; the error is chosen because a deny would
tell clients with valid keys that their key is refused (so they rotate keys instead of retrying), would hide
the outage among ordinary 403s instead of in the function's error metric and the API's 5xx metric, and,
should authorizer caching ever be enabled, would be cached and keep refusing valid keys after the database
is back; errors are never cached. Nothing here imports FastAPI: the authorizer runs before every request.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from sqlalchemy.exc import SQLAlchemyError

from arbvault.auth.exceptions import CredentialError
from arbvault.auth.keys import key_from_headers
from arbvault.auth.store import authenticate
from arbvault.db import session_scope
from arbvault.exceptions import ConfigurationError, DependencyUnavailableError
from arbvault.observability import logger
from arbvault.snapstart import register_restore_hooks

DENY: dict[str, Any] = {"isAuthorized": False}


register_restore_hooks()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = event.get("routeKey")
    try:
        presented = key_from_headers(event.get("headers"))
    except CredentialError as exc:
        logger.info("denied", extra={"reason": exc.reason, "route": route})
        return dict(DENY)
    try:
        with session_scope() as session:
            key = authenticate(session, presented)
    except (SQLAlchemyError, OSError, ConfigurationError) as exc:
        logger.error("API key not verified: database unavailable", extra={"error_type": type(exc).__name__})
        # Not chained: a driver error's text can quote the statement's parameters, here the key's digest.
        raise DependencyUnavailableError("the database is unavailable; the API key was not verified") from None
    if key is None:
        logger.info("denied", extra={"reason": "unknown_or_revoked", "route": route})
        return dict(DENY)
    logger.info("allowed", extra={"key_id": str(key.id), "role": key.role, "route": route})
    return {"isAuthorized": True, "context": {"key_id": str(key.id), "key_name": key.name, "role": key.role}}
