"""How a reader sees what the tables hold: an id as a name, a number as a reader writes it
("200", not "200.0"), a value with its unit, a cell of any kind as text."""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping

import pandas as pd

EMPTY = "—"
# Columns whose numbers are years, character offsets or ranks: no thousands separator.
_PLAIN_NUMBER = re.compile(r"(^|[_ ])(year|years|end|start|since|until|line|rank)$")


def display_name(key: object, labels: Mapping[str, str] | None = None) -> str:
    """``labels[key]`` when given, else the id made readable ("united_states" -> "United States")."""
    key = str(key)
    return (labels or {}).get(key, key.replace("_", " ").title())


def number(value: object, *, grouped: bool = True) -> str:
    """A number as a reader writes it: 200 (not 200.0), 1,210, 34.5; "—" when missing."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return EMPTY
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    separator = "," if grouped else ""
    if float(value).is_integer():
        return f"{int(value):{separator}d}"
    return f"{value:{separator}.6f}".rstrip("0").rstrip(".")


def quantity(value: object, unit: object) -> str:
    """A value with its unit: "200 troops", "34.5 percent", "60 billion US dollars"."""
    written = number(value)
    if written == EMPTY or not isinstance(unit, str) or not unit:
        return written
    return f"{written} {unit}"


def _present(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return True
    return value is not None and not pd.isna(value)


def cell(value: object, column: object = "") -> str:
    """A cell's text: a number as :func:`number` writes it (no thousands separator in a column
    of years, offsets or ranks), a day as 2019-07-23, a list joined, "—" when empty."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or EMPTY
    if not _present(value):
        return EMPTY
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else f"{value:%Y-%m-%d %H:%M}"
    return number(value, grouped=not _PLAIN_NUMBER.search(str(column)))
