"""One palette and one caption style for every chart, so a country has the same colour everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from matplotlib.figure import Figure

# Keyed by entity_id. Colour-blind-aware (Okabe-Ito based); China is always the same red.
ENTITY_COLOURS: dict[str, str] = {
    "china": "#D55E00",
    "pakistan": "#009E73",
    "bangladesh": "#0072B2",
    "myanmar": "#CC79A7",
    "algeria": "#E69F00",
    "india": "#56B4E9",
    "russia": "#7F3C8D",
    "united_states": "#1D3557",
    "afghanistan": "#8C6D31",
    "tajikistan": "#F0E442",
    "kazakhstan": "#3969AC",
    "kyrgyzstan": "#11A579",
    "uzbekistan": "#E73F74",
    "iran": "#A5AA99",
}
OTHER_COLOUR = "#BBBBBB"

VERDICT_COLOURS: dict[str, str] = {
    "supported": "#009E73",
    "imprecise": "#E69F00",
    "contradicted": "#D55E00",
    "unverified": "#999999",
}
VERDICT_ORDER = ["supported", "imprecise", "contradicted", "unverified"]

STATUS_COLOURS: dict[str, str] = {
    "founding member": "#08306B",
    "member": "#2171B5",
    "observer": "#9ECAE1",
    "dialogue partner": "#DEEBF7",
    "suspended": "#BBBBBB",
    "party": "#41AB5D",
    "signatory": "#C7E9C0",
    "host": "#FDAE6B",
}

# Timeline themes (event kinds grouped in marchwest.plot.timeline.EVENT_THEMES).
EVENT_THEME_COLOURS: dict[str, str] = {
    "diplomacy": "#0072B2",
    "agreements and organisations": "#009E73",
    "security and military": "#882255",
    "infrastructure and technology": "#E69F00",
}

FONT_FAMILY = "DejaVu Sans"
CAPTION_SIZE = 8


def entity_colour(entity_id: str) -> str:
    """The colour of an entity in every chart (grey when it has none of its own)."""
    return ENTITY_COLOURS.get(entity_id, OTHER_COLOUR)


def mpl_caption(fig: Figure, text: str) -> None:
    """Write a source/method caption under a matplotlib figure (constrained layout keeps room)."""
    fig.supxlabel(text, x=0.01, ha="left", fontsize=CAPTION_SIZE, color="#444444")


def plotly_caption(fig: go.Figure, text: str, *, bottom: int = 110) -> None:
    """Write a source/method caption under a plotly figure, in its bottom margin."""
    fig.add_annotation(
        text=text.replace("\n", "<br>"),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-bottom + 10,
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": CAPTION_SIZE + 3, "color": "#444444"},
    )
    fig.update_layout(margin={"b": bottom})
