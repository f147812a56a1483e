"""The two renderers draw any spec of a kind; plotly gets every data label escaped."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import random

import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.cbook import is_math_text
from matplotlib.figure import Figure
from matplotlib.text import Text

from marchwest.plot import Annotation, ChartSpec, figure, show
from marchwest.plot.render_plotly import to_plotly
from marchwest.plot.spec import (
    BarsLayout,
    ColumnsLayout,
    GridLayout,
    LinesLayout,
    NetworkLayout,
)

# HTML for plotly; dollar signs for matplotlib, which reads "$...$" as mathtext ("$\\frac{$" fails).
HOSTILE = ['<a href="javascript:window.__xss=1">x</a>', r"<b>bold</b> $46 bn, $\frac{$"]


def _specs() -> list[ChartSpec]:
    """One small spec per kind, each with hostile labels wherever data text goes."""
    a, b = HOSTILE
    words = {"title": f"title {b}", "description": "what it shows", "caption": f"caption {a}"}
    return [
        ChartSpec(
            kind="bars",
            marks=pd.DataFrame(
                {
                    "category": [a, b],
                    "segment": [b, b],
                    "value": [3, 1],
                    "colour": "#123456",
                    "text": [a, "1"],
                    "hover": [f"{a}\nline two", b],
                }
            ),
            x_label=b,
            layout=BarsLayout(x_max=4, width=900, height=300, legend=True),
            **words,
        ),
        ChartSpec(
            kind="lines",
            marks=pd.DataFrame(
                {
                    "panel": [a, a, b, b],
                    "series": a,
                    "colour": "#123456",
                    "x": [1, 2, 1, 2],
                    "y": [1, 2, 2, 1],
                    "hover": b,
                }
            ),
            annotations=(
                Annotation("vline", 1.5, text=a),
                Annotation("span", 1.6, x_end=2, text=b),
            ),
            layout=LinesLayout(y_range=(0, 3), width=900, height=300, legend="right"),
            **words,
        ),
        ChartSpec(
            kind="columns",
            marks=pd.DataFrame(
                {"x": [2000, 2001], "segment": a, "value": [1, 2], "colour": "#123456", "hover": b}
            ),
            annotations=(Annotation("box", 2001, text=a, y=2),),
            layout=ColumnsLayout(y_max=4, width=900, height=300, legend_title=b),
            **words,
        ),
        ChartSpec(
            kind="grid",
            marks=pd.DataFrame(
                {
                    "row": [a, a],
                    "column": [b, "c"],
                    "value": [a, ""],
                    "colour": ["#123456", "#eeeeee"],
                    "text": [a, ""],
                    "text_colour": "white",
                    "hover": b,
                }
            ),
            layout=GridLayout(legend=((a, "#123456"),), empty_colour="#eeeeee"),
            **words,
        ),
        ChartSpec(
            kind="network",
            marks=pd.DataFrame(
                {
                    "mark": ["edge", "node", "node"],
                    "x": [0.0, 0.0, 0.5],
                    "y": [0.0, 0.0, -0.5],
                    "x_end": [0.5, None, None],
                    "y_end": [-0.5, None, None],
                    "label": ["", a, b],
                    "group": [a, "node", "node"],
                    "colour": "#123456",
                    "size": [0.0, 400.0, 80.0],
                    "hover": [f"{a}\nline two", b, a],
                }
            ),
            layout=NetworkLayout(width=900, height=500, legend_title=b),
            **words,
        ),
    ]


def _as_mathtext(text: Text) -> bool:
    """Whether matplotlib draws this text as mathtext (it parses math and holds a $...$)."""
    return text.get_parse_math() and is_math_text(text.get_text())


@pytest.mark.parametrize("spec", _specs(), ids=lambda spec: spec.kind)
def test_matplotlib_draws_the_spec(spec):
    fig = figure(spec)
    assert isinstance(fig, Figure)
    fig.savefig(io.BytesIO(), format="png")
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert any(HOSTILE[0] in text for text in texts), "labels drawn as they are"
    assert any(HOSTILE[1] in t.get_text() for t in fig.findobj(Text)), "dollars drawn as such"
    assert not [t for t in fig.findobj(Text) if _as_mathtext(t)], "no data text read as mathtext"


@pytest.mark.parametrize("spec", _specs(), ids=lambda spec: spec.kind)
def test_plotly_draws_the_spec_with_every_label_as_text(spec):
    fig = to_plotly(spec)
    assert isinstance(fig, go.Figure)
    assert fig.layout.meta["description"] == "what it shows"
    data = json.dumps(fig.to_plotly_json()["data"]) + json.dumps(
        {k: v for k, v in fig.to_plotly_json()["layout"].items() if k != "template"}
    )
    assert "<a href" not in data and "<b>" not in data, "HTML reached plotly"
    assert '&lt;a href=\\"javascript' in data or '&lt;a href=\\"javascript' in data


def test_a_spec_needs_its_columns_and_a_description():
    with pytest.raises(ValueError, match=r"bars marks lack the column\(s\) \['text', 'hover'\]"):
        ChartSpec(
            kind="bars",
            marks=pd.DataFrame(columns=["category", "segment", "value", "colour"]),
            title="t",
            description="d",
        )
    with pytest.raises(ValueError, match="needs a description"):
        ChartSpec(kind="bars", marks=_specs()[0].marks, title="t", description=" ")
    with pytest.raises(ValueError, match="unknown chart kind 'pie'"):
        ChartSpec(kind="pie", marks=pd.DataFrame(), title="t", description="d")


def test_show_gives_one_bundle_with_the_png_the_plotly_figure_and_the_title():
    """One output per chart: each client draws the richest mimetype it knows, so a chart appears
    once. The description is the PNG's alt text; the text beside it is the title."""
    import plotly.io as pio

    from marchwest.plot.style import PLOTLY_CONFIG

    spec = _specs()[0]
    shown = show(spec)
    data, metadata = shown._repr_mimebundle_()
    assert set(data) == {"image/png", "application/vnd.plotly.v1+json", "text/plain"}
    assert data["text/plain"] == spec.title
    assert metadata["image/png"] == {"alt": "what it shows"}
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    # the figure as plotly's own notebook renderer gives it, with the project's config
    renderer = pio.renderers["plotly_mimetype"].__class__(config=PLOTLY_CONFIG)
    plotly_says = renderer.to_mimebundle(to_plotly(spec).to_dict())
    assert json.dumps(data["application/vnd.plotly.v1+json"]) == json.dumps(
        plotly_says["application/vnd.plotly.v1+json"]
    )


def test_the_modebar_offers_nothing_that_needs_the_network():
    data, _ = show(_specs()[0])._repr_mimebundle_()
    config = data["application/vnd.plotly.v1+json"]["config"]
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert "sendChartToCloud" in config["modeBarButtonsToRemove"]


def test_show_gives_the_marks_drawn_as_csv_with_the_title_and_caption():
    spec = _specs()[0]
    _, metadata = show(spec)._repr_mimebundle_()
    chart = metadata["marchwest"]
    assert chart["title"] == spec.title and chart["caption"] == spec.caption
    assert chart["description"] == "what it shows"
    back = pd.read_csv(io.StringIO(chart["csv"]), keep_default_na=False)
    assert back.columns.tolist() == spec.marks.columns.tolist()
    assert back["value"].tolist() == [3, 1] and back["category"].tolist() == HOSTILE


def test_the_marks_csv_is_the_same_bytes_every_time():
    marks = pd.DataFrame(
        {"when": pd.to_datetime(["2019-08-18", "2020-07-31"]), "value": [0.1 + 0.2, 1 / 3]}
    )
    spec = ChartSpec(
        kind="bars",
        marks=marks.assign(category="a", segment="b", colour="#000", text="t", hover="h"),
        title="t",
        description="d",
        layout=BarsLayout(x_max=1, width=800, height=300),
    )
    assert spec.marks_csv() == spec.marks_csv()
    lines = spec.marks_csv().splitlines()
    assert lines[1].startswith("2019-08-18,0.30000000000000004,")
    assert spec.marks_csv().count("\r\n") == 3, "RFC 4180 line ends, on every platform"


PLOTLY = "application/vnd.plotly.v1+json"
RERUN = "re-execute it: `python -m marchwest run --force {path}`"


def png_software(png: bytes) -> str:
    """The PNG's "Software" text chunk (matplotlib writes "Matplotlib version..."), or ""."""
    position = 8
    while position + 8 <= len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"tEXt" and body.startswith(b"Software\0"):
            return body.split(b"\0", 1)[1].decode("latin-1")
        position += 12 + length
    return ""


def chart_problems(path, cell: int, output) -> list[str]:
    """What is wrong with a chart output (one holding a PNG or plotly JSON), each with its cause
    and fix; [] for an output as ``marchwest.plot.show`` writes it."""
    data, metadata = output.get("data", {}), output.get("metadata", {})
    where = f"{path.name}, cell {cell}"
    rerun = RERUN.format(path=f"notebooks/{path.name}")
    if PLOTLY not in data or "image/png" not in data:
        return [
            f"{where}: a chart output holding only {'plotly JSON' if PLOTLY in data else 'a PNG'}; "
            "GitHub shows a PNG only, JupyterLab and the site the plotly figure: draw it with "
            f"marchwest.plot.show(spec), which gives both in one output, then {rerun}"
        ]
    problems = []
    software = png_software(base64.b64decode(_joined(data["image/png"])))
    if not software.startswith("Matplotlib"):
        problems.append(
            f"{where}: the chart's image/png is not marchwest's matplotlib drawing (its PNG says "
            f"software {software!r}): JupyterLab's plotly extension (jupyterlab-plotly) writes its "
            "own Plotly.toImage snapshot into a chart's PNG when it draws the chart, and a save "
            "outside `make lab` keeps it (`make lab` installs a pre-save hook that keeps the drawn "
            f"PNG); {rerun}"
        )
    alt = metadata.get("image/png", {}).get("alt", "")
    if len(alt.split()) < 8:
        problems.append(f"{where}: the chart has no description (alt text); {rerun}")
    if len(_joined(data.get("text/plain", ""))) > 300:
        problems.append(f"{where}: the text beside the chart is over 300 characters; {rerun}")
    return problems


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def test_every_chart_in_the_notebooks_is_one_output_with_its_png_and_description():
    import nbformat

    from marchwest.paths import NOTEBOOKS_DIR

    charts, problems = 0, []
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                if {"image/png", PLOTLY} & set(output.get("data", {})):
                    charts += 1
                    problems += chart_problems(path, index, output)
    assert not problems, "\n".join(problems)
    assert charts >= 17  # 17 charts in notebooks 00-07, each once


def test_a_chart_saved_from_jupyterlab_is_named_with_the_cause_and_the_fix(tmp_path):
    """The PNG jupyterlab-plotly writes (a browser canvas's PNG, no matplotlib tag) is told apart
    from the drawn one, and the message says where it comes from and what to do."""
    from PIL import Image

    spec = dataclasses.replace(
        _specs()[0], description="Two bars: the first three, the second one."
    )
    data, metadata = show(spec)._repr_mimebundle_()
    path = tmp_path / "01-x.ipynb"
    output = {"output_type": "display_data", "data": data, "metadata": metadata}
    assert chart_problems(path, 3, output) == []
    snapshot = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(snapshot, "PNG")
    replaced = output | {
        "data": data | {"image/png": base64.b64encode(snapshot.getvalue()).decode()}
    }
    (problem,) = chart_problems(path, 3, replaced)
    assert "jupyterlab-plotly" in problem and "Plotly.toImage" in problem
    assert "make lab" in problem and "marchwest run --force notebooks/01-x.ipynb" in problem
    (problem,) = chart_problems(path, 3, output | {"data": {PLOTLY: data[PLOTLY]}})
    assert "only plotly JSON" in problem and "marchwest.plot.show(spec)" in problem


LOW_LEVEL = {"marchwest.names", "marchwest.csvcells"}  # display names; CSV cells as text


def test_plot_takes_tables_in_and_reads_no_file():
    """plot/ imports no analysis module (only its own modules and the display names) and opens
    no file: the notebooks compute with marchwest.arms, .membership ... and pass tables in."""
    import ast

    from marchwest.paths import PACKAGE_DIR

    for path in sorted((PACKAGE_DIR / "plot").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            for module in modules:
                if module.startswith("marchwest"):
                    allowed = module.startswith("marchwest.plot") or module in LOW_LEVEL
                    assert allowed, f"{path.name} imports {module}"
            if isinstance(node, ast.Attribute | ast.Name):
                name = node.attr if isinstance(node, ast.Attribute) else node.id
                assert name not in {"open", "read_text", "read_bytes", "ASSETS_DIR"}, (
                    f"{path.name} reads a file ({name})"
                )


def test_palettes_keep_names_with_spaces_and_their_order():
    from marchwest.plot.style import STATUS_COLOURS, palette

    assert palette("\n  founding member  #08306B\n  member #2171B5\n") == {
        "founding member": "#08306B",
        "member": "#2171B5",
    }
    assert list(STATUS_COLOURS)[:2] == ["founding member", "member"]


def _random_text(rng: random.Random) -> str:
    alphabet = "ab $\\{}^_<>&\"'%\n\u00e9\u0660\u200b\U0001f600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))


@pytest.mark.parametrize("seed", range(6))
def test_matplotlib_draws_generated_labels_literally(seed):
    """Seeded random labels of dollar signs, backslashes, braces, HTML and non-Latin characters,
    in every text of every kind: each chart draws, and no text is read as mathtext."""
    rng = random.Random(seed)
    for spec in _specs():
        marks = spec.marks.copy()
        for column in ("category", "text", "panel", "series", "row", "label"):
            if column in marks:  # each distinct value renamed alike: the chart's shape stays
                renamed = {value: _random_text(rng) for value in dict.fromkeys(marks[column])}
                marks[column] = marks[column].map(renamed)
        words = {"title": _random_text(rng), "caption": _random_text(rng)}
        fig = figure(dataclasses.replace(spec, marks=marks, x_label=_random_text(rng), **words))
        fig.savefig(io.BytesIO(), format="png")
        assert not [t.get_text() for t in fig.findobj(Text) if _as_mathtext(t)]


def _every_kind() -> list[ChartSpec]:
    """A spec of each of the seven kinds: the five above, a timeline and a map."""
    from test_plot_maps import OUTLINE, places
    from test_plot_timeline import _spec as timeline_spec

    from marchwest.plot.maps import places_map

    specs = _specs()
    specs[2] = dataclasses.replace(  # columns with two segments
        specs[2],
        marks=pd.concat([specs[2].marks, specs[2].marks.assign(segment="b", colour="#654321")]),
    )
    map_spec = places_map(places(), outline=OUTLINE, title="t", caption="Coordinates: test.")
    return [*specs, timeline_spec(caption="Sources: test."), map_spec]


def _colour(value) -> str:
    from matplotlib.colors import to_hex

    return to_hex(
        value[0] if isinstance(value, list | tuple) and isinstance(value[0], str) else value
    )


def _mpl_legend(fig: Figure) -> list[tuple[str, str]]:
    """(label, colour) of each legend entry matplotlib draws, in order; a white face counts by
    its edge (a hatched or open mark)."""
    from matplotlib.lines import Line2D

    legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    entries = []
    for legend in legends:
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True):
            if isinstance(handle, Line2D):
                face = handle.get_markerfacecolor() if handle.get_marker() != "None" else "none"
                colour = handle.get_color() if face == "none" else face
                if _colour(colour) == "#ffffff":
                    colour = handle.get_markeredgecolor()
            else:
                colour = handle.get_facecolor()
                if _colour(colour) == "#ffffff":
                    colour = handle.get_edgecolor()
            entries.append((text.get_text(), _colour(colour)))
    return entries


def _plotly_legend(fig: go.Figure) -> list[tuple[str, str]]:
    """(label, colour) of each legend entry plotly.js draws, in order (legend rank, then trace
    order; the template keeps traceorder "normal")."""
    import html

    assert fig.layout.legend.traceorder in (None, "normal") and (
        fig.layout.template.layout.legend.traceorder == "normal"
    )
    if fig.layout.showlegend is False:
        return []
    traces = [t for t in fig.data if t.showlegend is not False and t.type != "heatmap"]
    assert len(traces) > 1 or fig.layout.showlegend, "plotly hides a legend of one entry"
    traces.sort(key=lambda t: t.legendrank if t.legendrank is not None else 1000)
    entries = []
    for trace in traces:
        marker_colour = trace.marker.color if "marker" in trace else None
        colour = marker_colour if marker_colour is not None else trace.line.color
        entries.append((html.unescape(trace.name).replace("<br>", "\n"), _colour(colour)))
    return entries


@pytest.mark.parametrize("spec", _every_kind(), ids=lambda spec: spec.kind)
def test_both_renderers_draw_the_same_legend_and_title_alignment(spec):
    fig, plotly = figure(spec), to_plotly(spec)
    legend = _mpl_legend(fig)
    if spec.kind != "bars" or spec.layout.legend:
        assert legend, "a legend"
    assert _plotly_legend(plotly) == legend
    assert plotly.layout.template.layout.title.xanchor == "left"
    assert plotly.layout.title.x is None and plotly.layout.title.xanchor is None
    titles = [t for t in fig.findobj(Text) if t.get_text() == spec.title and t.get_visible()]
    assert titles and all(t.get_horizontalalignment() == "left" for t in titles)


def test_both_renderers_take_the_same_font_stack():
    from matplotlib.font_manager import FontProperties, findfont

    from marchwest.plot.style import FONTS, MPL_STYLE, PLOTLY_FONT

    assert PLOTLY_FONT == "Inter, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
    assert to_plotly(_specs()[0]).layout.template.layout.font.family == PLOTLY_FONT
    assert MPL_STYLE["font.sans-serif"] == list(FONTS)
    import matplotlib as mpl

    with mpl.rc_context(MPL_STYLE):  # the first of the stack this machine has (DejaVu Sans here)
        assert "DejaVuSans" in findfont(
            FontProperties(family=["sans-serif"]), fallback_to_default=False
        )
    fig = figure(_specs()[0])
    assert {t.get_fontfamily()[0] for t in fig.findobj(Text) if t.get_text()} == {"sans-serif"}


def _long_name(rng: random.Random) -> str:
    """A name of 136 to 2,000 characters: words, or one unbroken run."""
    length = rng.randint(136, 2000)
    if rng.random() < 0.3:
        return "W" * length
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append("".join(rng.choice("abcdefghij<&$") for _ in range(rng.randint(1, 14))))
    return " ".join(words)[:length]


LABELS = ("category", "segment", "panel", "series", "row", "column", "label", "group", "text")


@pytest.mark.parametrize("seed", range(3))
def test_long_names_are_shortened_in_every_kind_in_both_renderers(seed):
    """Seeded names of 136 to 2,000 characters (the schema allows 2,000) in every label of every
    kind: both renderers draw, no drawn name is longer than LABEL_LIMIT characters a line, and the
    plotly figure keeps its size (a caption wrapped for a plot squeezed to nothing was 6,000 px)."""
    import html

    from marchwest.plot.style import LABEL_LIMIT

    rng = random.Random(seed)
    for spec in _every_kind():
        marks = spec.marks.copy()
        for column in LABELS:
            if column in marks and marks[column].dtype == object:
                renamed = {v: _long_name(rng) for v in dict.fromkeys(marks[column]) if v}
                marks[column] = marks[column].map(lambda v, renamed=renamed: renamed.get(v, v))
        long = dataclasses.replace(spec, marks=marks, title=_long_name(rng))
        fig = figure(long)
        fig.savefig(io.BytesIO(), format="png")
        drawn = [t.get_text() for t in fig.findobj(Text) if t.get_text() not in (spec.caption, "")]
        drawn = [t for t in drawn if t not in fig.texts and not t.startswith(spec.caption[:20])]
        for text in drawn:
            if text in long.caption:
                continue
            lines = text.split("\n")
            assert all(len(line) <= max(LABEL_LIMIT, 130) for line in lines), (long.kind, text[:80])
        assert max(len(line) for text in drawn for line in text.split("\n")) < 2000
        plotly, short_one = to_plotly(long), to_plotly(spec)
        names = [html.unescape(t.name or "") for t in plotly.data]
        ticks = [
            html.unescape(text)
            for axis in plotly.layout
            if axis.startswith(("xaxis", "yaxis"))
            for text in (plotly.layout[axis].ticktext or ())
        ]
        texts = [
            html.unescape(str(text))
            for trace in plotly.data
            if trace.type in ("scatter", "scattergeo") and trace.text is not None
            for text in ([trace.text] if isinstance(trace.text, str) else trace.text)
        ]
        for text in names + ticks + texts:
            assert all(len(line) <= LABEL_LIMIT + 2 for line in text.split("<br>")), (
                long.kind,
                text[:80],
            )
        assert (plotly.layout.height or 450) <= 1.5 * (short_one.layout.height or 450) + 60, (
            long.kind
        )
        title = html.unescape(plotly.layout.title.text)
        assert len(title.split("<br>")) <= 3


def test_a_chart_that_cannot_be_drawn_fails_its_cell():
    """show draws when called: IPython turns an error raised while it asks for the output into a
    warning, and the cell would pass."""
    spec = _specs()[0]
    spec = dataclasses.replace(spec, marks=spec.marks.assign(colour="not a colour"))
    with pytest.raises(ValueError, match="must be a valid color"):
        show(spec)
