"""SIPRI arms-transfer TIV tables: read SIPRI's own export format, rank recipients over windows.

SIPRI's Arms Transfers Database (https://www.sipri.org/databases/armstransfers) exports one CSV
per supplier: a title line "TIV of arms exports from <supplier>, <first>-<last>", a few note
lines, a header row of years ending in "Total", one row per recipient, and a final "Total" row.
A blank cell means no deliveries; "0" means deliveries worth less than 0.5 million TIV.

TIV (trend-indicator value) is SIPRI's volume index of deliveries of major arms, in millions.
It is not a price in US dollars.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from marchwest.errors import LedgerError, Problem
from marchwest.ledger.reader import ReadError, parse_number, read_bytes

_TITLE = re.compile(
    r"TIV of arms exports from (?P<supplier>.+), (?P<first>[0-9]{4})-(?P<last>[0-9]{4})"
)
_YEAR = re.compile(r"[0-9]{4}")
_NUMBER = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")
_GENERATED = re.compile(r"Generated: (?P<date>.+)")


def _error(path: Path, line: int, field: str, problem: str) -> LedgerError:
    return LedgerError([Problem(file=str(path), line=line, field=field, message=problem)])


def read_tiv_export(path: Path | str) -> pd.DataFrame:
    """Read one SIPRI "TIV of arms exports from ..." CSV into tidy rows.

    One row per recipient and year with deliveries: ``supplier`` and ``recipient`` as SIPRI
    names them, ``year`` (Int64) and ``tiv`` (million TIV; Int64, or Float64 if the file has
    fractions). Blank cells give no row; "0" is kept as 0. SIPRI's Total row and column are
    checked, not returned: SIPRI totals unrounded values, so a row or year whose rounded
    values do not add up to its total is listed in ``frame.attrs["total_differences"]``
    (the file's note lines and ``generated`` date are in ``attrs`` too).

    Raises LedgerError (naming the file, line and field) on anything that is not that format.
    """
    path = Path(path)
    try:
        text = read_bytes(path).decode("utf-8-sig")
        lines = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    except ReadError as error:
        raise LedgerError([Problem(file=str(path), message=str(error))]) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise _error(path, 1, "file", f"not a CSV text file ({error})") from error
    if not lines or not lines[0][1]:
        raise _error(path, 1, "title", "empty file, expected a SIPRI TIV export")
    title = lines[0][1][0].strip()
    match = _TITLE.fullmatch(title)
    if match is None:
        raise _error(
            path,
            1,
            "title",
            f"expected 'TIV of arms exports from <supplier>, <first>-<last>', found {title!r}",
        )
    supplier = match["supplier"]
    first, last = int(match["first"]), int(match["last"])

    header_at = next((i for i, (_, cells) in enumerate(lines) if _is_year_header(cells)), None)
    if header_at is None:
        raise _error(
            path, len(lines), "header", "no header row of years (',1950,1951,...,Total') found"
        )
    header_line, header = lines[header_at]
    years = _read_header(path, header_line, _trim(header), first, last)
    notes = [cells[0] for _, cells in lines[1:header_at] if cells and cells[0].strip()]

    records: list[tuple[str, int, int | float]] = []
    stated_totals: dict[str, tuple[int, int | float]] = {}
    year_totals: list[int | float | None] | None = None
    for line, cells in lines[header_at + 1 :]:
        cells = _trim(cells)
        if not any(cell.strip() for cell in cells):
            continue
        if year_totals is not None:
            raise _error(path, line, cells[0], "row after the Total row")
        name = cells[0].strip()
        if not name:
            raise _error(path, line, "recipient", "row without a recipient name")
        if len(cells) > len(years) + 2:
            raise _error(
                path,
                line,
                f"column {len(years) + 3}",
                f"{len(cells)} cells, the header has {len(years) + 2}",
            )
        padded = cells[1:] + [""] * (len(years) + 2 - len(cells))
        values = [
            _number(path, line, field, cell)
            for field, cell in zip([*map(str, years), "Total"], padded, strict=True)
        ]
        if name == "Total":
            year_totals = values[:-1]
            continue
        if name in stated_totals:
            raise _error(
                path, line, name, f"recipient already listed on line {stated_totals[name][0]}"
            )
        if values[-1] is None:
            raise _error(path, line, "Total", "empty Total cell")
        stated_totals[name] = (line, values[-1])
        records += [
            (name, year, value)
            for year, value in zip(years, values[:-1], strict=True)
            if value is not None
        ]
    if year_totals is None:
        raise _error(path, len(lines), "Total", "no Total row: the file is truncated")

    frame = pd.DataFrame(records, columns=["recipient", "year", "tiv"])
    frame.insert(0, "supplier", supplier)
    frame["year"] = frame["year"].astype("Int64")
    whole = all(isinstance(value, int) for value in frame["tiv"])
    frame["tiv"] = frame["tiv"].astype("Int64" if whole else "Float64")
    frame.attrs = {
        "supplier": supplier,
        "years": (first, last),
        "generated": next((m["date"] for n in notes if (m := _GENERATED.fullmatch(n))), None),
        "notes": notes,
        "total_differences": _total_differences(frame, stated_totals, years, year_totals),
    }
    return frame


def _is_year_header(cells: list[str]) -> bool:
    return len(cells) > 2 and not cells[0].strip() and bool(_YEAR.fullmatch(cells[1].strip()))


def _trim(cells: list[str]) -> list[str]:
    """Drop SIPRI's empty padding cells at the end of a row."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _read_header(path: Path, line: int, cells: list[str], first: int, last: int) -> list[int]:
    if cells[-1].strip() != "Total":
        raise _error(
            path,
            line,
            f"column {len(cells)}",
            f"the header must end in 'Total', found {cells[-1]!r}",
        )
    years = []
    for column, cell in enumerate(cells[1:-1], start=2):
        if not _YEAR.fullmatch(cell.strip()):
            raise _error(path, line, f"column {column}", f"{cell!r} is not a year")
        years.append(int(cell))
    if years != list(range(first, last + 1)):
        raise _error(
            path,
            line,
            "header",
            f"years {years[0]}-{years[-1]} (not consecutive, or not the title's {first}-{last})",
        )
    return years


def _number(path: Path, line: int, field: str, cell: str) -> int | float | None:
    cell = cell.strip()
    if not cell:
        return None
    if not _NUMBER.fullmatch(cell):
        raise _error(path, line, field, f"{cell!r} is not a TIV figure (a number >= 0)")
    try:
        return parse_number(cell, whole="." not in cell)
    except ValueError as error:  # too large
        raise _error(path, line, field, str(error)) from None


def _total_differences(
    frame: pd.DataFrame,
    stated_totals: dict[str, tuple[int, int | float]],
    years: list[int],
    year_totals: list[int | float | None],
) -> list[dict[str, object]]:
    """Rows and years whose rounded values do not add up to SIPRI's stated total."""
    differences = []
    by_recipient = frame.groupby("recipient")["tiv"].sum()
    for name, (_, stated) in stated_totals.items():
        summed = by_recipient.get(name, 0)
        if summed != stated:
            differences.append({"row": name, "sum": summed, "total": stated})
    by_year = frame.groupby("year")["tiv"].sum()
    for year, stated in zip(years, year_totals, strict=True):
        summed = by_year.get(year, 0)
        if summed != (stated or 0):
            differences.append({"row": f"Total {year}", "sum": summed, "total": stated or 0})
    return differences


def tiv_from_arms_transfers(arms_transfers: pd.DataFrame) -> pd.DataFrame:
    """The SIPRI TIV rows of ``marchwest.arms_transfers()`` as supplier, recipient, year, tiv.

    Keeps the rows whose measure is "TIV" for a single year (those the ledger builds from
    ``external/sipri_tiv.csv``), ready for :func:`window_totals` and :func:`window_ranks`.
    """
    rows = arms_transfers[
        (arms_transfers["measure"] == "TIV")
        & (arms_transfers["period_start"] == arms_transfers["period_end"])
    ]
    tiv = pd.DataFrame(
        {
            "supplier": rows["supplier_id"].astype("string"),
            "recipient": rows["recipient_id"].astype("string"),
            "year": rows["period_start"].astype("Int64"),
            "tiv": rows["value"],
        }
    )
    whole = bool((tiv["tiv"].dropna() % 1 == 0).all())
    tiv["tiv"] = tiv["tiv"].astype("Int64" if whole else "Float64")
    return tiv.reset_index(drop=True)


def window_totals(tiv: pd.DataFrame, supplier: str, start: int, end: int) -> pd.DataFrame:
    """The supplier's recipients over the years start..end, ranked by summed TIV.

    ``tiv`` has the columns supplier, recipient, year, tiv (SIPRI's rounded annual values, as
    in ``read_tiv_export`` or ``data/external/sipri_tiv.csv``). Returns one row per recipient
    with deliveries in the window: ``recipient``, ``tiv`` (sum of the rounded annual values),
    ``share_pct`` (percent of the supplier's total, itself the sum over all recipients) and
    ``rank`` (1 = largest; ties share the better rank). SIPRI's published shares use unrounded
    values and the database of their year, so they can differ by a point or two.
    """
    window = pd.DataFrame({"start": [start], "end": [end]})
    return ranked_windows(tiv, supplier, window).drop(columns="window")


def ranked_windows(tiv: pd.DataFrame, supplier: str, windows: pd.DataFrame) -> pd.DataFrame:
    """:func:`window_totals` of many windows in one pass (each TIV row joined to every window it
    falls in, then one groupby). ``windows`` has the columns start and end, one row per window.

    Returns one row per window and recipient with deliveries in it: ``window`` (the row's
    label in ``windows``), ``recipient``, ``tiv``, ``share_pct``, ``rank``, sorted by window,
    rank and recipient.
    """
    for start, end in zip(windows["start"], windows["end"], strict=True):
        if start > end:
            raise ValueError(f"window start {start} is after its end {end}")
    rows = tiv.loc[tiv["supplier"] == supplier, ["recipient", "year", "tiv"]]
    spans = rows.reset_index(drop=True).merge(
        windows[["start", "end"]].rename_axis("window").reset_index(), how="cross"
    )
    spans = spans[spans["year"].between(spans["start"], spans["end"])]
    filled = set(spans["window"])
    for window, start, end in zip(windows.index, windows["start"], windows["end"], strict=True):
        if window not in filled:
            raise ValueError(f"no TIV rows for supplier {supplier!r} in {start}-{end}")
    totals = spans.groupby(["window", "recipient"], as_index=False)["tiv"].sum()
    by_window = totals.groupby("window")["tiv"]
    window_sum = by_window.transform("sum")
    totals["share_pct"] = (100 * totals["tiv"] / window_sum).astype("Float64")
    totals["rank"] = by_window.rank(method="min", ascending=False).astype("Int64")
    return totals.sort_values(["window", "rank", "recipient"], ignore_index=True)


def windows_ending(window_lengths: Iterable[int], ends: Iterable[int]) -> pd.DataFrame:
    """The windows of each length ending in each of ``ends``: window_length, start, end."""
    ends = list(ends)
    return pd.DataFrame(
        [(length, end - length + 1, end) for length in window_lengths for end in ends],
        columns=["window_length", "start", "end"],
    )


def window_ranks(
    tiv: pd.DataFrame,
    supplier: str,
    recipients: Iterable[str],
    window_lengths: Sequence[int] = (5, 10),
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """The rank of each recipient among the supplier's recipients in every window.

    A window of length L ending in year Y covers Y-L+1..Y and is ranked as by
    ``window_totals``. ``years`` are the windows' last years (default: every year whose
    windows lie inside the supplier's years in ``tiv``). Returns one row per window and
    recipient: ``window_length``, ``start``, ``end``, ``recipient``, ``tiv``, ``share_pct``,
    ``rank``; a recipient with no deliveries in a window has tiv 0 and an empty rank.
    """
    recipients = list(recipients)
    years_delivered = tiv.loc[tiv["supplier"] == supplier, "year"]
    if years_delivered.empty:
        raise ValueError(f"no TIV rows for supplier {supplier!r}")
    if years is None:
        first, last = int(years_delivered.min()), int(years_delivered.max())
        windows = pd.concat(
            [
                windows_ending([length], range(first + length - 1, last + 1))
                for length in window_lengths
            ],
            ignore_index=True,
        )
    else:
        windows = windows_ending(window_lengths, years)
    totals = ranked_windows(tiv, supplier, windows)
    grid = (
        windows.rename_axis("window")
        .reset_index()
        .merge(pd.Series(recipients, name="recipient"), how="cross")
    )
    result = grid.merge(totals, on=["window", "recipient"], how="left").drop(columns="window")
    result = result.fillna({"tiv": 0, "share_pct": 0.0}).assign(recipient=grid["recipient"])
    return result.astype(
        {
            "window_length": "Int64",
            "start": "Int64",
            "end": "Int64",
            "tiv": tiv["tiv"].dtype,
            "share_pct": "Float64",
            "rank": "Int64",
        }
    )
