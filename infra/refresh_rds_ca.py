"""Write Amazon RDS's root certificates to shared/arbvault/certs/rds-ca-bundle.pem.

Usage: ``python -m infra.refresh_rds_ca SOURCE.pem`` with Amazon's global bundle
(https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem) or any PEM file holding the RDS roots. Keeps the
self-signed ``Amazon RDS`` roots that are valid today, each checked against its own signature, sorted by subject so
a refresh diffs cleanly; intermediates and expired roots are dropped.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

BUNDLE = Path(__file__).resolve().parents[1] / "shared" / "arbvault" / "certs" / "rds-ca-bundle.pem"


def rds_roots(pem: bytes, now: dt.datetime) -> list[x509.Certificate]:
    """The valid, self-signed Amazon RDS root certificates in ``pem``, sorted by subject."""
    roots = [
        cert for cert in x509.load_pem_x509_certificates(pem)
        if cert.subject == cert.issuer
        and "Amazon RDS" in cert.subject.rfc4514_string()
        and cert.not_valid_before_utc <= now < cert.not_valid_after_utc
    ]
    for cert in roots:
        cert.verify_directly_issued_by(cert)  # raises unless the signature is the root's own
    return sorted(roots, key=lambda cert: cert.subject.rfc4514_string())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    roots = rds_roots(Path(argv[0]).read_bytes(), dt.datetime.now(dt.UTC))
    BUNDLE.write_bytes(b"".join(cert.public_bytes(Encoding.PEM) for cert in roots))
    print(f"{len(roots)} Amazon RDS root certificates written to {BUNDLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
