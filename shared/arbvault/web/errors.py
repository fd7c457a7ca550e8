"""The one error envelope, and the one table mapping exception types to HTTP statuses.

Every error leaves as ``{"error": {"code", "message", "details"}, "request_id"}``. Unhandled exceptions become
500 with the request id and no internal text; database connectivity failures become 503. The request id is API
Gateway's, else the caller's ``X-Request-ID``, else a fresh one.
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from arbvault.exceptions import (
    ArbvaultError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    DependencyUnavailableError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    UnauthorizedError,
)
from arbvault.observability import logger

# Most specific first: the first class in an error's MRO found here decides the status.
STATUS_BY_ERROR: dict[type[ArbvaultError], int] = {
    BadRequestError: 400,
    InvalidInputError: 422,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    PayloadTooLargeError: 413,
    ConfigurationError: 503,
    DependencyUnavailableError: 503,
    RateLimitedError: 429,
}

VALIDATION_ERROR = "validation_error"
"""The code of every 422: what was wrong is in ``details[].field`` and ``details[].code``."""

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: VALIDATION_ERROR,
    429: "too_many_requests",
    503: "service_unavailable",
}


class ErrorDetail(BaseModel):
    """One thing wrong with the request: the field (``body.name``, ``query.cursor``...) and why, as a code."""

    model_config = ConfigDict(extra="allow")

    field: str | None = Field(default=None, description="where the problem is; always set on a 422")
    code: str = Field(description="machine-readable reason, e.g. greater_than_equal, text_invalid")
    message: str | None = None


class ErrorBody(BaseModel):
    code: str = Field(description="validation_error on every 422; otherwise names the error")
    message: str
    details: list[ErrorDetail]


class ErrorEnvelope(BaseModel):
    """The body of every error response."""

    error: ErrorBody
    request_id: str


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build the envelope for ``request``."""
    body = {
        "error": {"code": code, "message": message, "details": details or []},
        "request_id": request_id_of(request),
    }
    return JSONResponse(body, status_code=status, headers=headers)


def status_for(exc: ArbvaultError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"field": _field(tuple(err.get("loc", ()))), "code": err.get("type") or VALIDATION_ERROR,
         "message": err.get("msg", "invalid")}
        for err in exc.errors()
    ]


async def _on_app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ArbvaultError)
    status = status_for(exc)
    if status >= 500:
        logger.warning("dependency error", extra={"error_code": exc.code, "error": exc.message})
    # Every detail carries a code: its own, else the error's.
    details = [{"code": exc.code, **detail} for detail in exc.details]
    if status == 422:
        # One code for every invalid input; the error's own code says why, per detail.
        return error_response(request, 422, VALIDATION_ERROR, exc.message,
                              details or [{"field": "request", "code": exc.code, "message": exc.message}], exc.headers)
    return error_response(request, status, exc.code, exc.message, details, exc.headers)


def _sent_another_media_type(request: Request, exc: RequestValidationError) -> bool:
    """Whether a body the route wanted as JSON came with another content type (FastAPI then reads it as bytes)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not media_type or media_type == "application/json" or media_type.endswith("+json"):
        return False
    return any(tuple(err.get("loc", ()))[:1] == ("body",) for err in exc.errors())


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if _sent_another_media_type(request, exc):
        return error_response(request, 415, "unsupported_media_type", "send the body as application/json",
                              [{"field": "header.content-type", "code": "unsupported_media_type",
                                "message": "must be application/json"}])
    details = _validation_details(exc)
    if any(d["code"] == "json_invalid" for d in details):
        return error_response(request, 400, "malformed_json", "request body is not valid JSON",
                              [{"field": "body", "code": "json_invalid", "message": "not valid JSON"}])
    fields = ", ".join(d["field"] for d in details)
    return error_response(request, 422, VALIDATION_ERROR, f"invalid input: {fields}", details)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODE_BY_STATUS.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(exc.headers) if exc.headers else None
    return error_response(request, exc.status_code, code, message, headers=headers)


def _is_database_outage(exc: Exception) -> bool:
    # sqlalchemy is only consulted if some route already imported it (health/live must not).
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None:
        return False
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError))


def _unhandled_response(request: Request, exc: Exception) -> JSONResponse:
    if _is_database_outage(exc):
        logger.warning("database unavailable", extra={"error_type": type(exc).__name__})
        return error_response(request, 503, "database_unavailable", "the database is unavailable; retry later")
    logger.exception("unhandled error")
    return error_response(request, 500, "internal_error", "internal server error")


class UnhandledErrorMiddleware:
    """Turn any exception no handler took into the envelope, and stop it there.

    Starlette's own catch-all re-raises after responding, which Mangum then logs a second time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            await _unhandled_response(Request(scope), exc)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error ``app`` can raise into the envelope."""
    app.add_exception_handler(ArbvaultError, _on_app_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_middleware(UnhandledErrorMiddleware)


_STATE_KEY = "request_id"


def request_id_of(request: Request) -> str:
    cached = request.scope.get(_STATE_KEY)
    if isinstance(cached, str):
        return cached
    event = request.scope.get("aws.event") or {}
    request_id = (event.get("requestContext") or {}).get("requestId") or request.headers.get("x-request-id")
    request_id = str(request_id) if request_id else str(uuid.uuid4())
    request.scope[_STATE_KEY] = request_id
    return request_id
