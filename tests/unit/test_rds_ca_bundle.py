"""The RDS CA bundle shipped in the layer: Amazon's valid, self-signed RDS roots, loadable by ssl."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from arbvault.db_tls import RDS_CA_BUNDLE
from infra.refresh_rds_ca import rds_roots

REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1")


def _certificates() -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(Path(RDS_CA_BUNDLE).read_bytes())


def test_every_certificate_is_a_self_signed_amazon_rds_root_valid_for_years() -> None:
    in_a_year = dt.datetime.now(dt.UTC) + dt.timedelta(days=365)
    certificates = _certificates()
    assert len(certificates) >= 80
    for cert in certificates:
        assert cert.subject == cert.issuer
        cert.verify_directly_issued_by(cert)
        assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "Amazon RDS"
        assert cert.not_valid_after_utc > in_a_year


def test_each_major_region_has_its_three_roots() -> None:
    names = {cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value for cert in _certificates()}
    for region in REGIONS:
        for kind in ("RSA2048", "RSA4096", "ECC384"):
            assert f"Amazon RDS {region} Root CA {kind} G1" in names


def test_ssl_loads_every_root_as_a_ca() -> None:
    context = ssl.create_default_context(cafile=RDS_CA_BUNDLE)
    assert context.cert_store_stats()["x509_ca"] == len(_certificates())


def test_the_refresh_keeps_the_valid_roots_sorted_and_drops_expired_ones() -> None:
    bundle = Path(RDS_CA_BUNDLE).read_bytes()
    roots = rds_roots(bundle, dt.datetime.now(dt.UTC))
    assert [cert.subject for cert in roots] == [cert.subject for cert in _certificates()]  # sorted, all kept
    assert rds_roots(bundle, dt.datetime(2200, 1, 1, tzinfo=dt.UTC)) == []  # all expired by then
