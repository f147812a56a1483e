"""The site in headless Chromium, from disk (file://) with every request outside the site refused.

Each page: no console error, no request outside the site, every plotly output drawn, maps drawn from
the bundled topojson; the timeline's hover label shows the article's words; HTML in a label stays text.
Screenshots go to <site>/screenshots/. Without /usr/bin/chromium the tests skip (fail in CI).
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import marchwest
from marchwest.build.outputs import MANIFEST
from marchwest.build.site import build_site, plotly_outputs
from marchwest.ledger.page import fold
from marchwest.paths import NOTEBOOKS_DIR, PROJECT_ROOT

SITE_NOTEBOOKS = sorted((Path(__file__).parent / "data" / "site").glob("*.ipynb"))
REAL_NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
TIMELINE = "02-timeline"
PLACEHOLDER = (
    "No description has been provided for this image"  # nbconvert's, for an img without alt
)


class Site:
    """A built site and its pages by notebook name (as built: the notebooks may change meanwhile)."""

    def __init__(self, notebooks: list[Path], out: Path):
        self.dir = out
        self.pages = {page.notebook.name: page for page in build_site(notebooks, out)}


@pytest.fixture(scope="module")
def test_site(tmp_path_factory) -> Site:
    return Site(SITE_NOTEBOOKS, tmp_path_factory.mktemp("browser") / "site")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The project's notebooks, built as `make site` builds them, in a folder of the test's own (a
    `make site` meanwhile cannot pull it away). Afterwards it becomes site/ when there is none, or
    its screenshots go to site/screenshots/ when site/ holds a built site."""
    built = Site(REAL_NOTEBOOKS, tmp_path_factory.mktemp("real") / "site")
    yield built
    project_site = PROJECT_ROOT / "site"
    if not project_site.exists():
        shutil.copytree(built.dir, project_site)
    elif (project_site / "index.html").is_file() and (built.dir / "screenshots").is_dir():
        shutil.copytree(built.dir / "screenshots", project_site / "screenshots", dirs_exist_ok=True)
    adopt_screenshots(project_site)


def adopt_screenshots(site: Path) -> None:
    """Record the screenshots in the site's manifest as marchwest's: `make site` may replace them."""
    manifest = site / MANIFEST
    if not manifest.is_file() or not (site / "screenshots").is_dir():
        return
    content = json.loads(manifest.read_text(encoding="utf-8"))
    for shot in sorted((site / "screenshots").rglob("*.png")):
        name = shot.relative_to(site).as_posix()
        content["files"][name] = hashlib.sha256(shot.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")


class OpenPage:
    """A page loaded from disk, with every console error and every request outside the site recorded."""

    def __init__(self, browser, site: Path, href: str):
        self.site_prefix = site.resolve().as_uri() + "/"
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.context.route("**/*", self._route)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._record)
        self.page.goto((site / href).resolve().as_uri(), wait_until="load")

    def _inside(self, url: str) -> bool:
        # data: URLs are the page's own bytes (matplotlib PNGs), never a download.
        return url.startswith((self.site_prefix, "data:"))

    def _record(self, request) -> None:
        if not self._inside(request.url):
            self.outside.append(request.url)

    def _route(self, route) -> None:
        if self._inside(route.request.url):
            route.continue_()
        else:
            route.abort()

    def wait_for_figures(self, count: int) -> None:
        self.page.wait_for_function(
            """n => { const divs = document.querySelectorAll('div.plotly-graph-div');
                      return divs.length >= n && Array.from(divs).every(d => d.querySelector('svg.main-svg')); }""",
            arg=count,
        )

    def screenshot(self, site: Path, name: str) -> Path:
        path = site / "screenshots" / f"{name}.png"
        path.parent.mkdir(exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


def check_page(browser, built: Site, notebook: Path) -> OpenPage:
    """Open one notebook's page and check it is whole; return it open for more checks."""
    site, page = built.dir, built.pages[notebook.name]
    opened = OpenPage(browser, site, page.href)
    if page.plotly_figures:
        opened.wait_for_figures(page.plotly_figures)
    drawn = opened.page.evaluate(
        """() => Array.from(document.querySelectorAll('div.plotly-graph-div')).map(div =>
               div.classList.contains('js-plotly-plot') && div.querySelector('svg.main-svg') !== null)"""
    )
    assert drawn == [True] * page.plotly_figures, f"{page.href}: plotly outputs drawn {drawn}"
    if page.maps:
        land = opened.page.locator(".geolayer .layer.land path, .geolayer .layer.countries path")
        assert land.count() > 0, f"{page.href}: the map has no land"
        assert all(len(land.nth(i).get_attribute("d") or "") > 100 for i in range(land.count()))
    images = opened.page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-RenderedImage img')).map(i => i.naturalWidth)"
    )
    assert all(width > 0 for width in images), f"{page.href}: an image did not load"
    alts = opened.page.eval_on_selector_all("img", "imgs => imgs.map(i => i.alt)")
    assert all(alt and alt != PLACEHOLDER for alt in alts), f"{page.href}: an image without alt"
    labels = opened.page.eval_on_selector_all(
        "div.plotly-graph-div", "divs => divs.map(d => d.getAttribute('aria-label'))"
    )
    assert all(labels), f"{page.href}: a plotly figure without a description"
    opened.screenshot(site, Path(page.href).stem)
    assert opened.errors == [], f"{page.href}: console errors"
    assert opened.outside == [], f"{page.href}: requests outside the site"
    return opened


# Records what plotly itself says is hovered: a bar, or a marker drawn over it.
HOVER_LISTENER = """() => document.querySelectorAll('.js-plotly-plot').forEach(gd => gd.on(
    'plotly_hover', e => { window.__hovered = e.points.map(p => p.data.type); }))"""
HOVER_LABEL = """() => Array.from(document.querySelectorAll('.hoverlayer .hovertext text')).map(t => {
    const lines = t.querySelectorAll('tspan.line');
    return lines.length ? Array.from(lines).map(l => l.textContent).join(' ') : t.textContent;
}).join(' ')"""


def hover_bars(opened: OpenPage, min_width: float = 4, screenshot: Path | None = None) -> list:
    """Hover each horizontal bar at least ``min_width`` px wide with the mouse, at points along its
    middle, until plotly says it hovers the bar (not a marker over it); return each bar's label, or
    ``"covered: <label shown instead>"``. Saves the first bar's hover label as ``screenshot``."""
    page = opened.page
    page.evaluate(HOVER_LISTENER)
    bars = page.locator(".js-plotly-plot .barlayer .point path")
    labels = []
    for i in range(bars.count()):
        bars.nth(i).scroll_into_view_if_needed()
        box = bars.nth(i).bounding_box()
        if box is None or box["width"] < min_width:
            continue
        label = "covered: (no hover label)"
        for fraction in (0.5, 0.25, 0.75, 0.1, 0.9):
            page.mouse.move(0, 0)
            page.evaluate("() => { window.__hovered = null; }")
            x, y = box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2
            page.mouse.move(x, y, steps=3)
            try:
                page.wait_for_function("() => window.__hovered !== null", timeout=3000)
            except PlaywrightTimeout:
                continue
            if page.evaluate("() => window.__hovered") != ["bar"]:
                label = f"covered: {page.evaluate(HOVER_LABEL)}"
                continue
            label = page.evaluate(HOVER_LABEL)
            if screenshot and not screenshot.exists():
                page.screenshot(path=str(screenshot))
            break
        labels.append(label)
    page.mouse.move(0, 0)
    return labels


# The test notebooks: every kind of output, a map, labels that hold HTML.


@pytest.mark.parametrize("notebook", SITE_NOTEBOOKS, ids=lambda p: p.stem)
def test_test_notebook_page_is_whole_offline(browser, test_site, notebook):
    check_page(browser, test_site, notebook).close()


def test_hovering_a_bar_shows_its_quote(browser, test_site):
    notebook = SITE_NOTEBOOKS[0]
    nb = nbformat.read(notebook, as_version=4)
    figure = next(f for _, _, f in plotly_outputs(nb) if f["data"][0]["type"] == "bar")
    quotes = set(figure["data"][0]["hovertext"])
    opened = check_page(browser, test_site, notebook)
    labels = hover_bars(opened, screenshot=test_site.dir / "screenshots" / "01-charts-hover.png")
    assert len(labels) >= 2, "the wide bars"
    assert all(text in quotes for text in labels), labels
    opened.close()


def test_html_in_labels_is_shown_as_text_and_never_run(browser, test_site):
    notebook = next(p for p in SITE_NOTEBOOKS if p.stem == "03-labels-with-html")
    opened = check_page(browser, test_site, notebook)
    page = opened.page
    label = "<img src=x onerror=window.__xss=1>"
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("table td", has_text=label).count() == 1, (
        "the table shows the label as text"
    )
    assert page.locator(".js-plotly-plot .xtick text", has_text=label).count() == 1
    assert page.locator(".js-plotly-plot .gtitle", has_text=label).count() == 1
    assert page.locator("img[src='x']").count() == 0
    opened.close()


def test_the_index_opens_offline_and_links_every_page(browser, test_site):
    opened = OpenPage(browser, test_site.dir, "index.html")
    links = opened.page.eval_on_selector_all("ol.mw-notebooks a", "as => as.map(a => a.href)")
    assert links == [(test_site.dir / f"{p.stem}.html").resolve().as_uri() for p in SITE_NOTEBOOKS]
    opened.screenshot(test_site.dir, "index")
    assert opened.errors == [] and opened.outside == []
    opened.close()


@pytest.fixture(scope="module")
def served_site(test_site):
    """The test site served over HTTP on 127.0.0.1 (a reader's download; from disk, file://,
    Chromium opens a notebook link as text instead)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(test_site.dir))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_page_has_the_footer_and_its_links_resolve(browser, test_site, served_site):
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(served_site) else route.abort()
        ),
    )
    page = context.new_page()
    try:
        for href in ["index.html"] + [p.href for p in test_site.pages.values()]:
            page.goto(f"{served_site}/{href}")
            footer = page.locator("footer.mw-footer")
            assert footer.count() == 1, href
            assert footer.is_visible(), href
            links = footer.evaluate("f => Array.from(f.querySelectorAll('a')).map(a => a.href)")
            assert len(links) >= 5, href
            for link in links:
                assert link.startswith(served_site), f"{href}: {link} is outside the site"
                reply = context.request.get(link)
                assert reply.ok, f"{href}: {link} gives {reply.status}"
    finally:
        context.close()


def test_the_notebook_download_link_gives_the_notebook(browser, test_site, served_site):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        for notebook in SITE_NOTEBOOKS:
            page.goto(f"{served_site}/{test_site.pages[notebook.name].href}")
            with page.expect_download() as download:
                page.locator("a.mw-download").click()
            assert download.value.suggested_filename == notebook.name
            assert (
                Path(download.value.path()).read_bytes()
                == (test_site.dir / "notebooks" / notebook.name).read_bytes()
            )
            offered = nbformat.reads(Path(download.value.path()).read_text(encoding="utf-8"), 4)
            assert len(offered.cells) == len(nbformat.read(notebook, as_version=4).cells)
    finally:
        context.close()


# The project's notebooks, as `make site` renders them into site/.


@pytest.mark.parametrize("notebook", REAL_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_page_is_whole_offline(browser, real_site, notebook):
    check_page(browser, real_site, notebook).close()


def test_the_site_index_opens_offline(browser, real_site):
    opened = OpenPage(browser, real_site.dir, "index.html")
    assert opened.page.locator("ol.mw-notebooks a").count() == len(REAL_NOTEBOOKS)
    opened.screenshot(real_site.dir, "index")
    assert opened.errors == [] and opened.outside == []
    opened.close()


def test_timeline_hover_shows_the_evidence_quote(browser, real_site):
    """Each bar's label names its event (by title) and quotes the article (an article row's
    evidence) or, for a reference period, names a reference source."""
    notebook = NOTEBOOKS_DIR / f"{TIMELINE}.ipynb"
    assert notebook in REAL_NOTEBOOKS, f"{notebook} is missing"
    opened = check_page(browser, real_site, notebook)
    shot = real_site.dir / "screenshots" / f"{TIMELINE}-hover.png"
    shot.unlink(missing_ok=True)
    labels = hover_bars(opened, screenshot=shot)
    opened.close()
    assert labels, "the timeline has no bar to hover"

    def words(text: str) -> str:
        # Without white space: the chart wraps long quotes into lines, also after a hyphen.
        return "".join(fold(text).split())

    events = marchwest.events()
    source_titles = marchwest.sources()["title"]
    quoted = 0
    for label in (label for label in labels if not label.startswith("covered: ")):
        rows = [row for row in events.itertuples() if words(row.title) in words(label)]
        assert rows, f"no event title in the hover label {label!r}"
        quotes = [r for r in rows if r.origin == "article" and words(r.evidence) in words(label)]
        cited = [title for title in source_titles if words(title) in words(label)]
        assert quotes or cited, f"neither the article's words nor a source in {label!r}"
        quoted += bool(quotes)
    assert quoted > 0, "no bar of an article event"
    covered = [label for label in labels if label.startswith("covered: ")]
    assert covered == [], (
        "bars that no mouse position hovers (a marker drawn over them takes the hover, so their "
        f"quote cannot be read; hovermode='y' would show both): {covered}"
    )


def test_partnership_hover_shows_the_evidence_of_each_tie(browser, real_site):
    """Each line of the network (notebook 07) hovers to its ties, each quoting the article's
    words or naming a source of the ledger."""
    notebook = NOTEBOOKS_DIR / "07-partnerships.ipynb"
    assert notebook in REAL_NOTEBOOKS, f"{notebook} is missing"
    opened = check_page(browser, real_site, notebook)
    page = opened.page
    network = page.locator(".js-plotly-plot").first
    network.scroll_into_view_if_needed()
    points = network.locator(".scatterlayer .trace .points path.point")
    raw = "".join(fold(marchwest.article().raw).split())
    sources = set(marchwest.sources()["source_id"])
    edges = 0
    for i in range(points.count()):
        box = points.nth(i).bounding_box()
        page.mouse.move(0, 0)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=2)
        page.wait_for_function(f"() => ({HOVER_LABEL})() !== ''", timeout=3000)
        label = page.evaluate(HOVER_LABEL)
        if not label.startswith("China – "):
            continue  # a country's dot
        edges += 1
        for tie in label.split("• ")[1:]:
            tie = tie.split(" … and ")[0]
            if "source: " in tie:
                named = tie.rsplit("source: ", 1)[1].split(", ")
                assert set(map(str.strip, named)) <= sources, tie
            else:
                quote = tie.rsplit("“", 1)[1].rstrip().removesuffix("”").removesuffix("…")
                assert "".join(fold(quote).split()) in raw, tie
    opened.close()
    assert edges >= 40, "the network's lines did not hover"


def test_a_missing_browser_skips_here_and_fails_in_ci(monkeypatch, tmp_path):
    import _chromium

    monkeypatch.setattr(_chromium, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("MARCHWEST_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium is missing"):
        _chromium.launch(playwright=None)
    monkeypatch.setenv("MARCHWEST_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="MARCHWEST_REQUIRE_BROWSER=1"):
        _chromium.launch(playwright=None)


# Links: a javascript: URL from a ledger (loaded past validation) or a notebook never becomes a link.


def add_javascript_links(nb):
    """A fact-check table (marchwest.plot.factcheck) whose source URL is ``javascript:``, as a
    ledger loaded past validation would give it, and a markdown cell and HTML output with more."""
    import pandas as pd

    from marchwest.plot.factcheck import styled_table

    frame = pd.DataFrame(
        {"claim_id": ["c1"], "source": ["the fact source"], "url": ["javascript:window.__xss=1"]}
    )
    links = (
        '<a href="JaVaScript:window.__xss=2">the html link</a> '
        '<a href=" javascript:window.__xss=3">spaced</a>'
    )
    table = styled_table(frame, table_id="hostile").to_html()
    nb.cells.append(nbformat.v4.new_markdown_cell("[the markdown link](javascript:window.__xss=4)"))
    for html in (table, links):
        output = nbformat.v4.new_output("display_data", data={"text/html": html})
        nb.cells.append(nbformat.v4.new_code_cell("show()", outputs=[output]))


def test_a_javascript_url_never_becomes_a_link_or_runs(browser, tmp_path):
    notebook = tmp_path / "links.ipynb"
    nb = nbformat.read(next(p for p in SITE_NOTEBOOKS if p.stem == "03-labels-with-html"), 4)
    add_javascript_links(nb)
    nbformat.write(nb, notebook)
    built = Site([notebook], tmp_path / "site")
    opened = check_page(browser, built, notebook)
    page = opened.page
    scripted = page.evaluate(
        """() => Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))
               .filter(a => /^\\s*j\\s*a\\s*v\\s*a\\s*s\\s*c\\s*r\\s*i\\s*p\\s*t\\s*:/i.test(a.value))
               .map(a => a.name + '=' + a.value)"""
    )
    assert scripted == []
    for text in ("the fact source", "the html link", "spaced", "the markdown link"):
        shown = page.get_by_text(text, exact=True)
        assert shown.count() == 1, f"{text!r} is shown (as text)"
        shown.click()
    assert page.evaluate("() => window.__xss") is None
    assert page.url.endswith("links.html"), "no click went anywhere"


# Every chart described; every text on a figure inside it; data labels shown as text.


@pytest.mark.parametrize("notebook", REAL_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chart_has_a_description_and_no_text_leaves_its_figure(browser, real_site, notebook):
    opened = check_page(browser, real_site, notebook)
    page = opened.page
    alts = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.getAttribute('alt') || '')")
    labels = page.eval_on_selector_all(
        "div.plotly-graph-div", "divs => divs.map(d => d.getAttribute('aria-label') || '')"
    )
    for text in alts + labels:
        assert text != PLACEHOLDER and len(text.split()) >= 8, f"not a description: {text!r}"
    # Each annotation (captions, notes) and each heatmap cell's text inside its figure.
    outside = page.evaluate(
        """() => Array.from(document.querySelectorAll('div.plotly-graph-div')).flatMap(div => {
            const frame = div.querySelector('svg.main-svg').getBoundingClientRect();
            return Array.from(div.querySelectorAll('g.annotation, g.textpoint, .heatmaplayer text'))
                .map(el => [el.textContent, el.getBoundingClientRect()])
                .filter(([, box]) => box.width > 0 && (box.left < frame.left - 1
                    || box.right > frame.right + 1 || box.top < frame.top - 1
                    || box.bottom > frame.bottom + 1))
                .map(([text]) => text.slice(0, 60));
        })"""
    )
    # A heatmap cell's text fits its cell (plotly cuts what does not).
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('div.plotly-graph-div')).flatMap(div => {
            const heatmap = (div.data || []).find(t => t.type === 'heatmap');
            if (!heatmap) return [];
            const cell = div._fullLayout.xaxis._length / heatmap.x.length;
            return Array.from(div.querySelectorAll('.heatmaplayer text'))
                .filter(t => t.getBoundingClientRect().width > cell).map(t => t.textContent);
        })"""
    )
    opened.close()
    assert outside == [], f"{notebook.name}: text outside its figure"
    assert cut == [], f"{notebook.name}: text wider than its cell"


def test_a_hostile_label_in_a_chart_shows_as_text(browser, tmp_path):
    """A spec built from data holding HTML, shown as the notebooks show it, on a built page."""
    import pandas as pd

    from marchwest.plot import BarsLayout, ChartSpec, show

    link, bold = '<a href="javascript:window.__xss=1">x</a>', "<b>bold</b>"
    spec = ChartSpec(
        kind="bars",
        marks=pd.DataFrame(
            {
                "category": [link, bold],
                "segment": "rows",
                "value": [2, 1],
                "colour": "#0072B2",
                "text": [link, bold],
                "hover": [link, bold],
            }
        ),
        title=f"Entities {bold}",
        description="Two bars named by entities whose names hold HTML, shown as text.",
        caption=f"Source: {link}",
        layout=BarsLayout(x_max=3, width=800, height=300),
    )
    data, metadata = show(spec)._repr_mimebundle_()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Hostile labels\n\nA chart of hostile names."),
            nbformat.v4.new_code_cell(
                "show(spec)",
                outputs=[nbformat.v4.new_output("display_data", data=data, metadata=metadata)],
            ),
        ]
    )
    path = tmp_path / "hostile.ipynb"
    nbformat.write(nb, path)
    built = Site([path], tmp_path / "site")
    opened = check_page(browser, built, path)
    page = opened.page
    assert page.locator(".js-plotly-plot svg a, a[href^='javascript']").count() == 0, (
        "a label became a link"
    )
    assert page.locator(".js-plotly-plot b, .js-plotly-plot tspan[style*='bold']").count() == 0
    assert page.locator(".js-plotly-plot .ytick text", has_text=link).count() == 1
    # the title and the caption are the page's text around the chart, escaped
    assert page.locator(".mw-chart-title", has_text=bold).count() == 1
    assert page.locator("figcaption.mw-chart-caption", has_text=link).count() == 1
    assert page.locator("figure.mw-chart :is(b, a)").count() == 0
    assert page.evaluate("() => window.__xss") is None
    opened.close()


# The data behind every chart: a CSV linked under it, followed with the network cut.

CHART_OUTPUTS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).filter(out =>
    out.querySelector('.jp-RenderedImage img, img, div.plotly-graph-div')).map(out => {
        const link = out.querySelector('p.mw-chart-data a[href$=".csv"]');
        const div = out.querySelector('div.plotly-graph-div');
        const shown = out.querySelector('.mw-chart-title');  // the site writes a chart's title
        const title = shown ? shown.textContent
            : div && div.layout && div.layout.title ? div.layout.title.text : null;
        return [link ? link.href : null, link ? link.dataset.chart : null, title];
    })"""


def served(directory: Path):
    """A folder served over HTTP on 127.0.0.1 (from file:// Chromium shows a CSV, not fetches it)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def served_real_site(real_site):
    server, url = served(real_site.dir)
    yield url
    server.shutdown()
    server.server_close()


def check_chart_data(browser, base: str, pages: list[str]) -> int:
    """Open each page with every request outside ``base`` aborted; every chart has a CSV link
    that gives its marks; returns how many charts were checked."""
    import csv
    import html
    import io

    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    page = context.new_page()
    checked = 0
    try:
        for href in pages:
            page.goto(f"{base}/{href}", wait_until="load")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('div.plotly-graph-div'))"
                ".every(d => d.layout)"
            )
            for link, chart_title, plotly_title in page.evaluate(CHART_OUTPUTS):
                assert link and link.startswith(base), f"{href}: a chart without its data link"
                reply = context.request.get(link)
                assert reply.ok, f"{href}: {link} gives {reply.status}"
                header, *rows = list(csv.reader(io.StringIO(reply.text())))
                assert rows and "hover" in header, f"{href}: {link} holds no marks"
                assert all(len(row) == len(header) for row in rows), link
                sidecar = context.request.get(link.removesuffix(".csv") + ".json").json()
                assert sidecar["title"] == chart_title and sidecar["data"] in link
                if plotly_title is not None:  # the page's title, or plotly's (escaped)
                    assert html.unescape(plotly_title) == chart_title
                checked += 1
    finally:
        context.close()
    return checked


def test_every_chart_links_the_data_it_draws(browser, real_site, served_real_site):
    pages = [page.href for page in real_site.pages.values()]
    assert check_chart_data(browser, served_real_site, pages) >= 2 * len(pages)


def test_the_test_charts_link_their_data(browser, test_site, served_site):
    assert check_chart_data(browser, served_site, ["04-chart-data.html"]) == 2  # one per spec
