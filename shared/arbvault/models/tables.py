"""Every table: importing this module maps all models, so ``metadata`` describes the whole schema."""

from arbvault.models import (  # noqa: F401  (each import maps its tables onto Base.metadata)
    analysis,
    api_key,
    asin_history,
    autoscheduler,
    autosourcing,
    business_config,
    job,
    keepa_snapshot,
    keepa_token_state,
    outbox,
    product_cache,
    saved_niche,
)
from arbvault.models.base import Base

metadata = Base.metadata

__all__ = ["metadata"]
