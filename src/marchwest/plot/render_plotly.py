"""Draw a ChartSpec with plotly: one function per chart kind (the ``DRAW`` table at the end,
checked against ``spec.KINDS``), each only drawing what the spec says (no data is prepared here).
Every text taken from the data goes through ``plotly_text`` (escaped: plotly reads HTML in
labels); only this module adds markup."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from marchwest.plot.spec import ChartSpec, check_renderer
from marchwest.plot.style import (
    BORDER,
    COAST,
    CORRIDOR_COLOUR,
    LAND,
    NODE_WIDTH,
    PLOTLY_TITLE_WIDTH,
    PUBLISHED_COLOUR,
    TEMPLATE,
    WATER,
    legend_label,
    plotly_caption,
    plotly_text,
    short,
    timeline_legend,
    title_lines,
)

LINE_COLOUR = "#444444"
HOVER = "%{hovertext}<extra></extra>"
# A lines layout's hover: the nearest point, or every series at the x under the mouse.
_HOVERMODE = {"nearest": "closest", "x": "x unified"}


def to_plotly(spec: ChartSpec) -> go.Figure:
    """The spec as a plotly Figure (its description in ``layout.meta``)."""
    fig = DRAW[spec.kind](spec)
    fig.update_layout(meta={"description": spec.description})
    return fig


def _figure(*traces: go.BaseTraceType) -> go.Figure:
    """A figure with the marchwest template, set as it is made (plotly would otherwise copy its
    default template into it first)."""
    return go.Figure(traces, layout={"template": TEMPLATE})


def _texts(values) -> list[str]:
    return [plotly_text(value) for value in values]


def _shorts(values) -> list[str]:
    """Names as drawn: shortened (``style.short``), then escaped."""
    return [plotly_text(short(value)) for value in values]


def _title(spec: ChartSpec) -> str:
    return plotly_text(title_lines(spec.title, PLOTLY_TITLE_WIDTH))


def _ticks(labels) -> dict:
    """A category axis showing each category (its full name, escaped) by its short name."""
    return {"tickvals": _texts(labels), "ticktext": _shorts(labels)}


def _left(labels) -> float:
    """About how far in from the figure's left edge the plot starts: past its longest tick label."""
    return 40 + 6 * max((len(short(label)) for label in labels), default=0)


def _bars(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    categories = list(dict.fromkeys(marks["category"]))
    outline = layout.outline
    fig = _figure()
    for segment, rows in marks.groupby("segment", sort=False):
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=_texts(rows["category"]),
                x=rows["value"].tolist(),
                name=plotly_text(legend_label(segment)),
                marker={
                    "color": rows["colour"].tolist(),
                    "line": {"color": outline or "white", "width": 1 if outline else 0},
                },
                hovertext=_texts(rows["hover"]),
                hovertemplate=HOVER,
            )
        )
    ends = marks.groupby("category", sort=False).agg(value=("value", "sum"), text=("text", "first"))
    fig.add_trace(
        go.Scatter(
            y=_texts(ends.index),
            x=ends["value"].tolist(),
            text=["\u00a0\u00a0" + text for text in _shorts(ends["text"])],
            mode="text",
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=_title(spec),
        barmode="stack",
        xaxis={"title": plotly_text(spec.x_label), "range": [0, layout.x_max]},
        yaxis={
            "title": plotly_text(spec.y_label),
            "categoryorder": "array",
            "categoryarray": _texts(categories),
            "autorange": "reversed",
            **_ticks(categories),
        },
        showlegend=layout.legend,
        height=layout.height,
    )
    plotly_caption(fig, spec.caption, left=_left(categories))
    return fig


def _lines(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    panels = list(dict.fromkeys(marks["panel"]))
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,
        subplot_titles=_shorts(panels) if len(panels) > 1 else None,
        figure=_figure(),
    )
    for column, panel in enumerate(panels, start=1):
        for series, line in marks[marks["panel"] == panel].groupby("series", sort=False):
            fig.add_trace(
                go.Scatter(
                    x=line["x"].tolist(),
                    y=line["y"].tolist(),
                    mode="lines+markers",
                    name=plotly_text(legend_label(series)),
                    legendgroup=plotly_text(series),
                    showlegend=column == 1,
                    line_color=line["colour"].iloc[0],
                    hovertext=_texts(line["hover"]),
                    hovertemplate=HOVER,
                ),
                row=1,
                col=column,
            )
        for note in spec.annotations:
            if note.panel not in (None, panel):
                continue
            text = {"annotation_text": plotly_text(short(note.text)), "annotation_font_size": 11}
            if note.kind == "vline":
                fig.add_vline(x=note.x, line_dash="dash", line_color=LINE_COLOUR, row=1,
                              col=column, annotation_position="top left", **text)  # fmt: skip
            elif note.kind == "span":
                fig.add_vrect(x0=note.x, x1=note.x_end, fillcolor="#EEEEEE", line_width=0,
                              layer="below", row=1, col=column,
                              annotation_position="top left", **text)  # fmt: skip
        fig.update_xaxes(title_text=plotly_text(spec.x_label), row=1, col=column)
    y_axis = {"range": list(layout.y_range)}
    if layout.y_ticks is not None:
        values, labels = layout.y_ticks
        y_axis |= {"tickvals": list(values), "ticktext": _texts(labels)}
    fig.update_yaxes(**y_axis)
    fig.update_yaxes(title_text=plotly_text(spec.y_label), row=1, col=1)
    fig.update_layout(
        title=_title(spec),
        height=layout.height,
        hovermode=_HOVERMODE[layout.hover],
        showlegend=True,  # as matplotlib, even for one line
        margin={"t": 110},
    )
    plotly_caption(fig, spec.caption)
    return fig


def _columns(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    fig = _figure()
    for segment, rows in marks.groupby("segment", sort=False):
        fig.add_trace(
            go.Bar(
                x=rows["x"].tolist(),
                y=rows["value"].tolist(),
                name=plotly_text(legend_label(segment)),
                marker={"color": rows["colour"].iloc[0], "line": {"width": 0}},
                hovertext=_texts(rows["hover"]),
                hovertemplate=HOVER,
            )
        )
    for note in spec.annotations:
        fig.add_shape(type="rect", x0=note.x - 0.42, x1=note.x + 0.42, y0=0, y1=note.y,
                      line={"color": "black", "width": 2})  # fmt: skip
        fig.add_annotation(x=note.x, y=note.y, text=plotly_text(note.text), showarrow=True,
                           arrowhead=0, ay=-30, font={"size": 11})  # fmt: skip
    fig.update_layout(
        title=_title(spec),
        barmode="stack",
        height=layout.height,
        xaxis={"title": plotly_text(spec.x_label), "dtick": layout.x_step},
        yaxis={"title": plotly_text(spec.y_label), "range": [0, layout.y_max]},
        legend={"title": plotly_text(layout.legend_title)},
        showlegend=True,
        hoverlabel={"align": "left"},
    )
    plotly_caption(fig, spec.caption)
    return fig


def _grid(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    rows = list(dict.fromkeys(marks["row"]))
    columns = list(dict.fromkeys(marks["column"]))
    # Each field as a rows-by-columns table.
    cells = marks.set_index(["row", "column"]).reindex(pd.MultiIndex.from_product([rows, columns]))
    table = {
        field: cells[field].to_numpy().reshape(len(rows), len(columns))
        for field in ("value", "text", "hover")
    }
    legend = [("none", layout.empty_colour), *layout.legend[::-1]]
    code = {status: index for index, (status, _) in enumerate(legend)} | {"": 0}
    steps = len(legend)
    scale = [
        [(index + edge) / steps, colour]
        for index, (_, colour) in enumerate(legend)
        for edge in (0, 1)
    ]
    annotate = layout.annotate
    fig = _figure(
        go.Heatmap(
            z=[[code[value] for value in line] for line in table["value"]],
            x=_texts(columns),
            y=_texts(rows),
            zmin=-0.5,
            zmax=steps - 0.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            text=[_texts(line) for line in table["text"]],
            texttemplate="%{text}" if annotate else None,
            textfont={"size": 10},
            hovertext=[_texts(line) for line in table["hover"]],
            hovertemplate=HOVER,
            showscale=False,
        )
    )
    # The legend as matplotlib draws it: a square per status, in the spec's order.
    for status, colour in layout.legend:
        fig.add_trace(
            _legend_only(legend_label(status), {"symbol": "square", "size": 12, "color": colour})
        )
    step = 1 if annotate else max(1, len(columns) // 15)
    fig.update_layout(
        title={"text": _title(spec)},
        height=170 + 30 * len(rows),
        yaxis={"autorange": "reversed", "tickfont": {"size": 12}, **_ticks(rows)},
        xaxis={
            "side": "top" if annotate else "bottom",
            "title": {"text": plotly_text(spec.x_label)},
            "tickangle": 0,
            **_ticks(columns[::step]),
        },
        legend={"title": {"text": plotly_text(layout.legend_title)}},
        showlegend=True,
        margin={"t": 150 if annotate else 80},
    )
    plotly_caption(fig, spec.caption, left=_left(rows))
    return fig


def _legend_only(name: str, marker: dict, **trace) -> go.Scatter:
    """A legend entry with no mark in the plot (``name`` is shortened, not yet escaped)."""
    return go.Scatter(x=[None], y=[None], mode="markers", name=plotly_text(name), marker=marker,
                      hoverinfo="skip", **trace)  # fmt: skip


_TIMELINE_HOVER = "<b>%{customdata[2]}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"


def _timeline(spec: ChartSpec) -> go.Figure:
    """Bars (``go.Bar`` with a date ``base``) and day markers, one panel per date range.

    Bar traces come first, article rows before reference rows; each panel holds only the marks
    it shows, so the first bar is always visible.
    """
    layout = spec.layout
    panels, published = layout.panels, layout.published
    marks = spec.marks.assign(
        label=_texts(spec.marks["label"]),
        custom=[
            [plotly_text(d), plotly_text(h), plotly_text(t)]
            for d, h, t in zip(
                spec.marks["date_text"], spec.marks["hover"], spec.marks["title"], strict=True
            )
        ],
    )
    lines = marks.drop_duplicates("line")["label"].tolist()
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,
        horizontal_spacing=0.025,
        column_widths=[p.width for p in panels],
        figure=_figure(),
    )
    shown = [
        marks[(marks["draw_start"] <= p.right) & (marks["draw_end"] >= p.left)] for p in panels
    ]
    for make_trace, shape in ((_bar_trace, "bar"), (_marker_trace, "marker")):
        for column, panel in enumerate(shown, start=1):
            for name, group in _trace_groups(panel[panel["shape"] == shape], shape, layout):
                fig.add_trace(make_trace(group, name), 1, column)
    _open_sides(fig, marks, len(panels))
    for label, mark, colour in timeline_legend(spec):
        fig.add_trace(_timeline_legend_entry(legend_label(label), mark, colour), 1, 1)
    published_column = next(
        (i for i, p in enumerate(panels, start=1) if p.left <= published <= p.right),
        len(panels),
    )
    day = published.strftime("%Y-%m-%d")
    fig.add_vline(x=day, line={"color": PUBLISHED_COLOUR, "dash": "dash", "width": 1}, row=1,
                  col=published_column)  # fmt: skip
    fig.add_annotation(x=day, xref=f"x{published_column if published_column > 1 else ''}", y=1,
                       yref="paper", yanchor="bottom", text=f"published {published:%-d %b %Y}",
                       showarrow=False, font={"size": 11})  # fmt: skip
    for column, panel in enumerate(panels, start=1):
        ticks = {}
        if panel.tick is not None:
            middle, label = panel.tick
            ticks = {"tickvals": [middle.strftime("%Y-%m-%d")], "ticktext": [label]}
        fig.update_xaxes(type="date", showgrid=True, row=1, col=column,
                         range=[panel.left.strftime("%Y-%m-%d"), panel.right.strftime("%Y-%m-%d")],
                         **ticks)  # fmt: skip
    fig.update_xaxes(title={"text": plotly_text(spec.x_label)}, row=1, col=len(panels))
    fig.update_yaxes(categoryorder="array", categoryarray=lines, autorange="reversed",
                     tickfont={"size": 11}, tickvals=lines,
                     ticktext=_shorts(spec.marks.drop_duplicates("line")["label"]))  # fmt: skip
    fig.update_layout(
        title={"text": _title(spec), "y": 0.99, "yref": "container", "yanchor": "top"},
        barmode="overlay",
        height=200 + 26 * len(lines) if layout.height is None else layout.height,
        legend={"orientation": "h", "x": 0, "y": 1.03, "yanchor": "bottom"},
        showlegend=True,
        hovermode="closest",
        hoverdistance=2,  # a marker takes the hover only under the mouse, never a bar's middle
        hoverlabel={"align": "left"},
        margin={"t": 150},
    )
    plotly_caption(fig, spec.caption, left=_left(spec.marks["label"]))
    return fig


# How each kind of timeline legend entry is drawn (``style.timeline_legend``): a marker, or a line.
_TIMELINE_LEGEND = {
    "theme": {"symbol": "square", "size": 12},
    "day": {"symbol": "circle", "size": 11},
    "reference day": {"symbol": "diamond-open", "size": 10, "line": {"width": 2}},
    "reference period": {"symbol": "square-open", "size": 12, "line": {"width": 1.5}},
    "open": {"symbol": "triangle-right", "size": 12},
}


def _timeline_legend_entry(label: str, mark: str, colour: str) -> go.Scatter:
    """One legend entry; a theme's entry shows and hides that theme's marks (its legend group)."""
    if mark == "published":
        return go.Scatter(x=[None], y=[None], mode="lines", name=plotly_text(label),
                          line={"color": colour, "dash": "dash", "width": 1}, hoverinfo="skip")  # fmt: skip
    group = {"legendgroup": label} if mark == "theme" else {}
    return _legend_only(label, _TIMELINE_LEGEND[mark] | {"color": colour}, **group)


def _trace_groups(marks, shape: str, layout) -> list:
    """Article marks one trace per theme (named by it, in ``layout.legend_order`` when given),
    reference marks one trace in all."""
    article = marks[marks["origin"] == "article"]
    groups = [(theme, group) for theme, group in article.groupby("theme")]
    if layout.legend_order is not None:
        order = list(layout.legend_order)
        groups.sort(key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
    reference = marks[marks["origin"] == "reference"]
    if not reference.empty:
        groups.append(("reference period" if shape == "bar" else "reference date", reference))
    return groups


def _bar_trace(group, name: str) -> go.Bar:
    reference = (group["origin"] == "reference").all()
    colours = group["colour"].tolist()
    length = (group["draw_end"] - group["draw_start"]) / pd.Timedelta(milliseconds=1)
    return go.Bar(
        orientation="h",
        y=group["label"].tolist(),
        base=group["draw_start"].dt.strftime("%Y-%m-%d").tolist(),
        x=length.astype(float).tolist(),
        name=plotly_text(name),
        legendgroup=legend_label(name),
        showlegend=False,
        marker={
            "color": "white" if reference else colours[0],
            "line": {"color": colours, "width": 1.5},
            "pattern": {"shape": "/" if reference else "", "fgcolor": colours},
        },
        customdata=group["custom"].tolist(),
        hovertemplate=_TIMELINE_HOVER,
        width=0.5,
    )


def _marker_trace(group, name: str) -> go.Scatter:
    reference = (group["origin"] == "reference").all()
    return go.Scatter(
        x=group["start"].dt.strftime("%Y-%m-%d").tolist(),
        y=group["label"].tolist(),
        mode="markers",
        name=plotly_text(name),
        legendgroup=legend_label(name),
        showlegend=False,
        marker={
            "symbol": "diamond-open" if reference else "circle",
            "size": 10 if reference else 11,
            "color": group["colour"].tolist(),
            "line": {"width": 2 if reference else 0},
        },
        customdata=group["custom"].tolist(),
        hovertemplate=_TIMELINE_HOVER,
    )


def _open_sides(fig: go.Figure, marks, last_column: int) -> None:
    """Arrows at the open side of a bar: at the right edge, or where an unknown start fades in."""
    for flag, column, name, symbol in (
        ("open_end", "draw_end", "open end (continues)", "triangle-right"),
        ("open_start", "draw_start", "open start (date unknown)", "triangle-left"),
    ):
        rows = marks[marks[flag]]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows[column].dt.strftime("%Y-%m-%d").tolist(),
                y=rows["label"].tolist(),
                mode="markers",
                name=name,
                showlegend=False,
                marker={"symbol": symbol, "size": 12, "color": "#444444"},
                hoverinfo="skip",
                cliponaxis=False,
            ),
            1,
            last_column,
        )


_PLOTLY_SYMBOLS = {"o": "circle", "s": "square", "^": "triangle-up", "D": "diamond", "P": "cross"}


def _map(spec: ChartSpec) -> go.Figure:
    """The places on a plotly geo map. plotly.js draws the basemap from world_110m topojson,
    fetched from a CDN unless the page provides it (the site's pages carry the bundled copy)."""
    marks, layout = spec.marks, spec.layout
    west, east, south, north = layout.extent
    fig = _figure()
    if layout.corridor is not None:
        (x0, y0), (x1, y1) = layout.corridor
        fig.add_trace(
            go.Scattergeo(
                lon=[x0, x1],
                lat=[y0, y1],
                mode="lines",
                name=plotly_text(legend_label(layout.corridor_label)),
                legendrank=1001,  # drawn first (under the places), listed last, as matplotlib does
                line={"color": CORRIDOR_COLOUR, "width": 3, "dash": "dash"},
                hoverinfo="skip",
            )
        )
    vertical = {True: "top", False: "bottom"}
    horizontal = {1: " right", -1: " left", 0: " center"}
    for kind, group in marks.groupby("group", sort=True):
        fig.add_trace(
            go.Scattergeo(
                lon=group["lon"].tolist(),
                lat=group["lat"].tolist(),
                mode="markers+text",
                text=_shorts(group["label"]),
                textposition=[
                    vertical[dy >= 0] + horizontal[(dx > 0) - (dx < 0)]
                    for dx, dy in zip(group["dx"], group["dy"], strict=True)
                ],
                textfont={"size": 11},
                name=plotly_text(legend_label(kind)),
                marker={
                    "symbol": _PLOTLY_SYMBOLS.get(group["symbol"].iloc[0], "circle"),
                    "size": 9,
                    "color": group["colour"].iloc[0],
                    "line": {"color": "white", "width": 1},
                },
                hovertext=_texts(group["hover"]),
                hovertemplate=HOVER,
            )
        )
    fig.update_geos(
        projection_type="equirectangular",
        resolution=110,
        showland=True,
        landcolor=LAND,
        showocean=True,
        oceancolor=WATER,
        showlakes=True,
        lakecolor=WATER,
        showcountries=True,
        countrycolor=BORDER,
        coastlinecolor=COAST,
        lonaxis_range=[west, east],
        lataxis_range=[south, north],
        lonaxis_showgrid=True,
        lataxis_showgrid=True,
        lonaxis_dtick=10,
        lataxis_dtick=10,
    )
    fig.update_layout(
        title={"text": _title(spec)},
        height=layout.height,
        margin={"l": 10, "r": 10, "t": 60},
        legend={"title": {"text": "kind of place"}},
        showlegend=True,
    )
    plotly_caption(fig, spec.caption, left=10)
    return fig


def _network(spec: ChartSpec) -> go.Figure:
    """Edges as lines (one trace per group, named in the legend) with a dot at each edge's middle
    that carries its hover text; nodes as labelled dots, labels outward from (0, 0)."""
    marks, layout = spec.marks, spec.layout
    edges, nodes = marks[marks["mark"] == "edge"], marks[marks["mark"] == "node"]
    fig = _figure()
    for group, rows in edges.groupby("group", sort=False):
        xs, ys = [], []
        for x, y, x_end, y_end in zip(rows["x"], rows["y"], rows["x_end"], rows["y_end"],
                                      strict=True):  # fmt: skip
            xs += [x, x_end, None]
            ys += [y, y_end, None]
        name, colour = plotly_text(legend_label(group)), rows["colour"].iloc[0]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, legendgroup=name,
                                 line={"color": colour, "width": 2}, hoverinfo="skip"))  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=((rows["x"] + rows["x_end"]) / 2).tolist(),
                y=((rows["y"] + rows["y_end"]) / 2).tolist(),
                mode="markers",
                marker={"color": colour, "size": 7},
                legendgroup=name,
                showlegend=False,
                hovertext=_texts(rows["hover"]),
                hovertemplate=HOVER,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=nodes["x"].tolist(),
            y=nodes["y"].tolist(),
            mode="markers+text",
            text=[plotly_text(legend_label(label, NODE_WIDTH)) for label in nodes["label"]],
            textposition=[_side(x, y) for x, y in zip(nodes["x"], nodes["y"], strict=True)],
            marker={
                "color": nodes["colour"].tolist(),
                "size": [max(6.0, s**0.5) for s in nodes["size"]],
                "line": {"color": "white", "width": 1},
            },
            showlegend=False,
            hovertext=_texts(nodes["hover"]),
            hovertemplate=HOVER,
        )
    )
    hidden = {"visible": False, "range": [-1.45, 1.45]}
    fig.update_layout(
        title={"text": _title(spec)},
        height=layout.height,
        xaxis=hidden,
        yaxis=hidden | {"range": [-1.15, 1.15], "scaleanchor": "x"},
        legend={"title": {"text": plotly_text(layout.legend_title)}},
        showlegend=True,
        hoverlabel={"align": "left"},
        margin={"l": 20, "t": 60},
    )
    plotly_caption(fig, spec.caption, left=20)
    return fig


def _side(x: float, y: float) -> str:
    """Where a node's label goes: away from the drawing's centre (0, 0)."""
    if x > 0.05:
        return "middle right"
    if x < -0.05:
        return "middle left"
    return "top center" if y >= 0 else "bottom center"


# The renderer's one table of kinds: a draw function for each kind of spec.KINDS, and no other.
DRAW = {
    "bars": _bars,
    "columns": _columns,
    "lines": _lines,
    "grid": _grid,
    "timeline": _timeline,
    "map": _map,
    "network": _network,
}
check_renderer("plotly", DRAW)
