"""The caller's identity, as the template's Lambda authorizer put it in the request context.

Admin routes live on routers built with ``route_class=RoleCheckedRoute``: FastAPI decodes a JSON body before
it runs any dependency, so without it a caller lacking the role would learn about its malformed body (400)
instead of being refused (403). ``create_app`` refuses an admin route on any other router.

Ownership: the owner of a job, a manual analysis or a job's analyses is the API key that created it (its id,
stored as ``jobs.owner_key_id`` and ``analyses.created_by``). A sourcer key reads and changes only what it owns;
an admin key reads and changes everything. There is no account above keys: a second key for the same person
is a second owner, and a revoked key's rows stay visible to admins only.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from arbvault.exceptions import ForbiddenError, UnauthorizedError

Role = Literal["admin", "sourcer"]
ROLES: tuple[Role, ...] = ("admin", "sourcer")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling: the API key's id, name and role."""

    key_id: str
    key_name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def owner_scope(self) -> str | None:
        """Whose rows this caller may see: its own key id, or ``None`` (every owner) for an admin key."""
        return None if self.is_admin else self.key_id


def authorizer_context(request: Request) -> dict[str, object]:
    """The ``requestContext.authorizer.lambda`` map of the API Gateway event behind ``request``."""
    event = request.scope.get("aws.event") or {}
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    context = authorizer.get("lambda") or {}
    return context if isinstance(context, dict) else {}


def current_identity(request: Request) -> Identity:
    """The identity the authorizer established; 401 when the event carries none."""
    context = authorizer_context(request)
    key_id, role = context.get("key_id"), context.get("role")
    if not key_id or role not in ROLES:
        raise UnauthorizedError("missing or invalid API key")
    return Identity(key_id=str(key_id), key_name=str(context.get("key_name") or ""), role=role)


def require_admin(identity: Annotated[Identity, Depends(current_identity)]) -> Identity:
    """The identity, if its role is admin; 403 otherwise."""
    if not identity.is_admin:
        raise ForbiddenError("this action needs the admin role")
    return identity


CurrentIdentity = Annotated[Identity, Depends(current_identity)]
AdminIdentity = Annotated[Identity, Depends(require_admin)]


def requires_admin(dependant: Dependant) -> bool:
    """Whether ``dependant`` (a route's, or one of its dependencies') needs the admin role."""
    return any(sub.call is require_admin or requires_admin(sub) for sub in dependant.dependencies)


class RoleCheckedRoute(APIRoute):
    """A route that refuses a caller lacking its role before it reads the body or validates any parameter."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not requires_admin(self.dependant):
            return handler

        async def role_checked(request: Request) -> Response:
            require_admin(current_identity(request))
            return await handler(request)

        return role_checked
