"""What the daily tracker records: one query, so every source of tracked products is named in one place."""

from __future__ import annotations

from typing import Final

from sqlalchemy import CompoundSelect, select, union

from arbvault.models.asin_history import AsinWatch
from arbvault.models.autosourcing import AutosourcingPick, AutosourcingRun

TRACKED_PICK_ACTIONS: Final = ("TO_BUY", "FAVORITE")
"""What an owner marks an AutoSourcing pick with for the tracker to follow it."""


def tracking_targets() -> CompoundSelect[int, str]:
    """``(domain_id, asin)`` of every product to track daily, each once: whatever any API key watches, and every
    AutoSourcing pick marked TO_BUY or FAVORITE (in the marketplace its run searched)."""
    watched = select(AsinWatch.domain_id, AsinWatch.asin)
    picked = (select(AutosourcingRun.discovery_config["domain_id"].as_integer().label("domain_id"),
                     AutosourcingPick.asin)
              .join(AutosourcingRun, AutosourcingRun.job_id == AutosourcingPick.run_id)
              .where(AutosourcingPick.action.in_(TRACKED_PICK_ACTIONS)))
    return union(watched, picked)
