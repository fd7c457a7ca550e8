"""API keys: issue them (shown once, stored as a SHA-256 digest), authenticate requests, list and revoke them.

>>> row, key = create_api_key(session, name="laptop", role="sourcer")
>>> authenticate(session, key).id == row.id
True
"""

from arbvault.auth.credentials import key_from_headers
from arbvault.auth.exceptions import (
    ApiKeyNotFoundError,
    CredentialError,
    CredentialProblem,
    InvalidKeyFieldError,
    LastAdminKeyError,
)
from arbvault.auth.keys import KEY_PREFIX, display_prefix, generate_key, hash_key, is_well_formed
from arbvault.auth.store import (
    LAST_USED_RESOLUTION,
    ApiKeyPage,
    authenticate,
    create_api_key,
    get_api_key,
    list_api_keys,
    revoke_api_key,
)
from arbvault.auth.validation import DEFAULT_ROLE, NAME_MAX_LENGTH, ROLES, Role, check_role, normalise_name

__all__ = [
    "DEFAULT_ROLE",
    "KEY_PREFIX",
    "LAST_USED_RESOLUTION",
    "NAME_MAX_LENGTH",
    "ROLES",
    "ApiKeyNotFoundError",
    "ApiKeyPage",
    "CredentialError",
    "CredentialProblem",
    "InvalidKeyFieldError",
    "LastAdminKeyError",
    "Role",
    "authenticate",
    "check_role",
    "create_api_key",
    "display_prefix",
    "generate_key",
    "get_api_key",
    "hash_key",
    "is_well_formed",
    "key_from_headers",
    "list_api_keys",
    "normalise_name",
    "revoke_api_key",
]
