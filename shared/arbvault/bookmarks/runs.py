"""Re-running a saved niche: its filters as a ``niche`` job on the jobs pipeline, as the niches routes queue one.

The token guard sees the whole plan's estimate first (429 with Retry-After when short; nothing spent), then each
search's candidates are found and their analysis queued (``arbvault.niches.submit_niche_job``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError

from arbvault.bookmarks.exceptions import FiltersOutdatedError, NoCandidatesError
from arbvault.bookmarks.schemas import SavedFilters
from arbvault.bookmarks.store import get_saved_niche, record_run
from arbvault.catalog.clients import keepa_client
from arbvault.catalog.guard import check_tokens
from arbvault.db import session_scope
from arbvault.niches.jobs import submit_niche_job

if TYPE_CHECKING:
    import uuid

    from arbvault.jobs.submit import Submission


def run_saved_niche(niche_id: uuid.UUID, *, scope: str | None, idempotency_key: str | None = None) -> Submission:
    """Queue the saved niche's filters as a ``niche`` job and record it as the niche's last run; ``scope`` is
    whose niches the caller may run (None: any). The job belongs to the niche's owner, also when an admin runs
    it, so the owner can follow the run the niche names (an ``Idempotency-Key`` is then the owner's too).
    Opens its own sessions: call it holding none.

    Raises ``SavedNicheNotFoundError`` (404), the token guard's ``TokenBudgetError`` (429) or
    ``TokenCapacityError`` (413), ``FiltersOutdatedError`` (422) when the saved filters no longer validate,
    ``NoCandidatesError`` (422) when the searches find nothing, and what
    ``submit_job`` raises (409 for an Idempotency-Key reused with other filters).
    """
    with session_scope() as session:
        saved = get_saved_niche(session, niche_id, owner_key_id=scope)
        stored, owner_key_id = saved.filters, saved.owner_key_id
    try:
        plan = SavedFilters.model_validate(stored).plan()
    except ValidationError as exc:
        raise FiltersOutdatedError(niche_id, [dict(error) for error in exc.errors()]) from exc
    client = keepa_client(plan.domain_id)
    with session_scope() as session:
        check_tokens(session, client, plan.tokens_required)
    submitted = submit_niche_job(plan, owner_key_id=owner_key_id,
                                 request_body={"niche_id": str(niche_id), "filters": stored},
                                 idempotency_key=idempotency_key, client=client)
    if submitted is None:
        raise NoCandidatesError(niche_id)
    with session_scope() as session:
        record_run(session, niche_id, submitted.job.id)
    return submitted
