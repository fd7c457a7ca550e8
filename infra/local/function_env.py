"""What a function's process gets: the variables Lambda sets, the template's, then the local overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping

from infra.local.worker import FunctionRuntime
from infra.template import FunctionSpec, Template

# Kept from the developer's shell so the interpreter and its libraries work; nothing else leaks through.
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")
DEFAULT_REGION = "us-east-1"


def local_region() -> str:
    """The AWS region local functions believe they run in: the shell's, else ``us-east-1``."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def lambda_environment(spec: FunctionSpec, overrides: Mapping[str, str]) -> dict[str, str]:
    """The environment of ``spec``'s workers; ``overrides`` (local database, ``--env``) win over the template."""
    region = local_region()
    environment = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    environment.update({
        "AWS_SAM_LOCAL": "true",  # what `sam local` sets; Powertools keeps tracing off when it sees it
        "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout),
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "_HANDLER": spec.handler,
        "TZ": "UTC",
        "PYTHONUNBUFFERED": "1",  # the function's log shows up as it is written, as in CloudWatch
    })
    environment.update(spec.environment)
    environment.update(overrides)
    return environment


def function_runtime(template: Template, spec: FunctionSpec, overrides: Mapping[str, str]) -> FunctionRuntime:
    """How to host ``spec`` locally: its code folder, its layers' folders, its environment and limits."""
    return FunctionRuntime(
        name=spec.name,
        logical_id=spec.logical_id,
        handler=spec.handler,
        code_dir=spec.code_dir,
        layer_dirs=template.layer_dirs(spec),
        environment=lambda_environment(spec, overrides),
        timeout=float(spec.timeout),
        memory_mb=spec.memory_mb,
    )


def parse_assignments(pairs: list[str], *, option: str = "--env") -> dict[str, str]:
    """``["K=V", ...]`` from ``option`` options as a map; raises ``ValueError`` naming a malformed one."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{option} expects NAME=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values
