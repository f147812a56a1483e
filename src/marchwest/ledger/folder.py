"""A ledger folder (raw/article.txt, facts/*.yaml, external/*) -> checked, typed tables.

:func:`read_ledger` runs the stages in order and either returns every table or raises one
:class:`~marchwest.errors.LedgerError` listing every problem (nothing partial):

1. reading files (here, through :mod:`marchwest.ledger.reader`): the article, its pin, each fact file;
2. building records (:mod:`marchwest.ledger.records`): values converted, dates parsed, quotes found;
3. checking (:mod:`marchwest.ledger.checks`): the rules of :mod:`marchwest.schema`, the references.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marchwest import paths
from marchwest.errors import LedgerError, Problem
from marchwest.ledger import reader
from marchwest.ledger.checks import check_tables
from marchwest.ledger.page import Article, ArticleError, parse_article
from marchwest.ledger.reader import ReadError, Sequence
from marchwest.ledger.records import (
    SIPRI_FILE,
    Problems,
    Row,
    build_frame,
    build_records,
    collector_paused,
    rows_from_nodes,
    sipri_records,
)
from marchwest.schema import ARTICLE_SHA256, TABLE_NAMES, TABLES

if TYPE_CHECKING:
    import pandas as pd

ARTICLE_FILE = "raw/article.txt"
CHECKSUM_FILE = "raw/article.sha256"
FOLDERS = {"facts": "article", "external": "reference"}


@dataclass
class LedgerData:
    """A checked ledger: the parsed article and one DataFrame per table."""

    article: Article
    frames: dict[str, pd.DataFrame]


def _read_text(path: Path, rel: str, problems: Problems) -> str | None:
    try:
        return reader.read_text(path)
    except ReadError as error:
        problems.add(rel, str(error), line=error.line)
        return None


def _expected_checksum(root: Path, problems: Problems) -> str | None:
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


def _read_article(root: Path, problems: Problems) -> Article | None:
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


def _yaml_rows(path: Path, rel: str, problems: Problems) -> list[Any]:
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


def _read_tables(
    root: Path, article: Article | None, problems: Problems
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
            nodes = _yaml_rows(path, rel, problems)
            for row in rows_from_nodes(nodes, rel, table, problems):
                for name, built_row, record in build_records(table, row, origin, article, problems):
                    records[name].append(record)
                    rows[name].append(built_row)
    sipri = root / SIPRI_FILE
    text = _read_text(sipri, SIPRI_FILE, problems) if sipri.exists() or sipri.is_symlink() else None
    for row, record in [] if text is None else sipri_records(text, problems):
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
    problems = Problems(root)
    if not root.is_dir():
        problems.add(".", "not a folder")
        raise LedgerError(problems.items, root)
    with collector_paused():
        return _read_checked(root, problems, reference_checks)


def _read_checked(root: Path, problems: Problems, reference_checks: bool) -> LedgerData:
    """The stages of :func:`read_ledger` over a folder."""
    article = _read_article(root, problems)

    records, rows = _read_tables(root, article, problems)
    check_tables(records, rows, problems, reference_checks=reference_checks, article=article)
    if problems.items or article is None:
        raise LedgerError(_unique(problems.items), root)
    frames = {
        name: build_frame(TABLES[name], records[name], categories=True) for name in TABLE_NAMES
    }
    return LedgerData(article, frames)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
