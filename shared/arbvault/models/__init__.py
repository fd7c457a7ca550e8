"""SQLAlchemy 2 models; Alembic migrations in ``arbvault.migrations`` are the only way the schema changes."""

from arbvault.models.analysis import ANALYSIS_SOURCES, Analysis
from arbvault.models.api_key import ApiKey
from arbvault.models.base import Base
from arbvault.models.business_config import GLOBAL_CONFIG_ID, GLOBAL_SCOPE, BusinessConfig, ConfigChange
from arbvault.models.keepa_snapshot import KeepaMiss, KeepaSnapshot
from arbvault.models.keepa_token_state import TOKEN_STATE_ID, KeepaTokenState

__all__ = [
    "ANALYSIS_SOURCES",
    "GLOBAL_CONFIG_ID",
    "GLOBAL_SCOPE",
    "TOKEN_STATE_ID",
    "Analysis",
    "ApiKey",
    "Base",
    "BusinessConfig",
    "ConfigChange",
    "KeepaMiss",
    "KeepaSnapshot",
    "KeepaTokenState",
]
