"""The Keepa key from a Secrets Manager secret (moto), plain or JSON, through the shared client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from arbvault.exceptions import ConfigurationError
from arbvault.keepa.client import get_keepa_client, key_from_secret, reset_keepa_client
from arbvault.keepa.exceptions import KeepaUnavailableError
from arbvault.settings import reset_settings
from infra.keepa_offline import OfflineKeepa

SECRET_KEY = "k" * 64


@pytest.fixture
def secrets(keepa_env: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineKeepa]:
    """Settings with no KEEPA_API_KEY, a moto Secrets Manager, and a server that accepts only SECRET_KEY."""
    for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KEEPA_API_KEY")
    previous_key = keepa_env.key
    keepa_env.key = SECRET_KEY
    parameters.clear_caches()
    with mock_aws():
        yield keepa_env
    keepa_env.key = previous_key
    parameters.clear_caches()


def _use_secret(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="keepa", SecretString=value)["ARN"]
    monkeypatch.setenv("KEEPA_SECRET_ARN", arn)
    reset_settings()
    reset_keepa_client()


@pytest.mark.parametrize("value", [SECRET_KEY, json.dumps({"api_key": SECRET_KEY}), f"  {SECRET_KEY}\n"])
def test_key_comes_from_the_secret(secrets: OfflineKeepa, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    _use_secret(monkeypatch, value)
    assert get_keepa_client().token_status().refill_rate == 20  # the server accepts only SECRET_KEY
    assert secrets.requests[-1].status == 200


def test_secret_without_a_key_is_a_configuration_error(secrets: OfflineKeepa,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _use_secret(monkeypatch, json.dumps({"user": "x"}))
    with pytest.raises(ConfigurationError, match="holds no key"):
        get_keepa_client().token_status()


def test_missing_secret_is_unavailable(secrets: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEEPA_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:absent-AbCdEf")
    reset_settings()
    reset_keepa_client()
    with pytest.raises(KeepaUnavailableError, match="secret could not be read"):
        get_keepa_client().token_status()


@pytest.mark.parametrize(
    ("secret", "key"),
    [("abc", "abc"), (b"abc", "abc"), ('{"api_key": "abc"}', "abc"), ({"api_key": " abc "}, "abc")],
)
def test_key_from_secret_forms(secret: object, key: str) -> None:
    assert key_from_secret(secret) == key  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", ["", "{not json", '{"api_key": ""}', None, {"api_key": 5}])
def test_key_from_secret_rejects(secret: object) -> None:
    with pytest.raises(ConfigurationError):
        key_from_secret(secret)  # type: ignore[arg-type]
