"""CSV cells a spreadsheet reads as text, never as formulas (marchwest.csvcells)."""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest
from _ledgers import MINIMAL

import marchwest
from marchwest.build.export import export_tables
from marchwest.csvcells import FORMULA_STARTS, neutralise, raw, to_csv
from marchwest.plot.spec import BarsLayout, ChartSpec

HOSTILE = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\tx", "\rx")


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-x", "'-x"),
        ("+x", "'+x"),
        ("\tx", "'\tx"),
        ("'quoted", "''quoted"),  # so that one leading quote is always the mark
        ("China", "China"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written


def test_generated_text_never_starts_a_formula_and_its_raw_value_comes_back():
    rng = random.Random(17)
    alphabet = [*FORMULA_STARTS, "'", '"', ",", "\n", "a", "Ж", " ", "1"]
    values = ["".join(rng.choices(alphabet, k=rng.randint(0, 6))) for _ in range(3000)]
    frame = pd.DataFrame({"text": values, "number": range(-1500, 1500)})
    parsed = pd.read_csv(io.StringIO(to_csv(frame)), dtype=str, keep_default_na=False)
    assert all(not cell.startswith(FORMULA_STARTS) for cell in parsed["text"])
    assert [raw(cell) for cell in parsed["text"]] == values
    assert parsed["number"].tolist()[0] == "-1500", "numbers stay numbers"


def test_an_export_of_a_hostile_ledger_holds_no_formula_cell(make_ledger, tmp_path):
    entities = MINIMAL["facts/entities.yaml"].replace("name: Pakistan", "name: '=HYPERLINK(1)'")
    ledger = marchwest.load(make_ledger({"facts/entities.yaml": entities}))
    export_tables(tmp_path / "out", ledger)
    written = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "out").glob("*.csv")}
    assert "'=HYPERLINK(1)" in written["entities.csv"]
    for name, text in written.items():
        assert not [c for c in cells(text) if c.startswith(FORMULA_STARTS)], name
    parquet = pd.read_parquet(tmp_path / "out" / "entities.parquet")
    assert "=HYPERLINK(1)" in set(parquet["name"]), "the Parquet file keeps the raw value"


def test_a_charts_data_file_holds_no_formula_cell():
    spec = ChartSpec(
        kind="bars",
        marks=pd.DataFrame(
            {
                "category": list(HOSTILE),
                "segment": "s",
                "value": range(len(HOSTILE)),
                "colour": "#123456",
                "text": list(HOSTILE),
                "hover": list(HOSTILE),
            }
        ),
        x_label="value",
        layout=BarsLayout(x_max=len(HOSTILE), width=640, height=300),
        title="Hostile labels",
        description="Six bars whose labels start like formulas.",
    )
    found = cells(spec.marks_csv())
    assert not [c for c in found if c.startswith(FORMULA_STARTS)]
    assert {raw(c) for c in found} >= set(HOSTILE)
