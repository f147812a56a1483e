"""Partnership chart specs: one entity's ties as a network, and partners by kind of tie
(notebook 07).

Inputs are tidy frames from ``marchwest.partnerships``:

- ``ties``: ``partner_ties`` rows (one per tie: partner, partner_name, kind, detail, start,
  end, evidence, source_ids);
- ``positions``: ``network_layout`` (node, x, y, kinds);
- ``matrix``: ``kind_matrix`` (partners by kinds, the number of ties).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import pandas as pd

from marchwest.plot.membership import _text_colour
from marchwest.plot.spec import ChartSpec, GridLayout, NetworkLayout
from marchwest.plot.style import OTHER_COLOUR, TIE_KIND_COLOURS, display_name, entity_colour

NONE_COLOUR = "#F7F7F7"
# Partners' dots: one dark grey, no tie kind's colour, so a dot is never read as a kind of tie
# (each dot is named; its size and distance say how many kinds of tie it has).
NODE_COLOUR = "#4D4D4D"
GAP = 0.022  # between the parallel lines of one partner's kinds of tie
HOVER_TIES = 6  # ties listed in one hover text; the rest are counted
QUOTE_CHARS = 110
HOVER_WIDTH = 90  # characters per line of hover text


def _kinds(values) -> list[str]:
    present = set(values)
    return [k for k in TIE_KIND_COLOURS if k in present] + sorted(present - set(TIE_KIND_COLOURS))


def _node_colour(node: str, centre: str) -> str:
    """The centre in its own colour (China's red) unless a kind of tie has it; partners grey."""
    own = entity_colour(centre)
    if node == centre and own not in TIE_KIND_COLOURS.values() and own != OTHER_COLOUR:
        return own
    return NODE_COLOUR


def _when(start: object, end: object) -> str:
    if pd.isna(start):
        return "undated"
    if pd.isna(end):
        return f"from {start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d}" if start == end else f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"


def _shortened(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def tie_lines(ties: pd.DataFrame) -> list[str]:
    """One line per tie: what it is, when, and its evidence (the article's words, quoted) or
    its sources; after ``HOVER_TIES`` lines, how many more."""
    return _lines(list(ties.itertuples()))


def _lines(ties: list) -> list[str]:
    """:func:`tie_lines` of ties as rows (named tuples)."""
    lines = []
    for tie in ties[:HOVER_TIES]:
        proof = (
            f"“{_shortened(tie.evidence[0])}”"
            if tie.evidence
            else "source: " + ", ".join(tie.source_ids)
        )
        text = f"• {tie.detail} ({_when(tie.start, tie.end)}): {proof}"
        lines.append("\n  ".join(textwrap.wrap(text, HOVER_WIDTH, break_on_hyphens=False)))
    if len(ties) > HOVER_TIES:
        lines.append(f"… and {len(ties) - HOVER_TIES} more")
    return lines


def _by_partner_and_kind(ties: pd.DataFrame, partner: str) -> dict[tuple[str, str], list]:
    """The ties as rows, grouped by (``partner`` column, kind), in their order: one pass over
    the frame instead of a selection per group."""
    groups: dict[tuple[str, str], list] = {}
    for tie in ties.itertuples():
        groups.setdefault((getattr(tie, partner), tie.kind), []).append(tie)
    return groups


def tie_network(
    ties: pd.DataFrame,
    positions: pd.DataFrame,
    *,
    centre: str,
    labels: Mapping[str, str] | None = None,
    title: str,
    caption: str = "",
) -> ChartSpec:
    """``centre`` and its partners at ``positions``, one line per partner and kind of tie
    (side by side when a partner has several), coloured by kind; hover: the ties and their
    evidence."""
    place = positions.set_index("node")
    centre_name = display_name(centre, labels)
    groups = _by_partner_and_kind(ties, "partner")
    rows = []
    summary = []
    for partner in dict.fromkeys(ties["partner"]):
        name = display_name(partner, labels)
        x, y = place.at[partner, "x"], place.at[partner, "y"]
        length = math.hypot(x, y) or 1.0
        normal = (-y / length, x / length)
        kinds = _kinds(kind for own_partner, kind in groups if own_partner == partner)
        summary.append(f"{name} ({', '.join(kinds)})")
        for index, kind in enumerate(kinds):
            shift = (index - (len(kinds) - 1) / 2) * GAP
            dx, dy = normal[0] * shift, normal[1] * shift
            group = groups[partner, kind]
            head = f"{centre_name} – {name}: {kind} ({len(group)})"
            rows.append(
                {
                    "mark": "edge",
                    "x": dx,
                    "y": dy,
                    "x_end": x + dx,
                    "y_end": y + dy,
                    "label": "",
                    "group": kind,
                    "colour": TIE_KIND_COLOURS.get(kind, OTHER_COLOUR),
                    "size": 0.0,
                    "hover": "\n".join([head, *_lines(group)]),
                }
            )
    edges = pd.DataFrame(rows)
    order = {kind: index for index, kind in enumerate(_kinds(edges["group"]))}
    edges = edges.sort_values("group", key=lambda g: g.map(order), kind="stable")
    nodes = []
    for node, (x, y, kinds) in place[["x", "y", "kinds"]].iterrows():
        name = display_name(node, labels)
        own_kinds = _kinds(kind for partner, kind in groups if partner == node)
        listed = ", ".join(f"{kind} {len(groups[node, kind])}" for kind in own_kinds)
        nodes.append(
            {
                "mark": "node",
                "x": x,
                "y": y,
                "x_end": float("nan"),
                "y_end": float("nan"),
                "label": name,
                "group": "node",
                "colour": _node_colour(node, centre),
                "size": 900.0 if node == centre else 60.0 + 40.0 * kinds,
                "hover": f"{name}\n{listed}" if node != centre else name,
            }
        )
    marks = pd.concat([edges, pd.DataFrame(nodes)], ignore_index=True)
    description = (
        f"A network of {centre_name}'s ties with {len(summary)} partners, one coloured line per "
        "kind of tie, partners (grey dots, each named) with more kinds of tie larger and closer "
        "to the centre: " + "; ".join(summary) + "."
    )
    return ChartSpec(
        kind="network",
        marks=marks,
        title=title,
        description=description,
        caption=caption,
        layout=NetworkLayout(width=1100, height=760, legend_title="kind of tie"),
    )


def kind_grid(
    matrix: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    title: str,
    caption: str = "",
) -> ChartSpec:
    """Partners (rows, by ``partner_name``) by kinds of tie (columns): a cell in the kind's
    colour holding the number of ties, blank when none; hover: the ties and their evidence."""
    grouped = _by_partner_and_kind(ties, "partner_name")
    rows = []
    for partner, line in matrix.iterrows():
        for kind, count in line.items():
            colour = TIE_KIND_COLOURS.get(kind, OTHER_COLOUR) if count else NONE_COLOUR
            own = grouped.get((partner, kind))
            note = "\n".join(_lines(own)) if own is not None else ""
            rows.append(
                {
                    "row": str(partner),
                    "column": str(kind).replace(" ", "\n"),
                    "value": str(kind) if count else "",
                    "colour": colour,
                    "text": str(count) if count else "",
                    "text_colour": _text_colour(colour),
                    "hover": f"{partner} · {kind}: {count}"
                    + (f"\n{note}" if isinstance(note, str) and note else ""),
                }
            )
    marks = pd.DataFrame(rows)
    kinds = [str(kind) for kind in matrix.columns]
    summary = "; ".join(
        f"{partner}: " + ", ".join(f"{kind} {count}" for kind, count in line.items() if count)
        for partner, line in matrix.iterrows()
    )
    return ChartSpec(
        kind="grid",
        marks=marks,
        title=title,
        description=f"A grid of {matrix.shape[0]} partners by {matrix.shape[1]} kinds of tie, "
        f"each cell the number of ties of that kind (blank: none). {summary}.",
        caption=caption,
        layout=GridLayout(
            legend=tuple((k, TIE_KIND_COLOURS.get(k, OTHER_COLOUR)) for k in kinds),
            empty_colour=NONE_COLOUR,
            legend_title="kind of tie",
        ),
    )
