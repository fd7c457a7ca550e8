"""Niches as CSV (RFC 4180: CRLF line ends, quoted where needed), safe to open in a spreadsheet.

A text cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is prefixed with ``'`` so a
spreadsheet shows it as text instead of evaluating it as a formula. Numbers are written by this module and
cannot carry a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

COLUMNS: Final = ("category_name", "niche_score", "avg_sellers", "avg_bsr", "profit_margin_pct",
                  "price_stability", "viable_products", "competition_level", "confidence_level",
                  "recommended_bsr_min", "recommended_bsr_max", "recommended_sellers_max",
                  "recommended_margin_min_pct")
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One niche's line: its name, score, metrics (a missing one is an empty cell), levels and the criteria it
    was found with."""

    category_name: str
    niche_score: float
    avg_sellers: float | None
    avg_bsr: float
    profit_margin_pct: float
    price_stability: float | None
    viable_products: int
    competition_level: str | None
    confidence_level: str
    recommended_bsr_min: int
    recommended_bsr_max: int
    recommended_sellers_max: int
    recommended_margin_min_pct: float


def neutralise(cell: str) -> str:
    """``cell`` prefixed with ``'`` when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def niches_csv(rows: Iterable[ExportRow]) -> str:
    """A header line and one line per row, in ``COLUMNS`` order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(value) if isinstance(value, str) else value
                         for value in (getattr(row, column) for column in COLUMNS)])
    return out.getvalue()
