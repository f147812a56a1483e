"""Export: CSV and Parquet per table, and a datapackage.json that frictionless accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import marchwest
from marchwest.export import CREATED, LIST_SEPARATOR, export_tables
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
    export_tables(tmp_path, marchwest.load(make_ledger()), parquet=False)
    assert not list(tmp_path.glob("*.parquet"))
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
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
