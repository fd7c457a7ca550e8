"""Keepa unit fixtures: the stored product objects the offline server ships (infra/keepa_offline/fixtures)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest


def _load(name: str) -> dict[str, Any]:
    data = json.loads((resources.files("infra.keepa_offline") / "fixtures" / name).read_text(encoding="utf-8"))
    return data["products"][0] if "products" in data else data


@pytest.fixture
def novel() -> dict[str, Any]:
    """12.1: paperback novel fetched with offers=20 (Amazon holds the buy box, a historical offer)."""
    return _load("product-response-1739104269.json")


@pytest.fixture
def textbook() -> dict[str, Any]:
    """12.2: hardcover textbook without offers; Amazon out of stock."""
    return _load("product-1639584722.json")


@pytest.fixture
def paperback() -> dict[str, Any]:
    """12.3: 1998 mass-market paperback found by EAN; never sold by Amazon, rank above a million."""
    return _load("product-0972351868.json")
