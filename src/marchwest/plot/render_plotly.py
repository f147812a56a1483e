"""Draw a ChartSpec with plotly: one function per chart kind, each only drawing what the spec says
(no data is prepared here). Every text taken from the data goes through ``plotly_text`` (escaped:
plotly reads HTML in labels); only this module adds markup."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from marchwest.plot.spec import ChartSpec
from marchwest.plot.style import TEMPLATE, plotly_caption, plotly_text

LINE_COLOUR = "#444444"
HOVER = "%{hovertext}<extra></extra>"


def to_plotly(spec: ChartSpec) -> go.Figure:
    """The spec as a plotly Figure (its description in ``layout.meta``)."""
    fig = DRAW[spec.kind](spec)
    fig.update_layout(template=TEMPLATE, meta={"description": spec.description})
    return fig


def _texts(values) -> list[str]:
    return [plotly_text(value) for value in values]


def _left(labels) -> float:
    """About how far in from the figure's left edge the plot starts: past its longest tick label."""
    return 60 + 7 * max((len(str(label)) for label in labels), default=0)


def _bars(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    categories = _texts(dict.fromkeys(marks["category"]))
    outline = layout.get("outline")
    fig = go.Figure()
    for segment, rows in marks.groupby("segment", sort=False):
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=_texts(rows["category"]),
                x=rows["value"].tolist(),
                name=plotly_text(segment),
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
            text=_texts(ends["text"]),
            mode="text",
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=plotly_text(spec.title),
        barmode="stack",
        xaxis={"title": plotly_text(spec.x_label), "range": [0, layout["x_max"]]},
        yaxis={
            "title": plotly_text(spec.y_label),
            "categoryorder": "array",
            "categoryarray": categories,
            "autorange": "reversed",
        },
        showlegend=bool(layout.get("legend")),
        height=layout["height"],
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
        subplot_titles=_texts(panels) if len(panels) > 1 else None,
    )
    for column, panel in enumerate(panels, start=1):
        for series, line in marks[marks["panel"] == panel].groupby("series", sort=False):
            fig.add_trace(
                go.Scatter(
                    x=line["x"].tolist(),
                    y=line["y"].tolist(),
                    mode="lines+markers",
                    name=plotly_text(series),
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
            text = {"annotation_text": plotly_text(note.text), "annotation_font_size": 11}
            if note.kind == "vline":
                fig.add_vline(x=note.x, line_dash="dash", line_color=LINE_COLOUR, row=1,
                              col=column, annotation_position="top left", **text)  # fmt: skip
            elif note.kind == "span":
                fig.add_vrect(x0=note.x, x1=note.x_end, fillcolor="#EEEEEE", line_width=0,
                              layer="below", row=1, col=column,
                              annotation_position="top left", **text)  # fmt: skip
        fig.update_xaxes(title_text=plotly_text(spec.x_label), row=1, col=column)
    y_axis = {"range": list(layout["y_range"])}
    if "y_ticks" in layout:
        values, labels = layout["y_ticks"]
        y_axis |= {"tickvals": list(values), "ticktext": _texts(labels)}
    fig.update_yaxes(**y_axis)
    fig.update_yaxes(title_text=plotly_text(spec.y_label), row=1, col=1)
    fig.update_layout(
        title=plotly_text(spec.title),
        height=layout["height"],
        hovermode=layout.get("hovermode", "closest"),
        margin={"t": 110},
    )
    plotly_caption(fig, spec.caption)
    return fig


def _columns(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    fig = go.Figure()
    for segment, rows in marks.groupby("segment", sort=False):
        fig.add_trace(
            go.Bar(
                x=rows["x"].tolist(),
                y=rows["value"].tolist(),
                name=plotly_text(segment),
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
        title=plotly_text(spec.title),
        barmode="stack",
        height=layout["height"],
        xaxis={"title": plotly_text(spec.x_label), "dtick": layout.get("x_step", 1)},
        yaxis={"title": plotly_text(spec.y_label), "range": [0, layout["y_max"]]},
        legend={"title": plotly_text(layout.get("legend_title", "")), "traceorder": "reversed"},
        hoverlabel={"align": "left"},
    )
    plotly_caption(fig, spec.caption)
    return fig


def _grid(spec: ChartSpec) -> go.Figure:
    marks, layout = spec.marks, spec.layout
    rows = list(dict.fromkeys(marks["row"]))
    columns = list(dict.fromkeys(marks["column"]))
    cells = marks.set_index(["row", "column"])
    legend = [("none", layout["empty_colour"]), *layout["legend"][::-1]]
    code = {status: index for index, (status, _) in enumerate(legend)} | {"": 0}
    steps = len(legend)
    scale = [
        [(index + edge) / steps, colour]
        for index, (_, colour) in enumerate(legend)
        for edge in (0, 1)
    ]
    table = [[cells.loc[(r, c)] for c in columns] for r in rows]
    annotate = layout.get("annotate", True)
    fig = go.Figure(
        go.Heatmap(
            z=[[code[cell["value"]] for cell in line] for line in table],
            x=_texts(columns),
            y=_texts(rows),
            zmin=-0.5,
            zmax=steps - 0.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            text=[[plotly_text(cell["text"]) for cell in line] for line in table],
            texttemplate="%{text}" if annotate else None,
            textfont={"size": 10},
            hovertext=[[plotly_text(cell["hover"]) for cell in line] for line in table],
            hovertemplate=HOVER,
            colorbar={
                "title": {"text": "status"},
                "tickvals": list(range(steps)),
                "ticktext": _texts(status for status, _ in legend),
                "len": min(1.0, 0.08 * steps + 0.1),
                "y": 1,
                "yanchor": "top",
            },
        )
    )
    fig.update_layout(
        title={"text": plotly_text(spec.title)},
        height=170 + 30 * len(rows),
        yaxis={"autorange": "reversed", "tickfont": {"size": 12}},
        xaxis={
            "side": "top" if annotate else "bottom",
            "title": {"text": plotly_text(spec.x_label)},
            "tickangle": 0,
        },
        margin={"t": 150 if annotate else 80},
    )
    plotly_caption(fig, spec.caption, left=_left(rows))
    return fig


DRAW = {"bars": _bars, "lines": _lines, "columns": _columns, "grid": _grid}
