"""Analytics function tests: the calculators read the effective rules from the run's migrated database."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _database(database_url: str) -> str:
    return database_url
