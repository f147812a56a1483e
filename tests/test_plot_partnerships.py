"""Notebook 07's chart specs: China's ties as a network, and partners by kind of tie."""

from __future__ import annotations

import pandas as pd
import pytest

import marchwest
from marchwest.partnerships import kind_matrix, network_layout, partner_ties
from marchwest.plot import partnerships as charts
from marchwest.plot.style import TIE_KIND_COLOURS


@pytest.fixture(scope="module")
def named() -> pd.DataFrame:
    partners = partner_ties(marchwest.ties(), marchwest.entities(), "china")
    return partners[partners["named"]]


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    entities = marchwest.entities()
    return dict(zip(entities["entity_id"], entities["name"], strict=True))


def test_the_network_has_one_line_per_partner_and_kind(named, names):
    positions = network_layout(marchwest.ties(), named["partner"], "china")
    spec = charts.tie_network(named, positions, centre="china", labels=names, title="t")
    edges = spec.marks[spec.marks["mark"] == "edge"]
    nodes = spec.marks[spec.marks["mark"] == "node"]
    pairs = named[["partner", "kind"]].drop_duplicates()
    assert len(edges) == len(pairs)
    assert set(nodes["label"]) == {"China", *named["partner_name"]}
    assert set(edges["group"]) == set(pairs["kind"].astype(str))
    assert (edges["colour"] == edges["group"].map(TIE_KIND_COLOURS)).all()
    # Every line ends at its partner, moved sideways only (parallel lines of one partner).
    ends = positions.set_index("node")
    pakistan = edges[edges["hover"].str.startswith("China – Pakistan")]
    assert len(pakistan) == 6
    for x, y in zip(
        pakistan["x_end"] - pakistan["x"], pakistan["y_end"] - pakistan["y"], strict=True
    ):
        assert (x, y) == pytest.approx((ends.at["pakistan", "x"], ends.at["pakistan", "y"]))
    assert "Pakistan (same organisation, agreement" in spec.description


def test_hover_lists_the_ties_with_their_evidence_or_source(named):
    offer = named[(named["partner"] == "tajikistan") & (named["kind"] == "aid")]
    lines = charts.tie_lines(offer)
    assert len(lines) == 1
    assert all(len(line) <= charts.HOVER_WIDTH for line in lines[0].split("\n"))
    line = " ".join(lines[0].split())  # one line, wrapped
    assert "Tajikistan-Afghanistan border (2016-09-01 to 2016-09-30)" in line
    assert "“China is reported to have offered in September 2016" in line
    arms = named[(named["partner"] == "tajikistan") & (named["kind"] == "arms transfer")]
    assert charts.tie_lines(arms)[0].endswith("source: sipri_tiv_2022")
    many = named[(named["partner"] == "pakistan") & (named["kind"] == "joint event")]
    assert len(many) > charts.HOVER_TIES
    assert charts.tie_lines(many)[-1] == f"… and {len(many) - charts.HOVER_TIES} more"


def test_the_grid_counts_ties_per_partner_and_kind(named):
    matrix = kind_matrix(named)
    spec = charts.kind_grid(matrix, named, title="t")
    cell = spec.marks.set_index(["row", "column"])
    pakistan_aid = cell.loc[("Pakistan", "aid")]
    assert pakistan_aid["text"] == "1" and pakistan_aid["value"] == "aid"
    assert "Gwadar" in pakistan_aid["hover"]
    assert cell.loc[("India", "aid")]["value"] == ""
    assert spec.description.startswith(f"A grid of {len(matrix)} partners by")


def test_no_dot_takes_a_kind_of_ties_colour(named, names):
    """Dots coloured like lines read as a kind of tie: partners are grey, China its red."""
    from marchwest.plot.contrast import contrast
    from marchwest.plot.style import entity_colour

    positions = network_layout(marchwest.ties(), named["partner"], "china")
    spec = charts.tie_network(named, positions, centre="china", labels=names, title="t")
    nodes = spec.marks[spec.marks["mark"] == "node"].set_index("label")
    assert not set(nodes["colour"]) & set(TIE_KIND_COLOURS.values())
    assert nodes.at["China", "colour"] == entity_colour("china")
    assert set(nodes.drop(index="China")["colour"]) == {charts.NODE_COLOUR}
    assert contrast(charts.NODE_COLOUR, "#FFFFFF") >= 3  # a graphic on the white page
    # A centre whose own colour is a kind of tie's (Pakistan's green is "agreement") is grey too.
    around = network_layout(marchwest.ties(), ["china"], "pakistan")
    ties = named.assign(partner="china", partner_name="China").head(1)
    pakistan = charts.tie_network(ties, around, centre="pakistan", labels=names, title="t")
    assert set(pakistan.marks.loc[pakistan.marks["mark"] == "node", "colour"]) == {
        charts.NODE_COLOUR
    }
