"""The HttpApi's ``CorsConfiguration`` read from template.yaml, with the template's parameters applied.

``CorsConfiguration: true`` allows every origin and nothing else, as SAM expands it. The configuration may be an
``!If`` on a condition of ``Not``/``Equals``/``And``/``Or`` over parameters (``!Ref AWS::NoValue``: no CORS);
a list property may be a list, a ``!Split`` of a parameter, or a ``!Ref`` to a ``CommaDelimitedList``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infra.template import resolve_value

if TYPE_CHECKING:
    from infra.template import Template

HTTP_API_TYPE = "AWS::Serverless::HttpApi"
WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class CorsSpec:
    """What API Gateway allows cross-origin: origins (``*``: any), methods, request headers, exposed response
    headers, how long a preflight answer may be cached, and whether credentials are allowed."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    def allows_origin(self, origin: str) -> bool:
        return WILDCARD in self.allow_origins or origin.lower() in {o.lower() for o in self.allow_origins}

    def allows_method(self, method: str) -> bool:
        return WILDCARD in self.allow_methods or method.upper() in {m.upper() for m in self.allow_methods}


def _strings(value: Any, template: Template) -> tuple[str, ...]:
    """A list property as strings: each item resolved, a ``!Split`` applied, or a comma-delimited ``!Ref`` split."""
    if isinstance(value, list):
        resolved = [template.resolve(item) for item in value]
        return tuple(item.strip() for item in resolved if item)
    delimiter, joined = ",", template.resolve(value) if value is not None else None
    if isinstance(value, dict) and isinstance(value.get("Fn::Split"), list):
        delimiter, source = value["Fn::Split"]
        joined = template.resolve(source)
    return tuple(item.strip() for item in joined.split(delimiter) if item.strip()) if joined else ()


def _holds(condition: Any, template: Template) -> bool:
    """A condition of the template's ``Conditions`` (or an expression of one) evaluated with its parameters."""
    if isinstance(condition, str):
        return _holds(template.document.get("Conditions", {})[condition], template)
    if isinstance(condition, dict):
        ((function, arguments),) = condition.items()
        if function == "Condition":
            return _holds(arguments, template)
        if function == "Fn::Not":
            return not _holds(arguments[0], template)
        if function == "Fn::And":
            return all(_holds(argument, template) for argument in arguments)
        if function == "Fn::Or":
            return any(_holds(argument, template) for argument in arguments)
        if function == "Fn::Equals":
            left, right = (template.resolve(argument) for argument in arguments)
            return left == right
    raise ValueError(f"condition {condition!r} cannot be evaluated locally")


def _chosen(value: Any, template: Template) -> Any:
    """``value`` with an ``!If`` decided; ``None`` for ``!Ref AWS::NoValue``."""
    if isinstance(value, dict) and isinstance(value.get("Fn::If"), list):
        condition, when_true, when_false = value["Fn::If"]
        return _chosen(when_true if _holds(condition, template) else when_false, template)
    return None if value == {"Ref": "AWS::NoValue"} else value


def _http_api_cors(template: Template) -> Any:
    globals_ = ((template.document.get("Globals") or {}).get("HttpApi")) or {}
    apis = [r for r in template.document["Resources"].values() if r.get("Type") == HTTP_API_TYPE]
    properties = {**globals_, **((apis[0].get("Properties") or {}) if apis else {})}
    return properties.get("CorsConfiguration")


def cors_spec(template: Template) -> CorsSpec | None:
    """The CORS the template's HTTP API has (its first HttpApi over ``Globals.HttpApi``), or ``None`` without.

    Raises ``ValueError`` for credentials allowed with the ``*`` origin (or no origin), which SAM and API Gateway
    refuse: a browser would then send any site's credentials.
    """
    config = _chosen(_http_api_cors(template), template)
    if config is None or config is False:
        return None
    if config is True:
        return CorsSpec(allow_origins=(WILDCARD,))
    if not isinstance(config, dict):
        raise ValueError("CorsConfiguration must be true, false or a map")
    max_age = resolve_value(config.get("MaxAge"), template.parameters, template.resources)
    credentials = resolve_value(config.get("AllowCredentials", False), template.parameters, template.resources)
    spec = CorsSpec(
        allow_origins=_strings(config.get("AllowOrigins"), template),
        allow_methods=_strings(config.get("AllowMethods"), template),
        allow_headers=_strings(config.get("AllowHeaders"), template),
        expose_headers=_strings(config.get("ExposeHeaders"), template),
        max_age=int(max_age) if max_age else None,
        allow_credentials=str(credentials).lower() == "true",
    )
    if spec.allow_credentials and (not spec.allow_origins or WILDCARD in spec.allow_origins):
        raise ValueError("CorsConfiguration: AllowCredentials cannot be true when AllowOrigins is '*' or empty")
    return spec
