"""marchwest.plot.ledger on small synthetic tables (columns as in data/README.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from marchwest.plot import ledger

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
    counts = ledger.rows_per_table(_tables()).set_index("table")
    assert counts.loc["events"].tolist() == [2, 1, 3]
    assert counts.loc["entities"].tolist() == [3, 0, 3]
    assert counts.loc["sources"].tolist() == [0, 2, 2]
    assert counts.loc["claims"].tolist() == [0, 1, 1]


def test_facts_per_section_places_each_article_row_by_its_offset():
    counts = ledger.facts_per_section(_tables(), _sections()).set_index("section")
    assert list(counts.index) == ["(introduction)", "Heading A", "Heading B"]
    assert "sources" not in counts.columns  # no row quotes the article
    assert counts["events"].tolist() == [1, 1, 0]
    assert counts["entities"].tolist() == [0, 2, 1]
    assert counts["claims"].tolist() == [0, 1, 0]  # a reference row that quotes the article
    assert counts["total"].tolist() == [1, 4, 1]


def test_facts_per_section_names_a_row_outside_every_section():
    sections = _sections().iloc[1:]
    with pytest.raises(ValueError, match="table 'events': a row at offset 12 is in no section"):
        ledger.facts_per_section(_tables(), sections)


def test_stacked_bars_draw_segments_in_reading_order():
    counts = ledger.facts_per_section(_tables(), _sections())
    fig = ledger.stacked_bars(counts, label="section", title="t", xlabel="rows", caption="c")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Heading B",
        "Heading A",
        "(introduction)",
    ]
    totals = [t.get_text().strip() for t in ax.texts]
    assert totals == ["1", "4", "1"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["events", "claims", "entities"]


def test_stacked_bars_plotly_one_trace_per_table():
    counts = ledger.rows_per_table(_tables())
    fig = ledger.stacked_bars_plotly(counts, label="table", title="t", xlabel="rows", caption="c")
    assert [trace.name for trace in fig.data] == ["article", "reference"]
    assert list(fig.data[1].x) == [1, 1, 0, 2]
    assert fig.layout.barmode == "stack"


def test_in_context_gives_words_around_the_span():
    start = RAW.index("gamma")
    before, text, after = ledger.in_context(RAW, start, start + 5, words=2)
    assert (before, text, after) == ("Alpha beta ", "gamma", " delta. Heading")


def test_in_context_at_the_edges_and_out_of_range():
    assert ledger.in_context(RAW, 0, 5, words=3) == ("", "Title", " line Intro text")
    with pytest.raises(ValueError, match="outside the text"):
        ledger.in_context(RAW, 5, len(RAW) + 1)


def test_article_sections_put_the_introduction_first():
    from types import SimpleNamespace as NS

    a, b = RAW.index("Heading A"), RAW.index("Heading B")
    paragraph = lambda start: NS(start=start)
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
    sections = ledger.article_sections(article)
    assert sections["title"].tolist() == [ledger.INTRODUCTION, "Heading A", "Heading B"]
    assert sections["char_end"].tolist() == [a, b, len(RAW)]
    assert sections["paragraphs"].tolist() == [1, 1, 1]
    assert sections["words"].tolist() == [5, 6, 3]
