"""How the local stack and its functions reach the local AWS endpoint: dummy credentials, never real ones.

Functions get the endpoint through boto3's own ``AWS_ENDPOINT_URL_SQS`` (only SQS goes there), credentials
like the ones Lambda hands every function, and the stack's region. The stack's own clients are built with the
same values passed explicitly, so a developer's AWS profile or shell variables can never point them at AWS.
"""

from __future__ import annotations

from typing import Any

from infra.local.function_env import local_region

# The account of every emulated ARN (HTTP API events and Lambda contexts use it too).
LOCAL_ACCOUNT_ID = "000000000000"
# moto accepts any credentials; these only have to look like credentials.
ACCESS_KEY_ID = "local-stack-access-key"
SECRET_ACCESS_KEY = "local-stack-secret"  # not a secret: the local endpoint accepts anything
SESSION_TOKEN = "local-stack-session"


def function_environment(endpoint: str) -> dict[str, str]:
    """What every function needs to use the local SQS endpoint."""
    return {
        "AWS_ENDPOINT_URL_SQS": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN,
    }


def sqs_client(endpoint: str, *, connections: int = 10) -> Any:
    """A boto3 SQS client for ``endpoint``; ``connections`` bounds its concurrent requests (long polls)."""
    import boto3
    from botocore.config import Config

    config = Config(max_pool_connections=connections, retries={"max_attempts": 2, "mode": "standard"},
                    # Above SQS's longest long poll (20 s), so a long poll is never cut short by the client.
                    read_timeout=30, connect_timeout=5)
    return boto3.client(
        "sqs", endpoint_url=endpoint, region_name=local_region(), aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY, aws_session_token=SESSION_TOKEN, config=config)
