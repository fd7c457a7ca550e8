"""The bookmarks function's routes (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

import uuid
from typing import Any

from support import SOURCER, call

NICHES = "/api/v1/bookmarks/niches"
ANALYZE_FILTERS = {"analyze": {"category_ids": [3839], "criteria": {"bsr_min": 1_000, "bsr_max": 100_000,
                                                                   "sample_size": 5}}}


def sourcer(name: str) -> dict[str, str]:
    """The authorizer's identity of a sourcer key of its own."""
    return {"key_id": str(uuid.uuid4()), "key_name": name, "role": "sourcer"}


def bookmarks(method: str, niche_id: str | None = None, suffix: str = "", *,
              identity: dict[str, str] = SOURCER, **options: Any) -> tuple[int, dict[str, str], Any]:
    """Call the route ``method`` ``/api/v1/bookmarks/niches[/{niche_id}[suffix]]`` as ``identity``."""
    if niche_id is None:
        return call("bookmarks", method, NICHES, identity=identity, **options)
    return call("bookmarks", method, f"{NICHES}/{niche_id}{suffix}", route=f"{NICHES}/{{niche_id}}{suffix}",
                path_parameters={"niche_id": niche_id}, identity=identity, **options)


def save(name: str = "Programming books", *, identity: dict[str, str] = SOURCER,
         **fields: Any) -> dict[str, Any]:
    """Save a niche (analyze filters unless given) and return it; fails the test unless it is 201."""
    body = {"niche_name": name, "filters": ANALYZE_FILTERS, **fields}
    status, _, saved = bookmarks("POST", json_body=body, identity=identity)
    assert status == 201, saved
    return saved
