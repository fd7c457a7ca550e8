"""A throwaway PostgreSQL with TLS on 127.0.0.1, its certificate signed by a throwaway CA made here.

The server runs from the system's PostgreSQL binaries (Debian's ``/usr/lib/postgresql/<version>/bin``, built
with OpenSSL; the embedded pgserver wheel is built without it), as the ``postgres`` system user when the tests
run as root, since PostgreSQL refuses to run as root. The server certificate names only the IP address
127.0.0.1, so ``verify-full`` succeeds for ``127.0.0.1`` and fails for ``localhost``.
"""

from __future__ import annotations

import datetime
import glob
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SERVER_USER = "postgres"


@dataclass(frozen=True, slots=True)
class TlsServer:
    """A running server: its port, the CA that signed its certificate, and another CA that did not."""

    port: int
    ca_file: Path
    other_ca_file: Path


def binaries() -> Path | None:
    """The newest system PostgreSQL ``bin`` folder, or ``None`` when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda path: int(path.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, *, issuer: str, issuer_key: ec.EllipticCurvePrivateKey,
                 ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_pki(folder: Path) -> tuple[Path, Path]:
    """A CA, a server certificate it signs, and an unrelated CA; returns the two CA files."""
    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("arbvault test CA", ca_key, issuer="arbvault test CA", issuer_key=ca_key, ca=True)
    other = _certificate("another CA", other_key, issuer="another CA", issuer_key=other_key, ca=True)
    server = _certificate("arbvault test server", server_key, issuer="arbvault test CA", issuer_key=ca_key, ca=False)
    (folder / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "other-ca.crt").write_bytes(other.public_bytes(serialization.Encoding.PEM))
    (folder / "server.crt").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(_pem(server_key))
    (folder / "server.key").chmod(0o600)
    return folder / "ca.crt", folder / "other-ca.crt"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def tls_server(bin_dir: Path) -> Iterator[TlsServer]:
    """Start a TLS-enabled server from ``bin_dir`` in a folder of its own; stop it and remove the folder after."""
    as_root = os.geteuid() == 0
    owner = pwd.getpwnam(SERVER_USER) if as_root else None
    folder = Path(tempfile.mkdtemp(prefix="arbvault-tls-pg-"))
    run_as = {"user": owner.pw_uid, "group": owner.pw_gid} if owner else {}
    try:
        ca_file, other_ca_file = _write_pki(folder)
        if owner:
            for path in (folder, *folder.iterdir()):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        data = folder / "data"
        subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True, **run_as)
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c ssl=on -c fsync=off"
                   f" -c ssl_cert_file={folder / 'server.crt'} -c ssl_key_file={folder / 'server.key'}")
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "30", "-l", str(folder / "log"),
                        "-o", options, "start"], check=True, capture_output=True, **run_as)
        try:
            yield TlsServer(port, ca_file, other_ca_file)
        finally:
            subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           check=False, capture_output=True, **run_as)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
