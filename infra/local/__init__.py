"""The Docker-free local stack behind `arbvault local` and `arbvault invoke`.

template.yaml drives everything: its HttpApi routes are served by an API Gateway HTTP API emulation (payload
2.0 events, the template's Lambda authorizer, API Gateway's own error answers), each function runs in warm
worker subprocesses with the environment the template gives it, and edits reload the affected workers. Its
queues live on a local moto server and its SQS event-source mappings and schedules invoke their functions as
Lambda and EventBridge would; the offline Keepa server stands in for Keepa unless a key is given.

``runtime.py`` is the one module that also runs inside workers, as a script: it imports nothing from here.
"""

from infra.local.console import Console
from infra.local.database import Database
from infra.local.environments import FunctionEnvironments, Invocation
from infra.local.exceptions import (
    AddressUnavailableError,
    FunctionError,
    InitError,
    InvocationError,
    InvocationTimeoutError,
    LocalStackError,
    RuntimeExitError,
)
from infra.local.function_env import function_runtime, lambda_environment, parse_assignments
from infra.local.keepa import Keepa, KeepaOptions
from infra.local.local_stack import LocalOptions, LocalStack
from infra.local.moto_server import MotoServer
from infra.local.queues import Queues, queue_resources
from infra.local.server import bind
from infra.local.services import Services
from infra.local.stack import Component, Stack
from infra.local.worker import FunctionRuntime, Worker

__all__ = [
    "AddressUnavailableError",
    "Component",
    "Console",
    "Database",
    "FunctionEnvironments",
    "FunctionError",
    "FunctionRuntime",
    "InitError",
    "Invocation",
    "InvocationError",
    "InvocationTimeoutError",
    "Keepa",
    "KeepaOptions",
    "LocalOptions",
    "LocalStack",
    "LocalStackError",
    "MotoServer",
    "Queues",
    "RuntimeExitError",
    "Services",
    "Stack",
    "Worker",
    "bind",
    "function_runtime",
    "lambda_environment",
    "parse_assignments",
    "queue_resources",
]
