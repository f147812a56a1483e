"""plotly.js's configuration for every interactive chart, in notebooks and on the site.

Its own module, importing nothing: the site's build uses it without importing the renderers
(``marchwest.plot`` loads matplotlib).
"""

# The modebar keeps what works offline (zoom, pan, reset, download a PNG): no plotly logo linking
# to plotly's site, and no "Share chart..." button, which uploads the chart to Plotly Cloud
# (plotly.js 4 shows it by default: showSendToCloud). Notebook outputs carry it (the output of
# ``marchwest.plot.show``); the site's pages add it to every figure, also to outputs without it.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud"],
}
