"""Keepa's endpoints over the catalogue: what each answers and what it costs.

The server around them checks the key, applies the token bucket and adds the envelope. Each code matches at
most one product here, so ``code-limit`` is validated but never trims anything.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.keepa_offline import params as p
from infra.keepa_offline.catalogue import Catalogue
from infra.keepa_offline.categories import BOOKS, CATEGORIES, category_object, path_to
from infra.keepa_offline.finder import best_sellers, find
from infra.keepa_offline.params import RequestRejected

ENDPOINTS = ("product", "query", "bestsellers", "category", "token")


class Raw(bytes):
    """Pre-rendered JSON spliced into a body unchanged (cached product objects)."""


@dataclass(slots=True)
class Answer:
    """An endpoint's payload fields (beside the envelope) and their token cost."""

    status: int
    payload: dict[str, Any]
    cost: int = 0


def encode(payload: Mapping[str, Any]) -> bytes:
    """Compact JSON of ``payload``, splicing ``Raw`` values in as they are."""
    parts = []
    for name, value in payload.items():
        rendered = bytes(value) if isinstance(value, Raw) else json.dumps(value, separators=(",", ":")).encode()
        parts.append(json.dumps(name).encode() + b":" + rendered)
    return b"{" + b",".join(parts) + b"}"


class Endpoints:
    """The answers of one catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._routes: dict[str, Callable[[Mapping[str, str], bytes | None], Answer]] = {
            "product": self.product, "query": self.query, "bestsellers": self.bestsellers,
            "category": self.category, "token": lambda query, body: Answer(200, {}),
        }

    def route(self, method: str, endpoint: str) -> Callable[[Mapping[str, str], bytes | None], Answer]:
        """The handler for ``endpoint``; 404 for unknown endpoints, 405 for methods other than GET (POST /query)."""
        if endpoint not in self._routes:
            raise RequestRejected(f"unknown endpoint /{endpoint}", status=404, error_type="notFound")
        if method != "GET" and not (method == "POST" and endpoint == "query"):
            raise RequestRejected(f"{method} is not allowed on /{endpoint}", status=405,
                                  error_type="methodNotAllowed")
        return self._routes[endpoint]

    def product(self, query: Mapping[str, str], body: bytes | None) -> Answer:
        domain = p.domain(query)
        asin, code = query.get("asin"), query.get("code")
        if (asin is None) == (code is None):
            raise RequestRejected("give either asin or code", details="asin/code")
        options = p.product_options(query)
        code_limit = p.integer(query, "code-limit")
        if code_limit is not None and code_limit <= 0:
            raise RequestRejected("code-limit must be positive", details=f"code-limit={code_limit}")
        fragments: list[bytes] = []
        cost = 0
        for value in p.identifiers(asin if asin is not None else code or ""):
            entry = None
            if domain == 1:
                entry = self.catalogue.by_asin(value) if asin is not None else self.catalogue.by_code(value)
            if entry is not None:
                rendered, product_cost = self.catalogue.render(entry, options)
                fragments.append(rendered)
                cost += product_cost
            elif asin is not None and options.update != -1:
                # Keepa answers an ASIN it cannot describe with a placeholder product, and charges for it.
                fragments.append(json.dumps({"asin": value.upper(), "domainId": domain, "productType": 4,
                                             "title": None, "csv": None, "lastUpdate": 0}).encode())
                cost += 1
        if not fragments:
            return Answer(200, {}, cost)
        return Answer(200, {"products": Raw(b"[" + b",".join(fragments) + b"]")}, cost)

    def query(self, query: Mapping[str, str], body: bytes | None) -> Answer:
        p.domain(query)
        raw = body if body else (query.get("selection") or "").encode()
        try:
            selection = json.loads(raw or b"null")
        except ValueError:
            raise RequestRejected("selection is not valid JSON", details="selection") from None
        asins, total = find(self.catalogue.pool(), selection)
        payload: dict[str, Any] = {"asinList": asins, "totalResults": total}
        cost = 10 + math.ceil(len(asins) / 100)
        if p.flag(query, "stats"):
            payload["searchInsights"] = {"totalResults": total}
            cost += 30 + math.ceil(total / 1_000_000)
        return Answer(200, payload, cost)

    def bestsellers(self, query: Mapping[str, str], body: bytes | None) -> Answer:
        domain = p.domain(query)
        raw = (query.get("category") or "").strip()
        if not raw:
            raise RequestRejected("category is required", details="category")
        range_days = p.integer(query, "range", 0)
        if range_days not in (0, 30, 90, 180):
            raise RequestRejected("range must be 0, 30, 90 or 180", details=f"range={range_days}")
        category: int | None
        if raw.isdigit():
            category = int(raw)
            known = category in CATEGORIES
        else:
            category, known = None, raw.lower() in ("book", "books")
        asins = best_sellers(self.catalogue.pool(), category) if known and domain == 1 else []
        if not asins:
            return Answer(200, {}, 0)  # no list: no bestSellersList and no charge
        return Answer(200, {"bestSellersList": {"domainId": domain, "lastUpdate": self.catalogue.clock - 120,
                                                "categoryId": category or 0, "asinList": asins}}, 50)

    def category(self, query: Mapping[str, str], body: bytes | None) -> Answer:
        p.domain(query)
        raw = query.get("category") or ""
        try:
            ids = [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise RequestRejected("category must be ids separated by commas", details=f"category={raw}") from None
        if not ids or len(ids) > 10:
            raise RequestRejected("category takes 1 to 10 ids (0 for the roots)", details=f"category={raw}")
        wanted = [BOOKS] if ids == [0] else [i for i in ids if i in CATEGORIES]
        payload: dict[str, Any] = {"categories": {str(i): category_object(i) for i in wanted}}
        if p.flag(query, "parents"):
            parents = {c.cat_id for i in wanted for c in path_to(i)[:-1]}
            payload["categoryParents"] = {str(i): category_object(i) for i in sorted(parents)}
        return Answer(200, payload, 1)
