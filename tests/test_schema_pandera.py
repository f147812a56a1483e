"""pandera's failures reach the loader's rules by the check's name, never by its message."""

from __future__ import annotations

import dataclasses

import pytest

from marchwest import schema
from marchwest.ledger.records import build_frame
from marchwest.schema import TABLES, RowRule, RuleFailure, pandera_failures, record_failures

SAME_WORDS = "these words are the same in both rules"


@pytest.fixture
def two_rules_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    table = TABLES["arms_transfers"]
    rules = (
        RowRule("rank_small", "rank", ("rank",), lambda r: r is None or r < 10, SAME_WORDS),
        RowRule("value_small", "value", ("value",), lambda v: v is None or v < 10, SAME_WORDS),
    )
    monkeypatch.setitem(TABLES, "arms_transfers", dataclasses.replace(table, own_rules=rules))
    schema.pandera_schemas.cache_clear()
    yield
    schema.pandera_schemas.cache_clear()


def _record(**values):
    base = {"supplier_id": "china", "recipient_id": "pakistan", "measure": "rank"}
    return {**base, "origin": "reference", "source_id": "ref_one", **values}


def test_a_row_rule_is_told_by_its_name(two_rules_one_message):
    records = [_record(rank=1, value=50.0), _record(rank=50, value=1.0)]
    expected = [RuleFailure(0, "value", "value_small"), RuleFailure(1, "rank", "rank_small")]
    frame = build_frame(TABLES["arms_transfers"], records, categories=False)
    assert sorted(record_failures("arms_transfers", records), key=expected.index) == expected
    assert sorted(pandera_failures("arms_transfers", frame), key=expected.index) == expected


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        ({"measure": "weight"}, "vocabulary"),
        ({"supplier_id": "China!"}, "pattern"),
        ({"unit": "x" * 2001}, "length"),
        ({"measure": None}, "required"),
    ],
)
def test_each_column_check_is_told_by_its_name(values, rule):
    records = [_record(**values)]
    frame = build_frame(TABLES["arms_transfers"], records, categories=False)
    [failure] = pandera_failures("arms_transfers", frame)
    assert failure.rule == rule
    assert [failure] == record_failures("arms_transfers", records)


def test_every_check_of_ours_has_a_rule_name():
    names = {"vocabulary", "iso3", "bounds", "pattern", "length"}
    for name, pandera_schema in schema.pandera_schemas().items():
        for column in pandera_schema.columns.values():
            assert {check.name for check in column.checks} <= names, (name, column.name)
        assert [c.name for c in pandera_schema.checks] == [r.name for r in TABLES[name].rules]
