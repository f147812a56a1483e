"""The public tables of the bundled ledger: new typed frames, provenance on every row."""

from __future__ import annotations

import gc
import subprocess
import sys

import pandas as pd
import pytest
from _ledgers import write_ledger

import marchwest
from marchwest.schema import REFERENCES, TABLE_NAMES, TABLES

FUNCTIONS = {name: getattr(marchwest, name) for name in TABLE_NAMES}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return marchwest.tables()


def test_tables_by_name(tables):
    assert list(tables) == list(TABLE_NAMES)
    for name, function in FUNCTIONS.items():
        pd.testing.assert_frame_equal(function(), tables[name])


def test_each_call_hands_out_a_new_frame():
    events = marchwest.events()
    events.loc[0, "title"] = "changed"
    del events["kind"]
    again = marchwest.events()
    assert again.loc[0, "title"] != "changed" and "kind" in again
    assert marchwest.events() is not marchwest.events()
    entities = marchwest.entities()
    with_aliases = entities.index[entities.aliases.map(len) > 0][0]
    entities.loc[with_aliases, "aliases"].append("changed")
    assert "changed" not in marchwest.entities().loc[with_aliases, "aliases"]


def test_columns_and_dtypes(tables):
    for name, frame in tables.items():
        table = TABLES[name]
        assert list(frame.columns) == table.column_names, name
        for column in table.columns:
            dtype = frame[column.name].dtype
            if column.dtype == "category":
                assert isinstance(dtype, pd.CategoricalDtype), (name, column.name)
                assert list(dtype.categories) == list(column.vocabulary)
            elif column.dtype == "string":
                assert dtype == pd.StringDtype(), (name, column.name)
            elif column.dtype == "list":
                assert frame[column.name].map(type).eq(list).all()
            else:
                assert dtype == column.dtype, (name, column.name, dtype)


def test_every_row_has_provenance(tables):
    raw = marchwest.article().raw
    for name, frame in tables.items():
        if not TABLES[name].provenance:  # sources, second_readings
            assert set(frame.origin) == {"reference"}
            continue
        article_rows = frame[frame.origin == "article"]
        reference_rows = frame[frame.origin == "reference"]
        assert article_rows["evidence"].notna().all(), name
        if name == "claims":  # a claim quotes the article; only an unverified one may lack a source
            assert frame["evidence"].notna().all()
            reference_rows = reference_rows[reference_rows.verdict != "unverified"]
        assert reference_rows["source_id"].notna().all(), name
        quoted = frame[frame["evidence"].notna()]
        spans = [raw[s:e] for s, e in zip(quoted["char_start"], quoted["char_end"], strict=True)]
        assert spans == list(quoted["evidence"]), name


def test_evidence_lies_in_the_article_not_the_chrome(tables):
    article = marchwest.article()
    for frame in tables.values():
        if "char_start" in frame:
            starts = frame["char_start"].dropna()
            assert (starts >= article.start).all() and (
                frame["char_end"].dropna() <= article.end
            ).all()


def test_references_resolve(tables):
    for (name, column), targets in REFERENCES.items():
        known = set().union(*(set(tables[t][TABLES[t].id_column]) for t in targets))
        cited = tables[name][column].explode().dropna()  # a list column: each of its ids
        assert set(cited) <= known, (name, column)


def test_dates_are_ordered(tables):
    for name, start, end in (
        ("events", "date_start", "date_end"),
        ("figures", "date_start", "date_end"),
        ("memberships", "since", "until"),
    ):
        frame = tables[name].dropna(subset=[start, end])
        assert (frame[start] <= frame[end]).all(), name
    undated = tables["events"][tables["events"].date_precision == "undated"]
    assert undated["date_start"].isna().all() and undated["date_end"].isna().all()


def test_the_article_itself():
    article = marchwest.article()
    assert article.author == "Matthew Johnson" and article.published.isoformat() == "2019-08-18"
    assert marchwest.article() is article  # parsed once


def test_docstrings_say_what_a_row_is_and_list_the_columns():
    for name, function in FUNCTIONS.items():
        doc = function.__doc__
        assert doc.startswith("One row per"), name
        for column in TABLES[name].column_names:
            assert column in doc, (name, column)


def test_load_gives_the_same_api_for_another_folder(make_ledger):
    ledger = marchwest.load(make_ledger())
    for name in TABLES:
        assert isinstance(getattr(ledger, name)(), pd.DataFrame)
    assert ledger.article().title == marchwest.article().title


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path, enabled):
    """Loading and ties() pause the cyclic collector while they build (speed); after a valid
    ledger, a refused one and ties(), it is on or off as the caller had it."""
    good = write_ledger(tmp_path / "good", {})
    bad = write_ledger(tmp_path / "bad", {"facts/figures.yaml": "- {figure_id: x}\n"})
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        marchwest.load(good).ties()
        assert gc.isenabled() is enabled
        with pytest.raises(marchwest.LedgerError):
            marchwest.load(bad)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_is_light():
    loaded = run_python("import sys, marchwest; print(' '.join(sorted(sys.modules)))").split()
    for heavy in ("plotly", "matplotlib", "pandera", "pandas", "yaml", "edtf", "pycountry"):
        assert heavy not in loaded, heavy


def test_loading_the_tables_imports_no_plotting_library():
    loaded = run_python(
        "import sys, marchwest; marchwest.tables(); print(' '.join(sorted(sys.modules)))"
    ).split()
    assert "plotly" not in loaded and "matplotlib" not in loaded


def test_no_submodule_shadows_a_public_function():
    """`import marchwest.X` for every module must leave every public name what it was (a module
    named like a loader, e.g. `tables`, would replace the function on import)."""
    out = run_python(
        "import importlib, pkgutil, types, marchwest\n"
        "names = [m.name for m in pkgutil.walk_packages(marchwest.__path__, 'marchwest.')"
        " if not m.name.endswith('__main__')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names), sorted(n for n in marchwest.__all__"
        " if isinstance(getattr(marchwest, n), types.ModuleType)))"
    )
    count, shadowed = out.split(" ", 1)
    assert int(count) > 20 and shadowed.strip() == "[]"
