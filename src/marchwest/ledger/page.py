"""The captured page -> the article: title, byline, series, paragraphs, sections, page chrome.

Nothing here is hard-coded by offset: the title is the line above the byline, the article ends
at the last line before "Popular posts from this blog", and every span indexes ``Article.raw``.
Quotes typed by a curator are found through :func:`normalise` and mapped back to the raw text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

# A line ends in LF, CRLF (a page saved on Windows) or CR: "^" and "$" are spelled out for all.
BYLINE = re.compile(
    r"(?:^|(?<=[\r\n]))[ \t\u00a0]*by (?P<author>[^,\r\n]+?) ?,"
    r" (?P<month>[A-Z][a-z]+) (?P<day>[0-9]{1,2}), (?P<year>[0-9]{4})[ \t\u00a0]*(?=[\r\n]|\Z)"
)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SERIES = re.compile(r"the (?P<part>\w+) in an? (?P<parts>[\w]+)-part series")
END_MARKER = "Popular posts from this blog"
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
CARDINALS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
HEADING_MAX_CHARS = 80
FINAL_PUNCTUATION = ".!?:;,\"'”’)"

QUOTE_FOLDS = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′", "'"),
        **dict.fromkeys("“”„″", '"'),
        **dict.fromkeys("–—‒−", "-"),
    }
)
WHITE_SPACE = re.compile(r"\s+")  # the characters str.isspace() accepts, no-break space too
WHITE_SPACE_CHARACTER = re.compile(r"\s")
SPACES = re.compile(r" {2,}")


class ArticleError(ValueError):
    """The page text does not hold an article laid out as expected (no byline, no end marker)."""


class QuoteError(ValueError):
    """A quote is not found exactly once in the article (``kind`` says how it failed)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind  # "not found" | "ambiguous" | "in page chrome" | "bad occurrence"
        super().__init__(message)


@dataclass(frozen=True)
class Span:
    """A stretch of the page: ``text == Article.raw[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph(Span):
    """A paragraph of the article body, with the heading of the section it stands in (or None)."""

    number: int = 0  # 1-based, in reading order
    section: str | None = None


@dataclass(frozen=True)
class Section(Span):
    """A section: ``title`` is its heading; the span runs from the heading to the next one."""

    title: str = ""
    heading: Span | None = None


@dataclass(frozen=True)
class Series:
    """Where the article stands in its series: part ``part`` of ``parts``."""

    part: int
    parts: int


def normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Fold white space, quotes and dashes; return the folded text and, for each of its
    characters, where it starts and ends in ``text`` (so a match maps back to the original).

    Every white space character becomes a space, one for one, and of a run of spaces the first
    stays: only runs of two or more cost Python work. A character ends where the next kept one
    starts (a run folded to one space ends where the run does)."""
    folded = WHITE_SPACE_CHARACTER.sub(" ", text.translate(QUOTE_FOLDS))  # offsets kept
    pieces: list[str] = []
    starts: list[int] = []
    at = 0
    for run in SPACES.finditer(folded):
        kept = run.start() + 1
        pieces.append(folded[at:kept])
        starts.extend(range(at, kept))
        at = run.end()
    pieces.append(folded[at:])
    starts.extend(range(at, len(folded)))
    return "".join(pieces), starts, [*starts[1:], len(text)] if starts else []


def fold(text: str) -> str:
    """The normalised form of a typed quote (outer white space dropped)."""
    return WHITE_SPACE.sub(" ", text.strip().translate(QUOTE_FOLDS))


@dataclass(frozen=True, repr=False)
class Article:
    """The parsed article. ``raw`` is the whole captured page; every span indexes it."""

    raw: str
    title: str
    author: str
    published: dt.date
    series: Series
    start: int  # the title's first character
    end: int  # just after "...to prevent."
    byline: Span
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    chrome: tuple[Span, ...] = field(default=())

    def __repr__(self) -> str:
        return (
            f"<Article {self.title!r} by {self.author}, {self.published.isoformat()}, part"
            f" {self.series.part} of {self.series.parts}: {len(self.sections)} sections,"
            f" {len(self.paragraphs)} paragraphs, characters {self.start}-{self.end} of"
            f" {len(self.raw)}>"
        )

    @property
    def text(self) -> str:
        """The article alone: from its title to its last sentence."""
        return self.raw[self.start : self.end]

    @cached_property
    def _folded(self) -> tuple[str, list[int], list[int]]:
        return normalise(self.raw)

    def find(self, quote: str, occurrence: int | None = None) -> tuple[int, int]:
        """Where ``quote`` stands in the article, as (char_start, char_end) into ``raw``.

        The quote and the page are compared after :func:`normalise`. Raises
        :class:`QuoteError` unless the quote is found exactly once in the article (or
        ``occurrence`` picks one of several); a quote found only in the page chrome fails too.
        """
        needle = fold(quote)
        if not needle:
            raise QuoteError("not found", "the quote is empty")
        folded, starts, ends = self._folded
        inside: list[int] = []
        outside = 0
        at = folded.find(needle)
        while at != -1:
            raw_start, raw_end = starts[at], ends[at + len(needle) - 1]
            if self.start <= raw_start and raw_end <= self.end:
                inside.append(at)
            else:
                outside += 1
            at = folded.find(needle, at + 1)
        shown = needle if len(needle) <= 60 else needle[:57] + "..."
        if not inside:
            if outside:
                raise QuoteError(
                    "in page chrome",
                    f"quote {shown!r} is in the page chrome, not in the article",
                )
            raise QuoteError("not found", f"quote {shown!r} is not in the article")
        if occurrence is None:
            if len(inside) > 1:
                raise QuoteError(
                    "ambiguous",
                    f"quote {shown!r} is ambiguous: it stands {len(inside)} times in the article;"
                    " make it longer or give `occurrence`",
                )
            occurrence = 1
        if not 1 <= occurrence <= len(inside):
            raise QuoteError(
                "bad occurrence",
                f"occurrence {occurrence} of quote {shown!r} does not exist:"
                f" it stands {len(inside)} time(s) in the article",
            )
        at = inside[occurrence - 1]
        return starts[at], ends[at + len(needle) - 1]

    def paragraph_at(self, char: int) -> Paragraph | None:
        """The paragraph holding raw offset ``char`` (None outside the paragraphs)."""
        for paragraph in self.paragraphs:
            if paragraph.start <= char < paragraph.end:
                return paragraph
        return None


def _blocks(raw: str, start: int, end: int) -> list[Span]:
    """The non-blank lines between two offsets, trimmed of white space (no-break spaces too)."""
    spans = []
    for match in re.finditer(r"[^\r\n]+", raw[start:end]):
        line = match.group()
        stripped = line.strip()
        if stripped:
            left = start + match.start() + (len(line) - len(line.lstrip()))
            spans.append(Span(left, left + len(stripped), stripped))
    return spans


def _is_heading(block: Span) -> bool:
    return len(block.text) <= HEADING_MAX_CHARS and not block.text.endswith(
        tuple(FINAL_PUNCTUATION)
    )


def _section_until(raw: str, section: Section, stop: int) -> Section:
    text = raw[section.start : stop].rstrip()
    return Section(
        section.start, section.start + len(text), text, title=section.title, heading=section.heading
    )


def _number(word: str, table: dict[str, int], what: str) -> int:
    if word.isdigit():
        return int(word)
    try:
        return table[word.lower()]
    except KeyError:
        raise ArticleError(f"cannot read the {what} {word!r} of the series line") from None


def _byline_date(byline: re.Match[str]) -> dt.date:
    """The byline's date, in English whatever the locale."""
    written = f"{byline['month']} {byline['day']}, {byline['year']}"
    try:
        return dt.date(int(byline["year"]), MONTHS.index(byline["month"]) + 1, int(byline["day"]))
    except ValueError:
        raise ArticleError(f"the byline's date {written!r} is not a date") from None


def parse_article(raw: str) -> Article:
    """Parse the captured page. Raises :class:`ArticleError` if its landmarks are missing."""
    byline = BYLINE.search(raw)
    if byline is None:
        raise ArticleError("no byline (' by AUTHOR , Month D, YYYY') in the page")
    title_blocks = _blocks(raw, 0, byline.start())
    if not title_blocks:
        raise ArticleError("no title line above the byline")
    title = title_blocks[-1]
    marker = raw.find(END_MARKER, byline.end())
    if marker == -1:
        raise ArticleError(f"no end marker {END_MARKER!r} after the byline")
    end = len(raw[:marker].rstrip())
    series = SERIES.search(raw, byline.end(), end)
    if series is None:
        raise ArticleError("no series line ('the second in a four-part series')")
    published = _byline_date(byline)
    by = _blocks(raw, byline.start(), byline.end())[0]

    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    heading: Span | None = None
    for block in _blocks(raw, byline.end(), end):
        if _is_heading(block):
            heading = block
            sections.append(
                Section(block.start, block.end, block.text, title=block.text, heading=block)
            )
            continue
        paragraphs.append(
            Paragraph(
                block.start,
                block.end,
                block.text,
                number=len(paragraphs) + 1,
                section=heading.text if heading else None,
            )
        )
    # Each section runs from its heading to the next heading (the last one to the article's end);
    # an article without headings has no sections.
    stops = [s.start for s in sections[1:]] + [end] if sections else []
    sections = [_section_until(raw, s, stop) for s, stop in zip(sections, stops, strict=True)]
    chrome = tuple(
        Span(a, b, raw[a:b]) for a, b in ((0, title.start), (end, len(raw))) if raw[a:b].strip()
    )
    return Article(
        raw=raw,
        title=title.text,
        author=byline.group("author").strip(),
        published=published,
        series=Series(
            _number(series.group("part"), ORDINALS, "part"),
            _number(series.group("parts"), CARDINALS, "number of parts"),
        ),
        start=title.start,
        end=end,
        byline=by,
        paragraphs=tuple(paragraphs),
        sections=tuple(sections),
        chrome=chrome,
    )
