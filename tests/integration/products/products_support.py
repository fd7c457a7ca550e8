"""The products function's routes (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

DISCOVER = "/api/v1/products/discover"
SCORING = "/api/v1/products/discover-with-scoring"
CATEGORIES = "/api/v1/products/categories"
STOCK_ROUTE = "/api/v1/products/{asin}/stock-estimate"
