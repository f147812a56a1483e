"""SIPRI's TIV export format, the committed extract, and the window rankings."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from marchwest.errors import LedgerError
from marchwest.paths import bundled_ledger_dir
from marchwest.sipri import (
    ranked_windows,
    read_tiv_export,
    tiv_from_arms_transfers,
    window_ranks,
    window_totals,
    windows_ending,
)

EXPORT = Path(__file__).parent / "data" / "sipri" / "TIV-Export-RUR-2022-2024.csv"
GOOD_LINES = EXPORT.read_text(encoding="utf-8").splitlines()


def _variant(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _replace(line_number: int, text: str) -> list[str]:
    lines = list(GOOD_LINES)
    lines[line_number - 1] = text
    return lines


# --- read_tiv_export on a file of SIPRI's format --------------------------------------------


def test_reads_a_sipri_export_into_tidy_rows():
    tiv = read_tiv_export(EXPORT)
    assert list(tiv.columns) == ["supplier", "recipient", "year", "tiv"]
    assert str(tiv["year"].dtype) == "Int64" and str(tiv["tiv"].dtype) == "Int64"
    rows = set(tiv.itertuples(index=False, name=None))
    assert rows == {
        ("Ruritania", "Borduria", 2022, 10),
        ("Ruritania", "Borduria", 2024, 5),
        ("Ruritania", "Syldavia", 2022, 0),
        ("Ruritania", "Syldavia", 2023, 2),
        ("Ruritania", "Unknown recipient(s)", 2023, 1),
        ("Ruritania", "Unknown recipient(s)", 2024, 1),
    }


def test_blank_is_no_row_and_zero_is_kept():
    tiv = read_tiv_export(EXPORT).set_index(["recipient", "year"])["tiv"]
    assert ("Borduria", 2023) not in tiv.index
    assert tiv[("Syldavia", 2022)] == 0


def test_total_row_and_column_are_checked_not_returned():
    tiv = read_tiv_export(EXPORT)
    assert "Total" not in set(tiv["recipient"])
    assert tiv.attrs["supplier"] == "Ruritania"
    assert tiv.attrs["years"] == (2022, 2024)
    assert tiv.attrs["generated"] == "12 March 2025"
    assert tiv.attrs["total_differences"] == [
        {"row": "Unknown recipient(s)", "sum": 2, "total": 3},
        {"row": "Total 2024", "sum": 6, "total": 7},
    ]


def test_a_windows_saved_copy_reads_the_same(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(GOOD_LINES).encode("utf-8") + b"\r\n")
    assert read_tiv_export(path).equals(read_tiv_export(EXPORT))


def test_fractional_figures_give_a_float_column(tmp_path):
    path = _variant(tmp_path, _replace(12, "Borduria,10.4,,5,15"))
    tiv = read_tiv_export(path)
    assert str(tiv["tiv"].dtype) == "Float64"
    assert tiv.loc[tiv["recipient"] == "Borduria", "tiv"].tolist() == [10.4, 5.0]


@pytest.mark.parametrize(
    ("lines", "where", "what"),
    [
        (
            ["supplier,recipient,year,tiv", "China,Pakistan,2018,499"],
            "line 1, field 'title'",
            "TIV of arms exports from",
        ),
        ([], "line 1, field 'title'", "empty file"),
        (_replace(13, "Syldavia,0,two,,2"), "line 13, field '2023'", "'two' is not a TIV figure"),
        (_replace(13, "Syldavia,0,-2,,2"), "line 13, field '2023'", "'-2' is not a TIV figure"),
        (_replace(12, "Borduria,10,,5,"), "line 12, field 'Total'", "empty Total cell"),
        (GOOD_LINES[:10] + GOOD_LINES[11:], "line 15, field 'header'", "no header row of years"),
        (_replace(11, ",2022,2023,2024"), "line 11, field 'column 4'", "must end in 'Total'"),
        (
            _replace(11, ",2022,2023,202X,Total"),
            "line 11, field 'column 4'",
            "'202X' is not a year",
        ),
        (_replace(11, ",2022,2024,2023,Total"), "line 11, field 'header'", "not consecutive"),
        (_replace(11, ",2021,2022,2023,Total"), "line 11, field 'header'", "title's 2022-2024"),
        (
            _replace(1, '"TIV of arms exports from Ruritania, 2022-2025",,,,'),
            "line 11, field 'header'",
            "title's 2022-2025",
        ),
        (_replace(13, "Borduria,0,2,,2"), "line 13, field 'Borduria'", "already listed on line 12"),
        (_replace(13, ",0,2,,2"), "line 13, field 'recipient'", "without a recipient name"),
        (_replace(13, "Syldavia,0,2,,2,9"), "line 13, field 'column 6'", "6 cells"),
        (GOOD_LINES[:-1], "line 15, field 'Total'", "no Total row"),
        (GOOD_LINES + ["Lakeland,1,,,1"], "line 17, field 'Lakeland'", "after the Total row"),
    ],
    ids=[
        "not-sipri",
        "empty",
        "non-numeric",
        "negative",
        "empty-total",
        "no-year-header",
        "no-total-column",
        "bad-year",
        "unordered-years",
        "header-not-title-years",
        "title-not-header-years",
        "duplicate-recipient",
        "no-recipient",
        "extra-cell",
        "no-total-row",
        "after-total",
    ],
)
def test_bad_input_names_file_line_and_field(tmp_path, lines, where, what):
    path = _variant(tmp_path, lines)
    with pytest.raises(LedgerError) as raised:
        read_tiv_export(path)
    message = str(raised.value)
    assert f"{path}, {where}" in message
    assert what in message


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81")
    with pytest.raises(LedgerError, match=re.escape(f"{path}, line 1, field 'file'")):
        read_tiv_export(path)


def test_a_path_that_is_no_readable_file_is_refused(tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo.csv")
    for path, what in [
        (tmp_path / "missing.csv", "No such file or directory"),
        (tmp_path, "a folder"),
        (tmp_path / "fifo.csv", "a FIFO"),
    ]:
        with pytest.raises(LedgerError, match=re.escape(f"{path}: ") + ".*" + what):
            read_tiv_export(path)


def test_a_figure_too_large_for_int64_is_refused(tmp_path):
    path = _variant(tmp_path, _replace(13, "Syldavia,99999999999999999999,2,,2"))
    with pytest.raises(LedgerError, match="line 13, field '2022': .*out of range"):
        read_tiv_export(path)


# --- the committed extract (data/external/sipri_tiv.csv) ------------------------------------


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    return pd.read_csv(bundled_ledger_dir() / "external" / "sipri_tiv.csv")


def test_extract_columns_and_sources(committed):
    assert list(committed.columns) == ["supplier", "recipient", "year", "tiv", "source_id"]
    assert set(committed["source_id"]) == {"sipri_tiv_2022"}
    assert not committed.duplicated(["supplier", "recipient", "year"]).any()
    # All of China's recipients; from the USA only Pakistan.
    assert committed.loc[
        committed["supplier"] == "united_states", "recipient"
    ].unique().tolist() == ["pakistan"]
    assert committed.loc[committed["supplier"] == "china", "recipient"].nunique() == 98


def test_extract_matches_findings_year_by_year(committed):
    # FINDINGS.md 1a and 1c, read from SIPRI's file by hand; a blank cell has no row.
    value = committed.set_index(["supplier", "recipient", "year"])["tiv"]
    assert value[("china", "pakistan", 2018)] == 499
    assert value[("china", "bangladesh", 2019)] == 637
    assert value[("china", "myanmar", 2011)] == 277
    assert ("china", "myanmar", 2020) not in value.index
    assert ("china", "bangladesh", 2002) not in value.index
    usa = value[("united_states", "pakistan")]
    assert usa.loc[2009:2021].to_dict() == {
        2009: 150,
        2010: 1033,
        2011: 269,
        2012: 276,
        2013: 137,
        2014: 204,
        2015: 107,
        2016: 20,
        2017: 23,
        2018: 22,
        2020: 12,
    }
    # The file's own Total column (FINDINGS 1a) minus SIPRI's rounding: within a few TIV.
    assert abs(value[("china", "pakistan")].sum() - 17_257) <= 10
    assert abs(value[("united_states", "pakistan")].sum() - 8_514) <= 10


# --- window_totals and window_ranks ---------------------------------------------------------


def test_tiv_from_arms_transfers_gives_the_committed_rows(committed):
    import marchwest

    tiv = tiv_from_arms_transfers(marchwest.arms_transfers())
    assert list(tiv.columns) == ["supplier", "recipient", "year", "tiv"]
    assert str(tiv["tiv"].dtype) == "Int64"
    expected = committed.drop(columns="source_id")
    key = ["supplier", "recipient", "year"]
    assert (
        tiv.sort_values(key).astype(str).values.tolist()
        == expected.sort_values(key).astype(str).values.tolist()
    )
    top = window_totals(tiv, "china", 2014, 2018).head(3)
    assert top["recipient"].tolist() == ["pakistan", "bangladesh", "algeria"]


def test_window_totals_2014_18(committed):
    top = window_totals(committed, "china", 2014, 2018).head(4)
    # FINDINGS 1b: 2014-18 Pakistan 2,915 / Bangladesh 1,210 / Algeria 980 / Myanmar 671.
    assert top[["recipient", "tiv", "rank"]].values.tolist() == [
        ["pakistan", 2915, 1],
        ["bangladesh", 1210, 2],
        ["algeria", 980, 3],
        ["myanmar", 671, 4],
    ]
    # FINDINGS divides by SIPRI's Total row (8,445); the sum of the rows is 8,446.
    assert top["share_pct"].round(1).tolist() == [34.5, 14.3, 11.6, 7.9]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (2010, 2014, [("pakistan", 3131), ("bangladesh", 929), ("myanmar", 785)]),
        (2013, 2017, [("pakistan", 3143), ("bangladesh", 1603), ("algeria", 923)]),
        (2015, 2019, [("pakistan", 2903), ("bangladesh", 1646), ("algeria", 846)]),
        (2009, 2018, [("pakistan", 6331), ("bangladesh", 1938), ("myanmar", 1412)]),
        (2010, 2019, [("pakistan", 6034), ("bangladesh", 2575), ("myanmar", 1440)]),
    ],
)
def test_window_totals_top_three(committed, start, end, expected):
    top = window_totals(committed, "china", start, end).head(3)
    assert list(zip(top["recipient"], top["tiv"], strict=True)) == expected


def test_window_totals_shares_add_up_and_ties_share_a_rank():
    tiv = pd.DataFrame(
        {
            "supplier": ["a"] * 4,
            "recipient": ["x", "y", "z", "x"],
            "year": [2000, 2000, 2000, 2001],
            "tiv": [1, 2, 3, 2],
        }
    )
    ranked = window_totals(tiv, "a", 2000, 2001)
    assert ranked["share_pct"].sum() == pytest.approx(100)
    assert ranked[["recipient", "rank"]].values.tolist() == [["x", 1], ["z", 1], ["y", 3]]


def test_window_totals_refuses_empty_and_reversed_windows(committed):
    with pytest.raises(ValueError, match="no TIV rows for supplier 'atlantis'"):
        window_totals(committed, "atlantis", 2014, 2018)
    with pytest.raises(ValueError, match="after its end"):
        window_totals(committed, "china", 2018, 2014)


def test_window_ranks_5_and_10_years(committed):
    ranks = window_ranks(
        committed, "china", ["pakistan", "myanmar", "algeria"], years=[2014, 2018, 2019]
    )
    rank = ranks.set_index(["window_length", "end", "recipient"])["rank"]
    assert rank[(5, 2014, "myanmar")] == 3
    assert rank[(5, 2018, "myanmar")] == 4 and rank[(5, 2018, "algeria")] == 3
    assert rank[(10, 2018, "myanmar")] == 3 and rank[(10, 2019, "myanmar")] == 3
    assert (ranks.loc[ranks["recipient"] == "pakistan", "rank"] == 1).all()
    assert ranks[["start", "end"]].drop_duplicates().values.tolist() == [
        [2010, 2014],
        [2014, 2018],
        [2015, 2019],
        [2005, 2014],
        [2009, 2018],
        [2010, 2019],
    ]


def test_window_ranks_default_years_and_absent_recipients():
    tiv = pd.DataFrame(
        {
            "supplier": ["a"] * 3,
            "recipient": ["x", "y", "x"],
            "year": [2000, 2001, 2002],
            "tiv": [5, 1, 1],
        }
    )
    ranks = window_ranks(tiv, "a", ["x", "y"], window_lengths=(2,))
    assert ranks[["start", "end", "recipient", "tiv"]].values.tolist() == [
        [2000, 2001, "x", 5],
        [2000, 2001, "y", 1],
        [2001, 2002, "x", 1],
        [2001, 2002, "y", 1],
    ]
    ranks = window_ranks(tiv, "a", ["y"], window_lengths=(1,), years=[2002])
    assert ranks["tiv"].tolist() == [0]
    assert ranks["rank"].isna().all()


def test_ranked_windows_equals_window_totals_of_each_window(committed):
    windows = windows_ending([1, 5, 10], range(2000, 2020))
    ranked = ranked_windows(committed, "china", windows)
    for window, start, end in zip(windows.index, windows["start"], windows["end"], strict=True):
        alone = window_totals(committed, "china", start, end)
        together = ranked[ranked["window"] == window].drop(columns="window")
        pd.testing.assert_frame_equal(together.reset_index(drop=True), alone)


def test_ranked_windows_refuses_empty_and_reversed_windows(committed):
    with pytest.raises(ValueError, match="no TIV rows for supplier 'china' in 1900-1901"):
        ranked_windows(committed, "china", windows_ending([2], [2018, 1901]))
    with pytest.raises(ValueError, match="window start 2018 is after its end 2014"):
        ranked_windows(committed, "china", pd.DataFrame({"start": [2018], "end": [2014]}))


def _window_ranks_one_window_at_a_time(tiv, supplier, recipients, window_lengths, years=None):
    """The former window_ranks: one window_totals call per window (the reference)."""
    supplied = tiv.loc[tiv["supplier"] == supplier, "year"]
    first, last = int(supplied.min()), int(supplied.max())
    rows = []
    for length in window_lengths:
        for end in range(first + length - 1, last + 1) if years is None else years:
            ranked = window_totals(tiv, supplier, end - length + 1, end).set_index("recipient")
            for recipient in recipients:
                found = recipient in ranked.index
                rows.append(
                    {
                        "window_length": length,
                        "start": end - length + 1,
                        "end": end,
                        "recipient": recipient,
                        "tiv": ranked.at[recipient, "tiv"] if found else 0,
                        "share_pct": ranked.at[recipient, "share_pct"] if found else 0.0,
                        "rank": ranked.at[recipient, "rank"] if found else pd.NA,
                    }
                )
    result = pd.DataFrame(rows)
    return result.astype(
        {"window_length": "Int64", "start": "Int64", "end": "Int64", "tiv": tiv["tiv"].dtype}
        | {"share_pct": "Float64", "rank": "Int64"}
    )


@pytest.mark.parametrize(
    ("supplier", "lengths", "years"),
    [
        ("china", (5, 10), None),
        ("china", (1, 3, 20), range(1995, 2022, 4)),
        ("united_states", (5,), None),
    ],
)
def test_window_ranks_equal_one_window_at_a_time(committed, supplier, lengths, years):
    recipients = [*committed["recipient"].drop_duplicates().sort_values(), "atlantis"]
    expected = _window_ranks_one_window_at_a_time(committed, supplier, recipients, lengths, years)
    ranks = window_ranks(committed, supplier, recipients, lengths, years)
    pd.testing.assert_frame_equal(ranks, expected)


def test_window_ranks_of_the_ledger_table_equal_one_window_at_a_time():
    import marchwest

    tiv = tiv_from_arms_transfers(marchwest.arms_transfers())
    recipients = ["bangladesh", "myanmar", "algeria", "pakistan"]
    expected = _window_ranks_one_window_at_a_time(tiv, "china", recipients, (5, 10))
    pd.testing.assert_frame_equal(window_ranks(tiv, "china", recipients), expected)


def test_window_ranks_fractional_tiv_equal_one_window_at_a_time():
    tiv = pd.DataFrame(
        {
            "supplier": ["a"] * 6,
            "recipient": ["x", "y", "z", "x", "y", "x"],
            "year": [2000, 2000, 2001, 2001, 2002, 2002],
            "tiv": pd.array([0.1, 0.2, 0.7, 0.3, 0.0, 1 / 3], dtype="Float64"),
        }
    )
    expected = _window_ranks_one_window_at_a_time(tiv, "a", ["x", "y", "z"], (1, 2, 3))
    pd.testing.assert_frame_equal(window_ranks(tiv, "a", ["x", "y", "z"], (1, 2, 3)), expected)


def test_window_ranks_refuses_an_empty_window(committed):
    with pytest.raises(ValueError, match="no TIV rows for supplier 'china' in 1900-1904"):
        window_ranks(committed, "china", ["pakistan"], (5,), years=[2018, 1904])


# --- tools/extract_sipri.py -----------------------------------------------------------------


def _extract_tool():
    path = Path(__file__).parents[1] / "tools" / "extract_sipri.py"
    spec = importlib.util.spec_from_file_location("extract_sipri", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entities(tmp_path: Path, names: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "entities.yaml"
    path.write_text(
        "".join(
            f"- entity_id: {eid}\n  name: {name}\n  aliases: [{alias!r}]\n"
            for eid, name, alias in names
        ),
        encoding="utf-8",
    )
    return path


def test_extract_tool_maps_names_to_entity_ids(tmp_path):
    entities = _entities(
        tmp_path,
        [
            ("ruritania", "Ruritania", "RUR"),
            ("borduria", "Borduria", "BOR"),
            ("syldavia", "Syldavia", "SYL"),
            ("unknown_recipients", "unknown", "Unknown recipient(s)"),
        ],
    )
    out = tmp_path / "tiv.csv"
    tool = _extract_tool()
    assert (
        tool.main(
            [
                str(EXPORT),
                "--source-id",
                "test_source",
                "--only",
                "Ruritania=Borduria",
                "--entities",
                str(entities),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_text(encoding="utf-8").splitlines() == [
        "supplier,recipient,year,tiv,source_id",
        "ruritania,borduria,2022,10,test_source",
        "ruritania,borduria,2024,5,test_source",
    ]


def test_extract_tool_stops_on_a_name_without_entity(tmp_path):
    entities = _entities(tmp_path, [("ruritania", "Ruritania", "RUR")])
    with pytest.raises(SystemExit, match="Borduria; Syldavia; Unknown recipient"):
        _extract_tool().extract([EXPORT], "test_source", {}, [entities])
