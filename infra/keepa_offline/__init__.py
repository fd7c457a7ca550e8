"""The offline Keepa server: Keepa's HTTP wire format on loopback, for tests and the local stack.

Start it in-process (``with OfflineKeepa(tokens=50) as keepa: keepa.base_url``) or as a process
(``arbvault keepa-offline --port 3100``), then point ``KEEPA_BASE_URL`` at it. It serves the three spec
fixtures and a deterministic generated book for any other well-formed ASIN, ISBN-10 or ISBN-13, except the
identifiers ``is_unknown`` names (see ``catalogue``).
"""

from infra.keepa_offline.catalogue import Catalogue, is_unknown
from infra.keepa_offline.server import OfflineKeepa, RecordedRequest

__all__ = ["Catalogue", "OfflineKeepa", "RecordedRequest", "is_unknown"]
