"""The whole pipeline on a ledger of its own: validate, coverage, run, export and site on
tests/data/any_ledger (a short article written for the tests, and its facts), with nothing of
the bundled article in what they write."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from _cli import run

import marchwest
from marchwest import paths
from marchwest.build import pipeline
from marchwest.build.site import page_id

FIXTURE = Path(__file__).parent / "data" / "any_ledger"
TITLE = "Rails to the Mekong: China and Laos"
ANY_LEDGER = [
    "00-reading-the-article.ipynb",
    "05-fact-check.ipynb",
    "06-what-happened-next.ipynb",
    "07-partnerships.ipynb",
]


def bundled_words() -> list[str]:
    """Words only the bundled article's outputs hold: its title (apostrophe aside), its author."""
    article = marchwest.loaders.Ledger(paths.bundled_ledger_dir()).article()
    return [article.title.split("\u2019", 1)[1], article.author]


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.ipynb")}


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory):
    """Every command on a copy of the test ledger; the results by command, and the folders."""
    root = tmp_path_factory.mktemp("any")
    ledger = shutil.copytree(FIXTURE, root / "ledger")
    committed = digests(paths.NOTEBOOKS_DIR)
    folders = {"runs": root / "runs", "export": root / "export", "site": root / "site"}
    results = {
        "validate": run("validate", "--ledger", str(ledger)),
        "coverage": run("coverage", "--ledger", str(ledger)),
        "run": run(
            "run",
            "--ledger",
            str(ledger),
            "--out",
            str(folders["runs"]),
            "--jobs",
            "2",
            timeout=600,
        ),
        "export": run("export", str(folders["export"]), "--ledger", str(ledger)),
    }
    results["site"] = run(
        "site", str(folders["site"]), "--ledger", str(ledger), "--notebooks", str(folders["runs"])
    )
    results["run again"] = run("run", "--ledger", str(ledger), "--out", str(folders["runs"]))
    ran = digests(folders["runs"])
    results["run --force"] = run(
        "run", "--ledger", str(ledger), "--out", str(folders["runs"]), "--force", timeout=600
    )
    assert digests(folders["runs"]) == ran  # executed twice, the same bytes
    return results, folders, committed


def test_every_command_succeeds_on_the_test_ledger(pipeline_run):
    results, _, _ = pipeline_run
    for command, result in results.items():
        assert result.returncode == 0, f"{command}: {result.stdout[-3000:]}{result.stderr}"
    assert "ledger: the ledger is valid" in results["validate"].stdout
    assert "not covered: 0 named only, 0 uncovered" in results["coverage"].stdout
    assert "4 notebooks ran" in results["run"].stdout
    assert "4 notebooks up to date, none ran" in results["run again"].stdout
    assert "4 notebooks ran" in results["run --force"].stdout  # and wrote the same bytes


def test_run_skips_the_notebooks_of_the_bundled_article_saying_why(pipeline_run):
    results, folders, committed = pipeline_run
    skipped = [line for line in results["run"].stdout.splitlines() if line.startswith("skipped 0")]
    assert [line.split(":")[0] for line in skipped] == [
        f"skipped {name}" for name in sorted(pipeline.BUNDLED_ONLY)
    ]
    assert sorted(p.name for p in folders["runs"].glob("*.ipynb")) == ANY_LEDGER
    assert sorted(set(digests(paths.NOTEBOOKS_DIR)) - set(pipeline.BUNDLED_ONLY)) == ANY_LEDGER
    assert digests(paths.NOTEBOOKS_DIR) == committed  # the project's notebooks never written


def test_the_notebooks_read_the_ledger_they_are_given(pipeline_run):
    _, folders, _ = pipeline_run
    for name in ANY_LEDGER:
        nb = nbformat.read(folders["runs"] / name, as_version=4)
        intro = nb.cells[0]
        assert intro.source.startswith("# ") and f"\u201c{TITLE}\u201d" in intro.source
        assert not any(pipeline.BUNDLED_TAG in c.metadata.get("tags", []) for c in nb.cells)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), name
        assert not any(o.output_type == "error" for c in code for o in c.outputs), name
    reading = (folders["runs"] / "00-reading-the-article.ipynb").read_text(encoding="utf-8")
    assert f"Title:     {TITLE}" in reading and "Author:    Ada Fixture" in reading
    facts = (folders["runs"] / "05-fact-check.ipynb").read_text(encoding="utf-8")
    assert "railway_length_stated" in facts  # the test ledger's imprecise claim


def test_nothing_written_names_the_bundled_article(pipeline_run):
    _, folders, _ = pipeline_run
    written = [
        path
        for folder in folders.values()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "plotly.min.js"
    ]
    assert len(written) > 40
    bundled = bundled_words()
    for path in written:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for words in bundled:
            assert words not in text, f"{path}: {words!r}"


def test_export_and_site_carry_the_test_ledger(pipeline_run):
    _, folders, _ = pipeline_run
    package = json.loads((folders["export"] / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == f"{TITLE} (Ada Fixture, 2022) as sourced tables"
    reviews = json.loads((folders["export"] / "claimreview.jsonld").read_text(encoding="utf-8"))
    assert len(reviews) == 2  # the supported and the imprecise claim: a source decides them
    site = folders["site"]
    index = (site / "index.html").read_text(encoding="utf-8")
    pages = [f"{page_id(Path(name))}.html" for name in ANY_LEDGER]
    assert f"<h1>{TITLE}</h1>" in index and all(f'href="{page}"' in index for page in pages)
    assert sorted(p.name for p in site.glob("*.html")) == sorted(["index.html", *pages])
    assert (site / "LICENSE.txt").is_file()
    assert not (site / "CITATION.cff").exists() and not (site / "LICENSE-data.md").exists()
    fact_check = (site / pages[1]).read_text(encoding="utf-8")
    assert '"@type": "ClaimReview"' in fact_check and "opened the Laos-China Railway" in fact_check


def test_a_copy_leaves_out_the_bundled_article_and_every_output():
    source = (paths.NOTEBOOKS_DIR / "00-reading-the-article.ipynb").read_bytes()
    copy = pipeline.ledger_copy(source, "*Run on a test ledger.*")
    assert copy == pipeline.ledger_copy(source, "*Run on a test ledger.*")  # same bytes
    nb = nbformat.reads(copy.decode("utf-8"), as_version=4)
    original = nbformat.reads(source.decode("utf-8"), as_version=4)
    kept = [c for c in original.cells if pipeline.BUNDLED_TAG not in c.metadata.get("tags", [])]
    assert [c.source for c in nb.cells[1:]] == [c.source for c in kept]
    assert nb.cells[0].id == pipeline.NOTE_CELL_ID
    assert nb.cells[0].source == (
        "# Reading the article: what it is, and what the ledger holds\n\n*Run on a test ledger.*"
    )
    assert all(not c.get("outputs") for c in nb.cells)


def test_the_loaders_read_the_folder_the_environment_names(monkeypatch):
    monkeypatch.setenv(marchwest.loaders.LEDGER_ENV, str(FIXTURE))
    assert marchwest.article().title == TITLE
    assert set(marchwest.entities()["entity_id"]) >= {"china", "laos", "thailand"}
    monkeypatch.delenv(marchwest.loaders.LEDGER_ENV)
    assert marchwest.article().title != TITLE
    environment = pipeline.kernel_environment(Path(os.path.relpath(FIXTURE)))
    assert environment[marchwest.loaders.LEDGER_ENV] == str(FIXTURE.resolve())
    assert pipeline.kernel_environment(None)[marchwest.loaders.LEDGER_ENV] == str(
        paths.bundled_ledger_dir().resolve()
    )
