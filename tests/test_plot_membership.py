"""Membership chart specs on small frames that follow the column contract."""

from __future__ import annotations

import pandas as pd
import pytest

from marchwest.plot.contrast import GRAPHIC_CONTRAST, TEXT_CONTRAST, contrast
from marchwest.plot.membership import CELL_COLOURS, NONE_COLOUR, status_counts, status_grid
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
    hover = MATRIX.where(MATRIX.isna(), "source: test")
    spec = status_grid(MATRIX, labels=NAMES, column_labels=NAMES, hover=hover, title="t")
    cells = spec.marks.set_index(["row", "column"])
    assert cells.at[("China", "SCO"), "colour"] == CELL_COLOURS["founding member"]
    assert cells.at[("Pakistan", "Csto"), "colour"] == NONE_COLOUR
    assert cells.at[("Belarus", "Csto"), "colour"] == CELL_COLOURS["member"]
    assert list(dict.fromkeys(spec.marks["row"])) == ["China", "Pakistan", "Belarus"]
    # a long status breaks between its words, so a narrow cell never cuts it
    assert cells.at[("China", "SCO"), "text"] == "founding\nmember"
    assert cells.at[("China", "SCO"), "text_colour"] == "#FFFFFF"
    assert cells.at[("China", "SCO"), "hover"] == "China · SCO\nfounding member\nsource: test"
    assert [status for status, _ in spec.layout.legend] == [
        "founding member",
        "member",
        "observer",
    ]
    assert "SCO: China (founding member), Pakistan (member), Belarus (observer)" in (
        spec.description
    )


def test_counts_stack_bars_per_year_and_outline_the_highlight():
    members = pd.DataFrame({"member": ["", "India, Pakistan", "India, Pakistan"]}, index=DATES)
    spec = status_counts(
        COUNTS,
        members=members.reindex(columns=COUNTS.columns),
        title="t",
        highlight=DATES[1],
        highlight_label="article",
    )
    member = spec.marks[spec.marks["segment"] == "member"]
    assert member["x"].tolist() == [2016, 2017, 2018] and member["value"].tolist() == [0, 2, 2]
    assert member["hover"].tolist()[1] == "2017: 2 member\nIndia, Pakistan"
    (box,) = spec.annotations
    assert (box.kind, box.x, box.y, box.text) == ("box", 2017, 12, "article")
    assert spec.y_label == "Countries (on 18 August each year)"
    assert spec.layout.y_max == 16
    assert "10 in 2016" in spec.description and "(12 in all) in 2018" in spec.description


def test_long_column_names_break_between_words_and_after_dashes_only():
    names = {**NAMES, "csto": "China–Afghanistan–Pakistan trilateral"}
    spec = status_grid(MATRIX, labels=NAMES, column_labels=names, title="t")
    header = list(dict.fromkeys(spec.marks["column"]))[1]
    assert header.split("\n") == ["China–", "Afghanistan–", "Pakistan", "trilateral"]


@pytest.mark.parametrize("status", list(STATUS_COLOURS))
def test_every_status_stands_out_from_an_empty_cell_and_its_text_reads(status):
    """WCAG AA: a graphic 3:1 against its neighbour (an empty cell), its written status 4.5:1.
    The palette of the issue gave a dialogue partner 1.1:1 against an empty cell."""
    spec = status_grid(pd.DataFrame({"sco": [status, pd.NA]}, dtype="string"), title="t")
    filled, empty = spec.marks.iloc[0], spec.marks.iloc[1]
    assert empty["colour"] == NONE_COLOUR
    assert contrast(filled["colour"], empty["colour"]) >= GRAPHIC_CONTRAST
    assert contrast(filled["text_colour"], filled["colour"]) >= TEXT_CONTRAST
    assert contrast(STATUS_COLOURS["dialogue partner"], NONE_COLOUR) < 1.2  # what was fixed


def test_the_statuses_have_colours_of_their_own():
    assert set(CELL_COLOURS) == set(STATUS_COLOURS)
    assert len(set(CELL_COLOURS.values())) == len(CELL_COLOURS)
