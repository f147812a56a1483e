"""The notebooks as GitHub shows them: nbconvert's classic HTML template with no JavaScript. Each
chart appears once, as its PNG with its description as alt text, and no plain text beside it runs
over 300 characters (a chart's text/plain is its title)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from marchwest.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.fixture(scope="module")
def exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="classic")
    for option in ("require_js_url", "mathjax_url"):
        setattr(exporter, option, "")
    return exporter


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_chart_shows_once_as_an_image_with_its_description(exporter, notebook):
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    charts = [
        output
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if {"image/png", "application/vnd.plotly.v1+json"} & set(output.get("data", {}))
    ]
    html, _ = exporter.from_notebook_node(nb)
    page = BeautifulSoup(html, "html.parser")
    images = page.select("div.output_png img")
    assert len(images) == len(charts) > 0, f"{notebook.name}: one image per chart"
    descriptions = [output["metadata"].get("image/png", {}).get("alt") for output in charts]
    assert [img.get("alt") for img in images] == descriptions
    for outputs in page.select("div.output"):  # a cell's outputs
        if outputs.select_one("div.output_png"):
            texts = [text.get_text() for text in outputs.select("div.output_text")]
            assert all(len(text) <= 300 for text in texts), f"{notebook.name}: {texts}"
