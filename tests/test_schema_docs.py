"""The loaders' docstrings and the READMEs' column tables are written from the schema: a test
fails when either drifts from it (tools/schema_docs.py rewrites the READMEs' sections)."""

from __future__ import annotations

import dataclasses

import pytest

import marchwest
from marchwest import paths
from marchwest.loaders import Ledger
from marchwest.schema import SECTIONS, TABLES, loader_doc, with_sections

FILES = sorted(dict.fromkeys(file for file, _ in SECTIONS))


@pytest.mark.parametrize("file", FILES)
def test_the_readme_sections_are_the_schemas(file):
    text = (paths.PROJECT_ROOT / file).read_text(encoding="utf-8")
    assert with_sections(text, file) == text, f"run: python tools/schema_docs.py ({file})"


@pytest.mark.parametrize("name", list(TABLES))
def test_each_loader_says_what_the_schema_says(name):
    assert getattr(Ledger, name).__doc__ == getattr(marchwest, name).__doc__ == loader_doc(name)
    for column in TABLES[name].columns:
        assert f"``{column.name}``" in loader_doc(name)


def test_a_changed_description_is_drift(monkeypatch):
    file = "data/README.md"
    text = (paths.PROJECT_ROOT / file).read_text(encoding="utf-8")
    sources = TABLES["sources"]
    changed = dataclasses.replace(sources.own_columns[1], description="The page's own title.")
    columns = (sources.own_columns[0], changed, *sources.own_columns[2:])
    monkeypatch.setitem(TABLES, "sources", dataclasses.replace(sources, own_columns=columns))
    rewritten = with_sections(text, file)
    assert rewritten != text
    assert "| `title` | yes | The page's own title. |" in rewritten


def test_a_file_without_its_markers_is_refused():
    with pytest.raises(ValueError, match="no <!-- begin tables"):
        with_sections("# a README without markers\n", "README.md")
