"""The niches function's routes (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from typing import Any

from support import SOURCER, call

TEMPLATES = "/api/v1/niches/templates"
DISCOVER = "/api/v1/niches/discover"
ESTIMATE = "/api/v1/niches/discover/estimate"
ANALYZE = "/api/v1/niches/analyze"
CATEGORIES = "/api/v1/niches/categories"
EXPORT = "/api/v1/niches/export"
STATS = "/api/v1/niches/stats"


def post(path: str, body: Any, **options: Any) -> tuple[int, dict[str, str], Any]:
    options.setdefault("identity", SOURCER)
    return call("niches", "POST", path, json_body=body, **options)
