"""CSV that a spreadsheet opens as text, never as a formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a NUL is read
by Excel, LibreOffice and Google Sheets as a formula (CSV or formula injection). Following OWASP's
CSV-injection guidance (and ASVS 1.2.10), such a text cell gets a single quote in front, which
spreadsheets take as "this is text"; so does a text that starts with a quote itself, so that the
raw value is always the cell without one leading quote (:func:`raw`). Numbers, dates and empty
cells are written as they are; the Parquet files hold every value unchanged.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
TEXT_MARK = "'"


def neutralise(value: object) -> object:
    """``value`` with a leading quote when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, TEXT_MARK)):
        return TEXT_MARK + value
    return value


def raw(cell: str) -> str:
    """The value a neutralised CSV text cell stands for (the cell without one leading quote)."""
    return cell.removeprefix(TEXT_MARK)


def to_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index, ISO dates), text cells neutralised; lines end with CRLF as
    RFC 4180 has it, so that a text holding a lone carriage return is quoted too, not a row break."""
    safe = frame.copy()
    for name in safe.columns:
        if not (
            pd.api.types.is_numeric_dtype(safe[name])
            or pd.api.types.is_datetime64_any_dtype(safe[name])
        ):
            safe[name] = safe[name].map(neutralise, na_action="ignore")
    return safe.to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%d")
