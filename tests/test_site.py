"""The offline site (marchwest.build.site), checked as files; tests/test_browser.py opens it in Chromium."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from _signals import SITE_CHECKPOINTS, leftovers, signal_at, tree
from bs4 import BeautifulSoup

import marchwest
from marchwest.build.outputs import MANIFEST, OutputError
from marchwest.build.site import (
    PLOTLY_JS,
    PLOTLY_MIMETYPE,
    SiteError,
    build_site,
    drop_unsafe_links,
    plotly_div_id,
    plotly_outputs,
    prune_css,
    safe_url,
    title_and_summary,
)
from marchwest.paths import ASSETS_DIR, NOTEBOOKS_DIR
from marchwest.plot import style
from marchwest.plotly_config import PLOTLY_CONFIG

SITE_NOTEBOOKS = sorted((Path(__file__).parent / "data" / "site").glob("*.ipynb"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(SITE_NOTEBOOKS, out)
    return out


HOSTILE_LINKS = (
    '<a href="javascript:window.__xss=1">the source</a> '
    '<a href="JaVaScript:window.__xss=2">again</a> <a href="https://example.org/ok">fine</a>'
)


def add_hostile_links(nb):
    """A markdown cell and an HTML output that carry ``javascript:`` links beside a good one."""
    nb.cells.append(
        nbformat.v4.new_markdown_cell(f"[click](javascript:window.__xss=3) {HOSTILE_LINKS}")
    )
    output = nbformat.v4.new_output("display_data", data={"text/html": HOSTILE_LINKS})
    nb.cells.append(nbformat.v4.new_code_cell("links()", outputs=[output]))


def copy_notebook(source: Path, target: Path, edit=None) -> Path:
    nb = nbformat.read(source, as_version=4)
    if edit:
        edit(nb)
    nbformat.write(nb, target)
    return target


def test_the_test_notebooks_cover_every_kind_of_output():
    kinds = set()
    for path in SITE_NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                kinds.update(output.get("data", {}))
    assert {"application/vnd.plotly.v1+json", "image/png", "text/html"} <= kinds


def test_two_builds_give_identical_files(site, tmp_path):
    again = tmp_path / "again"
    build_site(SITE_NOTEBOOKS, again)
    first, second = tree(site), tree(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_build_never_touches_the_notebooks(tmp_path):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in SITE_NOTEBOOKS}
    build_site(SITE_NOTEBOOKS, tmp_path / "site")
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in SITE_NOTEBOOKS} == before


def test_one_page_per_notebook_and_an_index(site):
    pages = sorted(p.name for p in site.glob("*.html"))
    assert pages == sorted([f"{p.stem}.html" for p in SITE_NOTEBOOKS] + ["index.html"])


def test_plotly_js_is_written_once_and_every_chart_page_refers_to_it(site):
    assert (site / "assets" / "plotly.min.js").read_bytes() == PLOTLY_JS.read_bytes()
    js = sorted(p.name for p in site.rglob("*.js"))
    assert js == ["charts.js", "plotly.min.js", "world_110m.js"]
    for notebook in SITE_NOTEBOOKS:
        page = site / f"{notebook.stem}.html"
        scripts = [s.get("src") for s in soup(page).find_all("script") if s.get("src")]
        assert {"assets/plotly.min.js", "assets/charts.js"} <= set(scripts)
        assert page.stat().st_size < 200_000, f"{page.name} holds more than its own figures"


def test_each_plotly_output_becomes_a_figure_with_a_stable_id(site):
    for notebook in SITE_NOTEBOOKS:
        expected = [
            plotly_div_id(notebook, c, o) for c, o, _ in plotly_outputs(nbformat.read(notebook, 4))
        ]
        assert expected, f"{notebook.name} has no plotly output"
        divs = soup(site / f"{notebook.stem}.html").select("div.plotly-graph-div")
        assert [div["id"] for div in divs] == expected


def test_no_page_refers_to_anything_outside_the_site(site):
    for page in site.glob("*.html"):
        html = soup(page)
        for tag in html.find_all(["script", "link", "img", "a", "iframe", "source"]):
            for attribute in ("src", "href"):
                url = tag.get(attribute)
                if url is None or url.startswith(("#", "data:")):
                    continue
                assert "://" not in url and not url.startswith("//"), f"{page.name}: {tag}"
                assert (site / url.split("#")[0]).is_file(), f"{page.name} links to missing {url}"
        for script in html.find_all("script", src=False):
            assert "http" not in script.get_text(), f"{page.name}: a script mentions a URL"


def test_the_map_is_shipped_only_to_pages_that_draw_a_map(site):
    for page in site.glob("*.html"):
        srcs = [s.get("src") for s in soup(page).find_all("script") if s.get("src")]
        assert ("assets/world_110m.js" in srcs) == (page.name == "02-map.html"), page.name
        if page.name == "02-map.html":
            assert srcs == ["assets/world_110m.js", "assets/plotly.min.js", "assets/charts.js"], (
                "the map before plotly.js"
            )
    script = (site / "assets" / "world_110m.js").read_text(encoding="utf-8")
    assert script.startswith("window.PlotlyGeoAssets")
    bundled = json.loads((ASSETS_DIR / "world_110m.json").read_text(encoding="utf-8"))
    literal = script.split(" = ", 2)[-1].rstrip(";\n")
    assert json.loads(literal) == bundled


def test_pages_fold_the_code_and_link_to_the_index_and_their_neighbours(site):
    names = [f"{p.stem}.html" for p in SITE_NOTEBOOKS]
    for i, name in enumerate(names):
        html = soup(site / name)
        nav = html.select("nav.mw-nav")
        assert len(nav) == 2, f"{name}: navigation at the top and the bottom"
        links = {a.get("rel", ["index"])[0]: a["href"] for a in nav[0].find_all("a")}
        assert links.get("index") == "index.html"
        assert links.get("prev") == (names[i - 1] if i > 0 else None)
        assert links.get("next") == (names[i + 1] if i + 1 < len(names) else None)
        code_cells = html.select("div.jp-CodeCell")
        assert code_cells and all(
            cell.select_one("details.mw-code > summary") for cell in code_cells
        )


def test_the_index_lists_every_notebook_credits_the_article_and_offers_the_tables(site):
    html = soup(site / "index.html")
    items = html.select("ol.mw-notebooks > li")
    assert [li.a["href"] for li in items] == [f"{p.stem}.html" for p in SITE_NOTEBOOKS]
    assert items[0].get_text(" ", strip=True).startswith("Charts of every kind")
    assert (
        "A small notebook with a table, two plotly charts and a matplotlib chart."
        in items[0].get_text()
    )
    assert "It stands in" not in items[0].get_text(), "one sentence per notebook"

    article = marchwest.article()
    credit = html.select_one(".mw-credit").get_text(" ", strip=True)
    for words in (article.author, article.title, "18 August 2019", "analysis and quotation"):
        assert words in credit

    links = [a["href"] for a in html.select("a[download]")]
    assert "data/datapackage.json" in links
    for href in links:
        assert (site / href).is_file(), href
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    rows = html.select("table.mw-downloads tbody tr")
    assert [row.td.get_text(strip=True) for row in rows] == [
        r["name"] for r in package["resources"]
    ]
    for row, resource in zip(rows, package["resources"], strict=True):
        assert f"data/{resource['path']}" in [a["href"] for a in row.select("a[download]")]


def test_the_index_escapes_what_it_takes_from_notebooks(tmp_path):
    def hostile(nb):
        nb.cells[
            0
        ].source = "# `<script>window.__xss=1</script>` title\n\nA `<img src=x onerror=window.__xss=2>` & more."

    notebook = copy_notebook(SITE_NOTEBOOKS[2], tmp_path / "hostile.ipynb", hostile)
    build_site([notebook], tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt; title" in html
    assert "A &lt;img src=x onerror=window.__xss=2&gt; &amp; more." in html


def test_a_notebook_without_a_title_is_refused_by_name(tmp_path):
    def untitled(nb):
        nb.cells[0].source = "Just a sentence, no heading."

    notebook = copy_notebook(SITE_NOTEBOOKS[0], tmp_path / "untitled.ipynb", untitled)
    with pytest.raises(
        SiteError, match=r"untitled\.ipynb: the first markdown cell needs a '# Title'"
    ):
        build_site([notebook], tmp_path / "site")
    assert not (tmp_path / "site").exists(), "nothing is written"


def test_an_unreadable_notebook_is_refused_by_name(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(SiteError, match=r"broken\.ipynb: cannot read the notebook"):
        build_site([broken], tmp_path / "site")


def test_a_map_without_a_bundled_topojson_is_refused(tmp_path):
    def asia(nb):
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                figure = output.get("data", {}).get("application/vnd.plotly.v1+json")
                if figure:
                    figure["layout"].setdefault("geo", {})["scope"] = "asia"

    notebook = copy_notebook(SITE_NOTEBOOKS[1], tmp_path / "asia.ipynb", asia)
    with pytest.raises(
        SiteError, match=r"asia\.ipynb: cell 2 draws a plotly map that needs .*'asia_110m'"
    ):
        build_site([notebook], tmp_path / "site")


def test_a_folder_that_is_not_a_site_is_never_emptied(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds files marchwest did not write \(precious"):
        build_site(SITE_NOTEBOOKS[:1], tmp_path)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_an_earlier_site_is_replaced_without_stale_pages(site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    build_site(SITE_NOTEBOOKS[:1], out)
    assert sorted(p.name for p in out.glob("*.html")) == ["01-charts.html", "index.html"]


def test_the_index_line_is_the_first_whole_sentence_of_the_notebooks_own_words():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "# Arms *and* ranks\n\nThe article ranks them in one sentence:\n\n> Pakistan is first. Then others.\n\n"
                "- a list item.\n\nThis notebook checks that order. It uses SIPRI."
            )
        ]
    )
    assert title_and_summary(nb, Path("x.ipynb")) == (
        "Arms and ranks",
        "This notebook checks that order.",
    )
    nb.metadata.update(title="Given title", description="Given line.")
    assert title_and_summary(nb, Path("x.ipynb")) == ("Given title", "Given line.")


def test_images_are_files_that_look_the_same_as_in_the_notebook(site):
    import base64
    import io

    from PIL import Image, ImageChops, ImageStat

    nb = nbformat.read(SITE_NOTEBOOKS[0], as_version=4)
    (cell_index, png), *_ = [
        (i, o.data["image/png"])
        for i, cell in enumerate(nb.cells)
        for o in cell.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    path = site / "images" / SITE_NOTEBOOKS[0].stem / f"{cell_index}-0.png"
    assert f'src="images/{SITE_NOTEBOOKS[0].stem}/{cell_index}-0.png"' in (
        site / f"{SITE_NOTEBOOKS[0].stem}.html"
    ).read_text(encoding="utf-8")
    original = Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")
    shown = Image.open(path)
    assert shown.mode == "P" and shown.size == original.size
    difference = ImageStat.Stat(ImageChops.difference(original, shown.convert("RGB"))).mean
    assert max(difference) < 1, difference
    assert path.stat().st_size < len(base64.b64decode(png))


def test_the_css_keeps_only_rules_that_can_match_the_pages():
    css = (
        ":root { --x: 1px; --y: var(--x); --icon: url(data:image/svg+xml;base64,AA==); } "
        ".used { color: red; width: var(--y) } .unused, .used > .also-used { margin: 0; } "
        ".unused .used { padding: 0; } .used :is(h1, h2), .unused :is(h3, h4) { top: 2px } "
        "@media print { .unused { top: 0; } .used { top: 1px; } } "
        "@media print { .unused { left: 0; } } @font-face { font-family: x; }"
    )
    kept = prune_css(css, {"used", "also-used"})
    assert ":root { --x: 1px; --y: var(--x) }" in kept, "custom properties read, even indirectly"
    assert "--icon" not in kept, "a custom property nothing reads"
    assert ".used { color: red; width: var(--y) }" in kept
    assert ".used > .also-used { margin: 0 }" in kept
    assert ".used :is(h1, h2) { top: 2px }" in kept, "commas inside :is() are not selector lists"
    assert "unused" not in kept and "padding" not in kept and "left" not in kept
    assert "@media print {\n.used { top: 1px }\n}" in kept
    assert "@font-face" in kept


def test_the_site_offers_csv_and_the_data_package(site):
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in (site / "data").iterdir()) == sorted(
        ["datapackage.json"] + [resource["path"] for resource in package["resources"]]
    )


def test_a_failed_build_leaves_the_earlier_site_whole(site, tmp_path, monkeypatch):
    import marchwest.build.export

    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = tree(out)

    def broken_export(folder, frames, article, **options):
        raise RuntimeError("the tables cannot be exported")

    monkeypatch.setattr(marchwest.build.export, "write_tables", broken_export)
    with pytest.raises(RuntimeError, match="cannot be exported"):
        build_site(SITE_NOTEBOOKS, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no half-built folder is left"


def test_the_site_command_reports_a_refused_folder_and_fails(tmp_path, capsys):
    from marchwest.cli import main

    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    assert main(["site", str(tmp_path)]) == 1
    assert "holds files marchwest did not write (precious.txt)" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"


# Writes that lose nothing: the site is swapped in whole and never over a user's files.


def test_files_a_user_added_to_an_earlier_site_are_always_kept(site, tmp_path):
    from marchwest.cli import main

    out = tmp_path / "site"
    shutil.copytree(site, out)
    (out / "notes").mkdir()
    (out / "notes" / "todo.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"did not write \(notes/todo\.txt\)"):
        build_site(SITE_NOTEBOOKS[:1], out)
    assert (out / "notes" / "todo.txt").read_text(encoding="utf-8") == "mine"
    assert main(["site", str(out), "--force"]) == 1, (
        "--force re-runs; it never deletes a user's files"
    )
    assert (out / "notes" / "todo.txt").read_text(encoding="utf-8") == "mine"


def test_a_page_a_user_edited_is_kept(site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    (out / "01-charts.html").write_text("my edits", encoding="utf-8")
    with pytest.raises(OutputError, match=r"\(01-charts\.html\)"):
        build_site(SITE_NOTEBOOKS[:1], out)
    assert (out / "01-charts.html").read_text(encoding="utf-8") == "my edits"


def test_the_manifest_lists_every_file_written(site):
    recorded = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"]
    files = {name: hashlib.sha256(data).hexdigest() for name, data in tree(site).items()}
    files.pop(MANIFEST)
    assert recorded == files


def test_a_site_of_an_older_marchwest_without_a_manifest_is_replaced(site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    (out / MANIFEST).unlink()
    build_site(SITE_NOTEBOOKS, out)
    assert (out / MANIFEST).is_file()


def test_a_site_through_a_symlink_goes_where_it_points(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    build_site(SITE_NOTEBOOKS[:1], tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_a_site_into_a_file_or_the_ledger_is_refused(make_ledger, tmp_path):
    (tmp_path / "file.html").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        build_site(SITE_NOTEBOOKS[:1], tmp_path / "file.html")
    with pytest.raises(OutputError, match=r"file\.html is a file, not a folder"):
        build_site(SITE_NOTEBOOKS[:1], tmp_path / "file.html" / "site")
    with pytest.raises(OutputError, match="part of the ledger"):
        build_site(SITE_NOTEBOOKS[:1], make_ledger() / "raw")


def test_kill_9_during_a_build_leaves_the_old_site_or_the_new_one(site, tmp_path):
    """The project's site built by the command, killed at each moment it reports: the folder is
    the old site, or a whole new one (every file its manifest lists, nothing else)."""
    out = tmp_path / "site"
    shutil.copytree(site, out)
    old = tree(out)
    ends = {}
    for moment in SITE_CHECKPOINTS:
        signal_at(["site", str(out), "--force"], moment)
        now = tree(out)
        ends[moment] = "old" if now == old else "new"
        if now != old:
            recorded = json.loads(now.pop(MANIFEST))["files"]
            assert {n: hashlib.sha256(d).hexdigest() for n, d in now.items()} == recorded
            assert "05-fact-check.html" in now, "the project's pages"
    assert ends == {m: "new" if m == "swapped" else "old" for m in SITE_CHECKPOINTS}
    build_site(SITE_NOTEBOOKS[:1], out)
    assert leftovers(tmp_path) == [], "the next build removes what killed builds left"


@pytest.mark.parametrize("moment", ["aside", "built", "manifest"])
def test_ctrl_c_during_a_build_ends_130_and_leaves_the_old_site(site, tmp_path, moment):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    old = tree(out)
    done = signal_at(["site", str(out), "--force"], moment, signal.SIGINT)
    assert done.returncode == 130
    assert done.stderr == "marchwest site: interrupted; nothing half-written is left\n"
    assert tree(out) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# Links: only http(s) (and mailto) URLs become links, whatever a notebook's output holds.


def test_only_http_links_survive_in_a_page():
    assert [safe_url(u) for u in ("https://a.org", "HTTP://b", "data/x.csv", "#top")] == [True] * 4
    hostile = ("javascript:alert(1)", " JaVa\tScript:x", "\x01javascript:x", "data:text/html,x")
    assert [safe_url(u) for u in hostile] == [False] * 4
    page = BeautifulSoup(
        '<p><a href="&#106;avascript:alert(1)">x</a> <a href="https://ok.org">y</a></p>',
        "html.parser",
    )
    assert drop_unsafe_links(page) is True
    assert str(page) == '<p><a>x</a> <a href="https://ok.org">y</a></p>'
    assert drop_unsafe_links(BeautifulSoup("<p>plain</p>", "html.parser")) is False


def test_a_javascript_link_in_a_notebook_never_reaches_the_page(tmp_path):
    notebook = copy_notebook(SITE_NOTEBOOKS[2], tmp_path / "links.ipynb", add_hostile_links)
    build_site([notebook], tmp_path / "site")
    page = soup(tmp_path / "site" / "links.html")
    hrefs = [a.get("href") for a in page.find_all("a")]
    assert "https://example.org/ok" in hrefs
    assert not [h for h in hrefs if h and "script" in h.lower()], hrefs
    assert page.find("a", string="the source") is not None, "the link text stays"


def test_every_page_ends_with_the_licences_how_to_cite_and_the_article_credit(site):
    article = marchwest.article()
    for page in sorted(site.glob("*.html")):
        (footer,) = soup(page).select("footer.mw-footer")
        text = footer.get_text(" ", strip=True)
        for words in ("MIT licence", "CC BY 4.0", "SIPRI", "How to cite", "Version 0.1.0"):
            assert words in text, (page.name, words)
        assert article.author in text and article.title in text, page.name
        hrefs = [a["href"] for a in footer.find_all("a")]
        assert {"LICENSE.txt", "LICENSE-data.md", "CITATION.cff", "data/sources.csv"} <= set(hrefs)
        for href in hrefs:
            assert (site / href.split("#")[0]).is_file(), (page.name, href)
    assert (site / "LICENSE.txt").read_text(encoding="utf-8").startswith("MIT License")
    assert "CC BY 4.0" in (site / "LICENSE-data.md").read_text(encoding="utf-8")
    cite = soup(site / "index.html").select_one("#how-to-cite")
    assert cite is not None and cite.find_next("a", href="CITATION.cff") is not None


def test_each_page_offers_its_notebook_to_run(site):
    for notebook in SITE_NOTEBOOKS:
        (link,) = soup(site / f"{notebook.stem}.html").select("a.mw-download")
        assert link["href"] == f"notebooks/{notebook.name}" and link.has_attr("download")
        offered = nbformat.read(site / link["href"], as_version=4)
        nbformat.validate(offered)
        committed = nbformat.read(notebook, as_version=4)
        assert [(c.cell_type, c.source) for c in offered.cells] == [
            (c.cell_type, c.source) for c in committed.cells
        ]
        code = [c for c in offered.cells if c.cell_type == "code"]
        assert code and all(c.outputs == [] and c.execution_count is None for c in code)


def test_a_missing_licence_file_is_refused_by_name(tmp_path, monkeypatch):
    import marchwest.build.site

    monkeypatch.setattr(marchwest.build.site, "PROJECT_ROOT", tmp_path / "checkout")
    with pytest.raises(SiteError, match=r"checkout/LICENSE: cannot copy it into the site"):
        build_site(SITE_NOTEBOOKS[:1], tmp_path / "site")
    assert not (tmp_path / "site").exists()


CHART_NOTEBOOK = "04-chart-data"
REAL_NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def chart_outputs(nb) -> list[dict]:
    """Every chart output of a notebook: a PNG or a plotly figure."""
    return [
        output
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if {"image/png", "application/vnd.plotly.v1+json"} & set(output.get("data", {}))
    ]


def test_every_chart_has_its_data_linked_under_it(site):
    nb = nbformat.read(SITE_NOTEBOOKS[3], as_version=4)
    shown = [o["metadata"]["marchwest"] for o in chart_outputs(nb)]
    assert len(shown) == 2  # two specs, each one output (PNG and plotly in one bundle)
    page = soup(site / f"{CHART_NOTEBOOK}.html")
    links = page.select("p.mw-chart-data a[href$='.csv']")
    assert [a["href"] for a in links] == [
        f"charts/{CHART_NOTEBOOK}-1.csv",
        f"charts/{CHART_NOTEBOOK}-2.csv",
    ]
    for link, data in zip(links, shown, strict=True):
        # under its chart: the image or the plotly div just before it, in the same output
        output = link.find_parent(class_="jp-OutputArea-output")
        assert output.select_one("img, div.plotly-graph-div") is not None
        assert link["data-chart"] == data["title"]
        assert (site / link["href"]).read_bytes().decode("utf-8") == data["csv"]
        sidecar = json.loads((site / link["href"]).with_suffix(".json").read_text("utf-8"))
        assert sidecar["title"] == data["title"] and sidecar["caption"] == data["caption"]
        assert sidecar["data"] == link["href"] and sidecar["page"] == f"{CHART_NOTEBOOK}.html"
    assert "37" in (site / links[0]["href"]).read_text(encoding="utf-8")
    # the title's markup is text in the page, never markup
    assert page.select("p.mw-chart-data i") == []


def test_pages_without_marchwest_charts_get_no_data_links(site):
    for notebook in SITE_NOTEBOOKS[:3]:
        assert soup(site / f"{notebook.stem}.html").select("p.mw-chart-data") == []
    assert sorted(p.name for p in (site / "charts").iterdir()) == [
        f"{CHART_NOTEBOOK}-{n}.{ext}" for n in (1, 2) for ext in ("csv", "json")
    ]


def test_a_link_a_notebook_carries_in_its_metadata_never_reaches_the_page(tmp_path):
    def hostile(nb):
        for output in chart_outputs(nb):
            output["metadata"]["marchwest_link"] = "<script>window.__xss=1</script>"
        output = nbformat.v4.new_output(
            "display_data",
            data={"text/plain": "x"},
            metadata={"marchwest_link": "<script>window.__xss=2</script>"},
        )
        nb.cells.append(nbformat.v4.new_code_cell("x", outputs=[output]))

    notebook = copy_notebook(SITE_NOTEBOOKS[3], tmp_path / "hostile.ipynb", hostile)
    build_site([notebook], tmp_path / "site")
    assert "__xss" not in (tmp_path / "site" / "hostile.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("notebook", REAL_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chart_of_the_notebooks_carries_its_data(notebook):
    """The site writes a CSV for each chart from its output's metadata: every chart has it."""
    charts = chart_outputs(nbformat.read(notebook, as_version=4))
    assert charts
    for output in charts:
        data = output["metadata"]["marchwest"]
        assert data["title"] and data["description"]
        header, *rows = data["csv"].splitlines()
        assert rows and "hover" in header.split(","), notebook.name


# One chart, one output: a bundle holding the PNG and the plotly JSON (marchwest.plot.show).


def chart_outputs_of(spec, *, bundled: bool) -> list:
    """The outputs of one chart: one bundle holding the PNG, the plotly JSON and the title as
    text, the description as the PNG's alt text and the chart's data (issue 18); or, as the
    notebooks had them before, a PNG output and a plotly output, each with the description."""
    from IPython.core.pylabtools import print_figure
    from plotly.io import to_json

    from marchwest.plot.display import figure

    png = print_figure(figure(spec, "matplotlib"), "png", base64=True, bbox_inches=None)
    plotly = json.loads(to_json(figure(spec, "plotly"), validate=False))
    alt, chart = {"alt": spec.description}, {"marchwest": spec.data()}
    if bundled:
        data = {"image/png": png, PLOTLY: plotly, "text/plain": spec.title}
        return [
            nbformat.v4.new_output("display_data", data=data, metadata={"image/png": alt} | chart)
        ]
    return [
        nbformat.v4.new_output(
            "display_data", data={"image/png": png}, metadata={"image/png": alt} | chart
        ),
        nbformat.v4.new_output(
            "display_data", data={PLOTLY: plotly}, metadata={PLOTLY: alt} | chart
        ),
    ]


PLOTLY = "application/vnd.plotly.v1+json"


def bundle_notebook(path: Path, *, bundled: bool = True) -> Path:
    import pandas as pd

    from marchwest.plot import BarsLayout, ChartSpec

    spec = ChartSpec(
        kind="bars",
        marks=pd.DataFrame(
            {
                "category": ["Pakistan", "Bangladesh"],
                "segment": "share",
                "value": [37, 16],
                "colour": "#0072B2",
                "text": ["37", "16"],
                "hover": ["Pakistan: 37", "Bangladesh: 16"],
            }
        ),
        title="Shares of one bundle",
        description="Two bars drawn once: Pakistan 37, Bangladesh 16, from one bundle.",
        caption="Source: a made-up table for the bundle test.",
        layout=BarsLayout(x_max=40, width=800, height=300),
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# One bundle\n\nA chart as one output."),
            nbformat.v4.new_code_cell(
                "show(spec)", outputs=chart_outputs_of(spec, bundled=bundled)
            ),
        ]
    )
    nbformat.write(nb, path)
    return path


def test_a_bundle_of_png_and_plotly_is_one_interactive_chart_with_the_png_as_fallback(tmp_path):
    notebook = bundle_notebook(tmp_path / "bundle.ipynb")
    build_site([notebook], tmp_path / "site")
    html = (tmp_path / "site" / "bundle.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    outputs = page.select(".jp-OutputArea-output")
    assert len(outputs) == 1
    output = outputs[0]
    description = "Two bars drawn once: Pakistan 37, Bangladesh 16, from one bundle."
    [div] = output.select("div.plotly-graph-div")
    assert div["aria-label"] == description
    [image] = output.select("img")
    assert image.find_parent("noscript") is not None, "the PNG only where no script runs"
    assert image["alt"] == description
    assert (tmp_path / "site" / image["src"]).is_file()
    # the title and the caption once each, as text around the chart (not in the plotly figure)
    assert [p.get_text() for p in output.select(".mw-chart-title")] == ["Shares of one bundle"]
    caption = "Source: a made-up table for the bundle test."
    assert [c.get_text() for c in output.select("figcaption")] == [caption]
    assert html.count("made-up table") == 1 and html.count("Shares of one bundle") == 2  # + <a>
    assert "text/plain" not in html and len(output.select("pre")) == 0
    assert len(output.select("p.mw-chart-data a[href$='.csv']")) == 1
    script = div.find_next("script").get_text()
    assert '"displaylogo": false' in script and '"showSendToCloud": false' in script


def test_a_page_draws_every_figure_with_the_projects_plotly_config_and_follows_its_width(tmp_path):
    """One declaration (marchwest.plotly_config) for notebooks and the site; a plotly output that
    carries no config (written before it existed) still loses the network buttons on a page."""
    notebook = bundle_notebook(tmp_path / "bare.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    for output in nb.cells[1].outputs:
        output.data[PLOTLY_MIMETYPE].pop("config", None)
    nbformat.write(nb, notebook)
    build_site([notebook], tmp_path / "site")
    div = soup(tmp_path / "site" / "bare.html").select_one("div.plotly-graph-div")
    script = div.find_next("script").get_text()
    for key, value in (PLOTLY_CONFIG | {"responsive": True}).items():
        assert f'"{key}": {json.dumps(value)}' in script
    assert style.PLOTLY_CONFIG is PLOTLY_CONFIG  # what show() puts in a notebook output


def test_building_the_site_never_imports_matplotlib(tmp_path):
    """The site draws the notebooks' stored outputs: the renderers (and matplotlib's 1.2 s import)
    are not its to load. Built in a fresh interpreter, which reports what it imported."""
    notebook = bundle_notebook(tmp_path / "bundle.ipynb")
    program = (
        "import sys; from pathlib import Path; from marchwest.build.site import build_site; "
        f"build_site([Path({str(notebook)!r})], Path({str(tmp_path / 'site')!r})); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'marchwest'}), "
        "'marchwest.plot' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["['marchwest']", "False"]
    assert (tmp_path / "site" / "bundle.html").is_file()


def test_a_png_output_and_a_plotly_output_of_one_chart_stay_two_without_a_fallback(tmp_path):
    """The notebooks before issue 18: a PNG output, then a plotly output of the same spec. Each
    is shown; the PNG is an image that never shrinks below legible (a box that scrolls)."""
    notebook = bundle_notebook(tmp_path / "separate.ipynb", bundled=False)
    build_site([notebook], tmp_path / "site")
    page = soup(tmp_path / "site" / "separate.html")
    [image] = page.select(".mw-chart-image img")
    assert image.find_parent("noscript") is None
    assert (
        image["style"]
        == f"min-width: {round(image_width(tmp_path / 'site' / image['src']) * 0.93)}px"
    )
    assert len(page.select("div.plotly-graph-div")) == 1 and page.select("noscript") == []
    assert len(page.select("p.mw-chart-data a[href$='.csv']")) == 2


def image_width(path: Path) -> int:
    from PIL import Image

    with Image.open(path) as image:
        return image.width


def test_the_index_opens_with_the_ledgers_headline_numbers(site):
    page = soup(site / "index.html")
    headings = [h.get_text() for h in page.select("main h2")]
    assert headings.index("In short") < headings.index("Notebooks")
    text = " ".join(page.select_one("ul.mw-headline").get_text().split())
    claims = marchwest.claims()
    facts = claims[claims["kind"] == "fact"]
    assert f"{len(facts)} statements of fact" in text
    for verdict, count in facts["verdict"].value_counts().items():
        assert f"{count} {verdict}" in text
    outcomes = marchwest.outcomes()
    for verdict, count in outcomes["verdict"].value_counts().items():
        assert count == 0 or f"{count} {verdict}" in text
    # one statement answered by outcomes of several verdicts counts once
    answered = outcomes["claim_id"].nunique()
    assert answered < len(outcomes) and f"answer {answered} of them, in {len(outcomes)}" in text
    coverage = marchwest.coverage()
    assert f"{len(coverage)} sentences" in text
    for status, count in coverage["status"].value_counts().items():
        assert f"{count} {status}" in text


def test_each_page_says_where_marchwest_comes_from(site):
    for notebook in SITE_NOTEBOOKS:
        note = " ".join(
            soup(site / f"{notebook.stem}.html").select_one("p.mw-source").get_text().split()
        )
        assert "not on PyPI" in note and "make run" in note and "pip install ." in note
