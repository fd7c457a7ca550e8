"""Route and database reads for the keepa function's tests (a uniquely named module)."""

from __future__ import annotations

from typing import Any

from db_testing import rows

INGEST = "/api/v1/keepa/ingest"


def stored_analyses(ids: list[str]) -> list[dict[str, Any]]:
    """Rows of ``analyses`` with these ids, as the database holds them."""
    return rows("SELECT * FROM analyses WHERE id = ANY(CAST(:ids AS uuid[]))", ids=ids)
