"""Request fingerprints for ``Idempotency-Key``: the same body gives the same digest, whatever its key order."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def request_fingerprint(payload: Any) -> str:
    """SHA-256 (hex) of ``payload`` as canonical JSON (sorted keys, no spaces; Decimal and UUID as strings)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
