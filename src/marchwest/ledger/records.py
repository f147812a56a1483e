"""Building records: the rows read from a ledger's files -> one record (a dict by column) per row.

YAML nodes become :class:`Row` objects (their values converted by each key's kind, where they
stand kept for messages), dates are parsed, quotes resolved to their span in the article, and
the SIPRI CSV rows become arms_transfers records; every problem found on the way is collected in
:class:`Problems`. Checking the records is :mod:`marchwest.ledger.checks`'s job.
"""

from __future__ import annotations

import csv
import gc
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marchwest.errors import Problem, shown
from marchwest.ledger import dates, reader
from marchwest.ledger.dates import EdtfDate
from marchwest.ledger.page import Article, QuoteError
from marchwest.ledger.reader import Mapping, Scalar, Sequence
from marchwest.schema import (
    DATE_PRECISIONS,
    INTERVAL_PRECISIONS,
    SIPRI_COLUMNS,
    TABLES,
    Key,
    Table,
)

if TYPE_CHECKING:
    import pandas as pd

SIPRI_FILE = "external/sipri_tiv.csv"


@dataclass
class Row:
    """One row as read from a file, with where it stands (for error messages)."""

    file: str
    line: int | None
    row: int | None
    values: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # column -> its name in the file


class Problems:
    """Collects the problems of one ledger."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []
        self._names: dict[str, str] = {}
        self.dates: list[tuple[Row, str, EdtfDate]] = []  # every date read, for reference checks

    def name(self, rel: str) -> str:
        if rel not in self._names:
            self._names[rel] = display(self.root / rel)
        return self._names[rel]

    def add(
        self,
        rel: str,
        message: str,
        *,
        line: int | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.items.append(Problem(self.name(rel), message, line, row, field))

    def at(self, row: Row, message: str, field: str | None = None) -> None:
        """A problem in a row (at the line of ``field`` when the row names it)."""
        field = row.names.get(field, field) if field else None
        line = row.key_lines.get(field, row.line) if field else row.line
        self.items.append(Problem(row.file, message, line, row.row, field))


def display(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory when inside it."""
    try:
        return (
            os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
        )
    except (ValueError, OSError, RuntimeError):  # another drive; a symlink loop
        return str(path)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while tables are built (reference counting still
    frees every value as usual). Building makes hundreds of thousands of objects that live on,
    none of them garbage, and every full collection walks them all again: at 100 times the
    bundled ledger, 19 full collections took a third of the load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# YAML rows


def _scalar_text(node: Any) -> str | None:
    """A scalar's text as written (so `2019-07-23` stays text); None for null or empty."""
    if not isinstance(node, Scalar):
        raise TypeError
    text = node.value.strip()
    return None if node.null else text or None


def _value(node: Any, key: Key) -> Any:
    """Convert one value node by the key's kind; raises ValueError with what is wrong."""
    if isinstance(node, Scalar) and node.null:
        return None
    if key.kind in ("text", "edtf"):
        try:
            return _scalar_text(node)
        except TypeError:
            raise ValueError("expected text, found a list or mapping") from None
    if key.kind in ("int", "number"):
        if not isinstance(node, Scalar):
            raise ValueError("expected a number, found a list or mapping")
        if not node.plain:
            raise ValueError(f"expected a number, found quoted text {shown(node.value)}")
        return reader.parse_number(node.value, whole=key.kind == "int")
    if key.kind == "list":
        if not isinstance(node, Sequence):
            raise ValueError("expected a list")
        items = []
        for item in node.items:
            try:
                text = _scalar_text(item)
            except TypeError:
                raise ValueError("expected a list of texts") from None
            if text is not None:
                items.append(text)
        return items
    raise AssertionError(key.kind)  # pragma: no cover


def rows_from_nodes(nodes: list[Any], rel: str, table: Table, problems: Problems) -> list[Row]:
    """Mapping nodes -> Rows (known keys only, values converted), reporting key problems."""
    keys = {k.name: k for k in table.keys}
    rows = []
    for number, node in enumerate(nodes, start=1):
        row = Row(problems.name(rel), node.line, number)
        if not isinstance(node, Mapping):
            problems.at(row, "expected a mapping of keys to values")
            continue
        rows.append(_read_mapping(node, row, keys, problems))
    return rows


def _read_mapping(node: Mapping, row: Row, keys: dict[str, Key], problems: Problems) -> Row:
    for key_node, value_node in node.pairs:
        line = key_node.line
        if not isinstance(key_node, Scalar):
            problems.items.append(Problem(row.file, "a key must be plain text", line, row.row))
            continue
        name = key_node.value
        if name in row.key_lines:
            problems.items.append(Problem(row.file, "the key is given twice", line, row.row, name))
            continue
        row.key_lines[name] = line
        if name not in keys:
            problems.items.append(
                Problem(
                    row.file,
                    f"unknown field (expected one of: {', '.join(keys)})",
                    line,
                    row.row,
                    name[:80],
                )
            )
            continue
        key = keys[name]
        if key.kind == "rows":
            row.values[name] = _nested_rows(value_node, row, TABLES[name], problems)
            continue
        try:
            row.values[name] = _value(value_node, key)
        except ValueError as error:
            problems.items.append(Problem(row.file, str(error), line, row.row, name))
            row.values[name] = None
            row.key_lines.pop(name)  # reported: not reported again as empty
    for key in keys.values():
        if key.required and key.name not in row.values:
            problems.at(row, "missing field (it is required)", key.name)
        elif key.required and row.values[key.name] is None and key.name in row.key_lines:
            problems.at(row, "empty value (it is required)", key.name)
    return row


def _nested_rows(node: Any, parent: Row, table: Table, problems: Problems) -> list[Row]:
    """A list of ``table``'s rows written inside a row of another table (an event's
    `participants`) -> one Row each."""
    keys = {k.name: k for k in table.keys}
    written = "{" + ", ".join(f"{k}: {k.upper()}" for k in keys) + "}"
    names = {c.name: c.key for c in table.columns if c.key is not None}
    if not isinstance(node, Sequence):
        problems.at(parent, f"expected a list of {written}", table.name)
        return []
    items = []
    for item in node.items:
        row = Row(parent.file, item.line, parent.row, names=names)
        if not isinstance(item, Mapping):
            problems.at(row, f"expected a mapping {written}", table.name)
            continue
        items.append(_read_mapping(item, row, keys, problems))
    return items


# ---------------------------------------------------------------------------------------------
# Dates


def _date(row: Row, key: str, problems: Problems) -> EdtfDate | None:
    text = row.values.get(key)
    if text is None:
        return None
    try:
        parsed = dates.parse(text)
    except ValueError as error:
        problems.at(row, str(error), key)
        return None
    problems.dates.append((row, key, parsed))
    return parsed


def _precision(
    row: Row, name: str, key: str, date: EdtfDate | None, problems: Problems
) -> str | None:
    """A precision column ``name`` of the EDTF date under ``key``: derived for a single date,
    given (and checked) for an interval."""
    given = row.values.get(name)
    if given is not None and given not in DATE_PRECISIONS:
        problems.at(
            row,
            f"unknown precision {shown(given)} (expected one of: {', '.join(DATE_PRECISIONS)})",
            name,
        )
        return None
    if date is None:
        if row.values.get(key) is not None:
            return None  # the date itself is bad (reported)
        if given not in (None, "undated"):
            problems.at(row, f"precision {shown(given)} without a date", name)
        return "undated"
    if date.precision is not None:
        if given is not None and given != date.precision:
            problems.at(
                row,
                f"precision {shown(given)} contradicts the date {date.text!r} (a {date.precision})",
                name,
            )
        return date.precision
    if given not in INTERVAL_PRECISIONS:
        problems.at(
            row,
            f"the interval {date.text!r} needs a {name}: one of {', '.join(INTERVAL_PRECISIONS)}",
            name,
        )
        return None
    same = {"part of month": lambda d: (d.year, d.month), "part of year": lambda d: d.year}
    if (
        given in same
        and date.start
        and date.end
        and same[given](date.start) != same[given](date.end)
    ):
        problems.at(
            row,
            f"precision {shown(given)} but the interval {date.text!r} spans more",
            name,
        )
    return given


# ---------------------------------------------------------------------------------------------
# Rows -> records


def _quoted(row: Row, article: Article | None, problems: Problems) -> dict[str, Any]:
    """The row's quote found in the article: evidence, char_start, char_end (None when none)."""
    values = row.values
    found: dict[str, Any] = {"evidence": None, "char_start": None, "char_end": None}
    quote = values.get("quote")
    if quote is None:  # whether the row needs one is a rule of the schema
        if values.get("occurrence") is not None:
            problems.at(row, "occurrence without a quote", "occurrence")
    elif article is not None:
        try:
            start, end = article.find(quote, values.get("occurrence"))
        except QuoteError as error:
            problems.at(
                row, str(error), "occurrence" if error.kind == "bad occurrence" else "quote"
            )
        else:
            found.update(evidence=article.raw[start:end], char_start=start, char_end=end)
    return found


def build_records(
    table: Table, row: Row, origin: str, article: Article | None, problems: Problems
) -> list[tuple[str, Row, dict[str, Any]]]:
    """A row of ``table`` -> its record, then the records of the rows written inside it
    (an event's participants): (table name, row, record) each."""
    record = build_record(table, row, origin, article, problems)
    built = [(table.name, row, record)]
    for name, nested in TABLES.items():
        if nested.written_in == table.name:
            for item in row.values.get(name) or []:
                item_record = build_record(nested, item, origin, article, problems, parent=record)
                built.append((name, item, item_record))
    return built


def build_record(
    table: Table,
    row: Row,
    origin: str,
    article: Article | None,
    problems: Problems,
    parent: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One row -> its record, each column built as the schema says it is written."""
    values = row.values
    parsed: dict[str, EdtfDate | None] = {}

    def date(key: str) -> EdtfDate | None:  # each EDTF key parsed (and reported) once
        if key not in parsed:
            parsed[key] = _date(row, key, problems)
        return parsed[key]

    quoted: dict[str, Any] = {}
    record: dict[str, Any] = {}
    for column in table.columns:
        name, written, key = column.name, column.written, column.key or column.name
        if written == "value":
            record[name] = values.get(key)
        elif written == "edtf":
            date(key)
            record[name] = values.get(key)
        elif written in ("start", "end"):
            parsed_date = date(column.of or "")
            record[name] = getattr(parsed_date, written) if parsed_date else None
        elif written == "precision":
            key = column.of or ""
            record[name] = _precision(row, name, key, date(key), problems)
        elif written == "quote":
            quoted = quoted or _quoted(row, article, problems)
            record[name] = quoted[name]
        elif written == "origin":
            record[name] = origin
        elif written == "parent":
            record[name] = (parent or {}).get(name)
    return record


def sipri_records(text: str, problems: Problems) -> list[tuple[Row, dict[str, Any]]]:
    """The text of external/sipri_tiv.csv -> arms_transfers records (measure TIV, one year each)."""
    reader_ = csv.reader(io.StringIO(text))
    out: list[tuple[Row, dict[str, Any]]] = []
    try:
        header = next(reader_, None)
        if header != SIPRI_COLUMNS:
            shown = ",".join(header or [])
            problems.add(
                SIPRI_FILE,
                f"expected the header {','.join(SIPRI_COLUMNS)},"
                f" found {shown if len(shown) <= 80 else shown[:77] + '...'}",
                line=1,
            )
            return []
        seen: dict[tuple[str, str, str], int] = {}
        for number, cells in enumerate(reader_, start=1):
            out.append(_sipri_row(number, reader_.line_num, cells, seen, problems))
    except csv.Error as error:
        problems.add(SIPRI_FILE, f"not a readable CSV file: {error}", line=reader_.line_num)
    return [(row, record) for row, record in out if record is not None]


def _sipri_row(
    number: int,
    line: int,
    cells: list[str],
    seen: dict[tuple[str, str, str], int],
    problems: Problems,
) -> tuple[Row, dict[str, Any] | None]:
    names = {"supplier_id": "supplier", "recipient_id": "recipient", "period_start": "year"}
    row = Row(problems.name(SIPRI_FILE), line, number, names=names)
    if len(cells) != len(SIPRI_COLUMNS):
        problems.at(row, f"expected {len(SIPRI_COLUMNS)} cells, found {len(cells)}")
        return row, None
    supplier, recipient, year, tiv, source_id = (c.strip() or None for c in cells)
    record: dict[str, Any] = {
        "supplier_id": supplier,
        "recipient_id": recipient,
        "measure": "TIV",
        "unit": "million TIV",
        "origin": "reference",
        "source_id": source_id,
    }
    for name, cell in zip(SIPRI_COLUMNS, (supplier, recipient, year, tiv, source_id), strict=True):
        if cell is None:
            problems.at(row, "missing value", name)
    key = (supplier or "", recipient or "", year or "")
    if key in seen:
        problems.at(row, f"a second row for {', '.join(key)} (the first is row {seen[key]})")
    seen.setdefault(key, number)
    if year is not None:
        try:
            record["period_start"] = record["period_end"] = reader.parse_number(year, whole=True)
        except ValueError as error:
            problems.at(row, f"expected a year: {error}", "year")
    if tiv is not None:
        try:
            record["value"] = reader.parse_number(tiv)
        except ValueError as error:
            problems.at(row, str(error), "tiv")
        else:
            if record["value"] < 0:
                problems.at(row, f"negative TIV {tiv}", "tiv")
    return row, record


def build_frame(table: Table, records: list[dict[str, Any]], *, categories: bool) -> pd.DataFrame:
    """Records -> a DataFrame with the table's columns and dtypes (the closed vocabularies as
    Categoricals, or as text for pandera, which checks the values against the vocabulary)."""
    import pandas as pd

    data = {}
    for column in table.columns:
        values = [r.get(column.name) for r in records]
        if column.dtype == "category" and categories:
            data[column.name] = pd.Categorical(values, categories=column.vocabulary)
        elif column.dtype in ("string", "category"):
            data[column.name] = pd.array(values, dtype="string")
        elif column.dtype == "list":
            data[column.name] = pd.Series([v or [] for v in values], dtype=object)
        elif column.dtype.startswith("datetime"):
            data[column.name] = pd.to_datetime(pd.Series(values, dtype=object)).astype(column.dtype)
        else:
            data[column.name] = pd.array(values, dtype=column.dtype)
    return pd.DataFrame(data, columns=table.column_names)
