"""Where the Keepa access key comes from: ``KEEPA_API_KEY``, else the Secrets Manager secret ``KEEPA_SECRET_ARN``.

The secret may hold the key as a plain string or as JSON ``{"api_key": "..."}``. It is read through
Powertools Parameters, which caches it for ``SECRET_CACHE_SECONDS``; boto3 is imported only on that path.
The key is never logged and never put into an error message.
"""

from __future__ import annotations

import json

from arbvault.exceptions import ConfigurationError
from arbvault.keepa.exceptions import KeepaUnavailableError
from arbvault.settings import Settings, get_settings


def key_from_secret(secret: str | bytes | dict[str, object] | None) -> str:
    """The access key inside a secret value (plain string, JSON text, or an already-decoded mapping)."""
    value: object = secret.decode() if isinstance(secret, bytes) else secret
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ConfigurationError("the Keepa secret is neither a key nor valid JSON") from exc
    if isinstance(value, dict):
        value = value.get("api_key")
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError('the Keepa secret holds no key (expected a string or {"api_key": ...})')
    return value.strip()


def resolve_api_key(settings: Settings | None = None) -> str:
    """The access key to send; raises ``ConfigurationError`` when neither source is set."""
    settings = settings or get_settings()
    if settings.keepa_api_key:
        return settings.keepa_api_key
    if not settings.keepa_secret_arn:
        raise ConfigurationError("Keepa is not configured: set KEEPA_API_KEY or KEEPA_SECRET_ARN")
    from aws_lambda_powertools.utilities import parameters  # deferred: pulls in boto3

    try:
        secret = parameters.get_secret(settings.keepa_secret_arn, max_age=settings.secret_cache_seconds)
    except parameters.GetParameterError as exc:
        raise KeepaUnavailableError("the Keepa secret could not be read") from exc
    return key_from_secret(secret)
