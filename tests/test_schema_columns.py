"""Adding a column to a table touches the schema and the fact files only: a column declared in
a copy of the schema, written in a fact file, reaches the loaded table (loader and pandera)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from _ledgers import changed

from marchwest import load, schema
from marchwest.errors import LedgerError
from marchwest.ledger.folder import read_ledger
from marchwest.schema import TABLES, Column

SINCE = '  since: "2017-06-09"\n'
# The small test ledger (tests/_ledgers.py) with the new columns written in its fact files.
WITH_NEW_COLUMNS = {
    **changed("facts/entities.yaml", "  iso3: CHN\n", "  iso3: CHN\n  capital: Beijing\n"),
    **changed("facts/memberships.yaml", SINCE, SINCE + "  ratified: 2017-06\n"),
}


@pytest.fixture
def added_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """entities gains a plain text column; memberships an EDTF date and the last day it means."""

    def add(name: str, *columns: Column) -> None:
        table = TABLES[name]
        monkeypatch.setitem(
            TABLES, name, dataclasses.replace(table, own_columns=table.own_columns + columns)
        )

    add("entities", Column("capital", "string", "Its capital city."))
    add(
        "memberships",
        Column("ratified", "string", "When it was ratified (EDTF).", written="edtf"),
        Column(
            "ratified_by",
            "datetime64[ns]",
            "Last day it was ratified.",
            written="end",
            of="ratified",
        ),
    )
    schema.pandera_schemas.cache_clear()
    yield
    schema.pandera_schemas.cache_clear()


def test_a_column_added_to_the_schema_and_a_fact_file_loads(make_ledger, added_columns):
    root = make_ledger(WITH_NEW_COLUMNS)
    ledger = load(root)
    entities = ledger.entities().set_index("entity_id")
    assert entities.loc["china", "capital"] == "Beijing"
    assert pd.isna(entities.loc["pakistan", "capital"])
    assert list(entities.columns[:5]) == ["name", "kind", "iso3", "aliases", "capital"]
    membership = ledger.memberships().iloc[0]
    assert membership["ratified"] == "2017-06"
    assert membership["ratified_by"] == pd.Timestamp("2017-06-30")
    read_ledger(root, reference_checks=True)  # pandera checks the new columns too


def test_an_added_column_is_checked_like_the_others(make_ledger, added_columns):
    bad = changed("facts/memberships.yaml", SINCE, SINCE + "  ratified: June 2017\n")
    with pytest.raises(LedgerError) as caught:
        load(make_ledger(bad))
    [problem] = caught.value.problems
    assert (problem.file.endswith("memberships.yaml"), problem.field) == (True, "ratified")


@pytest.mark.parametrize(
    ("written", "of"), [("as a poem", None), ("start", None), ("value", "date")]
)
def test_a_column_says_how_it_is_written_in_words_the_schema_knows(written, of):
    with pytest.raises(ValueError, match="column when"):
        Column("when", "string", "When.", written=written, of=of)
