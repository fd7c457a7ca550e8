"""Lambda SnapStart: what an execution environment restored from a snapshot renews before its first request.

A snapshot freezes memory after INIT, and many environments may resume from the same one. Whatever INIT left
there is shared by all of them: an open database connection (its socket belongs to the environment that
made it), the Keepa HTTP client's pooled connections, and the state of ``random``, which would make every
restored environment draw the same retry jitter. :func:`renew_after_restore` drops the first two (each is
rebuilt on first use) and re-seeds the third.

Handlers call :func:`register_restore_hooks` once at import. It registers with the runtime's
``snapshot_restore_py`` (part of Lambda's managed Python runtimes), and does nothing where that module is
absent (tests, the local stack), where no snapshot is ever restored.
"""

from __future__ import annotations

import random
import sys


def renew_after_restore() -> None:
    """Dispose of the engine's pooled connection, forget the Keepa client and re-seed ``random``.

    A function that never imported the database module or the Keepa client has nothing of theirs to renew, and
    importing them here would only add to its restore time.
    """
    db = sys.modules.get("arbvault.db")
    if db is not None:
        db.reset_engine()
    keepa_client = sys.modules.get("arbvault.keepa.client")
    if keepa_client is not None:
        keepa_client.reset_keepa_client()
    random.seed()


def register_restore_hooks() -> bool:
    """Run :func:`renew_after_restore` after every snapshot restore; ``False`` (nothing registered) outside
    Lambda's runtime."""
    try:
        from snapshot_restore_py import register_after_restore
    except ImportError:
        return False
    register_after_restore(renew_after_restore)
    return True
