"""What the daily tracker records: one query, so every source of tracked products is named in one place."""

from __future__ import annotations

from sqlalchemy import Select, select

from arbvault.models import AsinWatch


def tracking_targets() -> Select[int, str]:
    """``(domain_id, asin)`` of every product to track daily, each once: whatever any API key watches.

    Autosourcing picks marked TO_BUY or FAVORITE join as a second arm of this query (a ``union`` with their
    ``(domain_id, asin)``) once the picks table exists; every caller reads the targets through here.
    """
    return select(AsinWatch.domain_id, AsinWatch.asin).distinct()
