"""Compare template.yaml's HttpApi routes with the routes each function's FastAPI app serves.

template.yaml is the single source of truth: API Gateway only forwards the routes it declares, so a route in
code but not in the template is unreachable, and one in the template but not in code answers 404 from inside
the function. Routes are compared by method and shape (the path with parameter names blanked), so that a
renamed path parameter is reported as exactly that.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import fastapi.routing
from fastapi import FastAPI
from starlette.routing import Mount
from starlette.routing import Route as StarletteRoute

from infra.function_loader import FunctionLoadError, load_app
from infra.template import Route, Template

# {name}, {name+} (greedy, template) and {name:converter} (code).
_PARAM = re.compile(r"{([^}:+]+)(\+)?(?::([^}]*))?}")

NOT_IN_CODE = "not-in-code"
NOT_IN_TEMPLATE = "not-in-template"
DUPLICATE = "duplicate"
PARAM_NAMES = "param-names"
GREEDY_PATH = "greedy-path"
ANY_METHOD = "any-method"
NO_APP = "no-app"


@dataclass(frozen=True, slots=True, order=True)
class Drift:
    """One disagreement between template.yaml and the code, on one route of one (or more) function(s)."""

    kind: str
    function: str
    method: str
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.function} {self.method} {self.path}: {self.detail}"


@dataclass(frozen=True, slots=True)
class CodeRoute:
    """A method and path a function's FastAPI app serves (converters stripped: ``{id:int}`` is ``{id}``)."""

    method: str
    path: str
    function: str
    greedy: bool = False


def _normalise(path: str) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(1) + (m.group(2) or "") + "}", path)


def route_shape(path: str) -> str:
    """``path`` with every parameter name blanked: ``/keys/{key_id}`` and ``/keys/{id}`` share a shape."""
    return _PARAM.sub(lambda m: "{+}" if m.group(2) else "{}", path)


def _is_greedy(path: str) -> bool:
    return any(m.group(2) or m.group(3) == "path" for m in _PARAM.finditer(path))


def flat_routes(app: FastAPI) -> Iterable[Any]:
    """``app``'s routes with their full paths.

    FastAPI 0.16x keeps an included router as one lazy branch of ``app.routes`` and flattens branches through
    ``iter_route_contexts`` (each context has ``path``, ``methods`` and ``original_route``); older releases
    copy every route into ``app.routes``.
    """
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    return flatten(app.routes) if flatten else app.routes


def app_routes(app: FastAPI, function: str) -> list[CodeRoute]:
    """Every method and path ``app`` serves; HEAD added automatically beside GET is left out.

    A mounted sub-application serves everything under its prefix, so it is a greedy route; a route with no
    method list (a class endpoint) answers any method. WebSocket routes are not HTTP routes: left out.
    """
    routes: list[CodeRoute] = []
    for route in flat_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            routes.append(CodeRoute("ANY", _normalise(route.path + "/{path:path}"), function, greedy=True))
        elif isinstance(original, StarletteRoute):
            path, methods, greedy = _normalise(route.path), route.methods, _is_greedy(route.path)
            if methods is None:
                routes.append(CodeRoute("ANY", path, function, greedy=greedy))
                continue
            routes.extend(CodeRoute(method, path, function, greedy=greedy) for method in sorted(methods)
                          if not (method == "HEAD" and "GET" in methods))
    return routes


def _explicitness(method: str, path: str, function: str, greedy: bool, where: str) -> list[Drift]:
    """A route the template cannot declare explicitly: a greedy path or the ANY method."""
    drifts = []
    if greedy:
        drifts.append(Drift(GREEDY_PATH, function, method, path, f"greedy path in {where}; declare each route"))
    if method == "ANY":
        drifts.append(Drift(ANY_METHOD, function, method, path, f"ANY method in {where}; declare each method"))
    return drifts


def _duplicates(owners: dict[tuple[str, str], list[tuple[str, str]]], where: str) -> list[Drift]:
    """Routes (method and shape) claimed more than once; ``owners`` maps them to (function, path) pairs."""
    drifts = []
    for (method, _), claims in owners.items():
        if len(claims) < 2:
            continue
        functions = sorted({function for function, _ in claims})
        paths = sorted({path for _, path in claims})
        detail = (f"owned by {len(functions)} functions in {where}" if len(functions) > 1
                  else f"declared {len(claims)} times in {where}")
        drifts.append(Drift(DUPLICATE, ", ".join(functions), method, " | ".join(paths), detail))
    return drifts


def _template_side(template: Template) -> tuple[dict[str, dict[tuple[str, str], Route]], list[Drift]]:
    """Template routes per function keyed by (method, shape), and the drifts found in the template alone."""
    drifts: list[Drift] = []
    by_function: dict[str, dict[tuple[str, str], Route]] = defaultdict(dict)
    owners: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for route in template.routes:
        problems = _explicitness(route.method, route.path, route.function, _is_greedy(route.path), "template")
        if problems:
            drifts.extend(problems)
            continue
        key = (route.method, route_shape(route.path))
        owners[key].append((route.function, route.path))
        by_function[route.function].setdefault(key, route)
    drifts.extend(_duplicates(owners, "template"))
    return by_function, drifts


def _code_side(template: Template, functions: list[str]) -> tuple[dict[str, dict[tuple[str, str], CodeRoute]],
                                                                  list[Drift]]:
    """Code routes per function keyed by (method, shape), and the drifts found in the code alone."""
    drifts: list[Drift] = []
    by_function: dict[str, dict[tuple[str, str], CodeRoute]] = {}
    owners: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for name in functions:
        spec = template.function(name)
        try:
            app = load_app(spec.name, spec.code_dir)
        except FunctionLoadError as exc:
            drifts.append(Drift(NO_APP, name, "-", "-", str(exc)))
            continue
        served: dict[tuple[str, str], CodeRoute] = {}
        for route in app_routes(app, name):
            problems = _explicitness(route.method, route.path, name, route.greedy, "code")
            if problems:
                drifts.extend(problems)
                continue
            key = (route.method, route_shape(route.path))
            owners[key].append((name, route.path))
            served.setdefault(key, route)
        by_function[name] = served
    drifts.extend(_duplicates(owners, "code"))
    return by_function, drifts


def check_routes(template: Template) -> list[Drift]:
    """Every drift between ``template`` and the apps of its functions that have HttpApi events, sorted."""
    declared, drifts = _template_side(template)
    functions = sorted({route.function for route in template.routes})
    served, code_drifts = _code_side(template, functions)
    drifts.extend(code_drifts)
    for name, code in served.items():
        routes = declared.get(name, {})
        for key, route in routes.items():
            match = code.get(key)
            if match is None:
                drifts.append(Drift(NOT_IN_CODE, name, route.method, route.path,
                                    f"event {route.event} has no FastAPI route"))
            elif match.path != route.path:
                drifts.append(Drift(PARAM_NAMES, name, route.method, route.path,
                                    f"event {route.event} names the path parameters differently from code "
                                    f"{match.path}"))
        for key, code_route in code.items():
            if key not in routes:
                drifts.append(Drift(NOT_IN_TEMPLATE, name, code_route.method, code_route.path,
                                    "FastAPI route has no HttpApi event"))
    return sorted(drifts)
