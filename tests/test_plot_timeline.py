"""The timeline spec, its two renderers and marchwest.timeline on a small events frame that
follows the column contract."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from marchwest.plot import figure
from marchwest.plot.timeline import axis_ranges, timeline, timeline_marks
from marchwest.timeline import reference_dates, undated_events

PUBLISHED = pd.Timestamp("2019-08-18")
T = pd.Timestamp


def events() -> pd.DataFrame:
    rows = [
        # event_id, title, kind, date_text, start, end, precision, origin, evidence, source, corr
        (
            "brf",
            "Second Belt and Road Forum",
            "forum",
            "in April",
            T("2019-04-01"),
            T("2019-04-30"),
            "month",
            "article",
            "the Forum in April",
            None,
            None,
        ),
        (
            "patrol",
            "Joint bomber patrol",
            "patrol",
            "June 2019",
            T("2019-06-01"),
            T("2019-06-30"),
            "month",
            "article",
            "patrol in June 2019",
            None,
            None,
        ),
        (
            "patrol_ref",
            "First joint patrol (reference)",
            "patrol",
            "23 July 2019",
            T("2019-07-23"),
            T("2019-07-23"),
            "day",
            "reference",
            None,
            "xinhua",
            "patrol",
        ),
        (
            "exchanges",
            "High-level exchanges",
            "meeting",
            "since 2018",
            T("2018-01-01"),
            pd.NaT,
            "interval",
            "article",
            "since 2018 exchanges",
            None,
            None,
        ),
        (
            "shanghai_five",
            "Shanghai Five founded",
            "founding",
            "26 April 1996",
            T("1996-04-26"),
            T("1996-04-26"),
            "day",
            "reference",
            None,
            "wiki",
            None,
        ),
        (
            "taliban",
            "China engages the Taliban",
            "negotiation",
            None,
            pd.NaT,
            pd.NaT,
            "undated",
            "article",
            "engage the Taliban",
            None,
            None,
        ),
        (
            "base",
            "Base offer",
            "offer",
            None,
            pd.NaT,
            pd.NaT,
            "undated",
            "article",
            "offered a base",
            None,
            None,
        ),
        (
            "base_ref",
            "Decree on outposts",
            "offer",
            "26 Sep 2016",
            T("2016-09-26"),
            T("2016-09-26"),
            "day",
            "reference",
            None,
            "rferl",
            "base",
        ),
    ]
    columns = [
        "event_id",
        "title",
        "kind",
        "date_text",
        "date_start",
        "date_end",
        "date_precision",
        "origin",
        "evidence",
        "source_id",
        "corresponds_to",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_marks_put_a_reference_date_on_its_article_event_line():
    marks = timeline_marks(events()).set_index("event_id")
    assert marks.loc["patrol_ref", "line"] == marks.loc["patrol", "line"]
    assert marks.loc["patrol_ref", "label"] == "Joint bomber patrol"
    assert marks.loc["patrol_ref", "shape"] == "marker"
    assert marks.loc["patrol", "shape"] == "bar"
    assert marks.loc["patrol", "end"] == T("2019-07-01")  # a month bar covers the whole month
    assert marks.loc["exchanges", "open_end"] and pd.isna(marks.loc["exchanges", "end"])
    # An undated article event dated by a reference row gets a line, labelled with its title.
    assert marks.loc["base_ref", "label"] == "Base offer"
    assert "taliban" not in marks.index and "base" not in marks.index


def test_lines_run_in_date_order():
    marks = timeline_marks(events()).drop_duplicates("line")
    assert marks["event_id"].tolist() == ["shanghai_five", "base_ref", "exchanges", "brf", "patrol"]
    assert marks["line"].tolist() == [0, 1, 2, 3, 4]


def test_undated_events_exclude_those_a_reference_dates():
    assert undated_events(events())["event_id"].tolist() == ["taliban"]


def test_a_long_empty_stretch_breaks_the_axis_in_two():
    marks = timeline_marks(events())
    ranges = axis_ranges(marks, PUBLISHED)
    assert len(ranges) == 2
    assert ranges[0][0] < T("1996-04-26") < ranges[0][1] < ranges[1][0] < T("2016-09-26")
    assert ranges[1][1] > PUBLISHED
    recent = marks[marks["event_id"] != "shanghai_five"]
    assert len(axis_ranges(recent, PUBLISHED)) == 1


def _spec(**options):
    undated = undated_events(events())["title"].tolist()
    return timeline(events(), published=PUBLISHED, undated=undated, **options)


def test_the_spec_lists_undated_events_and_describes_every_line():
    spec = _spec(caption="Sources: test.")
    assert spec.caption.startswith(
        "Not drawn, the article gives no date: China engages the Taliban."
    )
    assert spec.caption.endswith("Sources: test.")
    assert spec.description.startswith("A timeline of 5 events from 1996 to 2019")
    assert "Joint bomber patrol (June 2019 / 23 July 2019)" in spec.description
    assert len(spec.layout.panels) == 2
    marks = spec.marks.set_index("event_id")
    assert marks.loc["exchanges", "draw_end"] == spec.layout.panels[-1].right  # open end


def test_matplotlib_timeline_draws_bars_markers_and_notes():
    fig = figure(_spec(caption="Sources: test."))
    assert isinstance(fig, Figure)
    early, late = fig.axes
    assert [t.get_text() for t in early.get_yticklabels()] == [
        "Shanghai Five founded",
        "Base offer",
        "High-level exchanges",
        "Second Belt and Road Forum",
        "Joint bomber patrol",
    ]
    # The April bar starts on 1 April and is 30 days long.
    april = [
        p
        for p in late.patches
        if isinstance(p, Rectangle) and p.get_x() == pytest.approx(mdates.date2num(T("2019-04-01")))
    ]
    assert [p.get_width() for p in april] == [30.0]
    # The open bar reaches the right edge, which lies after the publication date.
    right = late.get_xlim()[1]
    assert right > mdates.date2num(PUBLISHED)
    assert max(p.get_x() + p.get_width() for p in late.patches) == pytest.approx(right)
    # Each panel draws only the marks it shows: the early one none of the 2010s.
    early_right = early.get_xlim()[1]
    markers = [line for line in early.lines if line.get_marker() in ("o", "D")]
    assert markers and all(line.get_xdata()[0] < early_right for line in markers)
    assert all(p.get_x() < early_right for p in early.patches)
    published_lines = [line for line in late.lines if line.get_linestyle() == "--"]
    assert published_lines[0].get_xdata()[0] == mdates.date2num(PUBLISHED)
    caption = fig._supxlabel.get_text()
    assert "China engages the Taliban" in caption and "Sources: test." in caption


def test_plotly_timeline_first_bar_hovers_with_date_text_and_evidence():
    fig = figure(_spec(), "plotly")
    assert isinstance(fig, go.Figure)
    first = fig.data[0]
    assert first.type == "bar" and first.orientation == "h"
    for field in ("customdata[0]", "customdata[1]", "customdata[2]"):
        assert field in first.hovertemplate
    date_text, hover, title = first.customdata[0]
    row = events().set_index("title").loc[title]
    assert date_text == row["date_text"]
    assert " ".join(row["evidence"].split()[:3]) in hover
    # Bars are dated: base is the first day, length in milliseconds.
    brf = next(t for t in fig.data if t.type == "bar" and "Second Belt and Road Forum" in t.y)
    index = list(brf.y).index("Second Belt and Road Forum")
    assert brf.base[index] == "2019-04-01"
    assert brf.x[index] == 30 * 86_400_000


def test_plotly_timeline_marks_reference_dates_open_ends_and_publication():
    fig = figure(_spec(), "plotly")
    reference = [t for t in fig.data if t.name == "reference date"]
    assert any("Joint bomber patrol" in t.y for t in reference)
    open_end = next(t for t in fig.data if t.name == "open end (continues)")
    assert list(open_end.y) == ["High-level exchanges"]
    assert fig.layout.shapes[0].x0 == "2019-08-18"
    assert any("China engages the Taliban" in a.text for a in fig.layout.annotations)
    # Two panels: the early one holds only the 1996 mark.
    early = [t for t in fig.data if t.xaxis == "x" and list(t.y) != [None]]  # not legend entries
    assert {y for t in early for y in t.y} == {"Shanghai Five founded"}


def test_reference_dates_say_whether_they_fall_within_the_article_date():
    table = reference_dates(events()).set_index("event_id")
    assert table.loc["patrol", "agreement"] == "outside the article's date"
    assert table.loc["patrol", "article_date"] == "June 2019"
    assert table.loc["patrol", "reference_date"] == "23 July 2019"
    assert table.loc["base", "agreement"] == "the article gives no date"
    inside = events().assign(
        date_start=lambda e: e.date_start.where(e.event_id != "patrol_ref", T("2019-06-23")),
        date_end=lambda e: e.date_end.where(e.event_id != "patrol_ref", T("2019-06-23")),
    )
    assert reference_dates(inside).set_index("event_id").loc["patrol", "agreement"] == (
        "within the article's date"
    )


def test_plotly_hover_names_the_reference_source():
    spec = _spec(sources={"xinhua": "Xinhua, 24 Jul 2019"})
    assert "reference: Xinhua, 24 Jul 2019" in spec.marks["hover"].tolist()
