"""Constants for the Keepa unit tests (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from datetime import UTC, datetime

FIXTURE_NOW = datetime(2026, 6, 1, tzinfo=UTC)
"""The fixtures' server clock (Keepa minute 8,107,200)."""
