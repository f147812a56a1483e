"""The article's sentences: where each one starts and ends, and which rows' evidence overlaps it.

:func:`split` cuts a paragraph into sentences (pure Python). A sentence ends at ``.``, ``!`` or
``?`` (with any closing quotes or brackets after it) that is followed by white space and a
capital letter, a digit or an opening quote — unless the word before the full stop is an
abbreviation ("Gen.", "Mr.", "Dr.") or a run of initials ("U.S."). Words the page glues
together ("largestdefence", "paper,China's") hold no full stop and are left alone.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from marchwest.schema import TABLES

if TYPE_CHECKING:
    import pandas as pd

    from marchwest.ledger.page import Article

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

HEADING_PARTS = ("title", "byline", "heading")  # one sentence each, explained as `heading`


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
        keys = quoted[table.id_column] if table.id_column else quoted.index
        ids = [table.row_id(key, i) for key, i in zip(keys, quoted.index, strict=True)]
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
