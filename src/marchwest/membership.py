"""Organisation membership on a given date, from the `memberships()` table.

A membership row is in force on a date when the date falls in ``[since, until)``: from the
first day ``since`` can mean (``2017-06`` counts from 1 June 2017) up to, not including, the
first day ``until`` can mean, so a status ending in 2015 hands over cleanly to one starting in
2015. A row whose ``since`` is unknown counts from its ``known_on`` date, the first day a source
attests it: before that the ledger knows nothing about it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping

import pandas as pd

from marchwest.ledger import dates

DateLike = str | dt.date | pd.Timestamp

# When several rows for one organisation and member are in force on a day, a row with a known
# ``since`` beats one counted from ``known_on`` (the article's "China is a member" does not hide
# the reference's "founding member since 2001"); then the one that started last wins (a
# hand-over); then the earlier status in this order.
STATUS_ORDER = [
    "founding member",
    "member",
    "suspended",
    "observer",
    "dialogue partner",
    "party",
    "signatory",
    "host",
]
_DATE_COLUMNS = ("since", "until", "known_on")
_REQUIRED = ("organisation_id", "member_id", "status", "since", "until")


def membership_as_of(
    memberships: pd.DataFrame,
    date: DateLike,
    organisations: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The status in force on ``date``: one row per organisation and member.

    Columns: ``organisation_id``, ``member_id``, ``status`` and every other column of
    ``memberships`` (``since``, ``until``, ``known_on``, ``origin``, ...), plus
    ``since_known`` (False when the row counts only from its ``known_on`` date). Rows are
    sorted by organisation, then member. ``organisations`` keeps only those organisation ids.
    """
    return _in_force(memberships, [date], organisations).drop(columns="date")


def membership_history(
    memberships: pd.DataFrame,
    dates: Iterable[DateLike],
    organisations: Iterable[str] | None = None,
) -> pd.DataFrame:
    """``membership_as_of`` on each of ``dates``, stacked, with a ``date`` column first."""
    return _in_force(memberships, list(dates), organisations)


def _in_force(
    memberships: pd.DataFrame, dates: list[DateLike], organisations: Iterable[str] | None
) -> pd.DataFrame:
    """``membership_as_of`` on every date at once: each row paired with each date, one pass."""
    missing = [column for column in _REQUIRED if column not in memberships.columns]
    if missing:
        raise ValueError(f"memberships: missing column(s) {', '.join(missing)}")
    days = pd.DataFrame({"date": [_as_timestamp(date) for date in dates]})
    rows = memberships
    if organisations is not None:
        rows = rows[rows["organisation_id"].isin(list(organisations))]
    starts = _first_days(rows, "since")
    since_known = starts.notna()
    if "known_on" in rows.columns:
        starts = starts.fillna(_first_days(rows, "known_on"))
    dated = rows.assign(
        since_known=since_known,
        _start=starts,
        _end=_first_days(rows, "until"),
        _rank=rows["status"].map(_status_rank),
    )[starts.notna()]
    pairs = days.rename_axis("_day").reset_index().merge(dated, how="cross")
    on = pairs["date"]
    pairs = pairs[(pairs["_start"] <= on) & (pairs["_end"].isna() | (on < pairs["_end"]))]
    pairs = pairs.sort_values(
        ["_day", "organisation_id", "member_id", "since_known", "_start", "_rank"],
        ascending=[True, True, True, False, False, True],
        kind="stable",
    )
    pairs = pairs.drop_duplicates(["_day", "organisation_id", "member_id"], keep="first")
    return pairs.drop(columns=["_day", "_start", "_end", "_rank"]).reset_index(drop=True)


def latest_change(memberships: pd.DataFrame) -> pd.Timestamp:
    """The latest first day among all ``since``, ``until`` and ``known_on`` dates."""
    days = [
        _first_days(memberships, column)
        for column in _DATE_COLUMNS
        if column in memberships.columns
    ]
    latest = pd.concat(days).max()
    if pd.isna(latest):
        raise ValueError("memberships: no dated row")
    return latest


def same_day_each_year(day: DateLike, first_year: int, through: DateLike) -> list[pd.Timestamp]:
    """``day``'s month and day in every year from ``first_year`` until one on or after ``through``.

    The snapshot dates of a yearly history: on the article's 18 August each year, its own
    year's snapshot is exactly the article's date.
    """
    day, through = _as_timestamp(day), _as_timestamp(through)
    dates = [day.replace(year=first_year)]
    while dates[-1] < through:
        dates.append(day.replace(year=dates[-1].year + 1))
    return dates


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _as_timestamp(date: DateLike) -> pd.Timestamp:
    try:
        day = pd.Timestamp(date)
    except (TypeError, ValueError) as error:
        raise ValueError(f"membership date {date!r}: not a date ({error})") from None
    if pd.isna(day):
        raise ValueError(f"membership date {date!r}: not a date")
    return day.normalize()


def _first_days(rows: pd.DataFrame, column: str) -> pd.Series:
    """The first day each value of ``column`` can mean (NaT when empty or open).

    Reads the EDTF text of ``<column>_edtf`` when the table has it (``memberships()`` does:
    its ``until`` holds the last day a date can mean), else ``column`` itself.
    """
    values = rows[f"{column}_edtf"] if f"{column}_edtf" in rows.columns else rows[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    return pd.Series(
        [_edtf_first_day(value, column, index) for index, value in values.items()],
        index=rows.index,
        dtype="datetime64[ns]",
    )


def _edtf_first_day(value: object, column: str, index: object) -> pd.Timestamp:
    if value is None or value is pd.NA or value is pd.NaT:
        return pd.NaT
    if isinstance(value, float) and pd.isna(value):
        return pd.NaT
    if isinstance(value, dt.date | pd.Timestamp):
        return pd.Timestamp(value)
    text = str(value).strip()
    if not text or text.startswith(".."):
        return pd.NaT
    try:
        return _first_day(text)
    except ValueError as error:
        raise ValueError(
            f"memberships row {index}: {column} {text!r} is not an EDTF date ({error})"
        ) from None


@functools.cache
def _first_day(text: str) -> pd.Timestamp:
    """The first day an EDTF date can mean, read by the ledger's own parser (``dates.parse``)."""
    return pd.Timestamp(dates.parse(text).start)


def status_matrix(current: pd.DataFrame, organisations: Iterable[str]) -> pd.DataFrame:
    """Members (rows) by ``organisations`` (columns, in that order): the status, or NA.

    ``current`` is a ``membership_as_of`` result. Rows run from the member in most
    organisations to the fewest, then by id.
    """
    organisations = list(organisations)
    rows = current[current["organisation_id"].isin(organisations)]
    matrix = rows.pivot(index="member_id", columns="organisation_id", values="status")
    matrix = matrix.reindex(columns=organisations).astype("string")
    order = sorted(matrix.index, key=lambda member: (-matrix.loc[member].notna().sum(), member))
    return matrix.loc[order].rename_axis(index="member_id", columns="organisation_id")


def status_counts(history: pd.DataFrame) -> pd.DataFrame:
    """How many members hold each status on each date of a ``membership_history``.

    A member of two organisations counted together (the Shanghai Five and the SCO) counts once,
    with its higher status. Columns: the statuses present, in ``STATUS_ORDER``; index: ``date``.
    """
    ranked = history.assign(_rank=history["status"].map(_status_rank))
    ranked = ranked.sort_values(["date", "member_id", "_rank"], kind="stable")
    single = ranked.drop_duplicates(["date", "member_id"])
    counts = single.groupby(["date", "status"], observed=True).size().unstack(fill_value=0)
    present = [status for status in STATUS_ORDER if status in counts.columns]
    dates = pd.Index(sorted(history["date"].unique()), name="date")
    return counts.reindex(index=dates, columns=present, fill_value=0).rename_axis(columns="status")


def members_by_status(
    history: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Who held each status on each date: dates by statuses, names joined by commas.

    Same shape as ``status_counts(history)``; each member appears once per date, with its
    higher status. ``labels`` maps member ids to names.
    """
    labels = labels or {}
    ranked = history.assign(_rank=history["status"].map(_status_rank))
    single = ranked.sort_values(["date", "member_id", "_rank"], kind="stable").drop_duplicates(
        ["date", "member_id"]
    )
    single = single.assign(name=single["member_id"].map(lambda m: labels.get(m, m)))
    names = single.groupby(["date", "status"], observed=True)["name"].agg(
        lambda group: ", ".join(sorted(group))
    )
    counts = status_counts(history)
    return names.unstack().reindex_like(counts).astype("string").fillna("")


def membership_notes(current: pd.DataFrame) -> pd.Series:
    """For each row of a ``membership_as_of`` result, when its status started, as text.

    "since 2017-06-09", or "attested on 2019-06 (start unknown)" for a row counted from its
    ``known_on`` date; "until ..." follows when the status has an end.
    """
    since = _edtf_text(current, "since")
    known_on = _edtf_text(current, "known_on") if "known_on" in current.columns else since
    until = _edtf_text(current, "until")
    notes = []
    for start, attested, end in zip(since, known_on, until, strict=True):
        note = f"since {start}" if start else f"attested on {attested} (start unknown)"
        notes.append(note + (f", until {end}" if end else ""))
    return pd.Series(notes, index=current.index, dtype="string")


def _edtf_text(rows: pd.DataFrame, column: str) -> list[str]:
    values = rows[f"{column}_edtf"] if f"{column}_edtf" in rows.columns else rows[column]
    return [
        ""
        if value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and pd.isna(value))
        else (f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else str(value))
        for value in values
    ]
