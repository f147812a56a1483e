"""Chart conventions, in one place: palettes, the plotly template and matplotlib style, captions,
display names, and the one escape every data label goes through on its way to plotly."""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import plotly.io as pio

from marchwest.names import display_name
from marchwest.plotly_config import PLOTLY_CONFIG

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PLOTLY_CONFIG", "display_name"]


def palette(table: str) -> dict[str, str]:
    """A palette written as lines of "name  #colour" (the name may hold spaces), in its order."""
    return dict(line.strip().rsplit(maxsplit=1) for line in table.strip().splitlines())


# Keyed by entity_id. Colour-blind-aware (Okabe-Ito based); China is always the same red.
ENTITY_COLOURS = palette(
    """
    china          #D55E00
    pakistan       #009E73
    bangladesh     #0072B2
    myanmar        #CC79A7
    algeria        #E69F00
    india          #56B4E9
    russia         #7F3C8D
    united_states  #1D3557
    afghanistan    #8C6D31
    tajikistan     #F0E442
    kazakhstan     #3969AC
    kyrgyzstan     #11A579
    uzbekistan     #E73F74
    iran           #A5AA99
    """
)
OTHER_COLOUR = "#BBBBBB"

# Each palette below colours one vocabulary, in the vocabulary's order (tests/test_schema_palettes.py
# checks every palette's keys against it).

# schema.VERDICTS
VERDICT_COLOURS = palette(
    """
    supported     #009E73
    imprecise     #E69F00
    contradicted  #D55E00
    unverified    #999999
    """
)

# schema.OUTCOME_VERDICTS: hindsight verdicts of the article's expectations (notebook 06).
OUTCOME_COLOURS = palette(
    """
    happened    #009E73
    partly      #E69F00
    not yet     #56B4E9
    did not     #D55E00
    unverified  #999999
    """
)

# schema.MEMBERSHIP_STATUSES
STATUS_COLOURS = palette(
    """
    founding member   #08306B
    member            #2171B5
    observer          #9ECAE1
    dialogue partner  #DEEBF7
    party             #41AB5D
    signatory         #C7E9C0
    host              #FDAE6B
    suspended         #BBBBBB
    """
)

# The themes of plot.timeline.EVENT_THEMES.
EVENT_THEME_COLOURS = palette(
    """
    diplomacy                      #0072B2
    agreements and organisations   #009E73
    security and military          #882255
    infrastructure and technology  #E69F00
    """
)

# schema.TIE_KINDS: the kinds of tie of marchwest.partnerships.
TIE_KIND_COLOURS = palette(
    """
    same organisation     #0072B2
    agreement             #009E73
    security cooperation  #882255
    aid                   #E69F00
    arms transfer         #CC79A7
    joint event           #56B4E9
    rivalry               #999999
    attack                #222222
    """
)

# schema.ORIGINS, schema.TABLE_NAMES and schema.COVERAGE_STATUSES: fixed by name so a table
# looks the same in every chart (the tables no chart draws, and `named`, in OTHER_COLOUR).
ORIGIN_COLOURS = palette(
    """
    article    #0072B2
    reference  #E69F00
    """
)
TABLE_COLOURS = palette(
    f"""
    sources          #444444
    entities         #0072B2
    places           #F0E442
    events           #E69F00
    participants     #56B4E9
    memberships      #009E73
    arms_transfers   #D55E00
    figures          #CC79A7
    claims           #999999
    outcomes         {OTHER_COLOUR}
    uncited          {OTHER_COLOUR}
    second_readings  {OTHER_COLOUR}
    """
)
COVERAGE_COLOURS = palette(
    f"""
    cited      #009E73
    explained  #56B4E9
    named      {OTHER_COLOUR}
    uncovered  #D55E00
    """
)
# The segments of plot.overview's stacked bars: origins, tables or coverage statuses.
SEGMENT_COLOURS = ORIGIN_COLOURS | TABLE_COLOURS | COVERAGE_COLOURS

# Maps: land, water, borders, coasts, and a corridor drawn as a line.
LAND, WATER, BORDER, COAST = "#EFEDE6", "#DCEAF4", "#B5B5B5", "#7A8C99"
CORRIDOR_COLOUR = "#009E73"

# The same font stack in both renderers, first found wins: readers' machines have Inter, Helvetica
# Neue or Arial; DejaVu Sans ships with matplotlib (and is the only font on a bare Linux box).
FONTS = ("Inter", "Helvetica Neue", "Arial", "DejaVu Sans")
PLOTLY_FONT = ", ".join(f"'{font}'" if " " in font else font for font in FONTS) + ", sans-serif"
CAPTION_SIZE = 8
CAPTION_COLOUR = "#444444"
# plotly: the caption's font size, and the narrowest width a figure is drawn at (the site's
# pages are 1,100 px wide, JupyterLab's output area about 900 px) with a character's mean width.
PLOTLY_CAPTION_SIZE = 11
PLOTLY_MIN_WIDTH = 860
PLOTLY_CHARACTER_WIDTH = 6.6

TEMPLATE = "marchwest"
# plotly_white, with its defaults for only the trace types the charts use: plotly copies the
# template into every figure, and writes it into every notebook output.
_WHITE = pio.templates["plotly_white"]
pio.templates[TEMPLATE] = go.layout.Template(
    layout=_WHITE.layout,
    data={kind: _WHITE.data[kind] for kind in ("bar", "heatmap", "scatter", "scattergeo")},
)
pio.templates[TEMPLATE].layout.update(
    font={"family": PLOTLY_FONT},
    # As matplotlib draws them: the title at the figure's left edge, the legend in trace order
    # (plotly.js would reverse the legend of stacked bars).
    title={"x": 0.01, "xanchor": "left", "xref": "container"},
    legend={"traceorder": "normal"},
)
# matplotlib takes the first font of the stack it finds (a generic family and its list: no warning
# for the fonts a machine lacks). Every text drawn as written: matplotlib would read what stands
# between two dollar signs as mathtext ("$46 bn and $62 bn" loses its dollars).
MPL_STYLE = {"font.family": "sans-serif", "font.sans-serif": list(FONTS), "text.parse_math": False}


def entity_colour(entity_id: str) -> str:
    """The colour of an entity in every chart (grey when it has none of its own)."""
    return ENTITY_COLOURS.get(entity_id, OTHER_COLOUR)


def escape(text: object) -> str:
    """A data label as plotly text: plotly reads a subset of HTML (links, bold, line breaks) in
    every string it draws, so data goes through this and only the renderer adds markup."""
    return html.escape(str(text), quote=False)


def wrapped(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` characters (its own line breaks kept)."""
    return [line for part in text.splitlines() for line in textwrap.wrap(part, width) or [""]]


def plotly_text(text: object) -> str:
    """Data text as plotly text: escaped, its line breaks as ``<br>``."""
    return "<br>".join(escape(line) for line in str(text).split("\n"))


def mpl_caption(fig: Figure, text: str) -> None:
    """Write a source/method caption under a matplotlib figure, wrapped to the figure's width
    (constrained layout keeps room for it)."""
    if not text:
        return
    lines = wrapped(text, int(fig.get_figwidth() * 15))
    fig.supxlabel("\n".join(lines), x=0.01, ha="left", fontsize=CAPTION_SIZE, color=CAPTION_COLOUR)


def plotly_caption(fig: go.Figure, text: str, *, left: float = 80) -> None:
    """Write a source/method caption under a plotly figure, in a bottom margin sized for it.

    The caption starts at the plot's left edge, ``left`` pixels into the figure (its tick labels),
    and is wrapped so that no line runs off the figure's right edge at the narrowest width."""
    if not text:
        return
    width = int((PLOTLY_MIN_WIDTH - left) / PLOTLY_CHARACTER_WIDTH)
    lines = [escape(line) for line in wrapped(text, width)]
    height = 15 * len(lines)  # plotly sets lines 1.3 font sizes apart
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-62,  # below the x-axis title
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": PLOTLY_CAPTION_SIZE, "color": CAPTION_COLOUR},
    )
    fig.update_layout(margin={"b": 75 + height}, height=(fig.layout.height or 450) + height)


# Names are drawn short (the schema allows 2,000 characters); the full name stays in the hover
# text, the description and the chart's data. A tick, place or bar label: one line of at most
# LABEL_LIMIT characters, cut with an ellipsis. A legend entry: two lines of LEGEND_WIDTH (a legend
# beside the plot would otherwise squeeze it to nothing); a network node's label: two of NODE_WIDTH.
LABEL_LIMIT = 60
LEGEND_WIDTH = 30
NODE_WIDTH = 24
# Titles wrap to lines of about this many characters in plotly (matplotlib: 10 an inch), three at most.
PLOTLY_TITLE_WIDTH = 90
# The timeline legend's grey marks and the publication date's line.
LEGEND_GREY = "#666666"
PUBLISHED_COLOUR = "#333333"


def short(text: object, limit: int = LABEL_LIMIT) -> str:
    """``text`` with each line at most ``limit`` characters: cut at a word where one falls in the
    line's second half, else mid-word, with "…"."""
    lines = []
    for line in str(text).split("\n"):
        if len(line) > limit:
            cut = line[: limit - 1]
            space = cut.rfind(" ", limit // 2)
            line = (cut[:space] if space > 0 else cut).rstrip() + "…"
        lines.append(line)
    return "\n".join(lines)


def legend_label(text: object, width: int = LEGEND_WIDTH) -> str:
    """A legend entry's (or a node's) label: on one line if it fits in ``width`` characters, else
    wrapped to two, the second cut with "…"."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    return "\n".join(textwrap.wrap(text, width, max_lines=2, placeholder="…"))


def title_lines(title: str, width: int) -> str:
    """A title wrapped to lines of ``width`` characters, at most three (the last cut with "…")."""
    return "\n".join(
        textwrap.wrap(title, width, max_lines=3, placeholder=" …") if title.strip() else [""]
    )


def timeline_legend(spec) -> list[tuple[str, str, str]]:
    """A timeline's legend as both renderers draw it, in order: (label, mark, colour), ``mark``
    one of "theme", "day", "reference day", "reference period", "open", "published"."""
    marks, layout = spec.marks, spec.layout
    themes = marks.drop_duplicates("theme").sort_values("theme")
    if layout.legend_order is not None:
        order = {theme: i for i, theme in enumerate(layout.legend_order)}
        themes = themes.sort_values("theme", key=lambda column: column.map(order))
    entries = [
        (theme, "theme", colour)
        for theme, colour in zip(themes["theme"], themes["colour"], strict=True)
    ]
    article, reference = marks["origin"] == "article", marks["origin"] == "reference"
    marker = marks["shape"] == "marker"
    if (article & marker).any():
        entries.append((layout.day_label, "day", LEGEND_GREY))
    if (reference & marker).any():
        entries.append(("reference date (a day)", "reference day", LEGEND_GREY))
    if (reference & ~marker).any():
        entries.append(("reference period", "reference period", LEGEND_GREY))
    if marks["open_end"].any() or marks["open_start"].any():
        entries.append(("open end or start", "open", LEGEND_GREY))
    entries.append(("publication date", "published", PUBLISHED_COLOUR))
    return entries
