"""The niches CSV: RFC 4180 (parsed back by the csv module), 13 columns, formula-looking text neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from arbvault.niches.export import COLUMNS, ExportRow, neutralise, niches_csv


def _row(name: str) -> ExportRow:
    return ExportRow(category_name=name, niche_score=7.4, avg_sellers=2.5, avg_bsr=31_000.5, profit_margin_pct=-3.25,
                     price_stability=0.81, viable_products=12, competition_level="LOW", confidence_level="MEDIUM",
                     recommended_bsr_min=10_000, recommended_bsr_max=50_000, recommended_sellers_max=3,
                     recommended_margin_min_pct=30.0)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_evaluate_is_prefixed(start: str) -> None:
    assert neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_plain_text_is_kept() -> None:
    assert neutralise("Medical Books") == "Medical Books"
    assert neutralise("") == ""


def test_csv_parses_back_with_quotes_commas_and_line_breaks() -> None:
    names = ['Science, "Math"', "=cmd|' /C calc'!A0", "two\nlines", "Books"]

    text = niches_csv([_row(name) for name in names])

    assert text.endswith("\r\n") and text.startswith(",".join(COLUMNS) + "\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS) and len(COLUMNS) == 13
    assert [r[0] for r in rows[1:]] == ['Science, "Math"', "'=cmd|' /C calc'!A0", "two\nlines", "Books"]
    assert rows[1][1:] == ["7.4", "2.5", "31000.5", "-3.25", "0.81", "12", "LOW", "MEDIUM", "10000", "50000", "3",
                           "30.0"]
