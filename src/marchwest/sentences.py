"""The article's sentences and their coverage: the rows that cite each one, or why none does.

:func:`split` cuts a paragraph into sentences (pure Python). A sentence ends at ``.``, ``!`` or
``?`` (with any closing quotes or brackets after it) that is followed by white space and a
capital letter, a digit or an opening quote — unless the word before the full stop is an
abbreviation ("Gen.", "Mr.", "Dr.") or a run of initials ("U.S."). Words the page glues
together ("largestdefence", "paper,China's") hold no full stop and are left alone.

:func:`coverage`: a sentence is ``cited`` when the evidence (``char_start``..``char_end``) of a
row that records what it says (a row of :data:`RECORDS_CONTENT`) overlaps it. A sentence no such
row cites is ``explained`` when a row of ``uncited`` (facts/uncited.yaml) quotes it with a
reason, ``named`` when only rows of :data:`NAMES` (entities, places: what it speaks of, not what
it says) overlap it, and ``uncovered`` otherwise. Named and uncovered sentences are not covered:
the curator's to-do list. pandas is imported only there.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import TYPE_CHECKING

from marchwest.schema import TABLES

if TYPE_CHECKING:
    import pandas as pd

    from marchwest.page import Article

# Titles and short forms that a full stop does not end a sentence after.
ABBREVIATIONS = frozenset(
    re.findall(
        r"\w+",
        "Gen Lt Col Maj Capt Adm Brig Sgt Mr Mrs Ms Dr Prof Sen Rep Gov Pres St Jr Sr No Nos"
        " vs etc al Inc Ltd Co Corp Dept Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec",
    )
)
_CLOSING = r"[\"'’”)\]]*"  # closing quotes or brackets after the final mark
_NEXT = r"\s+[\"'‘“(\[]?[A-Z0-9]"  # white space, then what starts the next sentence
# The end of a sentence: a word (letters, digits, full stops) that starts after no such
# character and is no abbreviation or run of initials before its full stop, the final mark, any
# closing quotes or brackets, then what starts the next sentence. All in one regular
# expression, so the text is read once: a try that fails costs the length of one word.
_END = re.compile(
    r"(?<![\w.])"
    rf"(?!(?:{'|'.join(sorted(ABBREVIATIONS))}|(?:[A-Za-z]\.)*[A-Za-z])\.{_CLOSING}{_NEXT})"
    rf"[\w.]*[.!?]{_CLOSING}(?={_NEXT})"
)


def split(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """The sentences of ``text`` as (start, end) offsets, shifted by ``offset`` (so spans of a
    paragraph index the page it stands in). Sentences are trimmed of white space. One pass of
    one regular expression: the time grows with the length of ``text``."""
    spans = []
    start = 0
    for end in _END.finditer(text):
        spans.append((start, end.end()))
        start = end.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        piece = text[a:b]
        left = a + len(piece) - len(piece.lstrip())
        right = a + len(piece.rstrip())
        if right > left:
            out.append((offset + left, offset + right))
    return out


# Tables whose rows record what a sentence says (an event, a membership, an arms transfer, a
# figure, a claim, an outcome), and tables whose rows only name what it speaks of (entities with
# their aliases and groupings, places). Participants carry their event's evidence and uncited
# rows explain sentences: neither cites. Every table with evidence is in one of the four.
RECORDS_CONTENT = ("events", "memberships", "arms_transfers", "figures", "claims", "outcomes")
NAMES = ("entities", "places")
NOT_CITING = ("participants", "uncited")

STATUSES = ("cited", "explained", "named", "uncovered")
NOT_COVERED = ("named", "uncovered")
PARTS = ("title", "byline", "heading", "body")
HEADING_PARTS = ("title", "byline", "heading")  # one sentence each, explained as `heading`
COLUMNS = (
    "part",
    "section",
    "paragraph",
    "sentence",
    "char_start",
    "char_end",
    "text",
    "row_ids",
    "name_ids",
    "status",
    "reason",
    "note",
)


def of_article(article: Article) -> list[tuple[str, str | None, int | None, int, int, int]]:
    """(part, section, paragraph, sentence, start, end) of the title, the byline, each heading
    (one sentence each) and every sentence of every paragraph, in reading order (disjoint)."""
    title = article.start, article.start + len(article.title)
    out = [
        ("title", None, None, 1, *title),
        ("byline", None, None, 1, article.byline.start, article.byline.end),
    ]
    headings = {s.heading.start: s.title for s in article.sections if s.heading is not None}
    blocks = [*article.paragraphs, *(s.heading for s in article.sections if s.heading)]
    for block in sorted(blocks, key=lambda b: b.start):
        if block.start in headings:
            out.append(("heading", headings[block.start], None, 1, block.start, block.end))
            continue
        for number, (start, end) in enumerate(split(block.text, block.start), start=1):
            out.append(("body", block.section, block.number, number, start, end))
    return out


def row_spans(
    frames: dict[str, pd.DataFrame], names: tuple[str, ...]
) -> list[tuple[int, int, str]]:
    """(char_start, char_end, "table:id") of every row with evidence of the tables ``names``;
    tables without an id column name the row by its position, "table[N]"."""
    spans = []
    for name in names:
        table, frame = TABLES[name], frames[name]
        quoted = frame[frame["char_start"].notna()]
        ids = (
            quoted[table.id_column].astype(str).radd(f"{name}:")
            if table.id_column
            else [f"{name}[{i}]" for i in quoted.index]
        )
        for start, end, row_id in zip(quoted["char_start"], quoted["char_end"], ids, strict=True):
            spans.append((int(start), int(end), row_id))
    return spans


def overlapping(
    sentences: list[tuple[int, int]], spans: list[tuple[int, int, object]]
) -> list[list[object]]:
    """For each sentence (start, end), in reading order and disjoint, the values of the
    ``spans`` (start, end, value) that overlap it, in the order of ``spans``. Each span finds
    its first and last sentence by bisection: the cost grows with the spans, not with spans
    times sentences."""
    starts = [start for start, _ in sentences]
    ends = [end for _, end in sentences]
    found: list[list[object]] = [[] for _ in sentences]
    for start, end, value in spans:
        first, stop = bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)
        for number in range(first, stop):
            found[number].append(value)
    return found


def coverage(article: Article, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per sentence of ``article`` with the ids of the rows that cite it, of the rows
    that only name what it speaks of, and its status (cited, explained, named, uncovered); see
    :meth:`marchwest.Ledger.coverage`."""
    from marchwest.records import collector_paused

    with collector_paused():  # many lists that live on: no full collection walks the ledger
        return _coverage(article, frames)


def _coverage(article: Article, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

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
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["part"] = pd.Categorical(frame["part"], categories=PARTS)
    frame["status"] = pd.Categorical(frame["status"], categories=STATUSES)
    for column in ("section", "text", "note"):
        frame[column] = frame[column].astype("string")
    frame["reason"] = pd.Categorical(
        frame["reason"], categories=TABLES["uncited"].column("reason").vocabulary
    )
    for column in ("paragraph", "sentence", "char_start", "char_end"):
        frame[column] = frame[column].astype("Int64")
    return frame


def by_section(frame: pd.DataFrame) -> pd.DataFrame:
    """How many sentences of each section are cited, explained, named, uncovered (a
    ``coverage()`` frame in). Index: the sections in reading order, the title and byline and
    the paragraphs before the first heading as "(before the first heading)"; columns: the
    statuses."""
    import pandas as pd

    sections = frame["section"].fillna("(before the first heading)")
    counts = pd.crosstab(pd.Categorical(sections, categories=sections.unique()), frame["status"])
    return counts.reindex(columns=list(STATUSES), fill_value=0).rename_axis(
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


def coverage_command(ledger_dir: Path | None) -> int:
    """`python -m marchwest coverage [DIR]`: print the sentences not covered and the totals;
    0 when every sentence is cited or explained, 1 otherwise (a sentence named only or
    uncovered, or an invalid ledger)."""
    from marchwest import paths
    from marchwest.errors import LedgerError
    from marchwest.loaders import load

    root = Path(ledger_dir) if ledger_dir is not None else paths.bundled_ledger_dir()
    try:
        frame = load(root).coverage()
    except LedgerError as error:
        print(error)
        return 1
    print(not_covered_report(frame))
    return int(bool(frame["status"].isin(NOT_COVERED).any()))
