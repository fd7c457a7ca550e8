"""Bookmarks: niches saved by an API key (name, category, score, and the discover or analyze request they were
found with), listed newest first, and re-run as ``niche`` jobs. HTTP shapes live in
``arbvault.bookmarks.schemas``::

    from arbvault.bookmarks import create_saved_niche, run_saved_niche

    saved = create_saved_niche(session, values, owner_key_id=identity.key_id)
    submitted = run_saved_niche(saved.id, owner_key_id=identity.key_id, scope=identity.owner_scope)
"""

from arbvault.bookmarks.exceptions import (
    FiltersOutdatedError,
    NicheNameTakenError,
    NoCandidatesError,
    SavedNicheNotFoundError,
)
from arbvault.bookmarks.runs import run_saved_niche
from arbvault.bookmarks.store import (
    SavedNichePage,
    create_saved_niche,
    delete_saved_niche,
    get_saved_niche,
    list_saved_niches,
    record_run,
    update_saved_niche,
)

__all__ = [
    "FiltersOutdatedError",
    "NicheNameTakenError",
    "NoCandidatesError",
    "SavedNicheNotFoundError",
    "SavedNichePage",
    "create_saved_niche",
    "delete_saved_niche",
    "get_saved_niche",
    "list_saved_niches",
    "record_run",
    "run_saved_niche",
    "update_saved_niche",
]
