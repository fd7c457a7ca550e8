"""SQLAlchemy 2 models; Alembic migrations in ``arbvault.migrations`` are the only way the schema changes."""

from arbvault.models.api_key import ApiKey
from arbvault.models.base import Base
from arbvault.models.business_config import GLOBAL_CONFIG_ID, GLOBAL_SCOPE, BusinessConfig, ConfigChange

__all__ = ["GLOBAL_CONFIG_ID", "GLOBAL_SCOPE", "ApiKey", "Base", "BusinessConfig", "ConfigChange"]
