"""EDTF date text -> the first and last day it can mean, and its precision.

The ledger writes dates in a subset of EDTF (Library of Congress Extended Date/Time Format):
``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, and intervals ``START/END`` of those, with ``..`` for an
open end (``2018/..``, ``../2020``).

:func:`parse` reads that subset with a regular expression and the calendar, in microseconds.
:func:`parse_with_edtf` reads it with the ``edtf`` package, the reference: its grammar takes
~0.15 s to import and ~2 ms per date, longer than reading and checking the rest of the ledger,
so loading uses :func:`parse`, and ``python -m marchwest validate`` and the tests check that
both agree on every date of the ledger.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from marchwest.errors import shown

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only
_FORMS = "2019-07-23, 2019-07, 2019, 2019-07-21/2019-07-31, 2018/.. or ../2020"
# The years whose every day a pandas datetime64[ns] column holds (1677-09-21 to 2262-04-11).
YEARS = (1678, 2261)


@dataclass(frozen=True)
class EdtfDate:
    """A parsed date: ``start`` and ``end`` are None for an open end."""

    text: str
    start: dt.date | None
    end: dt.date | None
    precision: str | None  # day | month | year for a single date, None for an interval


def _parts(text: str) -> list[str]:
    parts = text.split("/")
    if (
        len(parts) > 2
        or not all(p == ".." or _DATE.fullmatch(p) for p in parts)
        or parts == [".."]
        or parts == ["..", ".."]
    ):
        raise ValueError(f"bad date {shown(text)}: write EDTF such as {_FORMS}")
    return parts


def _checked(
    text: str, start: dt.date | None, end: dt.date | None, precision: str | None
) -> EdtfDate:
    if start is not None and end is not None and start > end:
        raise ValueError(f"bad date {shown(text)}: the start is after the end")
    for day in (start, end):
        if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
            raise ValueError(
                f"date {shown(text)} is out of the supported range: years {YEARS[0]} to {YEARS[1]}"
                " (the range of the tables' datetime columns)"
            )
    return EdtfDate(text, start, end, precision)


def _bounds(text: str, part: str) -> tuple[dt.date, dt.date, str]:
    year, month, day = _DATE.fullmatch(part).groups()  # type: ignore[union-attr]
    y = int(year)
    if month is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"bad date {shown(text)}: not a valid EDTF date (month {month})")
    last = calendar.monthrange(y, m)[1]
    if day is None:
        return dt.date(y, m, 1), dt.date(y, m, last), "month"
    if not 1 <= int(day) <= last:
        raise ValueError(f"bad date {shown(text)}: not a valid EDTF date (day {day})")
    return dt.date(y, m, int(day)), dt.date(y, m, int(day)), "day"


@cache
def parse(text: str) -> EdtfDate:
    """Parse a ledger date; raises ValueError saying what is wrong."""
    parts = _parts(text)
    if len(parts) == 1:
        return _checked(text, *_bounds(text, parts[0]))
    first, last = parts
    start = None if first == ".." else _bounds(text, first)[0]
    end = None if last == ".." else _bounds(text, last)[1]
    return _checked(text, start, end, None)


@cache
def parse_with_edtf(text: str) -> EdtfDate:
    """:func:`parse`, done by the ``edtf`` package (level 0 grammar for dates and closed
    intervals, the level 1 interval for open ends: the full grammar tries every level and is
    ~10x slower)."""
    from edtf.parser import grammar

    parts = _parts(text)
    level = grammar.level1Interval if ".." in parts else grammar.level0Expression
    try:
        parsed = level.parse_string(text, parse_all=True)[0]
    except grammar.ParseException:
        raise ValueError(f"bad date {shown(text)}: not a valid EDTF date") from None

    def day(bound: Any) -> dt.date | None:
        return None if isinstance(bound, float) else dt.date(*bound[:3])  # float: open (inf)

    try:
        start, end = day(parsed.lower_strict()), day(parsed.upper_strict())
    except ValueError as error:  # 2019-02-29
        raise ValueError(f"bad date {shown(text)}: not a valid EDTF date ({error})") from None
    precision = getattr(parsed, "precision", None) if len(parts) == 1 else None
    return _checked(text, start, end, precision)
