"""Tables for readers: a DataFrame shown as a readable, escaped HTML table (display only).

``table(frame, table_id=...)`` leaves the frame as it is and shows it with words for headers
("Share (%)", not ``share_pct``), no index unless it is named (a named index becomes the first
column), "—" for an empty cell, text that wraps between words, numbers right-aligned without a
needless ".0" ("200 troops": a ``value`` beside a ``unit`` column is written with its unit),
dates as days, lists joined, verdicts in their colour darkened to read as text, and sources as
links. Its plain-text form (what GitHub's diff and nbval read) is the same cells, shortened.
Numbers are written by ``marchwest.names`` (which the profile card uses too).
"""

from __future__ import annotations

import html
import re

import pandas as pd
from pandas.io.formats.style import Styler

from marchwest.names import cell, quantity
from marchwest.plot.contrast import darkened
from marchwest.plot.style import OUTCOME_COLOURS, VERDICT_COLOURS

PLAIN_WIDTH = 40  # characters of a cell in the plain-text form


def header(name: object) -> str:
    """A column name in words, capitalised: ``claim_id`` → "Claim", ``share_pct`` → "Share (%)",
    "the article says" → "The article says"."""
    text = str(name)
    if text == text.strip("_") and " " not in text and text.islower():  # snake_case
        text = re.sub(r"_pct$", " (%)", re.sub(r"_id$", "", text)).replace("_", " ")
    return text[:1].upper() + text[1:]


def verdict_text_colours() -> dict[str, str]:
    """Each verdict (fact-check and hindsight) in its chart colour, darkened to read as text on
    white (WCAG AA, 4.5:1)."""
    return {v: darkened(c) for v, c in (VERDICT_COLOURS | OUTCOME_COLOURS).items()}


def _link(title: object, url: object) -> str:
    """An escaped link: the title, pointing at the url (the plain title when the url is not
    http(s): a ``javascript:`` url must never become a link)."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return html.escape(cell(title))
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(str(title))}</a>'


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
        elif len(shown) and shown[title].str.len().max() > 60:  # (an empty column has no .str)
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
