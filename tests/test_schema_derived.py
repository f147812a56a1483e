"""The derived tables (ties, coverage) are declared in the schema like the stored ones: their
frames pass its pandera schemas, and the export describes them in its data package."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

import marchwest
from marchwest.loaders import bundled
from marchwest.schema import DERIVED_NAMES, TABLE_NAMES, TABLES, pandera_schemas


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> marchwest.Ledger:
    from _ledgers import write_ledger

    return marchwest.load(write_ledger(tmp_path_factory.mktemp("ledger"), {}))


def test_the_derived_tables_are_ties_and_coverage_after_the_stored():
    assert DERIVED_NAMES == ("ties", "coverage")
    assert tuple(TABLES) == TABLE_NAMES + DERIVED_NAMES
    assert all(column.written == "computed" for n in DERIVED_NAMES for column in TABLES[n].columns)


@pytest.mark.parametrize("name", DERIVED_NAMES)
def test_derived_frames_pass_their_pandera_schema(name, minimal):
    for ledger in (bundled(), minimal):
        frame = getattr(ledger, name)()
        assert len(frame)
        pandera_schemas()[name].validate(frame)


@pytest.mark.parametrize(
    ("name", "column", "value"),
    [("ties", "kind", "friendship"), ("coverage", "status", "half cited")],
)
def test_a_derived_frame_outside_its_vocabulary_fails_pandera(name, column, value):
    frame = getattr(marchwest, name)()
    vocabulary = [*frame[column].cat.categories, value]
    frame[column] = pd.Categorical([value] * len(frame), categories=vocabulary)
    with pytest.raises(pandera.errors.SchemaError, match=column):
        pandera_schemas()[name].validate(frame)


def test_a_fact_file_named_after_a_derived_table_is_refused(make_ledger):
    with pytest.raises(marchwest.LedgerError, match="unknown file"):
        marchwest.load(make_ledger({"facts/ties.yaml": "- entity_a: china\n"}))
