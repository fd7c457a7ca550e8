"""The batches function's route (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

BATCHES = "/api/v1/batches"
