"""A spec drawn for a notebook: :func:`figure` by one renderer, :func:`show` by both in one output."""

from __future__ import annotations

from marchwest.plot.render_matplotlib import to_matplotlib
from marchwest.plot.render_plotly import to_plotly
from marchwest.plot.spec import ChartSpec


def figure(spec: ChartSpec, renderer: str = "matplotlib"):
    """The spec drawn by ``renderer`` ("matplotlib" or "plotly")."""
    if renderer == "matplotlib":
        return to_matplotlib(spec)
    if renderer == "plotly":
        return to_plotly(spec)
    raise ValueError(f"unknown renderer {renderer!r}: 'matplotlib' or 'plotly'")


class Shown:
    """A chart as one notebook output, a bundle each client draws once, the richest way it can:
    the plotly figure (JupyterLab, VS Code, the site), the matplotlib PNG (GitHub, nbconvert's
    static HTML, the site without JavaScript) and the title as ``text/plain``. The description
    is the PNG's alt text (``metadata["image/png"]["alt"]``, which nbconvert's classic template
    writes); the data drawn is ``metadata["marchwest"]`` (:meth:`ChartSpec.data`, which the
    site writes as a CSV)."""

    def __init__(self, spec: ChartSpec):
        import json

        import plotly.io as pio
        from IPython.core.pylabtools import print_figure

        from marchwest.plot.style import PLOTLY_CONFIG

        # Drawn here, not when the notebook asks for the output: IPython shows an error raised
        # there as a warning and the cell still succeeds, so a chart that cannot be drawn would
        # pass `marchwest run` and nbval unseen.
        # Constrained layout already fits every chart to its figure: bbox_inches="tight" (IPython's
        # default) would measure all its text once more, for a margin of 0.1 in.
        png = print_figure(figure(spec, "matplotlib"), "png", base64=True, bbox_inches=None)
        # What plotly's plotly_mimetype renderer returns (the figure and its config), without
        # importing plotly.io's renderers (they pull in nbformat and jsonschema: ~0.1 s).
        plotly = json.loads(pio.to_json(figure(spec, "plotly"), validate=False, remove_uids=False))
        self.spec = spec
        self.data = {
            "image/png": png,
            "application/vnd.plotly.v1+json": plotly | {"config": PLOTLY_CONFIG},
            "text/plain": spec.title,
        }
        self.metadata = {"image/png": {"alt": spec.description}, "marchwest": spec.data()}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.data, self.metadata


def show(spec: ChartSpec) -> Shown:
    """The chart for a notebook cell: one output holding the interactive plotly figure and the
    matplotlib PNG, with the description as alt text (see :class:`Shown`)."""
    return Shown(spec)
