"""The two renderers draw any spec of a kind; plotly gets every data label escaped."""

from __future__ import annotations

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
            layout={"x_max": 4, "figsize": (9, 5), "height": 300, "legend": True},
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
            layout={"y_range": (0, 3), "figsize": (9, 5), "height": 300, "legend": "right"},
            **words,
        ),
        ChartSpec(
            kind="columns",
            marks=pd.DataFrame(
                {"x": [2000, 2001], "segment": a, "value": [1, 2], "colour": "#123456", "hover": b}
            ),
            annotations=(Annotation("box", 2001, text=a, y=2),),
            layout={"y_max": 4, "figsize": (9, 5), "height": 300, "legend_title": b},
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
            layout={"legend": [(a, "#123456")], "empty_colour": "#eeeeee"},
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
            layout={"figsize": (9, 6), "height": 500, "legend_title": b},
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


def test_show_gives_the_description_as_alt_text():
    spec = _specs()[0]
    data, metadata = show(spec)._repr_mimebundle_()
    assert metadata["image/png"] == {"alt": "what it shows"}
    assert data["text/plain"] == "what it shows" and len(data["image/png"]) > 1000
    shown = show(spec, "plotly")
    data, metadata = shown._repr_mimebundle_()
    assert metadata["application/vnd.plotly.v1+json"] == {"alt": "what it shows"}
    # the figure as plotly's own notebook renderer gives it (which show does without importing)
    import plotly.io as pio

    plotly_says = pio.renderers["plotly_mimetype"].to_mimebundle(shown.figure.to_dict())
    assert json.dumps(data["application/vnd.plotly.v1+json"]) == json.dumps(
        plotly_says["application/vnd.plotly.v1+json"]
    )


def test_show_gives_the_marks_drawn_as_csv_with_the_title_and_caption():
    spec = _specs()[0]
    for renderer in ("matplotlib", "plotly"):
        _, metadata = show(spec, renderer)._repr_mimebundle_()
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
    )
    assert spec.marks_csv() == spec.marks_csv()
    lines = spec.marks_csv().splitlines()
    assert lines[1].startswith("2019-08-18,0.30000000000000004,")
    assert spec.marks_csv().count("\r\n") == 3, "RFC 4180 line ends, on every platform"


def test_every_chart_in_the_notebooks_carries_its_description():
    import nbformat

    from marchwest.paths import NOTEBOOKS_DIR

    charts = 0
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                for mime in ("image/png", "application/vnd.plotly.v1+json"):
                    if mime in output.get("data", {}):
                        charts += 1
                        alt = output.get("metadata", {}).get(mime, {}).get("alt", "")
                        assert len(alt.split()) >= 8, f"{path.name}: a chart without alt text"
    assert charts >= 28  # notebooks 00-05 hold 24, notebook 07 four more


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
