"""Calling the autoscheduler function, and setting its control row directly (a uniquely named module)."""

from __future__ import annotations

import uuid
from typing import Any

from arbvault.autosourcing.profiles import create_profile
from arbvault.db import session_scope
from db_testing import execute
from support import ADMIN, call

SCHEDULER = "/api/v1/autoscheduler"
SEEDED_PROFILES = ("Textbooks Conservateur", "Electronics Opportunity", "Niche Explorer")
# Candidates the offline Keepa's finder answers for, scored so that every product with a price is picked.
OPEN_PROFILE = {
    "name": "scheduler open", "description": None,
    "discovery_config": {"domain_id": 1, "category_id": 283155, "bsr_max": 2_000_000, "max_results": 40},
    "scoring_config": {"roi_min": "-1000", "velocity_min": "0", "stability_min": "0", "confidence_min": "0",
                       "rating_required": "PASS", "max_results": 100},
}


def request(method: str, path: str, *, identity: dict[str, str] = ADMIN, query: str = "",
            json_body: Any = None) -> tuple[int, Any]:
    status, _, body = call("autoscheduler", method, f"{SCHEDULER}{path}", identity=identity, query=query,
                           json_body=json_body)
    return status, body


def control(**values: Any) -> None:
    """Set columns of the control row."""
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    execute(f"UPDATE autoscheduler_control SET {assignments}", **values)


def open_profile() -> uuid.UUID:
    """A profile whose runs pick every priced candidate of the offline Keepa's finder."""
    with session_scope() as session:
        return create_profile(session, dict(OPEN_PROFILE)).id
