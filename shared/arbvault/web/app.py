"""Build a route group's FastAPI app and its Lambda handler."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from mangum import Mangum

from arbvault import __version__
from arbvault.deadline import invocation_deadline
from arbvault.observability import logger
from arbvault.snapstart import register_restore_hooks
from arbvault.web.errors import install_error_handlers
from arbvault.web.identity import RoleCheckedRoute, requires_admin
from arbvault.web.openapi_errors import document_errors

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def create_app(*routers: APIRouter, title: str) -> FastAPI:
    """A FastAPI app holding exactly ``routers``, with the error envelope and no docs routes.

    Deployed functions serve only what template.yaml declares; `arbvault openapi` and `arbvault local`
    build the documentation from these apps instead.
    """
    app = FastAPI(title=title, version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)
    for router in routers:
        _refuse_unchecked_admin_routes(router)
        app.include_router(router)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _refuse_unchecked_admin_routes(router: APIRouter) -> None:
    """Fail at import when an admin route would read its input before checking the caller's role."""
    for route in router.routes:
        if isinstance(route, APIRoute) and requires_admin(route.dependant) \
                and not isinstance(route, RoleCheckedRoute):
            raise TypeError(f"{sorted(route.methods or ())} {route.path} needs the admin role: build its router "
                            "with route_class=RoleCheckedRoute")


def create_handler(app: FastAPI) -> LambdaHandler:
    """The Lambda entry point for ``app``: Mangum with lifespan off, JSON logs carrying the request id, outside
    calls bounded by the invocation's remaining time (``arbvault.deadline``), connections renewed after a
    SnapStart restore (``arbvault.snapstart``)."""
    adapter = Mangum(app, lifespan="off")
    register_restore_hooks()

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        with invocation_deadline(context):
            response = adapter(event, context)
        http = (event.get("requestContext") or {}).get("http") or {}
        logger.info(
            "request",
            extra={
                "method": http.get("method"),
                "path": event.get("rawPath"),
                "route": event.get("routeKey"),
                "status": response.get("statusCode"),
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return response

    return handler
