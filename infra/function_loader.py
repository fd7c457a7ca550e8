"""Load a function's code as Lambda would: ``functions/<name>/app.py`` imported as the module ``fn_<name>``.

Every function's entry module is called ``app``, so each gets a module name of its own here and several can
live in one process (the route check, the OpenAPI builder, the local gateway, tests). A module is imported
once per process and reused, unless the same name is asked for from another folder (a test's copy).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI

from infra.paths import FUNCTIONS_DIR

ENTRY_MODULE = "app.py"


class FunctionLoadError(Exception):
    """Raised when a function folder has no ``app.py`` or its module has no FastAPI ``app``."""


def load_function(name: str, code_dir: Path | None = None) -> ModuleType:
    """The module of ``code_dir/app.py`` (default ``functions/<name>/``), imported under ``fn_<name>``."""
    source = ((code_dir or FUNCTIONS_DIR / name) / ENTRY_MODULE).resolve()
    module_name = f"fn_{name}"
    cached = sys.modules.get(module_name)
    if cached is not None and Path(cached.__file__ or "") == source:
        return cached
    if not source.is_file():
        raise FunctionLoadError(f"function {name!r} has no {ENTRY_MODULE} in {source.parent}")
    spec = importlib.util.spec_from_file_location(module_name, source)
    if spec is None or spec.loader is None:
        raise FunctionLoadError(f"cannot import {source}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]  # a half-imported module must not be served from the cache
        raise
    return module


def load_app(name: str, code_dir: Path | None = None) -> FastAPI:
    """The FastAPI ``app`` of function ``name`` (see :func:`load_function`)."""
    app = getattr(load_function(name, code_dir), "app", None)
    if not isinstance(app, FastAPI):
        raise FunctionLoadError(f"function {name!r} defines no FastAPI `app` in {ENTRY_MODULE}")
    return app
