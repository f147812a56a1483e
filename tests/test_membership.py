"""membership_as_of: the status in force on a date, on small frames that follow the contract."""

from __future__ import annotations

import pandas as pd
import pytest

from marchwest.membership import (
    STATUS_ORDER,
    latest_change,
    members_by_status,
    membership_as_of,
    membership_history,
    membership_notes,
    same_day_each_year,
    status_counts,
    status_matrix,
)

COLUMNS = ["organisation_id", "member_id", "status", "since", "until", "known_on", "origin"]


def frame(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


SCO = frame(
    ("shanghai_five", "china", "founding member", "1996-04-26", "2001-06-15", None, "reference"),
    ("sco", "china", "founding member", "2001-06-15", None, None, "reference"),
    ("sco", "india", "member", "2017-06", None, None, "article"),
    ("sco", "belarus", "dialogue partner", "2010", "2015", None, "reference"),
    ("sco", "belarus", "observer", "2015", "2024-07-04", None, "reference"),
    ("sco", "belarus", "member", "2024-07-04", None, None, "reference"),
    ("sco", "sri_lanka", "dialogue partner", None, None, "2019-08", "reference"),
    ("csto", "uzbekistan", "member", "2006", "2012-12-19", None, "reference"),
    ("csto", "uzbekistan", "suspended", "2012-12-19", None, None, "reference"),
)


def status(result: pd.DataFrame, organisation: str, member: str) -> str | None:
    match = result[(result.organisation_id == organisation) & (result.member_id == member)]
    assert len(match) <= 1
    return None if match.empty else match.status.iloc[0]


def test_one_row_per_organisation_and_member_with_the_status_in_force():
    result = membership_as_of(SCO, "2019-08-18")
    assert not result.duplicated(["organisation_id", "member_id"]).any()
    assert status(result, "sco", "belarus") == "observer"
    assert status(result, "sco", "india") == "member"
    assert status(result, "csto", "uzbekistan") == "suspended"
    assert status(result, "shanghai_five", "china") is None
    assert list(result.columns) == [*COLUMNS, "since_known"]


def test_until_is_exclusive_and_since_counts_from_its_first_day():
    assert (
        status(membership_as_of(SCO, "2001-06-14"), "shanghai_five", "china") == "founding member"
    )
    assert status(membership_as_of(SCO, "2001-06-15"), "shanghai_five", "china") is None
    assert status(membership_as_of(SCO, "2001-06-15"), "sco", "china") == "founding member"
    assert status(membership_as_of(SCO, "2017-06-01"), "sco", "india") == "member"
    assert status(membership_as_of(SCO, "2017-05-31"), "sco", "india") is None


def test_hand_over_in_the_same_year_picks_the_new_status():
    assert status(membership_as_of(SCO, "2014-12-31"), "sco", "belarus") == "dialogue partner"
    assert status(membership_as_of(SCO, "2015-03-01"), "sco", "belarus") == "observer"
    assert status(membership_as_of(SCO, pd.Timestamp("2024-07-04")), "sco", "belarus") == "member"


def test_overlapping_rows_keep_the_latest_start():
    overlapping = frame(
        ("sco", "belarus", "observer", "2015", None, None, "reference"),
        ("sco", "belarus", "member", "2024-07-04", None, None, "reference"),
    )
    assert status(membership_as_of(overlapping, "2025-01-01"), "sco", "belarus") == "member"


def test_a_dated_row_beats_one_only_attested_on_a_day():
    both = frame(
        ("sco", "china", "founding member", "2001-06-15", None, None, "reference"),
        ("sco", "china", "member", None, None, "2019-08-18", "article"),
    )
    result = membership_as_of(both, "2019-08-18")
    assert result[["status", "origin"]].values.tolist() == [["founding member", "reference"]]


def test_unknown_since_counts_from_known_on():
    before = membership_as_of(SCO, "2019-07-31")
    after = membership_as_of(SCO, "2019-08-01")
    assert status(before, "sco", "sri_lanka") is None
    assert status(after, "sco", "sri_lanka") == "dialogue partner"
    assert not after.set_index("member_id").loc["sri_lanka", "since_known"]
    assert after.set_index("member_id").loc["india", "since_known"]


def test_organisations_filter_and_datetime_columns():
    parsed = SCO.assign(
        since=pd.to_datetime(SCO.since.where(SCO.since.str.len() == 10)),
        until=pd.to_datetime(SCO.until, format="ISO8601"),
        known_on=pd.NaT,
    )
    result = membership_as_of(parsed, pd.Timestamp("2003-01-01"), organisations=["sco"])
    assert result[["organisation_id", "member_id", "status"]].values.tolist() == [
        ["sco", "china", "founding member"]
    ]


def test_history_stacks_one_frame_per_date():
    history = membership_history(SCO, ["1997-01-01", "2020-01-01"], ["shanghai_five", "sco"])
    assert history.columns[0] == "date"
    counts = history.groupby("date").size()
    assert counts.tolist() == [1, 4]  # 1997: China; 2020: China, India, Belarus, Sri Lanka


def test_latest_change_is_the_latest_date_in_the_table():
    assert latest_change(SCO) == pd.Timestamp("2024-07-04")


def test_bad_date_names_the_value():
    with pytest.raises(ValueError, match="'not a date'"):
        membership_as_of(SCO, "not a date")


def test_bad_edtf_names_the_row_and_field():
    bad = frame(("sco", "india", "member", "June 2017", None, None, "article"))
    with pytest.raises(ValueError, match=r"row 0: since 'June 2017' is not an EDTF date"):
        membership_as_of(bad, "2019-08-18")


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="missing column.*status"):
        membership_as_of(SCO.drop(columns="status"), "2019-08-18")


def test_edtf_columns_take_precedence_over_parsed_dates():
    # memberships() stores `until` as the LAST day ("2015" -> 2015-12-31) beside its EDTF text.
    parsed = frame(("sco", "belarus", "dialogue partner", "2010", "2015", None, "reference"))
    parsed = parsed.assign(
        since_edtf=parsed.since,
        until_edtf=parsed.until,
        since=pd.Timestamp("2010-01-01"),
        until=pd.Timestamp("2015-12-31"),
    )
    assert membership_as_of(parsed, "2015-06-01").empty
    assert status(membership_as_of(parsed, "2014-06-01"), "sco", "belarus") == "dialogue partner"


def test_status_matrix_orders_members_by_how_many_organisations():
    current = membership_as_of(SCO, "2019-08-18")
    matrix = status_matrix(current, ["csto", "sco"])
    assert list(matrix.columns) == ["csto", "sco"]
    assert list(matrix.index) == ["belarus", "china", "india", "sri_lanka", "uzbekistan"]
    assert matrix.loc["uzbekistan", "csto"] == "suspended"
    assert pd.isna(matrix.loc["china", "csto"])


def test_status_counts_count_a_member_of_two_organisations_once():
    both = frame(
        ("shanghai_five", "china", "founding member", "1996", "2002", None, "reference"),
        ("sco", "china", "founding member", "2001-06-15", None, None, "reference"),
        ("sco", "belarus", "observer", "2001", None, None, "reference"),
    )
    history = membership_history(both, ["1997-12-31", "2001-12-31"])
    counts = status_counts(history)
    assert counts.to_dict("index") == {
        pd.Timestamp("1997-12-31"): {"founding member": 1, "observer": 0},
        pd.Timestamp("2001-12-31"): {"founding member": 1, "observer": 1},
    }


def test_the_bundled_ledger_gives_the_sco_of_august_2019():
    import marchwest

    current = membership_as_of(marchwest.memberships(), "2019-08-18", organisations=["sco"])
    by_status = current.groupby("status", observed=True)["member_id"].apply(sorted).to_dict()
    assert len(by_status["founding member"]) + len(by_status["member"]) == 8
    assert by_status["member"] == ["india", "pakistan"]
    assert by_status["observer"] == ["afghanistan", "belarus", "iran", "mongolia"]


def _first_days_by_edtf(rows: pd.DataFrame, column: str) -> pd.Series:
    """The first day of each ``<column>_edtf`` text as the ``edtf`` package reads it."""
    from marchwest.ledger.dates import parse_with_edtf

    return pd.Series(
        [
            pd.NaT if pd.isna(text) or text.startswith("..") else parse_with_edtf(text).start
            for text in rows[f"{column}_edtf"]
        ],
        index=rows.index,
        dtype="datetime64[ns]",
    )


def _as_of_one_date_at_a_time(memberships, date, organisations):
    """The former membership_as_of (dates read by the edtf package): the reference."""
    day = pd.Timestamp(date).normalize()
    rows = memberships[memberships["organisation_id"].isin(organisations)]
    starts, ends = _first_days_by_edtf(rows, "since"), _first_days_by_edtf(rows, "until")
    since_known = starts.notna()
    starts = starts.fillna(_first_days_by_edtf(rows, "known_on"))
    in_force = starts.notna() & (starts <= day) & (ends.isna() | (day < ends))
    order = {status: rank for rank, status in enumerate(STATUS_ORDER)}
    current = rows[in_force].assign(
        since_known=since_known[in_force],
        _start=starts[in_force],
        _rank=rows.loc[in_force, "status"].map(lambda s: order.get(s, len(order))),
    )
    current = current.sort_values(
        ["organisation_id", "member_id", "since_known", "_start", "_rank"],
        ascending=[True, True, False, False, True],
        kind="stable",
    ).drop_duplicates(["organisation_id", "member_id"], keep="first")
    return current.drop(columns=["_start", "_rank"]).reset_index(drop=True)


def test_the_bundled_ledger_gives_the_same_history_as_one_date_at_a_time():
    import marchwest

    memberships = marchwest.memberships()
    organisations = memberships["organisation_id"].unique().tolist()
    dates = same_day_each_year("2019-08-18", 1990, "2026-01-01") + ["2001-06-15", "2017-06-09"]
    history = membership_history(memberships, dates, organisations)
    expected = pd.concat(
        [
            _as_of_one_date_at_a_time(memberships, date, organisations).assign(
                date=pd.Timestamp(date)
            )
            for date in dates
        ],
        ignore_index=True,
    )
    expected = expected[["date", *memberships.columns, "since_known"]]
    assert len(history) > 800
    pd.testing.assert_frame_equal(history, expected)
    pd.testing.assert_frame_equal(
        membership_as_of(memberships, "2019-08-18", organisations),
        _as_of_one_date_at_a_time(memberships, "2019-08-18", organisations),
    )


def test_same_day_each_year_reaches_past_the_last_date():
    dates = same_day_each_year("2019-08-18", 2022, "2024-07-04")
    assert dates == [pd.Timestamp(f"{year}-08-18") for year in (2022, 2023, 2024)]
    assert same_day_each_year("2019-08-18", 2024, "2024-09-01")[-1] == pd.Timestamp("2025-08-18")


def test_members_by_status_names_who_and_matches_the_counts():
    history = membership_history(SCO, ["2020-01-01"], ["sco"])
    names = members_by_status(history, {"china": "China", "sri_lanka": "Sri Lanka"})
    row = names.loc[pd.Timestamp("2020-01-01")]
    assert row["founding member"] == "China"
    assert row["dialogue partner"] == "Sri Lanka"
    assert row["observer"] == "belarus"
    assert names.shape == status_counts(history).shape


def test_membership_notes_say_since_or_attested():
    current = membership_as_of(SCO, "2019-08-18", ["sco"]).set_index("member_id")
    notes = membership_notes(current)
    assert notes["india"] == "since 2017-06"
    assert notes["sri_lanka"] == "attested on 2019-08 (start unknown)"
    assert notes["belarus"] == "since 2015, until 2024-07-04"
