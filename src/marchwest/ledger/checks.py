"""Checking records: the column and row rules of :mod:`marchwest.schema` (in plain Python, and
with pandera when asked), the references between tables, and the dates against the edtf package.
Each failure becomes a Problem at the file, line and field of the row it comes from.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Any

from marchwest.errors import Problem, shown
from marchwest.ledger import dates
from marchwest.ledger.page import Article
from marchwest.ledger.records import Problems, Row, build_frame
from marchwest.schema import (
    FORWARD_KINDS,
    REFERENCES,
    TABLE_NAMES,
    TABLES,
    UNCITED_REASONS,
    rule_message,
)


def check_tables(
    records: dict[str, list[dict[str, Any]]],
    rows: dict[str, list[Row]],
    problems: Problems,
    *,
    reference_checks: bool,
    article: Article | None,
) -> None:
    """Every rule over every table, adding to ``problems`` (the reading and building ones)."""
    # A bad value is reported once: not again as the empty column derived from it.
    derived_from = _derived()
    reported = {
        (p.file, p.row, derived)
        for p in problems.items
        for derived in derived_from.get(p.field, (p.field,))
    }
    if article is None:  # no evidence anywhere: not reported again as rows without quotes
        reported |= {(r.file, r.row, "quote") for table_rows in rows.values() for r in table_rows}
    column_problems = Problems(problems.root)
    for name in TABLE_NAMES:
        _check_columns(name, records[name], rows[name], column_problems, reference_checks)
    problems.items += [p for p in column_problems.items if (p.file, p.row, p.field) not in reported]
    _check_references(records, rows, problems)
    _check_outcomes(records, rows, article, problems)
    _check_uncited(records, rows, article, problems)
    if reference_checks:
        _check_dates_with_edtf(problems)


def _derived() -> dict[str, tuple[str, ...]]:
    """Each key -> itself and the columns built from it (a date's start, end and precision)."""
    derived: dict[str, tuple[str, ...]] = {"occurrence": ("occurrence", "quote")}
    for table in TABLES.values():
        for column in table.columns:
            if column.of is not None:
                derived[column.of] = (*derived.get(column.of, (column.of,)), column.name)
    return derived


def _check_columns(
    name: str,
    records: list[dict[str, Any]],
    rows: list[Row],
    problems: Problems,
    reference_checks: bool,
) -> None:
    """Check the column rules of schema.py; each failure becomes a Problem at its file and line.
    With ``reference_checks`` the pandera schema checks the table too, and every failure that
    only one of the two finds is a problem as well."""
    from marchwest.schema import pandera_failures, record_failures  # pandera: slow to import

    failures = record_failures(name, records)
    if reference_checks:
        by_pandera = pandera_failures(name, build_frame(TABLES[name], records, categories=False))
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
            message = f"duplicate id {shown(failure.value)} (also at {where})"
        else:
            message = rule_message(column, failure.rule, failure.value)
        problems.at(rows[failure.index], message, column.name)


def _check_references(
    records: dict[str, list[dict[str, Any]]], rows: dict[str, list[Row]], problems: Problems
) -> None:
    ids = {
        name: {r[table.id_column] for r in records[name] if r.get(table.id_column) is not None}
        for name, table in TABLES.items()
        if table.id_column
    }
    cited: set[str] = set()  # the source ids some row names
    for (name, column), targets in REFERENCES.items():
        known = set().union(*(ids[t] for t in targets))
        for index, record in enumerate(records[name]):
            value = record.get(column)
            for item in value if isinstance(value, list) else [value]:
                if item is None:
                    continue
                if targets == ("sources",):
                    cited.add(item)
                if item not in known:
                    problems.at(
                        rows[name][index],
                        f"unknown id {shown(item)} (not in {' or '.join(targets)})",
                        column,
                    )
    _check_sources(records["sources"], rows["sources"], cited, problems)
    article_events = {r.get("event_id") for r in records["events"] if r["origin"] == "article"}
    for index, record in enumerate(records["events"]):
        target = record.get("corresponds_to")
        if target in ids["events"] and target not in article_events:
            problems.at(
                rows["events"][index],
                f"corresponds_to {shown(target)}: not an article event",
                "corresponds_to",
            )


def _check_sources(
    records: list[dict[str, Any]], rows: list[Row], cited: set[str], problems: Problems
) -> None:
    """Every source is cited by some row, and a URL belongs to one source only."""
    first_with_url: dict[str, tuple[Any, Row]] = {}
    for record, row in zip(records, rows, strict=True):
        source, url = record.get("source_id"), record.get("url")
        if source is not None and source not in cited:
            problems.at(
                row, f"source {shown(source)} is cited by no row: cite it or remove it", "source_id"
            )
        if url is None:
            continue
        if url in first_with_url:
            earlier, at = first_with_url[url]
            problems.at(
                row,
                f"the URL of source {shown(earlier)} (line {at.line}) again: one source id per URL",
                "url",
            )
        else:
            first_with_url[url] = (source, row)


def _check_outcomes(
    records: dict[str, list[dict[str, Any]]],
    rows: dict[str, list[Row]],
    article: Article | None,
    problems: Problems,
) -> None:
    """An outcome answers a forward-looking claim, from a source dated after the article."""
    kinds = {r.get("claim_id"): r.get("kind") for r in records["claims"]}
    published = {r.get("source_id"): r.get("published") for r in records["sources"]}
    for record, row in zip(records["outcomes"], rows["outcomes"], strict=True):
        claim = record.get("claim_id")
        if claim in kinds and kinds[claim] not in FORWARD_KINDS:
            problems.at(
                row,
                f"claim {shown(claim)} is a {kinds[claim]}: an outcome answers one of kind"
                f" {' or '.join(FORWARD_KINDS)}",
                "claim_id",
            )
        source = record.get("source_id")
        if article is None or source not in published:
            continue
        try:
            date = dates.parse(published[source] or "")
        except ValueError:
            date = None
        if date is None or date.start is None or date.start <= article.published:
            problems.at(
                row,
                f"source {shown(source)} is dated {published[source] or 'nowhere'}: a hindsight"
                f" verdict rests on a source published after the article"
                f" ({article.published.isoformat()})",
                "source_id",
            )


def _check_uncited(
    records: dict[str, list[dict[str, Any]]],
    rows: dict[str, list[Row]],
    article: Article | None,
    problems: Problems,
) -> None:
    """An uncited row explains one sentence that holds no fact: its quote lies in one sentence;
    the reason is `heading` exactly when that sentence is the title, the byline or a section
    heading; no row that records content (spans.RECORDS_CONTENT) cites it."""
    from marchwest.ledger.spans import HEADING_PARTS, RECORDS_CONTENT, of_article, overlapping

    if article is None:
        return
    located = of_article(article)
    starts = [start for *_, start, _ in located]
    ends = [end for *_, end in located]
    content = overlapping(
        list(zip(starts, ends, strict=True)),
        [
            (
                other["char_start"],
                other["char_end"],
                TABLES[name].row_id(other.get(TABLES[name].id_column), i),
            )
            for name in RECORDS_CONTENT
            for i, other in enumerate(records[name])
            if other.get("char_start") is not None
        ],
    )
    for record, row in zip(records["uncited"], rows["uncited"], strict=True):
        start, end, reason = record.get("char_start"), record.get("char_end"), record.get("reason")
        if start is None or reason not in UNCITED_REASONS:  # no quote, or a reason reported
            continue
        first, stop = bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)
        if stop - first != 1:
            problems.at(
                row, f"the quote runs over {stop - first} sentences: it explains one", "quote"
            )
            continue
        part = located[first][0]
        if reason == "heading" and part not in HEADING_PARTS:
            problems.at(
                row,
                "reason 'heading': the sentence stands in a paragraph, not in the title, the"
                " byline or a section heading",
                "reason",
            )
        elif reason != "heading" and part in HEADING_PARTS:
            what = "a section heading" if part == "heading" else f"the {part}"
            problems.at(row, f"reason {shown(reason)}: {what} is explained as 'heading'", "reason")
        if recorded := content[first]:
            more = f" and {len(recorded) - 3} more" if len(recorded) > 3 else ""
            problems.at(
                row,
                f"reason {shown(reason)}: the sentence holds a fact, recorded by"
                f" {', '.join(recorded[:3])}{more}; an uncited row explains a sentence that holds"
                " none",
                "reason",
            )


def _check_dates_with_edtf(problems: Problems) -> None:
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
