"""What the ledger holds: rows per table, article facts per section, a row in context (notebook 00).

``tables`` is ``marchwest.tables()`` (a dict of DataFrames by name; a row that quotes the
article has ``char_start``); ``sections`` is a frame with ``title``, ``char_start``, ``char_end``
(offsets into the raw page), in reading order, as :func:`article_sections` makes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

ORIGINS = ["article", "reference"]
INTRODUCTION = "(introduction, before the first heading)"


def rows_per_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per table and origin: ``table``, ``article``, ``reference``, ``total``."""
    counts = {
        name: frame["origin"].value_counts().reindex(ORIGINS, fill_value=0)
        for name, frame in tables.items()
    }
    table = pd.DataFrame(counts).T.rename_axis(index="table", columns=None).reset_index()
    table["total"] = table["article"] + table["reference"]
    return table.astype({"article": int, "reference": int, "total": int})


def article_sections(article: Any) -> pd.DataFrame:
    """The article's parts in reading order: ``title``, ``char_start``, ``char_end``,
    ``paragraphs``, ``words``.

    ``article`` is ``marchwest.article()``. The text between the title and the first heading
    (title, byline, introduction) comes first, as :data:`INTRODUCTION`.
    """
    first = article.sections[0].start if article.sections else article.end
    parts = [(INTRODUCTION, article.start, first)]
    parts += [(s.title, s.start, s.end) for s in article.sections]
    rows = []
    for title, start, end in parts:
        inside = [p for p in article.paragraphs if start <= p.start < end]
        rows.append(
            {
                "title": title,
                "char_start": start,
                "char_end": end,
                "paragraphs": len(inside),
                "words": len(article.raw[start:end].split()),
            }
        )
    return pd.DataFrame(rows)


def facts_per_section(tables: Mapping[str, pd.DataFrame], sections: pd.DataFrame) -> pd.DataFrame:
    """Rows that quote the article, per section and table: ``section``, one column per table
    (tables with no such row left out), ``total``.

    A row quotes the article when it has a ``char_start`` (every article row, and reference
    rows that carry the article's words, such as claims); it belongs to the section whose span
    holds that offset. Sections keep their reading order; a row outside every section raises
    ValueError naming the table and offset.
    """
    sections = sections.reset_index(drop=True)
    starts = sections["char_start"].to_numpy()
    counts = pd.DataFrame(0, index=sections["title"], columns=list(tables))
    for name, frame in tables.items():
        if "char_start" not in frame.columns:
            continue
        for offset in frame["char_start"].dropna().astype(int):
            at = int(starts.searchsorted(offset, side="right")) - 1
            if at < 0 or offset >= int(sections["char_end"].iloc[at]):
                raise ValueError(f"table {name!r}: a row at offset {offset} is in no section")
            counts.iloc[at, counts.columns.get_loc(name)] += 1
    counts = counts.loc[:, counts.sum() > 0]
    counts["total"] = counts.sum(axis=1)
    return counts.rename_axis("section").reset_index()


def in_context(raw: str, start: int, end: int, *, words: int = 8) -> tuple[str, str, str]:
    """The text at ``raw[start:end]`` with up to ``words`` words before and after it.

    Returns ``(before, text, after)``; white space inside the context is collapsed, so it prints
    on one line.
    """
    if not 0 <= start <= end <= len(raw):
        raise ValueError(f"span {start}:{end} is outside the text (length {len(raw)})")
    before = " ".join(raw[:start].split()[-words:]) if words else ""
    after = " ".join(raw[end:].split()[:words]) if words else ""
    if raw[:start][-1:].isspace():
        before += " "
    if raw[end : end + 1].isspace():
        after = " " + after
    return before, raw[start:end], after
