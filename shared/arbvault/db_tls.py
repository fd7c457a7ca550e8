"""TLS for database connections, with libpq's ``sslmode`` names.

Where the mode comes from, first match wins: the URL's ``sslmode``, ``DB_SSLMODE``, then a default: ``prefer``
on the ``local`` stage; elsewhere (a deployed stage) ``verify-full`` when a CA bundle is known and ``require``
when none is, so a deployed function never talks to its database in plain text unless told to.
The CA bundle is the URL's ``sslrootcert`` or ``DB_SSL_ROOT_CERT``. On a deployed stage an Amazon RDS host
needs neither: a DB instance or cluster (``*.rds.amazonaws.com``) is checked against Amazon's RDS root
certificates, which the layer ships (``certs/rds-ca-bundle.pem``); an RDS Proxy endpoint (``*.proxy-*``), whose
certificate comes from AWS Certificate Manager, against the system's trusted CAs, which hold Amazon's roots.
Without a bundle, ``verify-ca`` and ``verify-full`` check against the system's trusted CAs.

- ``disable``: plain text.
- ``allow``, ``prefer``: TLS when the server offers it (certificate not checked), plain text otherwise.
- ``require``: TLS or no connection; the certificate is not checked.
- ``verify-ca``: TLS with a certificate signed by a trusted CA, for any host name.
- ``verify-full``: as ``verify-ca``, and the certificate must name the host connected to.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from arbvault.exceptions import ConfigurationError
from arbvault.settings import Settings

SSL_MODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
LOCAL_STAGE: Final = "local"
RDS_CA_BUNDLE: Final = str(Path(__file__).with_name("certs") / "rds-ca-bundle.pem")
RDS_HOST_SUFFIXES: Final = (".rds.amazonaws.com", ".rds.amazonaws.com.cn")


@dataclass(frozen=True, slots=True)
class TlsPolicy:
    """How to secure one database connection: the sslmode and the CA bundle to verify against (``None``: the
    system's)."""

    mode: str
    root_cert: str | None = None

    def ssl_context(self) -> ssl.SSLContext | bool | None:
        """What pg8000 takes as ``ssl_context``: ``False`` for plain text, ``None`` to try TLS and fall back to plain
        text, or a context TLS must succeed with."""
        if self.mode == "disable":
            return False
        if self.mode in ("allow", "prefer"):
            return None
        if self.mode == "require":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        try:
            context = ssl.create_default_context(cafile=self.root_cert)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(f"the database CA bundle {self.root_cert} cannot be loaded: {exc}") from exc
        context.check_hostname = self.mode == "verify-full"
        return context


def tls_policy(query: Mapping[str, object], settings: Settings, host: str | None = None) -> TlsPolicy:
    """The TLS policy for a database URL on ``host`` with query parameters ``query`` under ``settings``; raises
    ``ConfigurationError`` for an sslmode libpq does not define."""
    rds = _rds_endpoint(settings.stage, host)
    root_cert = _text(query.get("sslrootcert")) or settings.db_ssl_root_cert or (
        RDS_CA_BUNDLE if rds == "database" else None)
    mode = _text(query.get("sslmode")) or settings.db_sslmode or _default_mode(settings.stage, root_cert, rds)
    if mode not in SSL_MODES:
        raise ConfigurationError(f"sslmode must be one of {', '.join(SSL_MODES)}, got {mode!r}")
    return TlsPolicy(mode, root_cert)


def _rds_endpoint(stage: str, host: str | None) -> Literal["database", "proxy"] | None:
    """Which kind of Amazon RDS endpoint ``host`` is on a deployed stage; ``None`` for other hosts and locally."""
    name = (host or "").lower().rstrip(".")
    if stage == LOCAL_STAGE or not name.endswith(RDS_HOST_SUFFIXES):
        return None
    labels = name.split(".")
    return "proxy" if len(labels) > 1 and labels[1].startswith("proxy-") else "database"


def _default_mode(stage: str, root_cert: str | None, rds: str | None) -> str:
    if stage == LOCAL_STAGE:
        return "prefer"
    return "verify-full" if root_cert or rds == "proxy" else "require"


def _text(value: object) -> str | None:
    # A URL's query value is a string, or a tuple of them when the parameter is repeated: the last one counts.
    if isinstance(value, tuple):
        value = value[-1] if value else None
    return (value.strip() or None) if isinstance(value, str) else None
