"""The jobs queue's message: which chunk of which job to process."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Final

from arbvault.jobs.exceptions import JobMessageError

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
