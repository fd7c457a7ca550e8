"""TLS to PostgreSQL for every sslmode, against a throwaway TLS server (its own CA) and the run's plain server.

The TLS server's certificate names only 127.0.0.1: ``verify-full`` must succeed for ``127.0.0.1`` and fail for
``localhost``, which proves the real host name is checked. Whether a connection is encrypted is asked of the
server (``pg_stat_ssl``), not of the client.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError

from arbvault import db
from arbvault.exceptions import ConfigurationError
from arbvault.settings import reset_settings
from tcp_proxy import tcp_proxy
from tls_postgres import TlsServer, binaries, tls_server

ENV_NAMES = ("STAGE", "DB_SSLMODE", "DB_SSL_ROOT_CERT")


@pytest.fixture(scope="module")
def server() -> Iterator[TlsServer]:
    bin_dir = binaries()
    if bin_dir is None:
        pytest.skip("no system PostgreSQL binaries (/usr/lib/postgresql/*/bin) to run a TLS server with")
    with tls_server(bin_dir) as running:
        yield running


SetEnv = Callable[..., None]


@pytest.fixture(autouse=True)
def set_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[SetEnv]:
    """The TLS variables unset for each test (the local stage's defaults); the setter sets some (named in lower
    case), pytest restores them after the test."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    reset_settings()

    def set_values(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name.upper(), value)
        reset_settings()

    yield set_values
    reset_settings()


def _encrypted(url: str) -> bool:
    """Connect through the runtime's engine and ask the server whether this connection uses TLS."""
    engine = db.build_engine(url, pool="null")
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar())
    finally:
        engine.dispose()


def _url(server: TlsServer, *, host: str = "127.0.0.1", **query: object) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"postgresql://postgres@{host}:{server.port}/postgres" + (f"?{params}" if params else "")


@pytest.mark.parametrize(("mode", "encrypted"), [
    ("disable", False), ("allow", True), ("prefer", True), ("require", True), ("verify-ca", True),
    ("verify-full", True),
])
def test_each_sslmode_against_a_tls_server(server: TlsServer, mode: str, encrypted: bool) -> None:
    assert _encrypted(_url(server, sslmode=mode, sslrootcert=server.ca_file)) is encrypted


def test_verify_full_checks_the_host_connected_to(server: TlsServer) -> None:
    # The certificate names 127.0.0.1 only: the same server reached as "localhost" must be refused.
    with pytest.raises(ssl.SSLCertVerificationError, match=r"(?i)hostname|IP address mismatch|match"):
        _encrypted(_url(server, host="localhost", sslmode="verify-full", sslrootcert=server.ca_file))
    # verify-ca does not look at the name
    assert _encrypted(_url(server, host="localhost", sslmode="verify-ca", sslrootcert=server.ca_file))


@pytest.mark.parametrize("mode", ["verify-ca", "verify-full"])
def test_a_certificate_from_another_ca_is_refused(server: TlsServer, mode: str) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        _encrypted(_url(server, sslmode=mode, sslrootcert=server.other_ca_file))
    # require encrypts without checking who signed
    assert _encrypted(_url(server, sslmode="require", sslrootcert=server.other_ca_file))


def test_a_plain_server_serves_prefer_in_plain_text_and_refuses_require(database_url: str) -> None:
    with tcp_proxy(database_url) as proxy:
        plain = proxy.url_for(database_url)
        assert _encrypted(plain + ("&" if "?" in plain else "?") + "sslmode=prefer") is False
        for mode in ("require", "verify-full"):
            with pytest.raises(InterfaceError, match="refuses SSL"):
                _encrypted(plain + ("&" if "?" in plain else "?") + f"sslmode={mode}")


def test_deployed_stages_default_to_verify_full_with_a_ca_bundle(server: TlsServer, set_env: SetEnv) -> None:
    set_env(stage="prod", db_ssl_root_cert=str(server.ca_file))
    assert _encrypted(_url(server))
    with pytest.raises(ssl.SSLCertVerificationError):  # verify-full: the name is checked
        _encrypted(_url(server, host="localhost"))


def test_deployed_stages_default_to_require_without_one(server: TlsServer, database_url: str, set_env: SetEnv) -> None:
    set_env(stage="dev")
    assert _encrypted(_url(server))
    with tcp_proxy(database_url) as proxy, pytest.raises(InterfaceError, match="refuses SSL"):
        _encrypted(proxy.url_for(database_url))


def test_db_sslmode_sets_the_mode_and_the_url_overrides_it(server: TlsServer, set_env: SetEnv) -> None:
    set_env(stage="prod", db_sslmode="disable")
    assert _encrypted(_url(server)) is False
    assert _encrypted(_url(server, sslmode="require"))


def test_a_url_built_from_the_secret_uses_tls_on_a_deployed_stage(server: TlsServer, set_env: SetEnv) -> None:
    set_env(stage="prod", db_ssl_root_cert=str(server.ca_file))
    url = db.url_from_secret({"host": "127.0.0.1", "port": server.port, "username": "postgres", "password": "x",
                              "dbname": "postgres"})
    assert "sslmode" not in url
    assert _encrypted(url)


def test_an_unknown_sslmode_or_unreadable_bundle_is_a_configuration_error(server: TlsServer) -> None:
    with pytest.raises(ConfigurationError, match="sslmode must be one of"):
        _encrypted(_url(server, sslmode="verify-everything"))
    with pytest.raises(ConfigurationError, match="cannot be loaded"):
        _encrypted(_url(server, sslmode="verify-full", sslrootcert="/nonexistent/bundle.pem"))
