"""Every page of the site at a phone's width (390 px) and a desktop's (1280 px), in headless
Chromium from disk: no sideways scrolling, every plotly chart drawn at its box's width (no box
scrolls), its legend under the plot on a phone, chart texts that neither overprint each other nor
leave their figure and are drawn at 9 px or more, and no serious or critical axe-core violation
(axe-playwright-python bundles axe-core: it runs offline). Screenshots go to
<site>/screenshots/<page>-<width>.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from marchwest.build.site import build_site, page_id
from marchwest.paths import NOTEBOOKS_DIR

REAL_NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
PAGES = ["index.html"] + [f"{page_id(path)}.html" for path in REAL_NOTEBOOKS]
WIDTHS = (390, 1280)
LAYOUT = (Path(__file__).parent / "_layout.js").read_text(encoding="utf-8")
SERIOUS = {"serious", "critical"}
# Each plotly chart as drawn: its width, its box's (and how wide the box's content is), where its
# legend is against the plot area, and its marks' labels (a map's places) shown and given.
CHARTS = """() => Array.from(document.querySelectorAll('div.plotly-graph-div')).map(div => {
  const frame = div.getBoundingClientRect(), size = div._fullLayout._size;
  const box = div.closest('.mw-chart-box');
  const legend = div.querySelector('g.legend');
  const drawn = legend && legend.getBoundingClientRect().height > 0 ? legend.getBoundingClientRect() : null;
  const labels = div.data.filter(t => /text/.test(t.mode || '') && Array.isArray(t.text));
  return {
    id: div.id, width: frame.width, box: box.clientWidth, content: box.scrollWidth,
    legend: drawn && {top: drawn.top - frame.top, plot_bottom: size.t + size.h},
    labels: labels.reduce((n, t) => n + t.text.filter(x => x).length, 0),
    places: labels.reduce((n, t) => n + t.text.length, 0),
  };
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("layout") / "site"
    build_site(REAL_NOTEBOOKS, out)
    return out


def open_page(browser, site: Path, href: str, width: int, *, script: bool = True):
    """The page at ``width`` px, every request outside the site refused, its charts fitted
    (charts.js reports the width it fitted them to on <html data-charts-fitted>)."""
    prefix = site.resolve().as_uri() + "/"
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=script
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith((prefix, "data:")) else route.abort()
        ),
    )
    page = context.new_page()
    page.goto((site / href).resolve().as_uri(), wait_until="load")
    if script and page.locator("div.plotly-graph-div").count():
        page.wait_for_function(
            "w => document.documentElement.dataset.chartsFitted === String(w)", arg=width
        )
    return context, page


MEASURED: dict[tuple[str, int], dict] = {}


@pytest.fixture(scope="module")
def measure(browser, site):
    """Opens a page at a width once, and keeps what the tests ask of it."""

    def measured(href: str, width: int) -> dict:
        if (href, width) not in MEASURED:
            context, page = open_page(browser, site, href, width)
            try:
                found = page.evaluate(LAYOUT)
                found["scroll_width"] = page.evaluate("() => document.scrollingElement.scrollWidth")
                found["charts"] = page.evaluate(CHARTS)
                found["axe"] = [
                    f"{v['id']} ({v['impact']}): {v['help']}: "
                    + "; ".join(n["target"][0] for n in v["nodes"][:3])
                    for v in Axe().run(page).response["violations"]
                    if v["impact"] in SERIOUS
                ]
                shots = site / "screenshots"
                shots.mkdir(exist_ok=True)
                page.screenshot(path=str(shots / f"{Path(href).stem}-{width}.png"), full_page=True)
            finally:
                context.close()
            MEASURED[href, width] = found
        return MEASURED[href, width]

    return measured


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("href", PAGES)
def test_no_page_scrolls_sideways(measure, href, width):
    assert measure(href, width)["scroll_width"] <= width


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("href", PAGES)
def test_every_chart_is_drawn_at_its_boxs_width_and_no_box_scrolls(measure, href, width):
    for chart in measure(href, width)["charts"]:
        assert chart["width"] <= chart["box"] <= width, chart["id"]
        assert chart["content"] <= chart["box"], f"{chart['id']} scrolls sideways"


@pytest.mark.parametrize("href", PAGES)
def test_on_a_phone_the_legend_is_under_the_plot(measure, href):
    for chart in measure(href, 390)["charts"]:
        if chart["legend"]:
            assert chart["legend"]["top"] >= chart["legend"]["plot_bottom"], chart["id"]


def test_a_phone_map_thins_its_labels_and_keeps_the_rest_in_the_hover(measure):
    """At 390 px the map leaves out the place labels that would overprint (the overlap test above
    holds it to none), and keeps most of them; at 1280 px it shows them all."""
    [phone] = [c for c in measure("04-map.html", 390)["charts"] if c["places"]]
    [desktop] = [c for c in measure("04-map.html", 1280)["charts"] if c["places"]]
    assert desktop["labels"] == desktop["places"]
    assert phone["places"] // 2 <= phone["labels"] < phone["places"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("href", PAGES)
def test_chart_texts_are_legible_apart_and_inside_their_figure(measure, href, width):
    found = measure(href, width)
    assert found["overlapping"] == [], "texts drawn over each other"
    assert found["outside"] == [], "texts outside their figure"
    assert found["small"] == [], "texts smaller than 9 px"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("href", PAGES)
def test_axe_finds_no_serious_or_critical_violation(measure, href, width):
    assert measure(href, width)["axe"] == []


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_a_bundle_is_drawn_once_interactive_or_as_its_png_without_script(browser, tmp_path, script):
    from test_site import bundle_notebook

    notebook = bundle_notebook(tmp_path / "bundle.ipynb")
    build_site([notebook], tmp_path / "site")
    context, page = open_page(browser, tmp_path / "site", "bundle.html", 390, script=script)
    try:
        drawn = page.locator("div.js-plotly-plot:has(svg.main-svg)").count()
        images = page.evaluate(
            "() => Array.from(document.querySelectorAll('img'))"
            ".filter(i => i.getBoundingClientRect().width > 0).map(i => i.naturalWidth)"
        )
        legible = page.evaluate(LAYOUT)
    finally:
        context.close()
    if script:
        assert (drawn, images) == (1, []), "the interactive chart, once, and no image"
        assert legible == {"overlapping": [], "outside": [], "small": []}
    else:
        assert drawn == 0 and len(images) == 1 and images[0] > 0, "the PNG, once"


@pytest.mark.parametrize("href", ["03-organisation-membership.html", "07-partnerships.html"])
def test_a_chart_fitted_to_a_phone_is_laid_out_again_at_a_desktops_width(browser, site, href):
    """A phone turned sideways or a window widened: charts.js takes its phone layout back (the
    legend, the labels, the ranges lengthened for labels) and plotly's autosize follows the box."""
    context, page = open_page(browser, site, href, 390)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_function(
            "w => document.documentElement.dataset.chartsFitted === String(w)", arg=1280
        )
        wide = page.evaluate(LAYOUT)
        charts = page.evaluate(CHARTS)
    finally:
        context.close()
    assert wide == {"overlapping": [], "outside": [], "small": []}
    assert charts and all(c["width"] == c["box"] > 390 for c in charts)
    assert all(c["labels"] == c["places"] for c in charts)
