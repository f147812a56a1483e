"""The captured page -> the article: landmarks found by parsing, spans, quote matching."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

import marchwest
from marchwest.ledger.page import (
    QUOTE_FOLDS,
    Article,
    ArticleError,
    QuoteError,
    normalise,
    parse_article,
)

HEADINGS = [
    "Part Two: Pakistan, CPEC, and Central Asia",
    "China-Pakistan Security Ties",
    "CPEC in the String of Pearls",
    "Reconfiguring Post-Soviet Space",
    "What’s next",
]


@pytest.fixture(scope="module")
def article() -> Article:
    return marchwest.article()


def test_metadata(article):
    assert article.title == "China’s International Partnerships: Pakistan, CPEC, and Central Asia"
    assert article.author == "Matthew Johnson"
    assert article.published == dt.date(2019, 8, 18)
    assert (article.series.part, article.series.parts) == (2, 4)


def test_text_runs_from_title_to_last_sentence(article):
    assert article.text.startswith(article.title)
    assert article.text.endswith("...to prevent."[3:]) and article.text.endswith("to prevent.")
    assert article.raw[article.start : article.end] == article.text
    assert "Skip to main content" not in article.text
    assert "Popular posts from this blog" not in article.text
    assert article.byline.text == "by Matthew Johnson , August 18, 2019"


def test_chrome_is_everything_outside_the_article(article):
    top, bottom = article.chrome
    assert (top.start, top.end) == (0, article.start)
    assert top.text.strip() == "Skip to main content"
    assert (bottom.start, bottom.end) == (article.end, len(article.raw))
    assert bottom.text.strip().startswith("Popular posts from this blog")
    assert "Muddassir Iqbal" in bottom.text


def test_sections_and_paragraphs(article):
    assert [s.title for s in article.sections] == HEADINGS
    for section in article.sections:
        assert article.raw[section.start : section.end] == section.text
        assert section.text.startswith(section.title)
        assert article.raw[section.heading.start : section.heading.end] == section.title
    assert article.sections[-1].end == article.end
    for paragraph in article.paragraphs:
        assert article.raw[paragraph.start : paragraph.end] == paragraph.text
        assert paragraph.text == paragraph.text.strip()
    assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
    # Two paragraphs stand before the first heading; the last one ends the article.
    assert [p.section for p in article.paragraphs[:3]] == [None, None, HEADINGS[0]]
    assert article.paragraphs[-1].end == article.end
    assert article.paragraphs[-1].section == "What’s next"
    assert article.paragraph_at(article.paragraphs[4].start + 3) == article.paragraphs[4]
    assert article.paragraph_at(0) is None


def test_normalise_maps_back_to_the_raw_text():
    raw = "a\u00a0 \u2018quoted\u2019 \u2013 dash\n\nend"
    folded, starts, ends = normalise(raw)
    assert folded == "a 'quoted' - dash end"
    at = folded.index("'quoted' - dash")
    assert (
        raw[starts[at] : ends[at + len("'quoted' - dash") - 1]] == "\u2018quoted\u2019 \u2013 dash"
    )


def reference_normalise(text: str) -> tuple[str, list[int], list[int]]:
    """normalise as first written: each run of white space folded, one by one."""
    folded = text.translate(QUOTE_FOLDS)
    pieces, starts, ends, at = [], [], [], 0
    for run in re.finditer(r"\s+", folded):
        pieces += [folded[at : run.start()], " "]
        starts += [*range(at, run.start()), run.start()]
        ends += [*range(at + 1, run.start() + 1), run.end()]
        at = run.end()
    pieces.append(folded[at:])
    starts += range(at, len(folded))
    ends += range(at + 1, len(folded) + 1)
    return "".join(pieces), starts, ends


@pytest.mark.parametrize("seed", range(3))
def test_normalise_on_generated_text_as_the_reference(seed):
    rng = random.Random(seed)
    characters = "ab. \t\n\r\x0b\x0c\x1c\x85\u00a0\u2003\u2028\u3000\u2018\u2019\u201c\u2013\u200b"
    for _ in range(2000):
        text = "".join(rng.choice(characters) for _ in range(rng.randint(0, 30)))
        assert normalise(text) == reference_normalise(text), repr(text)


def test_normalise_of_a_long_page_of_single_and_double_spaces():
    for text in ("U.S. " * 40_000, "a  " * 40_000, "\t" * 100_000):
        folded, starts, ends = normalise(text)
        assert (folded, starts, ends) == reference_normalise(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Beijing's 'march West' strategy", "Beijing’s ‘march West’ strategy"),
        ("to discuss anti-terrorism", "to discuss\u00a0anti-terrorism"),  # a no-break space
        ("largestdefence", "largestdefence"),  # a glued word is typed as the page has it
        ("withUzbekistan", "withUzbekistan"),
        (
            "the West - and particularly the United States -",
            "the West – and particularly the United States –",
        ),
    ],
)
def test_typed_quotes_are_found_in_the_raw_text(article, typed, expected):
    start, end = article.find(typed)
    assert article.raw[start:end] == expected


@pytest.mark.parametrize(
    ("typed", "occurrence", "kind", "says"),
    [
        pytest.param(
            "China is redrawing the global security map beyond Africa",
            None,
            "not found",
            "is not in the article",
            id="not-found",
        ),
        pytest.param("CPEC", None, "ambiguous", "times in the article", id="ambiguous"),
        pytest.param(
            "Popular posts from this blog",
            None,
            "in page chrome",
            "in the page chrome",
            id="chrome-below",
        ),
        pytest.param(
            "Skip to main content", None, "in page chrome", "in the page chrome", id="chrome-above"
        ),
        pytest.param("Gwadar", 99, "bad occurrence", "occurrence 99", id="occurrence-too-far"),
    ],
)
def test_quote_failures(article, typed, occurrence, kind, says):
    with pytest.raises(QuoteError) as error:
        article.find(typed, occurrence=occurrence)
    assert error.value.kind == kind and says in str(error.value)


def test_occurrence_picks_one_of_several(article):
    first = article.find("Gwadar", occurrence=1)
    second = article.find("Gwadar", occurrence=2)
    assert first < second
    assert article.raw[first[0] : first[1]] == article.raw[second[0] : second[1]] == "Gwadar"


def test_a_quote_may_not_be_a_case_variant(article):
    with pytest.raises(QuoteError):
        article.find("china is redrawing the global security map")


def test_another_page_with_the_same_layout_is_parsed_not_matched_by_offset():
    page = (
        "Skip to main content\n\nA Different Title\n\n\u00a0by Jane Doe , March 3, 2020\n\n"
        "This piece, the third in a five-part series, looks west.\n\nA Heading\n\n"
        "Body text here.\n\n\nPopular posts from this blog\n\nSomething else."
    )
    parsed = parse_article(page)
    assert (parsed.title, parsed.author, parsed.published) == (
        "A Different Title",
        "Jane Doe",
        dt.date(2020, 3, 3),
    )
    assert (parsed.series.part, parsed.series.parts) == (3, 5)
    assert [s.title for s in parsed.sections] == ["A Heading"]
    assert parsed.text.endswith("Body text here.")


@pytest.mark.parametrize(
    ("page", "missing"),
    [
        ("Title\n\nJust text.\n\nPopular posts from this blog\n", "byline"),
        ("Title\n\n by A B , May 1, 2020\n\nthe second in a four-part series.\n", "end marker"),
        (
            "Title\n\n by A B , May 1, 2020\n\nNo series here.\n\nPopular posts from this blog\n",
            "series",
        ),
    ],
)
def test_a_page_without_its_landmarks_is_an_error(page, missing):
    with pytest.raises(ArticleError, match=missing):
        parse_article(page)


def test_repr_is_short(article):
    text = repr(article)
    assert len(text) < 300 and "Matthew Johnson" in text and "part 2 of 4" in text


@pytest.mark.parametrize("date", ["August 38, 2019", "Augustus 18, 2019", "February 29, 2019"])
def test_a_byline_date_that_is_no_date_is_an_error(date):
    page = (
        f"Title\n\n by A B , {date}\n\nthe second in a four-part series.\n\n"
        "Popular posts from this blog\n"
    )
    with pytest.raises(ArticleError, match=f"the byline's date '{date}' is not a date"):
        parse_article(page)


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_a_page_with_crlf_or_cr_line_ends_reads_as_with_lf(article, line_end):
    crlf = parse_article(article.raw.replace("\n", line_end))
    assert (crlf.title, crlf.author, crlf.published, crlf.series) == (
        article.title,
        article.author,
        article.published,
        article.series,
    )
    assert [s.title for s in crlf.sections] == HEADINGS
    assert [p.text for p in crlf.paragraphs] == [p.text for p in article.paragraphs]
    for span in (*crlf.paragraphs, *crlf.sections, crlf.byline):
        assert crlf.raw[span.start : span.end] == span.text and not span.text.endswith("\r")
    start, end = crlf.find("China is redrawing the global security map beyond Asia-Pacific.")
    assert crlf.raw[start:end].endswith("Asia-Pacific.")


def without_headings(article: Article) -> str:
    """The captured page with its section headings' lines left out (most articles have none)."""
    raw = article.raw
    for section in reversed(article.sections):
        raw = raw[: section.heading.start] + raw[section.heading.end :]
    return raw


def test_an_article_without_headings_has_no_sections(article):
    parsed = parse_article(without_headings(article))
    assert parsed.sections == () and parsed.title == article.title
    assert [p.text for p in parsed.paragraphs] == [p.text for p in article.paragraphs]
    assert {p.section for p in parsed.paragraphs} == {None}


def test_a_ledger_whose_article_has_no_headings_loads(article, make_ledger):
    from marchwest.contents import INTRODUCTION, article_sections

    ledger = marchwest.load(make_ledger({"raw/article.txt": without_headings(article)}))
    assert ledger.article().sections == ()
    frame = ledger.coverage()
    assert "heading" not in set(frame["part"]) and frame["section"].isna().all()
    assert len(frame[frame["part"] == "body"]) == 81
    assert list(article_sections(ledger.article())["title"]) == [INTRODUCTION]
