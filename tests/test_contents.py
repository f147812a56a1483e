"""marchwest.contents and the overview chart spec on small synthetic tables (columns as in data/README.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from marchwest import contents
from marchwest.plot import overview

RAW = "Title line\n\nIntro text here.\n\nHeading A\n\nAlpha beta gamma delta.\n\nHeading B\n\nEnd."


def _sections() -> pd.DataFrame:
    a, b = RAW.index("Heading A"), RAW.index("Heading B")
    return pd.DataFrame(
        {
            "title": ["(introduction)", "Heading A", "Heading B"],
            "char_start": [0, a, b],
            "char_end": [a, b, len(RAW)],
        }
    )


def _tables() -> dict[str, pd.DataFrame]:
    at = RAW.index
    return {
        "events": pd.DataFrame(
            {
                "origin": ["article", "article", "reference"],
                "char_start": [at("Intro"), at("gamma"), pd.NA],
            }
        ),
        "claims": pd.DataFrame({"origin": ["reference"], "char_start": [at("delta")]}),
        "entities": pd.DataFrame(
            {"origin": ["article"] * 3, "char_start": [at("Alpha"), at("beta"), at("End")]}
        ),
        "sources": pd.DataFrame({"origin": ["reference"] * 2}),
    }


def test_rows_per_table_counts_by_origin():
    counts = contents.rows_per_table(_tables()).set_index("table")
    assert counts.loc["events"].tolist() == [2, 1, 3]
    assert counts.loc["entities"].tolist() == [3, 0, 3]
    assert counts.loc["sources"].tolist() == [0, 2, 2]
    assert counts.loc["claims"].tolist() == [0, 1, 1]


def test_facts_per_section_places_each_article_row_by_its_offset():
    counts = contents.facts_per_section(_tables(), _sections()).set_index("section")
    assert list(counts.index) == ["(introduction)", "Heading A", "Heading B"]
    assert "sources" not in counts.columns  # no row quotes the article
    assert counts["events"].tolist() == [1, 1, 0]
    assert counts["entities"].tolist() == [0, 2, 1]
    assert counts["claims"].tolist() == [0, 1, 0]  # a reference row that quotes the article
    assert counts["total"].tolist() == [1, 4, 1]


def test_facts_per_section_names_a_row_outside_every_section():
    sections = _sections().iloc[1:]
    with pytest.raises(ValueError, match="table 'events': a row at offset 12 is in no section"):
        contents.facts_per_section(_tables(), sections)


def test_stacked_bars_keep_reading_order_and_one_segment_per_table():
    counts = contents.facts_per_section(_tables(), _sections())
    spec = overview.stacked_bars(counts, label="section", title="t", x_label="rows", caption="c")
    marks = spec.marks
    assert list(dict.fromkeys(marks["category"])) == ["(introduction)", "Heading A", "Heading B"]
    assert list(dict.fromkeys(marks["segment"])) == ["events", "claims", "entities"]
    totals = marks.drop_duplicates("category").set_index("category")["text"]
    assert totals.to_dict() == {"(introduction)": "1", "Heading A": "4", "Heading B": "1"}
    assert spec.layout.legend and spec.x_label == "rows"
    assert "Heading A 4 (1 events, 1 claims, 2 entities)" in spec.description


def test_stacked_bars_by_origin():
    counts = contents.rows_per_table(_tables())
    spec = overview.stacked_bars(counts, label="table", title="t", x_label="rows", caption="c")
    reference = spec.marks[spec.marks["segment"] == "reference"]
    assert reference["value"].tolist() == [1, 1, 0, 2]
    assert reference["colour"].nunique() == 1


def test_stacked_bars_of_sentence_coverage_sum_their_own_total():
    import pandas as pd

    from marchwest.plot.style import COVERAGE_COLOURS

    counts = pd.DataFrame(
        {"section": ["A", "B"], "cited": [3, 5], "explained": [2, 0], "uncovered": [0, 1]}
    )
    spec = overview.stacked_bars(counts, label="section", title="t", x_label="n", caption="c")
    totals = spec.marks.drop_duplicates("category").set_index("category")["text"]
    assert totals.to_dict() == {"A": "5", "B": "6"}
    colours = spec.marks.drop_duplicates("segment").set_index("segment")["colour"]
    assert colours.to_dict() == {
        s: COVERAGE_COLOURS[s] for s in ("cited", "explained", "uncovered")
    }
    assert "B 6 (5 cited, 1 uncovered)" in spec.description


def test_in_context_gives_words_around_the_span():
    start = RAW.index("gamma")
    before, text, after = contents.in_context(RAW, start, start + 5, words=2)
    assert (before, text, after) == ("Alpha beta ", "gamma", " delta. Heading")


def test_in_context_at_the_edges_and_out_of_range():
    assert contents.in_context(RAW, 0, 5, words=3) == ("", "Title", " line Intro text")
    with pytest.raises(ValueError, match="outside the text"):
        contents.in_context(RAW, 5, len(RAW) + 1)


def test_article_sections_put_the_introduction_first():
    from types import SimpleNamespace as NS

    a, b = RAW.index("Heading A"), RAW.index("Heading B")

    def paragraph(start):
        return NS(start=start)

    article = NS(
        raw=RAW,
        start=0,
        end=len(RAW),
        sections=[
            NS(title="Heading A", start=a, end=b),
            NS(title="Heading B", start=b, end=len(RAW)),
        ],
        paragraphs=[
            paragraph(RAW.index("Intro")),
            paragraph(RAW.index("Alpha")),
            paragraph(RAW.index("End")),
        ],
    )
    sections = contents.article_sections(article)
    assert sections["title"].tolist() == [contents.INTRODUCTION, "Heading A", "Heading B"]
    assert sections["char_end"].tolist() == [a, b, len(RAW)]
    assert sections["paragraphs"].tolist() == [1, 1, 1]
    assert sections["words"].tolist() == [5, 6, 3]
