"""The jobs queue: its message (which chunk of which job to process), and SQS through boto3, one client per
execution environment, created on first use.

boto3 honours ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_SQS`` itself, so the local stack and tests point it at
a moto server without code here knowing. Timeouts are short and retries few: a request that creates a job must
not hang on an unreachable queue (the outbox keeps the message for the relay).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from arbvault.exceptions import ConfigurationError
from arbvault.jobs.exceptions import JobMessageError, QueueUnavailableError
from arbvault.settings import get_settings

if TYPE_CHECKING:
    from botocore.config import Config


MAX_DELAY_SECONDS: Final = 900
"""SQS's ceiling for ``DelaySeconds``."""
SEND_BATCH_SIZE: Final = 10
"""SQS's ceiling for entries per ``SendMessageBatch``."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: an id unique within the batch, the body and a delay."""

    id: str
    body: str
    delay_seconds: int = 0


def _client_config() -> Config:
    from botocore.config import Config

    return Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})


class JobsQueue:
    """Sends messages to one SQS queue. ``client`` (a boto3 SQS client) is created on first use if not given."""

    def __init__(self, url: str, *, client: Any | None = None) -> None:
        if not url:
            raise ConfigurationError("JOBS_QUEUE_URL is not set")
        self.url = url
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3

                    self._client = boto3.client("sqs", config=_client_config())
        return self._client

    def send_batch(self, messages: Sequence[Outgoing]) -> dict[str, str]:
        """Send up to ``SEND_BATCH_SIZE`` messages in one call; returns the reason per id that was NOT sent.

        Raises ``QueueUnavailableError`` when the queue cannot be reached at all.
        """
        if not messages:
            return {}
        if len(messages) > SEND_BATCH_SIZE:
            raise ValueError(f"at most {SEND_BATCH_SIZE} messages per batch")
        entries = [{"Id": m.id, "MessageBody": m.body,
                    "DelaySeconds": max(0, min(m.delay_seconds, MAX_DELAY_SECONDS))} for m in messages]
        try:
            answer = self.client.send_message_batch(QueueUrl=self.url, Entries=entries)
        except Exception as exc:  # botocore raises many unrelated types; all mean "not sent"
            raise QueueUnavailableError(f"jobs queue unavailable: {type(exc).__name__}") from exc
        return {failure["Id"]: f"{failure.get('Code')}: {failure.get('Message')}"
                for failure in answer.get("Failed", [])}


_queue: JobsQueue | None = None
_queue_lock = threading.Lock()


def jobs_queue() -> JobsQueue:
    """The environment's jobs queue (``JOBS_QUEUE_URL``); ``ConfigurationError`` when it is not set."""
    global _queue
    url = get_settings().jobs_queue_url or ""
    with _queue_lock:
        if _queue is None or _queue.url != url:
            _queue = JobsQueue(url)
        return _queue


def reset_jobs_queue() -> None:
    """Forget the environment's queue client (tests and the local stack change the endpoint)."""
    global _queue
    with _queue_lock:
        _queue = None


JOBS_QUEUE: Final = "jobs"
"""Logical name of the jobs queue in outbox rows (``JOBS_QUEUE_URL`` in each environment)."""


@dataclass(frozen=True, slots=True)
class ChunkMessage:
    """A chunk to process. The chunk row holds everything else, so a message is never stale."""

    job_id: uuid.UUID
    chunk_id: uuid.UUID

    def to_body(self) -> str:
        return json.dumps({"job_id": str(self.job_id), "chunk_id": str(self.chunk_id)}, separators=(",", ":"))

    @classmethod
    def parse(cls, body: str) -> ChunkMessage:
        """The message in ``body``; ``JobMessageError`` when it is not one (the DLQ will record it)."""
        try:
            raw = json.loads(body)
            return cls(job_id=uuid.UUID(str(raw["job_id"])), chunk_id=uuid.UUID(str(raw["chunk_id"])))
        except (ValueError, TypeError, KeyError) as exc:
            raise JobMessageError("malformed job message: expected {\"job_id\": uuid, \"chunk_id\": uuid}") from exc
