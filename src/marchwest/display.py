"""Tables for readers: a DataFrame shown as a readable, escaped HTML table (display only).

``table(frame, table_id=...)`` leaves the frame as it is and shows it with words for headers
("Share (%)", not ``share_pct``), no index unless it is named (a named index becomes the first
column), "—" for an empty cell, text that wraps between words, numbers right-aligned without a
needless ".0" ("200 troops": a ``value`` beside a ``unit`` column is written with its unit),
dates as days, lists joined, verdicts in their colour darkened to read as text, and sources as
links. Its plain-text form (what GitHub's diff and nbval read) is the same cells, shortened.
Light on purpose: ``marchwest.explore`` uses :func:`quantity` for its profile card.
"""

from __future__ import annotations

import colorsys
import html
import numbers
import re

import pandas as pd
from pandas.io.formats.style import Styler

EMPTY = "—"
PLAIN_WIDTH = 40  # characters of a cell in the plain-text form
TEXT_CONTRAST = 4.5  # WCAG AA, normal text
# Columns whose numbers are years or character offsets: written without a thousands separator.
_PLAIN_NUMBER = re.compile(r"(^|[_ ])(year|years|end|start|since|until|line|rank)$")


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


def header(name: object) -> str:
    """A column name in words, capitalised: ``claim_id`` → "Claim", ``share_pct`` → "Share (%)",
    "the article says" → "The article says"."""
    text = str(name)
    if text == text.strip("_") and " " not in text and text.islower():  # snake_case
        text = re.sub(r"_pct$", " (%)", re.sub(r"_id$", "", text)).replace("_", " ")
    return text[:1].upper() + text[1:]


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def darkened(colour: str, *, against: str = "#FFFFFF", ratio: float = TEXT_CONTRAST) -> str:
    """``colour``, its lightness lowered step by step (hue and saturation kept) until it shows
    at least ``ratio`` against ``against``; unchanged when it already does."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    candidate = colour.upper()
    while contrast(candidate, against) < ratio and lightness > 0:
        lightness = max(lightness - 0.01, 0.0)
        rgb = colorsys.hls_to_rgb(hue, lightness, saturation)
        candidate = "#" + "".join(f"{round(c * 255):02X}" for c in rgb)
    return candidate


def verdict_text_colours() -> dict[str, str]:
    """Each verdict (fact-check and hindsight) in its chart colour, darkened to read as text on
    white (WCAG AA, 4.5:1)."""
    from marchwest.plot.style import OUTCOME_COLOURS, VERDICT_COLOURS

    return {v: darkened(c) for v, c in (VERDICT_COLOURS | OUTCOME_COLOURS).items()}


def _link(title: object, url: object) -> str:
    """An escaped link: the title, pointing at the url (the plain title when the url is not
    http(s): a ``javascript:`` url must never become a link)."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return html.escape(cell(title))
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(str(title))}</a>'


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


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _readable(frame: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """The frame with a named index as its first columns, an unnamed one dropped."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "value")
    frame = frame.copy()
    frame.columns = [" · ".join(map(str, c)) if isinstance(c, tuple) else c for c in frame.columns]
    named = [name for name in frame.index.names if name is not None]
    return frame.reset_index() if named else frame.reset_index(drop=True)


class Table(Styler):
    """A :class:`Styler` whose plain-text form is the displayed cells (not an object's address)."""

    plain: str = ""

    def __repr__(self) -> str:
        return self.plain


def table(frame: pd.DataFrame | pd.Series, *, table_id: str) -> Table:
    """``frame`` as a table for readers (see the module's docstring); ``table_id`` fixes the
    HTML ids, so the output is the same on every run."""
    frame = _readable(frame)
    plain: dict[str, list[str]] = {}  # the cells' text
    cells: dict[str, list[str]] = {}  # the same as HTML
    numeric = []
    colours = {}
    if "value" in frame.columns and "unit" in frame.columns:
        frame["value"] = [
            quantity(v, u) for v, u in zip(frame["value"], frame["unit"], strict=True)
        ]
        frame = frame.drop(columns="unit")
        numeric.append(header("value"))
    linked = {"source", "url"} <= set(frame.columns)
    for name in frame.columns:
        if name == "url" and linked:
            continue
        title = header(name)
        column = frame[name]
        plain[title] = [cell(v, name) for v in column]
        cells[title] = [html.escape(text) for text in plain[title]]
        if name == "source" and linked:
            cells[title] = [_link(t, u) for t, u in zip(column, frame["url"], strict=True)]
        if _is_number(column):
            numeric.append(title)
        if name == "verdict":
            colours[title] = list(column)
    shown = pd.DataFrame(cells)
    styler = Table(shown, uuid=table_id, cell_ids=False)
    styler.plain = _plain(pd.DataFrame(plain))
    left = {"text-align": "left", "vertical-align": "top"}
    wrap = {"white-space": "normal", "overflow-wrap": "normal", "word-break": "normal"}
    styles = [
        {"selector": "th", "props": list((left | {"white-space": "nowrap"}).items())},
        {"selector": "td", "props": list((left | wrap).items())},
    ]
    for index, title in enumerate(shown.columns):
        if title in numeric:
            right = [("text-align", "right"), ("white-space", "nowrap")]
            styles += [{"selector": f"td.col{index}", "props": right}]
            styles += [{"selector": f"th.col{index}", "props": right}]
        elif shown[title].str.len().max() > 60:
            styles += [{"selector": f"td.col{index}", "props": [("min-width", "16em")]}]
    styler = styler.hide(axis="index").format_index(escape="html", axis=1)
    styler = styler.set_table_styles(styles)
    if colours:
        text_colours = verdict_text_colours()
        classes = pd.DataFrame("", index=shown.index, columns=shown.columns)
        for title, verdicts in colours.items():
            classes[title] = [
                f"verdict-{str(v).replace(' ', '-')}" if v in text_colours else "" for v in verdicts
            ]
        styler = styler.set_td_classes(classes).set_table_styles(
            [
                {
                    "selector": f"td.verdict-{verdict.replace(' ', '-')}",
                    "props": [("color", colour), ("font-weight", "bold")],
                }
                for verdict, colour in text_colours.items()
            ],
            overwrite=False,
        )
    return styler


def _plain(cells: pd.DataFrame) -> str:
    """The cells as plain text, each shortened to :data:`PLAIN_WIDTH` characters."""
    short = cells.map(lambda s: s if len(s) <= PLAIN_WIDTH else s[: PLAIN_WIDTH - 1] + "…")
    return short.to_string(index=False)
