"""Errors of the local stack: how an invocation failed, and why the stack could not start."""

from __future__ import annotations

from typing import Any


class LocalStackError(Exception):
    """Base of every error the local stack raises on purpose."""


class InvocationError(LocalStackError):
    """Raised when an invocation did not return a result; ``error`` is the Lambda-style error document."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}")
        self.error = error


class FunctionError(InvocationError):
    """Raised when the handler raised an exception (the environment stays warm, as on Lambda)."""


class InitError(InvocationError):
    """Raised when the handler's module could not be imported (the environment is discarded)."""


class InvocationTimeoutError(InvocationError):
    """Raised when the handler ran past the function's timeout (the environment is killed)."""

    def __init__(self, timeout: float) -> None:
        super().__init__({"errorType": "Sandbox.Timedout",
                          "errorMessage": f"Task timed out after {timeout:.2f} seconds"})
        self.timeout = timeout


class RuntimeExitError(InvocationError):
    """Raised when the environment's process died during an invocation (the environment is discarded)."""

    def __init__(self, reason: str) -> None:
        super().__init__({"errorType": "Runtime.ExitError", "errorMessage": reason})


class AddressUnavailableError(LocalStackError):
    """Raised when the gateway cannot listen on its address (port taken, unknown host)."""
