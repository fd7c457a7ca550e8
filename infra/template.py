"""Read template.yaml: functions, their HttpApi routes and environments, as the local tools need them.

CloudFormation short-form tags (!Ref, !GetAtt, !Sub, !If, ...) load as ``{"Ref": ...}`` / ``{"Fn::X": ...}``
maps, the long form, so the rest of the code sees one shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from infra.paths import PROJECT_ROOT, TEMPLATE_PATH

_PATH_PARAM = re.compile(r"{([^}+]+)\+?}")
_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")  # ${Name} or ${Name.Attribute}; ${!Literal} is not one

# What a resource of the template is locally, by logical id: "Ref" and the Fn::GetAtt attributes ("Arn", ...).
ResourceValues = Mapping[str, Mapping[str, str]]
# Given the document and its parameter values, the local values of the resources that exist locally (queues).
LocalResources = Callable[[dict[str, Any], dict[str, str]], ResourceValues]


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation's short-form intrinsic function tags."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref": value} if tag_suffix == "Ref" else {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True, slots=True)
class Route:
    """One HttpApi event: ``method path`` served by ``function``; ``auth``: an authorizer runs before it."""

    method: str
    path: str
    function: str
    event: str
    auth: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAM.findall(self.path))


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """An ``AWS::Serverless::Function`` with Globals applied and its environment resolved."""

    logical_id: str
    name: str
    code_dir: Path
    handler: str
    timeout: int
    memory_mb: int
    environment: dict[str, str]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuthorizerSpec:
    """An HttpApi Lambda authorizer: the function it runs and how API Gateway talks to it."""

    name: str
    function: str
    payload_version: str
    simple_responses: bool
    identity_headers: tuple[str, ...]
    identity_query: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """The parsed template and what the local tools read from it."""

    path: Path
    document: dict[str, Any]
    functions: dict[str, FunctionSpec]
    routes: list[Route]
    parameters: dict[str, str] = field(default_factory=dict)
    resources: ResourceValues = field(default_factory=dict)

    def resolve(self, value: Any) -> str | None:
        """A scalar property value with this template's parameters and local resource values applied."""
        return resolve_value(value, self.parameters, self.resources)

    def function(self, name: str) -> FunctionSpec:
        """A function by its folder name (``health``) or logical id (``HealthFunction``)."""
        for spec in self.functions.values():
            if name in (spec.name, spec.logical_id):
                return spec
        known = ", ".join(sorted(s.name for s in self.functions.values()))
        raise KeyError(f"no function {name!r} in {self.path.name} (known: {known})")

    def authorizer_for(self, route: Route) -> AuthorizerSpec | None:
        """The Lambda authorizer API Gateway runs before ``route``: its own, else its API's default, else none."""
        props = self.function(route.function).events[route.event].get("Properties") or {}
        name = _authorizer_name(self.document, props)
        if name is None:
            return None
        auth = _http_api_properties(self.document, props.get("ApiId")).get("Auth") or {}
        definition = (auth.get("Authorizers") or {}).get(name)
        if not isinstance(definition, dict):
            raise ValueError(f"route {route.key} names authorizer {name!r}, which its HttpApi does not define")
        target = _function_named_by(definition.get("FunctionArn"))
        if target not in self.functions:
            raise ValueError(f"authorizer {name!r} is not a Lambda authorizer on a function of this template "
                             "(JWT authorizers are not emulated locally)")
        identity = definition.get("Identity") or {}
        return AuthorizerSpec(
            name=name,
            function=self.functions[target].name,
            payload_version=str(definition.get("AuthorizerPayloadFormatVersion", "2.0")),
            simple_responses=bool(definition.get("EnableSimpleResponses", False)),
            identity_headers=tuple(str(h) for h in identity.get("Headers") or ()),
            identity_query=tuple(str(q) for q in identity.get("QueryStrings") or ()),
        )

    def layer_dirs(self, spec: FunctionSpec) -> tuple[Path, ...]:
        """Content folders of the template's own layers ``spec`` uses (Globals' layers, or the function's)."""
        props = (self.document["Resources"].get(spec.logical_id) or {}).get("Properties") or {}
        globals_ = ((self.document.get("Globals") or {}).get("Function")) or {}
        dirs = []
        for layer in props.get("Layers", globals_.get("Layers")) or ():
            resource = self.document["Resources"].get(layer.get("Ref")) if isinstance(layer, dict) else None
            if resource and resource.get("Type") == "AWS::Serverless::LayerVersion":
                dirs.append((self.path.resolve().parent / str(resource["Properties"]["ContentUri"])).resolve())
        return tuple(dirs)


def _http_api_properties(document: dict[str, Any], api_id: Any) -> dict[str, Any]:
    """Properties of the HttpApi an event names (``ApiId: !Ref X``), over ``Globals.HttpApi``; SAM's implicit
    API when the event names none."""
    globals_ = ((document.get("Globals") or {}).get("HttpApi")) or {}
    name = api_id.get("Ref") if isinstance(api_id, dict) else None
    resource = (document["Resources"].get(name) or {}) if name else {}
    return {**globals_, **(resource.get("Properties") or {})}


def load_document(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open() as handle:
        document = yaml.load(handle, Loader=_CfnLoader)  # a SafeLoader subclass
    if not isinstance(document, dict) or "Resources" not in document:
        raise ValueError(f"{path} is not a SAM template")
    return document


def parameter_values(document: dict[str, Any], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Parameter defaults with ``overrides`` applied."""
    values = {name: str(spec.get("Default", "")) for name, spec in (document.get("Parameters") or {}).items()}
    values.update(overrides or {})
    return values


def resolve_value(value: Any, parameters: Mapping[str, str], resources: ResourceValues | None = None) -> str | None:
    """A scalar property value; ``None`` when it cannot be resolved locally (or is AWS::NoValue).

    ``!Ref`` names a parameter or a resource of ``resources``; ``!GetAtt`` and ``${Name.Attribute}`` in ``!Sub``
    read an attribute of a resource of ``resources``.
    """
    resources = resources or {}

    def reference(name: str) -> str | None:
        logical_id, _, attribute = name.partition(".")
        if attribute:
            return (resources.get(logical_id) or {}).get(attribute)
        return parameters.get(name, (resources.get(name) or {}).get("Ref"))

    if isinstance(value, (str, int, float, bool)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dict) and "Ref" in value:
        return reference(str(value["Ref"]))
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list):
        return reference(".".join(str(part) for part in value["Fn::GetAtt"]))
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        return _SUB_VARIABLE.sub(lambda m: reference(m.group(1)) or m.group(0), value["Fn::Sub"])
    return None


def references(value: Any) -> list[str]:
    """The logical ids (or parameters) a property value refers to: ``!Ref X``, ``!GetAtt X.Attr``, ``${X}``."""
    if not isinstance(value, dict):
        return []
    if "Ref" in value:
        return [str(value["Ref"])]
    if isinstance(value.get("Fn::GetAtt"), list):
        return [str(value["Fn::GetAtt"][0])]
    if isinstance(value.get("Fn::Sub"), str):
        return [name.split(".")[0] for name in _SUB_VARIABLE.findall(value["Fn::Sub"])]
    return []


def _function_spec(logical_id: str, props: dict[str, Any], globals_: dict[str, Any],
                   parameters: dict[str, str], resources: ResourceValues, root: Path) -> FunctionSpec:
    merged_env: dict[str, Any] = {
        **((globals_.get("Environment") or {}).get("Variables") or {}),
        **((props.get("Environment") or {}).get("Variables") or {}),
    }
    environment = {k: v for k, raw in merged_env.items()
                   if (v := resolve_value(raw, parameters, resources)) is not None}
    code_dir = (root / str(props.get("CodeUri", ""))).resolve()
    return FunctionSpec(
        logical_id=logical_id,
        name=code_dir.name,
        code_dir=code_dir,
        handler=str(props.get("Handler", "app.handler")),
        timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
        memory_mb=int(props.get("MemorySize", globals_.get("MemorySize", 128))),
        environment=environment,
        events=dict(props.get("Events") or {}),
    )


def _function_named_by(arn: Any) -> str | None:
    """The logical id of the function an authorizer's ``FunctionArn`` names: ``!GetAtt F.Arn``, or ``!Ref F.Alias``
    (SAM's reference to the alias ``AutoPublishAlias`` keeps on the published version)."""
    if not isinstance(arn, dict):
        return None
    if isinstance(arn.get("Fn::GetAtt"), list):
        return str(arn["Fn::GetAtt"][0])
    ref = arn.get("Ref")
    return ref.removesuffix(".Alias") if isinstance(ref, str) and ref.endswith(".Alias") else None


def _authorizer_name(document: dict[str, Any], props: dict[str, Any]) -> str | None:
    """The authorizer an HttpApi event runs behind: its own, else its API's default; None for none or NONE."""
    default = ((_http_api_properties(document, props.get("ApiId")).get("Auth")) or {}).get("DefaultAuthorizer")
    name = (props.get("Auth") or {}).get("Authorizer", default)
    return None if name in (None, "NONE") else str(name)


def _routes(spec: FunctionSpec, document: dict[str, Any]) -> list[Route]:
    routes = []
    for event_name, event in spec.events.items():
        if event.get("Type") != "HttpApi":
            continue
        props = event.get("Properties") or {}
        routes.append(Route(
            method=str(props.get("Method", "ANY")).upper(),
            path=str(props.get("Path", "/")),
            function=spec.name,
            event=event_name,
            auth=_authorizer_name(document, props) is not None,
        ))
    return routes


def parse_template(path: Path = TEMPLATE_PATH, *, parameters: dict[str, str] | None = None,
                   resources: LocalResources | None = None) -> Template:
    """Parse ``path``; ``parameters`` override the template's parameter defaults, and ``resources`` gives the
    local values of the template's own resources (the local stack's queues), so that ``!Ref Queue`` resolves."""
    document = load_document(path)
    values = parameter_values(document, parameters)
    local = resources(document, values) if resources is not None else {}
    globals_ = ((document.get("Globals") or {}).get("Function")) or {}
    root = path.resolve().parent
    functions = {
        logical_id: _function_spec(logical_id, resource.get("Properties") or {}, globals_, values, local, root)
        for logical_id, resource in document["Resources"].items()
        if resource.get("Type") == "AWS::Serverless::Function"
    }
    routes = [route for spec in functions.values() for route in _routes(spec, document)]
    return Template(path=path, document=document, functions=functions, routes=routes, parameters=values,
                    resources=local)


@lru_cache(maxsize=1)
def project_template() -> Template:
    """The project's own template.yaml, parsed once."""
    return parse_template(PROJECT_ROOT / "template.yaml")
