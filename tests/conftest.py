"""Fixtures every level shares: a database of the run's own and the state resets that make a test start as a
fresh deployment, API keys, the offline Keepa, the template's queues in moto, and the translated template.

Values and helpers the fixtures use live in uniquely named modules (``keepa_testing``, ``jobs_testing``,
``db_testing``): a name imported from "conftest" would resolve to whichever conftest pytest loaded first.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from arbvault.auth.store import create_api_key
from arbvault.db import reset_engine, session_scope
from arbvault.jobs.queue import reset_jobs_queue
from arbvault.keepa.client import KeepaClient, reset_keepa_client
from arbvault.models.api_key import ApiKey
from arbvault.settings import reset_settings
from db_testing import execute, recording_statements
from infra.embedded_pg import scratch_database, server_url
from infra.keepa_offline import OfflineKeepa
from infra.paths import TEMPLATE_PATH
from infra.template import load_document
from jobs_testing import REGION, JobQueues, create_template_queues
from keepa_testing import CLOCK, TEST_KEY, MakeKeepa, client_for
from support import MakeKey

K = TypeVar("K", bound=OfflineKeepa)
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


# ------------------------------------------------------------------------------------------------ database
@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A migrated database of this run's own (on DATABASE_URL's server, else the embedded one), dropped after."""
    from arbvault.migrations import upgrade

    url, _ = server_url()
    previous = os.environ.get("DATABASE_URL")
    with scratch_database(url) as scratch:
        os.environ["DATABASE_URL"] = scratch
        reset_settings()
        reset_engine()
        upgrade(scratch)
        try:
            yield scratch
        finally:
            reset_engine()
            if previous is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = previous
            reset_settings()


@pytest.fixture
def clean_catalog(database_url: str) -> None:
    """No Keepa-derived state (snapshots, misses, the stored token balance, discovery results, stock rows): the
    test meets Keepa as a fresh deployment would."""
    execute("TRUNCATE keepa_snapshots, keepa_misses, keepa_token_state, discovery_results, stock_estimates")


@pytest.fixture
def domain_id(database_url: str) -> Iterator[int]:
    """A Keepa domain with no rules of its own (the seed gives only domain 2 some), for a test to give it some;
    its scope row and audit rows are removed before and after."""
    domain = 12
    execute("DELETE FROM business_config WHERE scope = :scope", scope=f"domain:{domain}")
    yield domain
    execute("DELETE FROM business_config WHERE scope = :scope", scope=f"domain:{domain}")


@pytest.fixture
def clean_jobs(database_url: str) -> None:
    """No jobs, chunks, outbox rows, dead letters, job analyses, autosourcing runs or picks, saved niches."""
    execute("DELETE FROM analyses WHERE job_id IS NOT NULL")
    execute("TRUNCATE jobs, job_chunks, outbox, job_dead_letters, autosourcing_runs, autosourcing_picks, saved_niches")


@pytest.fixture
def unpooled(database_url: str) -> Iterator[None]:
    """The runtime engine without a pool (``DB_POOL=null``): each session has a connection of its own, as
    concurrent Lambda environments do, so concurrent work really meets in the database."""
    previous = os.environ.get("DB_POOL")
    os.environ["DB_POOL"] = "null"
    reset_settings()
    reset_engine()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DB_POOL", None)
        else:
            os.environ["DB_POOL"] = previous
        reset_settings()
        reset_engine()


@pytest.fixture
def statements(database_url: str) -> Iterator[list[str]]:
    """The SQL statements the runtime engine sends while the test runs."""
    with recording_statements() as seen:
        yield seen


@pytest.fixture
def make_key(database_url: str) -> MakeKey:
    """Create an API key through ``create_api_key``; returns the row and the plaintext key."""

    def make(name: str = "test key", role: str = "sourcer") -> tuple[ApiKey, str]:
        with session_scope() as session:
            return create_api_key(session, name=name, role=role)

    return make


# ------------------------------------------------------------------------------------------------ Keepa
@pytest.fixture(scope="session")
def offline_keepa() -> Iterator[OfflineKeepa]:
    """One offline Keepa for the session, with a balance no test exhausts."""
    with OfflineKeepa(tokens=10_000_000, clock=CLOCK) as keepa:
        yield keepa


@pytest.fixture
def keepa_client(offline_keepa: OfflineKeepa) -> Iterator[KeepaClient]:
    """A client of the test's own for the session's offline Keepa."""
    with client_for(offline_keepa) as client:
        yield client


def _point_settings_at(keepa: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings (and so the shared client) use ``keepa`` with the test key."""
    monkeypatch.setenv("KEEPA_BASE_URL", keepa.base_url)
    monkeypatch.setenv("KEEPA_API_KEY", TEST_KEY)
    monkeypatch.delenv("KEEPA_SECRET_ARN", raising=False)
    reset_settings()
    reset_keepa_client()


@pytest.fixture
def make_keepa(monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeKeepa]:
    """Start offline Keepas of the test's own (``kind`` and options as ``OfflineKeepa``, on the pinned clock), by
    default pointing the settings at the last one; all are stopped, and the settings restored, after the test."""
    started: list[OfflineKeepa] = []

    def make(kind: type[K] = OfflineKeepa, *, point_settings: bool = True, **options: Any) -> K:
        keepa = kind(clock=CLOCK, **options)
        keepa.start()
        started.append(keepa)
        if point_settings:
            _point_settings_at(keepa, monkeypatch)
        return keepa

    yield make
    reset_keepa_client()
    monkeypatch.undo()
    reset_settings()
    reset_engine()  # a test may have pointed DATABASE_URL elsewhere (a proxy) through the same monkeypatch
    for keepa in started:
        keepa.stop()


@pytest.fixture
def keepa(make_keepa: MakeKeepa) -> OfflineKeepa:
    """An offline Keepa of the test's own, the settings pointing at it, with a balance no test exhausts."""
    return make_keepa(tokens=1_000_000, refill_rate=1_000)


@pytest.fixture
def keepa_env(offline_keepa: OfflineKeepa, monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineKeepa]:
    """Settings pointing at the session's offline Keepa; the shared client is rebuilt before and after."""
    _point_settings_at(offline_keepa, monkeypatch)
    yield offline_keepa
    reset_keepa_client()
    monkeypatch.undo()
    reset_settings()


# ------------------------------------------------------------------------------------------------ SQS
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def sqs_endpoint() -> Iterator[str]:
    """A moto server on loopback for the session; boto3 reaches it through ``AWS_ENDPOINT_URL_SQS``."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    saved = {name: os.environ.get(name) for name in [*AWS_ENV, "AWS_ENDPOINT_URL_SQS"]}
    os.environ.update(AWS_ENV, AWS_ENDPOINT_URL_SQS=endpoint)
    try:
        yield endpoint
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


@pytest.fixture
def sqs(sqs_endpoint: str) -> Any:
    """A boto3 SQS client of the moto server."""
    import boto3

    return boto3.client("sqs", endpoint_url=sqs_endpoint, region_name=REGION)


@pytest.fixture
def make_queues(sqs: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., JobQueues]]:
    """Create the template's jobs queue and DLQ (``visibility_seconds`` as ``create_template_queues``) and point
    ``JOBS_QUEUE_URL`` at the jobs queue."""

    def make(*, visibility_seconds: int | None = None) -> JobQueues:
        queues = create_template_queues(sqs, visibility_seconds=visibility_seconds)
        monkeypatch.setenv("JOBS_QUEUE_URL", queues.jobs_url)
        reset_settings()
        reset_jobs_queue()
        return queues

    yield make
    monkeypatch.undo()
    reset_settings()
    reset_jobs_queue()


@pytest.fixture
def queues(make_queues: Callable[..., JobQueues]) -> JobQueues:
    """The template's jobs queue and DLQ, exactly as declared."""
    return make_queues()


# ------------------------------------------------------------------------------------------------ template
class _NoManagedPolicies:
    """Managed-policy loader for the offline transform: SAM asks it only for AWS managed policies by name."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="session")
def translated() -> dict[str, Any]:
    """template.yaml as SAM's own transform expands it, offline: local CodeUri/ContentUri become S3 URIs as
    `sam package` would make them, and managed policies resolve through an empty map (the template names none)."""
    from samtranslator.translator.transform import transform

    document = load_document(TEMPLATE_PATH)
    for logical_id, resource in document["Resources"].items():
        properties = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if key in properties:
                properties[key] = f"s3://arbvault-artifacts/{logical_id}.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", REGION)  # the transform reads the region from a boto3 session
        translated_document: dict[str, Any] = transform(document, {}, _NoManagedPolicies())
    return translated_document
