"""SQLAlchemy 2 models; Alembic migrations in ``arbvault.migrations`` are the only way the schema changes."""

from arbvault.models.analysis import ANALYSIS_SOURCES, Analysis
from arbvault.models.api_key import ApiKey
from arbvault.models.asin_history import AsinHistoryPoint, AsinWatch, TrackerDay
from arbvault.models.autoscheduler import SCHEDULER_CONTROL_ID, SchedulerChange, SchedulerControl, SchedulerSlot
from arbvault.models.autosourcing import PICK_TIERS, AutosourcingPick, AutosourcingProfile, AutosourcingRun
from arbvault.models.base import Base
from arbvault.models.business_config import GLOBAL_CONFIG_ID, GLOBAL_SCOPE, BusinessConfig, ConfigChange
from arbvault.models.job import JOB_KINDS, DeadLetter, Job, JobChunk, OutboxMessage
from arbvault.models.keepa_snapshot import KeepaMiss, KeepaSnapshot
from arbvault.models.keepa_token_state import TOKEN_STATE_ID, KeepaTokenState
from arbvault.models.product_cache import DiscoveryResult, StockSnapshot
from arbvault.models.saved_niche import SavedNiche

__all__ = [
    "ANALYSIS_SOURCES",
    "GLOBAL_CONFIG_ID",
    "GLOBAL_SCOPE",
    "JOB_KINDS",
    "PICK_TIERS",
    "SCHEDULER_CONTROL_ID",
    "TOKEN_STATE_ID",
    "Analysis",
    "ApiKey",
    "AsinHistoryPoint",
    "AsinWatch",
    "AutosourcingPick",
    "AutosourcingProfile",
    "AutosourcingRun",
    "Base",
    "BusinessConfig",
    "ConfigChange",
    "DeadLetter",
    "DiscoveryResult",
    "Job",
    "JobChunk",
    "KeepaMiss",
    "KeepaSnapshot",
    "KeepaTokenState",
    "OutboxMessage",
    "SavedNiche",
    "SchedulerChange",
    "SchedulerControl",
    "SchedulerSlot",
    "StockSnapshot",
    "TrackerDay",
]
