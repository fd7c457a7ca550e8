"""The ``dev-key`` component: an admin API key for local development, kept in ``.arbvault/dev-api-key``.

Created on first start; re-created when the file is missing or its key no longer authenticates (another
database, revoked). The file is readable by its owner only and ignored by git.
"""

from __future__ import annotations

import os
from pathlib import Path

from arbvault.auth.store import authenticate, create_api_key
from arbvault.db import session_scope
from infra.paths import state_dir

KEY_FILE = "dev-api-key"
KEY_NAME = "local-dev"
KEY_ROLE = "admin"


class DevKey:
    """Makes sure a working admin key exists; needs the database component started first."""

    name = "dev-key"

    def __init__(self) -> None:
        self.key = ""
        self.created = False

    @property
    def path(self) -> Path:
        return state_dir() / KEY_FILE

    def start(self) -> None:
        stored = self.path.read_text().strip() if self.path.exists() else ""
        with session_scope() as session:
            row = authenticate(session, stored) if stored else None
            if row is not None and row.role == KEY_ROLE:
                self.key, self.created = stored, False
                return
            _, self.key = create_api_key(session, name=KEY_NAME, role=KEY_ROLE)
        self.created = True
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # O_CREAT's mode does not apply to a file that already existed
        with os.fdopen(descriptor, "w") as handle:
            handle.write(self.key + "\n")

    def stop(self) -> None:
        """Nothing to release: the key stays valid for the next start."""
