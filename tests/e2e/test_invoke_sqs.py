"""`arbvault invoke` with SQS events: the function's partial batch response on stdout, and the same services as
`arbvault local` around it (local queues behind ``!Ref Queue`` variables, the offline Keepa server)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from event_project import read_log, sqs_template, write_project

from infra.local.aws import LOCAL_ACCOUNT_ID
from infra.paths import PROJECT_ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("invoke-project"), sqs_template())


def _invoke(database_url: str, home: Path, template: Path, function: str, event: Any,
            *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    path = home / "event.json"
    path.write_text(json.dumps(event))
    environment = {**os.environ, "DATABASE_URL": database_url, "ARBVAULT_HOME": str(home), **(env or {})}
    return subprocess.run([sys.executable, "-m", "infra.cli", "invoke", function, "--event", str(path),
                           "--template", str(template), *args], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def _sqs_event(*bodies: str) -> dict[str, Any]:
    """An SQS event as Lambda delivers it (the shape of `sam local generate-event sqs receive-message`)."""
    return {"Records": [{
        "messageId": str(uuid.uuid4()), "receiptHandle": f"AQEB{uuid.uuid4().hex}", "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000",
                       "SenderId": "AIDAIENQZJOLO23YVJ4VO", "ApproximateFirstReceiveTimestamp": "1767225600001"},
        "messageAttributes": {}, "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:us-east-1:{LOCAL_ACCOUNT_ID}:probe-e2e",
        "awsRegion": "us-east-1",
    } for body in bodies]}


def test_invoke_prints_the_partial_batch_response(database_url: str, tmp_path: Path, project: Path) -> None:
    event = _sqs_event("ok-1", "fail-2", "ok-3")
    log = tmp_path / "probe.log"
    done = _invoke(database_url, tmp_path, project, "sqs_probe", event, "--env", f"PROBE_LOG={log}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
    assert [r["body"] for r in read_log(log)[0]["records"]] == ["ok-1", "fail-2", "ok-3"]


def test_invoke_gives_the_function_its_local_queue(database_url: str, tmp_path: Path, project: Path) -> None:
    log = tmp_path / "probe.log"
    # The probe sends to PROBE_QUEUE_URL (!Ref EchoQueue) with a plain boto3 client: it only succeeds if the
    # queue exists behind the endpoint and credentials the function was given.
    done = _invoke(database_url, tmp_path, project, "sqs_probe", _sqs_event("send:from-invoke"),
                   "--env", f"PROBE_LOG={log}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"batchItemFailures": []}


def test_invoke_gives_the_function_the_offline_keepa(database_url: str, tmp_path: Path, project: Path) -> None:
    done = _invoke(database_url, tmp_path, project, "keepa_env", {"ask": True}, env={"KEEPA_API_KEY": ""})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["env"]["KEEPA_BASE_URL"].startswith("http://127.0.0.1:")
    assert seen["env"]["KEEPA_API_KEY"]
    assert seen["token"]["tokensLeft"] == 1_000_000  # `arbvault local`'s generous default budget
    endpoint = seen["env"]["AWS_ENDPOINT_URL_SQS"]
    assert seen["env"]["PROBE_QUEUE_URL"] == f"{endpoint}/{LOCAL_ACCOUNT_ID}/EchoQueue"


def test_invoke_hands_a_real_key_through_without_printing_it(database_url: str, tmp_path: Path,
                                                               project: Path) -> None:
    secret = "kp-e2e-invoke-not-real-0815"
    done = _invoke(database_url, tmp_path, project, "keepa_env", {}, env={"KEEPA_API_KEY": secret})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)["env"]
    assert seen["KEEPA_API_KEY"] == secret and seen["KEEPA_BASE_URL"] is None  # the mini template sets no URL
    assert secret not in done.stderr
