"""Which sslmode and CA bundle a database connection uses: the URL, then DB_SSLMODE, then the stage's default."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import pytest

from arbvault.db_tls import RDS_CA_BUNDLE, TlsPolicy, tls_policy
from arbvault.exceptions import ConfigurationError
from arbvault.settings import Settings, get_settings, reset_settings

NAMES = ("STAGE", "DB_SSLMODE", "DB_SSL_ROOT_CERT")


@pytest.fixture
def settings_with(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Settings]]:
    """Settings with only the given TLS variables set (named in lower case); pytest restores them after."""
    def build(**values: str) -> Settings:
        for name in NAMES:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name.upper(), value)
        reset_settings()
        return get_settings()

    yield build
    reset_settings()


@pytest.mark.parametrize(("env", "query", "expected"), [
    ({}, {}, TlsPolicy("prefer")),
    ({"stage": "dev"}, {}, TlsPolicy("require")),
    ({"stage": "prod", "db_ssl_root_cert": "/ca.pem"}, {}, TlsPolicy("verify-full", "/ca.pem")),
    ({"stage": "prod", "db_sslmode": "verify-ca"}, {}, TlsPolicy("verify-ca")),
    ({"stage": "prod", "db_sslmode": "verify-ca"}, {"sslmode": "disable"}, TlsPolicy("disable")),
    ({"stage": "prod", "db_ssl_root_cert": "/ca.pem"}, {"sslrootcert": "/mine.pem"},
     TlsPolicy("verify-full", "/mine.pem")),
    ({}, {"sslmode": ("disable", "require")}, TlsPolicy("require")),  # a repeated parameter: the last counts
])
def test_the_url_wins_then_db_sslmode_then_the_stage_default(settings_with: Callable[..., Settings],
                                                            env: dict[str, str],
                                                            query: dict[str, object], expected: TlsPolicy) -> None:
    assert tls_policy(query, settings_with(**env)) == expected


RDS_HOST = "arbvault.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com"
PROXY_HOST = "arbvault.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"


@pytest.mark.parametrize(("env", "query", "host", "expected"), [
    ({"stage": "prod"}, {}, RDS_HOST, TlsPolicy("verify-full", RDS_CA_BUNDLE)),
    ({"stage": "prod"}, {}, RDS_HOST.upper() + ".", TlsPolicy("verify-full", RDS_CA_BUNDLE)),
    ({"stage": "prod"}, {}, PROXY_HOST, TlsPolicy("verify-full")),  # an ACM certificate: the system's CAs
    ({"stage": "prod"}, {}, "db.example.internal", TlsPolicy("require")),
    ({"stage": "prod"}, {}, "rds.amazonaws.com.example.net", TlsPolicy("require")),
    ({}, {}, RDS_HOST, TlsPolicy("prefer")),  # the local stage never assumes RDS
    ({"stage": "prod", "db_ssl_root_cert": "/ca.pem"}, {}, RDS_HOST, TlsPolicy("verify-full", "/ca.pem")),
    ({"stage": "prod"}, {"sslmode": "require"}, RDS_HOST, TlsPolicy("require", RDS_CA_BUNDLE)),
])
def test_a_deployed_rds_host_is_verified_in_full(settings_with: Callable[..., Settings],
                                                 env: dict[str, str], query: dict[str, object], host: str,
                                                 expected: TlsPolicy) -> None:
    assert tls_policy(query, settings_with(**env), host) == expected


def test_unknown_mode_is_a_configuration_error(settings_with: Callable[..., Settings]) -> None:
    with pytest.raises(ConfigurationError, match="sslmode must be one of"):
        tls_policy({"sslmode": "on"}, settings_with())


def test_contexts_per_mode() -> None:
    assert TlsPolicy("disable").ssl_context() is False
    assert TlsPolicy("prefer").ssl_context() is None and TlsPolicy("allow").ssl_context() is None
    required = TlsPolicy("require").ssl_context()
    assert isinstance(required, ssl.SSLContext) and required.verify_mode == ssl.CERT_NONE
    verify_ca = TlsPolicy("verify-ca").ssl_context()
    assert isinstance(verify_ca, ssl.SSLContext)
    assert verify_ca.verify_mode == ssl.CERT_REQUIRED and not verify_ca.check_hostname
    full = TlsPolicy("verify-full").ssl_context()
    assert isinstance(full, ssl.SSLContext) and full.verify_mode == ssl.CERT_REQUIRED and full.check_hostname
