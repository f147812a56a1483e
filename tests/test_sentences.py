"""The sentence splitter on generated paragraphs (seeded): the same sentences as a plain
reference splitter, spans that tile the text, every end a real one; long single lines too."""

from __future__ import annotations

import random
import re

import pytest

import marchwest
from marchwest.ledger import spans as sentence_spans

CLOSING = "\"'’”)]"
OPENING = "\"'‘“(["
# What may start the next sentence after a stop: white space, an opening mark, a capital or digit.
NEXT_STARTS = re.compile(r"\s+[\"'‘“(\[]?[A-Z0-9]")


def reference_split(text: str) -> list[tuple[int, int]]:
    """The splitter as first written: at every candidate end it reads the word before the full
    stop by searching the paragraph from its start (plain, and quadratic)."""
    ends = re.compile(r"[.!?][\"'’”)\]]*(?=\s+[\"'‘“(\[]?[A-Z0-9])")
    spans, start = [], 0
    for match in ends.finditer(text):
        stop = match.start()
        if text[stop] == ".":
            word = re.compile(r"([\w.]+)$").search(text, 0, stop)
            if word is not None and (
                word.group(1) in sentence_spans.ABBREVIATIONS
                or re.fullmatch(r"(?:[A-Za-z]\.)+", word.group(1) + ".")
            ):
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        piece = text[a:b]
        left, right = a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())
        if right > left:
            out.append((left, right))
    return out


# Pieces a generated paragraph is made of: abbreviations, initials, quotes, glued words,
# stops, digits, odd white space and control characters. No "\n": a paragraph is one line.
PIECES = [
    "U.S.",
    "Gen.",
    "Mr.",
    "e.g.",
    "J.",
    "No.",
    "etc.",
    "China",
    "Pakistan",
    "largestdefence",
    "paper,China’s",
    "It",
    "the",
    "30",
    "2019.",
    "word.",
    "end!",
    "why?",
    "‘all-weather’.",
    "“Shanghai spirit.”",
    "(CPEC).",
    "'quoted.'",
    '"A',
    "[B",
    "…",
    ".",
    "!?",
    "\u00a0",
    "\t",
    "\x00",
    "\x0b",
    "\u2028",
    "Σ.",
    "ΑΒ.",
    "_.",
    "a.b.c.",
    "U.S.A.B.",
    "Nos.",
    "Sept.",
    "Gen.!",
    "Gen.eral.",
    "Gen.\u201d",
    "U.S.)",
    "Mr.?",
    ".U.S.",
    "Dr..",
    "A.",
    "x.Y.",
]


def paragraph(rng: random.Random, pieces: int) -> str:
    joins = [" ", " ", " ", "", "  ", "\u00a0"]
    return "".join(rng.choice(PIECES) + rng.choice(joins) for _ in range(pieces))


def is_abbreviation(word: str) -> bool:
    """The word before a full stop is an abbreviation ("Gen") or initials ("U.S")."""
    return word in sentence_spans.ABBREVIATIONS or bool(
        re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word)
    )


def word_starts(text: str) -> list[int]:
    """For each offset, where the run of word characters and full stops holding it starts."""
    starts, at = [], 0
    for i, char in enumerate(text):
        if not re.fullmatch(r"[\w.]", char):
            at = i + 1
        starts.append(at)
    return starts


def assert_well_split(text: str, spans: list[tuple[int, int]]) -> None:
    """The spans tile the text's non-blank part; each ends at a stop followed by what starts a
    sentence; no such stop inside a sentence, unless it closes an abbreviation or initials."""
    starts = word_starts(text)
    at = 0
    for number, (a, b) in enumerate(spans):
        assert at <= a < b <= len(text)
        assert not text[at:a].strip(), "only white space between sentences"
        assert not text[a].isspace() and not text[b - 1].isspace()
        last = number == len(spans) - 1
        if not last:
            stop = len(text[a:b].rstrip(CLOSING)) + a - 1
            assert text[stop] in ".!?" and NEXT_STARTS.match(text, b), text[a:b]
            assert text[stop] != "." or not is_abbreviation(text[starts[stop] : stop])
        for inner in re.finditer(r"[.!?][\"'’”)\]]*(?=\s+[\"'‘“(\[]?[A-Z0-9])", text[a:b]):
            stop = a + inner.start()
            if last or a + inner.end() < b:
                assert text[stop] == ".", text[a:b]
                assert is_abbreviation(text[starts[stop] : stop]), text[a:b]
        at = b
    assert not text[at:].strip()


def test_the_bundled_article_is_split_as_by_the_reference():
    article = marchwest.article()
    for block in article.paragraphs:
        expected = [(a + block.start, b + block.start) for a, b in reference_split(block.text)]
        assert sentence_spans.split(block.text, block.start) == expected


@pytest.mark.parametrize("seed", range(4))
def test_generated_paragraphs_are_split_as_by_the_reference(seed):
    rng = random.Random(seed)
    for _ in range(150):
        text = paragraph(rng, rng.randint(0, 60))
        spans = sentence_spans.split(text)
        assert spans == reference_split(text), text
        assert_well_split(text, spans)


@pytest.mark.parametrize("seed", range(4))
def test_generated_strings_of_stops_quotes_and_letters_are_split_as_by_the_reference(seed):
    rng = random.Random(seed)
    characters = "aAbZ.!?'\"\u2019\u201d)]\u2018\u201c([ \t\u00a009GenUS"
    for _ in range(1000):
        text = "".join(rng.choice(characters) for _ in range(rng.randint(0, 40)))
        spans = sentence_spans.split(text)
        assert spans == reference_split(text), text
        assert_well_split(text, spans)


LONG_LINES = {
    "initials and spaces": "U.S. " * 40_000,
    "titles": "Gen. " * 40_000 + "Hayat came. It ended.",
    "one word": "a" * 200_000 + ". B",
    "initials without spaces": "U.S." * 50_000 + " A",
    "stops and quotes": ".'" * 100_000 + " A",
    "stops and spaces": ". A" * 70_000,
    "white space": ". " + "\t" * 200_000 + "a. B",
    "question marks": "?" * 200_000,
}


@pytest.mark.parametrize("name", LONG_LINES)
def test_long_single_lines(name):
    text = LONG_LINES[name]
    assert len(text) >= 200_000
    assert_well_split(text, sentence_spans.split(text))


def test_a_long_generated_line():
    rng = random.Random(7)
    text = paragraph(rng, 40_000)
    assert len(text) >= 200_000 and "\n" not in text
    spans = sentence_spans.split(text)
    assert len(spans) > 100
    assert_well_split(text, spans)


def test_a_long_run_of_initials_is_one_sentence():
    text = "U.S. " * 40_000 + "Navy patrols."
    assert sentence_spans.split(text, 5) == [(5, 5 + len(text))]
