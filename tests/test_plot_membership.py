"""Membership charts on small frames that follow the column contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from marchwest.plot.membership import (
    NONE_COLOUR,
    status_counts_figure,
    status_counts_plotly,
    status_grid_figure,
    status_grid_plotly,
)
from marchwest.plot.style import STATUS_COLOURS

MATRIX = pd.DataFrame(
    {"sco": ["founding member", "member", "observer"], "csto": [pd.NA, pd.NA, "member"]},
    index=pd.Index(["china", "pakistan", "belarus"], name="member_id"),
    dtype="string",
)
NAMES = {"china": "China", "pakistan": "Pakistan", "belarus": "Belarus", "sco": "SCO"}
DATES = pd.DatetimeIndex(["2016-08-18", "2017-08-18", "2018-08-18"], name="date")
COUNTS = pd.DataFrame(
    {"founding member": [6, 6, 6], "member": [0, 2, 2], "observer": [4, 4, 4]}, index=DATES
)


def test_grid_colours_each_cell_by_its_status_and_writes_it():
    fig = status_grid_figure(MATRIX, row_labels=NAMES, column_labels=NAMES, title="t")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    image = ax.images[0]
    rgba = image.cmap(image.norm(image.get_array()))
    assert to_hex(rgba[0, 0]) == STATUS_COLOURS["founding member"].lower()
    assert to_hex(rgba[1, 1]) == NONE_COLOUR.lower()
    assert to_hex(rgba[2, 1]) == STATUS_COLOURS["member"].lower()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["China", "Pakistan", "Belarus"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["SCO", "Csto"]
    written = sorted(t.get_text() for t in ax.texts)
    assert written == ["founding\nmember", "member", "member", "observer"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["founding member", "member", "observer"]


def test_grid_plotly_maps_statuses_to_a_discrete_colour_bar():
    hover = MATRIX.where(MATRIX.isna(), "source: test")
    fig = status_grid_plotly(MATRIX, row_labels=NAMES, hover=hover)
    heatmap = fig.data[0]
    assert isinstance(heatmap, go.Heatmap)
    ticks = dict(zip(heatmap.colorbar.tickvals, heatmap.colorbar.ticktext, strict=True))
    z = np.array(heatmap.z)
    assert ticks[z[0, 0]] == "founding member" and ticks[z[1, 1]] == "none"
    assert ticks[z[2, 1]] == "member"
    assert heatmap.customdata[0][0] == "source: test" and heatmap.customdata[0][1] == ""
    assert list(heatmap.y) == ["China", "Pakistan", "Belarus"]


def test_counts_stack_bars_per_year_and_outline_the_highlight():
    fig = status_counts_figure(COUNTS, highlight=DATES[1], highlight_label="article")
    ax = fig.axes[0]
    filled = [p for p in ax.patches if p.get_fill()]
    assert len(filled) == 9
    outlined = [p for p in ax.patches if not p.get_fill()]
    assert len(outlined) == 1
    assert outlined[0].get_x() + outlined[0].get_width() / 2 == 2017
    assert outlined[0].get_height() == 12
    assert ax.get_ylabel() == "Countries (on 18 August each year)"
    assert sorted(t.get_text() for t in ax.texts) == ["10", "12", "12", "article"]


def test_counts_plotly_carries_who_in_the_hover():
    members = pd.DataFrame({"member": ["", "India, Pakistan", "India, Pakistan"]}, index=DATES)
    fig = status_counts_plotly(COUNTS, members=members.reindex(columns=COUNTS.columns))
    member_trace = next(t for t in fig.data if t.name == "member")
    assert list(member_trace.x) == [2016, 2017, 2018]
    assert list(member_trace.y) == [0, 2, 2]
    assert member_trace.customdata[1] == "India, Pakistan"
    assert fig.layout.barmode == "stack"


def test_long_column_names_break_between_words_and_after_dashes_only():
    names = {**NAMES, "csto": "China–Afghanistan–Pakistan trilateral"}
    fig = status_grid_figure(MATRIX, row_labels=NAMES, column_labels=names, title="t")
    header = fig.axes[0].get_xticklabels()[1].get_text()
    assert header.split("\n") == ["China–", "Afghanistan–", "Pakistan", "trilateral"]
    plotly_fig = status_grid_plotly(MATRIX, row_labels=NAMES, column_labels=names, title="t")
    assert "China–<br>Afghanistan–<br>Pakistan<br>trilateral" in list(plotly_fig.data[0].x)
