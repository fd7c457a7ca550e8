"""``rows_parameter`` converts Decimals in C and falls back to the Python encoder for rows carrying bytes: the
document is the one the Python encoder alone writes, whichever path wrote it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest

from arbvault.catalog.bulk import ROWS_PARAM, _encode, rows_parameter

AT = datetime(2026, 5, 1, 12, 30, 15, 250_000, tzinfo=UTC)
ANALYSIS_ROW = {"job_id": uuid.UUID(int=7), "asin": "B000000001", "buy_price": Decimal("4.00"),
                "roi_pct": Decimal("-12.345"), "bsr": 1234, "offers_count": None, "velocity_score": Decimal("1E+1"),
                "metrics": orjson.Fragment(b'{"a":1.5}'), "created_at": AT, "auto": True}
SNAPSHOT_ROW = {"asin": "B000000002", "product_lz4": b"\x04\x22\x4d\x18packed", "fetched_at": AT, "offers": 20}


@pytest.mark.parametrize("rows", [
    [ANALYSIS_ROW, {**ANALYSIS_ROW, "buy_price": None}],
    [SNAPSHOT_ROW, SNAPSHOT_ROW],
    [ANALYSIS_ROW, SNAPSHOT_ROW],  # bytes only in a later row: the first pass stops there
    [],
])
def test_the_document_is_the_python_encoders(rows: list[dict[str, Any]]) -> None:
    assert rows_parameter(rows) == {ROWS_PARAM: orjson.dumps(rows, default=_encode).decode()}


def test_other_types_are_still_refused() -> None:
    with pytest.raises(TypeError):
        rows_parameter([{"tags": {"a", "b"}}])
