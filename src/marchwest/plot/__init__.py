"""Charts: tidy DataFrames in, a ChartSpec (marks, words, alt text), and figures out.

Knows no files and no ledger: the notebooks load the tables, compute with the analysis modules
(``marchwest.arms``, ``marchwest.membership`` ...) and pass the results in. Each topic module
builds specs; ``render_matplotlib`` and ``render_plotly`` draw any spec; ``show`` puts one in a
notebook with its description as alt text.
"""

# Both renderers load with the package (through display): a notebook's import cell pays for them,
# not its first chart.
from marchwest.plot.display import figure, show
from marchwest.plot.spec import (
    Annotation,
    BarsLayout,
    ChartSpec,
    ColumnsLayout,
    GridLayout,
    LinesLayout,
    MapLayout,
    NetworkLayout,
    TimelineLayout,
    TimelinePanel,
)

__all__ = [
    "Annotation",
    "BarsLayout",
    "ChartSpec",
    "ColumnsLayout",
    "GridLayout",
    "LinesLayout",
    "MapLayout",
    "NetworkLayout",
    "TimelineLayout",
    "TimelinePanel",
    "figure",
    "show",
]
