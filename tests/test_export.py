"""Export: CSV and Parquet per table, and a datapackage.json that frictionless accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _signals import EXPORT_CHECKPOINTS, leftovers, signal_at, tree

import marchwest
from marchwest.build.export import LIST_SEPARATOR, export_tables
from marchwest.build.outputs import MANIFEST, TMP_PREFIX, OutputError
from marchwest.credits import CREATED
from marchwest.schema import TABLES


def frictionless_report(descriptor: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(descriptor)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    export_tables(out)
    return out


def test_every_table_is_written_twice(exported):
    for name in TABLES:
        assert (exported / f"{name}.csv").is_file()
        assert (exported / f"{name}.parquet").is_file()


def test_csv_only_export_says_nothing_of_parquet(make_ledger, tmp_path):
    out = tmp_path / "out"
    export_tables(out, marchwest.load(make_ledger()), parquet=False)
    assert not list(out.glob("*.parquet"))
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert "parquet" not in package["description"]
    assert {r["path"] for r in package["resources"]} == {f"{name}.csv" for name in TABLES}


def test_frictionless_accepts_the_bundled_export(exported):
    report = frictionless_report(exported / "datapackage.json")
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert report["stats"]["tasks"] == len(TABLES)


def test_frictionless_catches_a_broken_export(make_ledger, tmp_path):
    out = tmp_path / "out"
    export_tables(out, marchwest.load(make_ledger()))
    assert frictionless_report(out / "datapackage.json")["valid"]
    claims = (out / "claims.csv").read_text(encoding="utf-8")
    (out / "claims.csv").write_text(claims.replace(",supported,", ",maybe,"), encoding="utf-8")
    report = frictionless_report(out / "datapackage.json")
    assert not report["valid"]
    assert "constraint-error" in json.dumps(report)


def test_descriptor_describes_every_column(exported):
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == TABLES[resource["name"]].column_names
        assert all(f["description"] for f in fields)
    events = next(r for r in package["resources"] if r["name"] == "events")
    kinds = {f["name"]: f for f in events["schema"]["fields"]}
    assert kinds["date_start"]["type"] == "date" and kinds["char_start"]["type"] == "integer"
    assert "meeting" in kinds["kind"]["constraints"]["enum"]
    assert events["schema"]["primaryKey"] == ["event_id"]


def test_csv_and_parquet_hold_the_tables(make_ledger, tmp_path):
    ledger = marchwest.load(make_ledger())
    tmp_path = tmp_path / "out"
    export_tables(tmp_path, ledger)
    entities = ledger.entities()
    csv = pd.read_csv(tmp_path / "entities.csv", keep_default_na=False)
    china = csv.set_index("entity_id").loc["china"]
    assert china["aliases"] == LIST_SEPARATOR.join(["PRC", "People's Republic of China"])
    assert list(csv["evidence"]) == list(entities["evidence"].fillna(""))
    events = pd.read_parquet(tmp_path / "events.parquet")
    pd.testing.assert_frame_equal(events, ledger.events(), check_categorical=False)
    csv_events = pd.read_csv(tmp_path / "events.csv", parse_dates=["date_start", "date_end"])
    assert list(csv_events["date_start"].dropna()) == list(ledger.events()["date_start"].dropna())


# Writes that lose nothing (marchwest.build.outputs): refused folders, a manifest, an atomic swap.


def test_the_ledger_is_never_an_export_folder(make_ledger):
    from marchwest.paths import bundled_ledger_dir

    root = make_ledger()
    before = tree(root)
    bundled = bundled_ledger_dir()
    for target in (root, root / "facts", root / "raw", root / "facts" / "sub", bundled / "facts"):
        with pytest.raises(OutputError, match="part of the ledger at"):
            export_tables(target)
    assert tree(root) == before
    assert not list(root.parent.glob(".marchwest-tmp-*"))


def test_a_folder_holding_a_ledger_is_never_replaced(make_ledger):
    root = make_ledger()
    with pytest.raises(OutputError, match="holds files marchwest did not write"):
        export_tables(root.parent)
    assert (root / "raw" / "article.txt").is_file()


def test_an_export_beside_a_ledger_is_allowed(make_ledger):
    processed = make_ledger() / "processed"
    export_tables(processed, parquet=False)
    assert (processed / "datapackage.json").is_file()


def test_a_users_own_or_edited_files_are_never_replaced(tmp_path):
    out = tmp_path / "out"
    export_tables(out, parquet=False)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds files marchwest did not write \(notes"):
        export_tables(out, parquet=False)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"

    (out / "notes.txt").unlink()
    (out / "claims.csv").write_text("edited", encoding="utf-8")
    with pytest.raises(OutputError, match=r"\(claims\.csv\)"):
        export_tables(out, parquet=False)

    assert (out / "claims.csv").read_text(encoding="utf-8") == "edited"


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "report.docx").write_bytes(b"x")
    with pytest.raises(
        OutputError, match=r"report\.docx\); choose another folder, or move those files out of it"
    ):
        export_tables(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_an_earlier_export_is_replaced_and_gitkeep_kept(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / ".gitkeep").write_bytes(b"")
    export_tables(out)
    first = tree(out)
    assert ".gitkeep" in first and MANIFEST in first
    recorded = json.loads(first[MANIFEST])["files"]
    assert sorted(recorded) == sorted(set(first) - {".gitkeep", MANIFEST})
    export_tables(out)
    assert tree(out).keys() == first.keys()


def test_an_export_of_an_older_marchwest_without_a_manifest_is_replaced(tmp_path):
    out = tmp_path / "out"
    export_tables(out, parquet=False)
    (out / MANIFEST).unlink()
    export_tables(out, parquet=False)
    assert (out / MANIFEST).is_file()
    (out / MANIFEST).unlink()
    (out / "mine.csv").write_text("a\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"\(mine\.csv\)"):
        export_tables(out, parquet=False)


def test_leftovers_of_a_killed_run_are_removed_but_not_a_running_ones(tmp_path):
    dead = tmp_path / f"{TMP_PREFIX}999999999-abc"  # no such process
    alive = tmp_path / f"{TMP_PREFIX}{os.getpid()}-abc"
    for leftover in (dead, alive):
        leftover.mkdir()
        (leftover / "events.csv").write_text("half", encoding="utf-8")
    export_tables(tmp_path / "out", parquet=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "out"]


def test_a_failed_export_leaves_the_old_one_and_no_leftover(tmp_path, monkeypatch):
    import marchwest.build.export

    out = tmp_path / "out"
    export_tables(out, parquet=False)
    before = tree(out)

    def full_disk(folder, frames, article, **options):
        (folder / "events.csv").write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(marchwest.build.export, "write_tables", full_disk)
    with pytest.raises(OSError, match="No space left"):
        export_tables(out, parquet=False)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_kill_9_at_any_moment_leaves_the_old_export_or_the_new_one(make_ledger, tmp_path):
    """Killed at each moment the command reports, from its temporary folder's first moment to
    after the swap: the folder holds the old export or the whole new one, never a mix."""
    out, new = tmp_path / "out", tmp_path / "new"
    export_tables(new)
    export_tables(out, marchwest.load(make_ledger()))
    old = tree(out)
    ends = {}
    for moment in EXPORT_CHECKPOINTS:
        signal_at(["export", str(out)], moment)
        now = tree(out)
        assert now in (old, tree(new)), f"killed at {moment}: a mix of old and new files"
        ends[moment] = "old" if now == old else "new"
        if now != old:
            pd.read_parquet(out / "events.parquet")
            export_tables(out, marchwest.load(make_ledger()))  # old again for the next moment
    assert ends == {m: "new" if m == "swapped" else "old" for m in EXPORT_CHECKPOINTS}
    export_tables(out)
    assert leftovers(tmp_path) == [], "the next run removes what killed runs left"


def test_without_renameat2_the_swap_is_two_renames(tmp_path, monkeypatch):
    import ctypes

    def no_c_library(*args, **options):
        raise OSError("no libc")

    out = tmp_path / "out"
    export_tables(out, parquet=False)
    (out / "events.csv").unlink()
    monkeypatch.setattr(ctypes, "CDLL", no_c_library)
    export_tables(out, parquet=False)
    assert (out / "events.csv").is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_link_or_fifo_put_into_an_export_is_foreign_and_never_read(tmp_path):
    out = tmp_path / "out"
    export_tables(out, parquet=False)
    (out / "events.csv").unlink()
    os.mkfifo(out / "events.csv")  # reading it would hang
    with pytest.raises(OutputError, match=r"\(events\.csv\)"):
        export_tables(out, parquet=False)
    (out / "events.csv").unlink()
    (out / "events.csv").symlink_to("/dev/zero")
    with pytest.raises(OutputError, match=r"\(events\.csv\)"):
        export_tables(out, parquet=False)


def test_package_names_its_licences_contributors_and_sources(exported):
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert [licence["name"] for licence in package["licenses"]] == ["CC-BY-4.0"]
    assert package["contributors"] and package["created"] == CREATED
    sources = marchwest.sources()
    titles = [source["title"] for source in package["sources"]]
    assert titles[0].startswith("Matthew Johnson, ")
    assert len(titles) == len(sources) + 1
    sipri = next(s for s in package["sources"] if s["title"].startswith("SIPRI Arms Transfers"))
    assert sipri["path"] == sources.set_index("source_id").loc["sipri_tiv_2022", "url"]

    resources = {resource["name"]: resource for resource in package["resources"]}
    claims = marchwest.claims()
    cited = sources.set_index("source_id").loc[claims["source_id"].dropna().unique(), "title"]
    claim_titles = [s["title"] for s in resources["claims"]["sources"]]
    assert claim_titles[0] == titles[0]  # the article: claims quote it
    assert len(claim_titles) == len(cited) + 1
    assert all(any(t.startswith(title) for t in claim_titles) for title in cited)
    assert resources["sources"]["sources"] == []


def test_two_exports_give_the_same_bytes(make_ledger, tmp_path):
    ledger = marchwest.load(make_ledger())
    for out in ("a", "b"):
        export_tables(tmp_path / out, ledger, parquet=False)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    package = json.loads((tmp_path / "a" / "datapackage.json").read_text(encoding="utf-8"))
    assert [s["title"] for s in package["sources"]] == [
        (
            "Matthew Johnson, 'China’s International Partnerships: Pakistan, CPEC, and Central Asia',"
            " 18 August 2019 (the page as captured, data/raw/article.txt)"
        ),
        "A reference work, Someone",
    ]
