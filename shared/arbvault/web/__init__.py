"""HTTP plumbing shared by every route-group function: app factory, error envelope, identity, pagination."""

from arbvault.web.app import create_app, create_handler
from arbvault.web.errors import STATUS_BY_ERROR, error_response
from arbvault.web.headers import IdempotencyKey
from arbvault.web.identity import AdminIdentity, CurrentIdentity, Identity, RoleCheckedRoute
from arbvault.web.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from arbvault.web.schema_types import PRICE_MAX, DecimalNumber, PriceIn

__all__ = [
    "PRICE_MAX",
    "STATUS_BY_ERROR",
    "AdminIdentity",
    "CurrentIdentity",
    "Cursor",
    "DecimalNumber",
    "IdempotencyKey",
    "Identity",
    "Limit",
    "Page",
    "PriceIn",
    "RoleCheckedRoute",
    "create_app",
    "create_handler",
    "decode_cursor",
    "encode_cursor",
    "error_response",
]
