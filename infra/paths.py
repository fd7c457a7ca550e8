"""Where the project and its local state live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"
FUNCTIONS_DIR = PROJECT_ROOT / "functions"
SHARED_DIR = PROJECT_ROOT / "shared"
EVENTS_DIR = PROJECT_ROOT / "events"


def state_dir() -> Path:
    """Local state (embedded database, moto data): ``ARBVAULT_HOME`` or ``.arbvault/`` in the project."""
    path = Path(os.environ.get("ARBVAULT_HOME") or PROJECT_ROOT / ".arbvault")
    path.mkdir(parents=True, exist_ok=True)
    return path
