"""A ledger folder (raw/article.txt, facts/*.yaml, external/*) -> checked, typed tables.

:func:`read_ledger` reads every file, resolves each quote to its span in the article, parses the
EDTF dates, builds one DataFrame per table, checks the frames against the column rules of
:mod:`marchwest.schema` and the references between tables, and either returns every table or
raises one :class:`~marchwest.errors.LedgerError` listing every problem (nothing partial).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marchwest import dates, paths, reader
from marchwest.dates import EdtfDate
from marchwest.errors import LedgerError, Problem
from marchwest.page import Article, ArticleError, QuoteError, parse_article
from marchwest.reader import Mapping, ReadError, Scalar, Sequence
from marchwest.schema import (
    ARTICLE_SHA256,
    DATE_PRECISIONS,
    INTERVAL_PRECISIONS,
    REFERENCES,
    SIPRI_COLUMNS,
    TABLE_NAMES,
    TABLES,
    Key,
    Table,
    rule_message,
)

if TYPE_CHECKING:
    import pandas as pd

ARTICLE_FILE = "raw/article.txt"
CHECKSUM_FILE = "raw/article.sha256"
SIPRI_FILE = "external/sipri_tiv.csv"
FOLDERS = {"facts": "article", "external": "reference"}


@dataclass
class Row:
    """One row as read from a file, with where it stands (for error messages)."""

    file: str
    line: int | None
    row: int | None
    values: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # column -> its name in the file


@dataclass
class LedgerData:
    """A checked ledger: the parsed article and one DataFrame per table."""

    article: Article
    frames: dict[str, pd.DataFrame]


class _Problems:
    """Collects the problems of one ledger."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []
        self._names: dict[str, str] = {}
        self.dates: list[tuple[Row, str, EdtfDate]] = []  # every date read, for reference checks

    def name(self, rel: str) -> str:
        if rel not in self._names:
            self._names[rel] = _display(self.root / rel)
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


def _display(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory when inside it."""
    try:
        return (
            os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
        )
    except (ValueError, OSError, RuntimeError):  # another drive; a symlink loop
        return str(path)


# ---------------------------------------------------------------------------------------------
# Files


def _read_text(path: Path, rel: str, problems: _Problems) -> str | None:
    try:
        return reader.read_text(path)
    except ReadError as error:
        problems.add(rel, str(error), line=error.line)
        return None


def _expected_checksum(root: Path, problems: _Problems) -> str | None:
    """The article's pinned sha256: raw/article.sha256 if present, else the package's own pin
    for the bundled ledger (and the checkout's data/), else none."""
    pin = root / CHECKSUM_FILE
    if pin.exists() or pin.is_symlink():
        text = _read_text(pin, CHECKSUM_FILE, problems)
        if text is None:
            return None
        words = text.split()
        if not words or not re.fullmatch(r"[0-9a-fA-F]{64}", words[0]):
            problems.add(CHECKSUM_FILE, "expected a sha256 hex digest (64 hex digits)", line=1)
            return None
        return words[0].lower()
    ours = {paths.bundled_ledger_dir().resolve(), (paths.PROJECT_ROOT / "data").resolve()}
    return ARTICLE_SHA256 if root.resolve() in ours else None


def _read_article(root: Path, problems: _Problems) -> Article | None:
    path = root / ARTICLE_FILE
    if not (path.exists() or path.is_symlink()):
        problems.add(ARTICLE_FILE, "the article is missing (every ledger needs the captured page)")
        return None
    expected = _expected_checksum(root, problems)
    try:
        data = reader.read_bytes(path)
    except ReadError as error:
        problems.add(ARTICLE_FILE, str(error))
        return None
    actual = hashlib.sha256(data).hexdigest()
    if expected is not None and actual != expected:
        problems.add(
            ARTICLE_FILE,
            f"the article has changed: sha256 is {actual},"
            f" expected {expected} (never edit the captured page)",
        )
        return None
    try:
        return parse_article(reader.decode(data))
    except ReadError as error:
        problems.add(ARTICLE_FILE, str(error), line=error.line)
    except ArticleError as error:
        problems.add(ARTICLE_FILE, f"cannot find the article in the page: {error}")
    return None


def _yaml_rows(path: Path, rel: str, problems: _Problems) -> list[Any]:
    """The rows of a YAML list file (each should be a Mapping), read safely."""
    text = _read_text(path, rel, problems)
    if text is None:
        return []
    try:
        root = reader.read_yaml(text)
    except ReadError as error:
        problems.add(rel, str(error), line=error.line)
        return []
    if root is None:
        return []
    if not isinstance(root, Sequence):
        problems.add(rel, "expected a YAML list of rows (each row a mapping)", line=root.line)
        return []
    return root.items


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
            raise ValueError(f"expected a number, found quoted text {node.value[:40]!r}")
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


def _rows_from_nodes(nodes: list[Any], rel: str, table: Table, problems: _Problems) -> list[Row]:
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


def _read_mapping(node: Mapping, row: Row, keys: dict[str, Key], problems: _Problems) -> Row:
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
        if key.kind == "participants":
            row.values[name] = _participants(value_node, row, problems)
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


def _participants(node: Any, event: Row, problems: _Problems) -> list[Row]:
    """An event's `participants` list -> one Row per participant."""
    keys = {k.name: k for k in TABLES["participants"].keys}
    if not isinstance(node, Sequence):
        problems.at(event, "expected a list of {entity: ID, role: ROLE}", "participants")
        return []
    items = []
    for item in node.items:
        row = Row(event.file, item.line, event.row, names={"entity_id": "entity"})
        if not isinstance(item, Mapping):
            problems.at(row, "expected a mapping {entity: ID, role: ROLE}", "participants")
            continue
        items.append(_read_mapping(item, row, keys, problems))
    return items


# ---------------------------------------------------------------------------------------------
# Dates


def _date(row: Row, key: str, problems: _Problems) -> EdtfDate | None:
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


def _precision(row: Row, date: EdtfDate | None, problems: _Problems) -> str | None:
    """date_precision: derived for a single date, given (and checked) for an interval."""
    given = row.values.get("date_precision")
    if given is not None and given not in DATE_PRECISIONS:
        problems.at(
            row,
            f"unknown precision {given!r} (expected one of: {', '.join(DATE_PRECISIONS)})",
            "date_precision",
        )
        return None
    if date is None:
        if row.values.get("date") is not None:
            return None  # the date itself is bad (reported)
        if given not in (None, "undated"):
            problems.at(row, f"precision {given!r} without a date", "date_precision")
        if row.values.get("date_text") is not None:
            problems.at(row, "date_text without a date: give the EDTF `date` too", "date_text")
        return "undated"
    if date.precision is not None:
        if given is not None and given != date.precision:
            problems.at(
                row,
                f"precision {given!r} contradicts the date {date.text!r} (a {date.precision})",
                "date_precision",
            )
        return date.precision
    if given not in INTERVAL_PRECISIONS:
        problems.at(
            row,
            f"the interval {date.text!r} needs a date_precision: one of"
            f" {', '.join(INTERVAL_PRECISIONS)}",
            "date_precision",
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
            row, f"precision {given!r} but the interval {date.text!r} spans more", "date_precision"
        )
    return given


# ---------------------------------------------------------------------------------------------
# Rows -> records


def _provenance(
    row: Row, origin: str, table: Table, article: Article | None, problems: _Problems
) -> dict[str, Any]:
    values = row.values
    record: dict[str, Any] = {
        "origin": origin,
        "source_id": values.get("source_id"),
        "evidence": None,
        "char_start": None,
        "char_end": None,
    }
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
            record.update(evidence=article.raw[start:end], char_start=start, char_end=end)
    return record


def _record(
    table: Table, row: Row, origin: str, article: Article | None, problems: _Problems
) -> dict[str, Any]:
    values = row.values
    own = {c.name for c in table.columns}
    record = {k: v for k, v in values.items() if k in own}
    if table.name == "sources":
        record["origin"] = origin
        _date(row, "published", problems)
        _date(row, "accessed", problems)
        return record
    record.update(_provenance(row, origin, table, article, problems))
    if "date_precision" in own:
        date = _date(row, "date", problems)
        record["date_start"] = date.start if date else None
        record["date_end"] = date.end if date else None
        record["date_precision"] = _precision(row, date, problems)
    if table.name == "memberships":
        since, until, known = (_date(row, k, problems) for k in ("since", "until", "known_on"))
        record.update(
            since=since.start if since else None,
            until=until.end if until else None,
            known_on=known.start if known else None,
            since_edtf=values.get("since"),
            until_edtf=values.get("until"),
            known_on_edtf=values.get("known_on"),
        )
    return record


def _sipri_rows(root: Path, problems: _Problems) -> list[tuple[Row, dict[str, Any]]]:
    """external/sipri_tiv.csv -> arms_transfers records (measure TIV, one year each)."""
    path = root / SIPRI_FILE
    if not (path.exists() or path.is_symlink()):
        return []
    text = _read_text(path, SIPRI_FILE, problems)
    if text is None:
        return []
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
    problems: _Problems,
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
    for name, cell in zip(SIPRI_COLUMNS, (supplier, recipient, year, tiv, source_id)):
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


# ---------------------------------------------------------------------------------------------
# Frames and checks


def _frame(table: Table, records: list[dict[str, Any]], *, categories: bool) -> pd.DataFrame:
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


_DERIVED = {
    "date": ("date", "date_precision"),
    "since": ("since",),
    "until": ("until",),
    "occurrence": ("occurrence", "quote"),  # no evidence: not reported again as no quote
}


def _check_columns(
    name: str,
    records: list[dict[str, Any]],
    rows: list[Row],
    problems: _Problems,
    reference_checks: bool,
) -> None:
    """Check the column rules of schema.py; each failure becomes a Problem at its file and line.
    With ``reference_checks`` the pandera schema checks the table too, and every failure that
    only one of the two finds is a problem as well."""
    from marchwest.schema import pandera_failures, record_failures

    failures = record_failures(name, records)
    if reference_checks:
        by_pandera = pandera_failures(name, _frame(TABLES[name], records, categories=False))
        for failure in set(failures) ^ set(by_pandera):
            found = "pandera only" if failure in by_pandera else "the loader only, not by pandera"
            problems.items.append(
                Problem(f"the {name} table", f"{failure} is found by {found}", field=failure.column)
            )
    table = TABLES[name]
    rules = {rule.name: rule for rule in table.rules}
    for failure in failures:
        if failure.rule in rules:
            message = rules[failure.rule].message.format_map(
                defaultdict(str, records[failure.index])
            )
            problems.at(rows[failure.index], message, failure.column)
            continue
        column = table.column(failure.column)
        if failure.rule == "unique":
            others = [
                rows[i]
                for i, record in enumerate(records)
                if record.get(column.name) == failure.value and i != failure.index
            ]
            where = "; ".join(f"{r.file} line {r.line}" for r in others)
            message = f"duplicate id {failure.value!r} (also at {where})"
        else:
            message = rule_message(column, failure.rule, failure.value)
        problems.at(rows[failure.index], message, column.name)


def _check_references(
    records: dict[str, list[dict[str, Any]]], rows: dict[str, list[Row]], problems: _Problems
) -> None:
    ids = {
        name: {r[table.id_column] for r in records[name] if r.get(table.id_column) is not None}
        for name, table in TABLES.items()
        if table.id_column
    }
    for (name, column), targets in REFERENCES.items():
        known = set().union(*(ids[t] for t in targets))
        for index, record in enumerate(records[name]):
            value = record.get(column)
            if value is not None and value not in known:
                problems.at(
                    rows[name][index],
                    f"unknown id {value!r} (not in {' or '.join(targets)})",
                    column,
                )
    article_events = {r.get("event_id") for r in records["events"] if r["origin"] == "article"}
    for index, record in enumerate(records["events"]):
        target = record.get("corresponds_to")
        if target in ids["events"] and target not in article_events:
            problems.at(
                rows["events"][index],
                f"corresponds_to {target!r}: not an article event",
                "corresponds_to",
            )


def _check_dates_with_edtf(problems: _Problems) -> None:
    for row, key, parsed in problems.dates:
        try:
            reference = dates.parse_with_edtf(parsed.text)
        except ValueError as error:
            reference = error
        if reference != parsed:
            problems.at(
                row,
                f"the edtf package reads {parsed.text!r} as {reference}, the ledger as {parsed}",
                key,
            )


PROVENANCE_COLUMNS = ("origin", "source_id", "evidence", "char_start", "char_end")


def _read_tables(
    root: Path, article: Article | None, problems: _Problems
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[Row]]]:
    """Every file of facts/ and external/ -> records and the rows they come from, per table."""
    records: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    rows: dict[str, list[Row]] = {name: [] for name in TABLE_NAMES}
    for folder, origin in FOLDERS.items():
        directory = root / folder
        if not directory.is_dir():
            if folder == "facts":  # a ledger without reference rows has no external/
                problems.add(folder, "folder is missing (the facts the article states)")
            continue
        try:
            listing = sorted(directory.iterdir())
        except OSError as error:
            problems.add(folder, f"cannot read the folder: {error.strerror or error}")
            continue
        for path in listing:
            rel = f"{folder}/{path.name}"
            if rel == SIPRI_FILE or path.name.startswith("."):
                continue
            table = TABLES.get(path.stem) if path.suffix == ".yaml" else None
            if table is None or not table.rows_of_its_own:
                files = ", ".join(f"{n}.yaml" for n, t in TABLES.items() if t.rows_of_its_own)
                problems.add(rel, f"unknown file: expected one of {files}")
                continue
            if table.external_only and origin == "article":
                problems.add(rel, f"{table.name} live in external/ only")
                continue
            nodes = _yaml_rows(path, rel, problems) or []
            for row in _rows_from_nodes(nodes, rel, table, problems):
                record = _record(table, row, origin, article, problems)
                records[table.name].append(record)
                rows[table.name].append(row)
                for participant in row.values.get("participants") or []:
                    records["participants"].append(
                        {
                            **{k: record.get(k) for k in PROVENANCE_COLUMNS},
                            "event_id": record.get("event_id"),
                            "entity_id": participant.values.get("entity"),
                            "role": participant.values.get("role"),
                        }
                    )
                    rows["participants"].append(participant)
    for row, record in _sipri_rows(root, problems):
        records["arms_transfers"].append(record)
        rows["arms_transfers"].append(row)
    return records, rows


def read_ledger(ledger_dir: Path, *, reference_checks: bool = False) -> LedgerData:
    """Read and check a ledger folder; raise LedgerError listing every problem.

    ``reference_checks`` also runs the reference libraries over what loading checked with
    faster means: the pandera schemas over the frames, the ``edtf`` package over the dates
    (each slower to import than the whole load; ``validate`` and the tests use them).
    """
    root = Path(ledger_dir)
    problems = _Problems(root)
    if not root.is_dir():
        problems.add(".", "not a folder")
        raise LedgerError(problems.items, root)
    article = _read_article(root, problems)

    records, rows = _read_tables(root, article, problems)
    # A bad value is reported once: not again as the empty column derived from it.
    reported = {
        (p.file, p.row, derived)
        for p in problems.items
        for derived in _DERIVED.get(p.field, (p.field,))
    }
    if article is None:  # no evidence anywhere: not reported again as rows without quotes
        reported |= {(r.file, r.row, "quote") for table_rows in rows.values() for r in table_rows}
    column_problems = _Problems(root)
    for name in TABLE_NAMES:
        _check_columns(name, records[name], rows[name], column_problems, reference_checks)
    problems.items += [p for p in column_problems.items if (p.file, p.row, p.field) not in reported]
    _check_references(records, rows, problems)
    if reference_checks:
        _check_dates_with_edtf(problems)
    if problems.items or article is None:
        raise LedgerError(_unique(problems.items), root)
    frames = {name: _frame(TABLES[name], records[name], categories=True) for name in TABLE_NAMES}
    return LedgerData(article, frames)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def validate_command(ledger_dir: Path | None) -> int:
    """`python -m marchwest validate [DIR]`: report every problem; 0 if none, else 1."""
    root = Path(ledger_dir) if ledger_dir is not None else paths.bundled_ledger_dir()
    try:
        data = read_ledger(root, reference_checks=True)
    except LedgerError as error:
        print(error)
        return 1
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in data.frames.items())
    print(f"{_display(root)}: the ledger is valid ({counts} rows)")
    return 0
