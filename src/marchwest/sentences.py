"""The article's sentences and their coverage: the rows that cite each one, or why none does.

:func:`coverage`: a sentence is ``cited`` when the evidence (``char_start``..``char_end``) of a
row that records what it says (a row of :data:`~marchwest.ledger.spans.RECORDS_CONTENT`) overlaps
it. A sentence no such row cites is ``explained`` when a row of ``uncited`` (facts/uncited.yaml)
quotes it with a reason, ``named`` when only rows of :data:`~marchwest.ledger.spans.NAMES`
(entities, places: what it speaks of, not what it says) overlap it, and ``uncovered`` otherwise.
Named and uncovered sentences are not covered: the curator's to-do list. The sentences are
:func:`marchwest.ledger.spans.of_article`'s. pandas is imported only there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marchwest.ledger.spans import NAMES, RECORDS_CONTENT, of_article, overlapping, row_spans
from marchwest.schema import COVERAGE_STATUSES, TABLES

if TYPE_CHECKING:
    import pandas as pd

    from marchwest.ledger.page import Article

NOT_COVERED = ("named", "uncovered")


def coverage(article: Article, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per sentence of ``article`` with the ids of the rows that cite it, of the rows
    that only name what it speaks of, and its status (cited, explained, named, uncovered); see
    :meth:`marchwest.Ledger.coverage`."""
    from marchwest.ledger.records import collector_paused

    with collector_paused():  # many lists that live on: no full collection walks the ledger
        return _coverage(article, frames)


def _coverage(article: Article, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    from marchwest.ledger.records import build_frame

    uncited = frames["uncited"]
    explanations = list(
        zip(
            uncited["char_start"],
            uncited["char_end"],
            zip(uncited["reason"], uncited["note"], strict=True),
            strict=True,
        )
    )
    located = of_article(article)
    spans = [(start, end) for *_, start, end in located]
    cited = overlapping(spans, row_spans(frames, RECORDS_CONTENT))
    named = overlapping(spans, row_spans(frames, NAMES))
    reasons = overlapping(spans, explanations)
    records = []
    for (part, section, paragraph, sentence, start, end), ids, names, why in zip(
        located, cited, named, reasons, strict=True
    ):
        reason, note = why[0] if why else (None, None)
        status = "cited" if ids else "explained" if why else "named" if names else "uncovered"
        records.append(
            {
                "part": part,
                "section": section,
                "paragraph": paragraph,
                "sentence": sentence,
                "char_start": start,
                "char_end": end,
                "text": article.raw[start:end],
                "row_ids": ids,
                "name_ids": names,
                "status": status,
                "reason": reason,
                "note": None if note is pd.NA else note,
            }
        )
    return build_frame(TABLES["coverage"], records, categories=True)


def by_section(frame: pd.DataFrame) -> pd.DataFrame:
    """How many sentences of each section are cited, explained, named, uncovered (a
    ``coverage()`` frame in). Index: the sections in reading order, the title and byline and
    the paragraphs before the first heading as "(before the first heading)"; columns: the
    statuses."""
    import pandas as pd

    sections = frame["section"].fillna("(before the first heading)")
    counts = pd.crosstab(pd.Categorical(sections, categories=sections.unique()), frame["status"])
    return counts.reindex(columns=list(COVERAGE_STATUSES), fill_value=0).rename_axis(
        index="section", columns="status"
    )


def explained(frame: pd.DataFrame) -> pd.DataFrame:
    """The explained sentences of a ``coverage()`` frame with where they stand and why."""
    rows = frame[frame["status"] == "explained"]
    columns = ["part", "section", "paragraph", "sentence", "text", "reason", "note"]
    return rows[columns].reset_index(drop=True)


def not_covered_report(frame: pd.DataFrame) -> str:
    """The sentences not covered (named only, with the rows that name; uncovered), one per
    line with where they stand, and the totals."""
    lines = []
    for row in frame[frame["status"].isin(NOT_COVERED)].itertuples():
        where = (
            f"paragraph {row.paragraph}, sentence {row.sentence}"
            if row.part == "body"
            else str(row.part)
        )
        section = row.section if isinstance(row.section, str) else "(no section)"
        named = f" named only by {', '.join(row.name_ids)}" if row.status == "named" else ""
        lines.append(f"{section} / {where} [{row.char_start}-{row.char_end}]{named}: {row.text}")
    lines.append(totals(frame))
    return "\n".join(lines)


def totals(frame: pd.DataFrame) -> str:
    """'88 sentences: 66 cited, 10 explained; not covered: 12 named only, 0 uncovered'."""
    counts = frame["status"].value_counts()
    return (
        f"{len(frame)} sentences: {counts['cited']} cited, {counts['explained']} explained;"
        f" not covered: {counts['named']} named only, {counts['uncovered']} uncovered"
    )
