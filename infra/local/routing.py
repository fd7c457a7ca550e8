"""Route selection as API Gateway HTTP APIs do it, over exactly the routes template.yaml declares.

The most specific route wins: a full match beats one with a greedy ``{proxy+}`` variable, which beats
``$default``; between two full matches, the first segment where they differ decides (a literal beats a
``{variable}``), and a route's own method beats ``ANY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from infra.local.authorizer import check_supported
from infra.template import AuthorizerSpec, Route, Template
from infra.template_cors import CorsSpec, cors_spec

DEFAULT_ROUTE = "$default"

_LITERAL, _VARIABLE, _GREEDY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Match:
    """The route a request selected, the values of its path variables and the authorizer to run first."""

    route: Route
    path_parameters: dict[str, str]
    authorizer: AuthorizerSpec | None


@dataclass(frozen=True, slots=True)
class _CompiledRoute:
    route: Route
    segments: tuple[tuple[int, str], ...]  # (kind, literal text or variable name)
    authorizer: AuthorizerSpec | None

    def bind(self, parts: list[str]) -> dict[str, str] | None:
        """Path variables for the request path ``parts``, or ``None`` when this route does not match them."""
        values: dict[str, str] = {}
        for index, (kind, text) in enumerate(self.segments):
            if kind == _GREEDY:
                rest = parts[index:]
                if not rest or not all(rest):
                    return None
                values[text] = unquote("/".join(rest))
                return values
            if index >= len(parts):
                return None
            part = unquote(parts[index])
            if kind == _LITERAL and part != text:
                return None
            if kind == _VARIABLE:
                if not part:
                    return None
                values[text] = part
        return values if len(parts) == len(self.segments) else None

    def rank(self) -> tuple[int, tuple[int, ...], int]:
        """Sort key: smaller is more specific."""
        greedy = 1 if self.segments and self.segments[-1][0] == _GREEDY else 0
        return greedy, tuple(kind for kind, _ in self.segments), int(self.route.method == "ANY")


def _compile(path: str) -> tuple[tuple[int, str], ...]:
    segments = []
    for part in path.split("/")[1:] if path != "/" else []:
        if part.startswith("{") and part.endswith("+}"):
            segments.append((_GREEDY, part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            segments.append((_VARIABLE, part[1:-1]))
        else:
            segments.append((_LITERAL, part))
    return tuple(segments)


class RouteTable:
    """The template's HttpApi routes, ready to match requests.

    Raises ``ValueError`` when a route names an authorizer the template does not define, or the API's CORS
    allows credentials from any origin, so a broken template is refused when it is loaded rather than on the
    first request.
    """

    def __init__(self, template: Template) -> None:
        self.template = template
        self.cors: CorsSpec | None = cors_spec(template)
        compiled = [
            _CompiledRoute(route, () if route.path == DEFAULT_ROUTE else _compile(route.path),
                           template.authorizer_for(route))
            for route in template.routes
        ]
        for spec in {c.authorizer for c in compiled if c.authorizer is not None}:
            check_supported(spec)
        self._default = next((c for c in compiled if c.route.path == DEFAULT_ROUTE), None)
        self._routes = sorted((c for c in compiled if c.route.path != DEFAULT_ROUTE), key=_CompiledRoute.rank)

    def __len__(self) -> int:
        return len(self.template.routes)

    def match(self, method: str, raw_path: str) -> Match | None:
        """The route serving ``method raw_path``, or ``None`` (API Gateway answers 404 then)."""
        # A trailing slash is a segment of its own, so ``/config/`` does not select ``/config``.
        parts = raw_path.split("/")[1:] if raw_path != "/" else []
        for compiled in self._routes:
            if compiled.route.method not in (method, "ANY"):
                continue
            values = compiled.bind(parts)
            if values is not None:
                return Match(compiled.route, values, compiled.authorizer)
        if self._default is not None:
            return Match(self._default.route, {}, self._default.authorizer)
        return None
