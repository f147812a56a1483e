/* marchwest site: fit each plotly chart to its box, at load and whenever the window is resized.
   - Below NARROW px a legend at the side goes above the plot, in rows, so the plot keeps the width.
   - A chart whose texts collide at the box's width (two labels over each other, or a label out of
     the figure) is drawn at the next of WIDTHS at which they do not, and its box scrolls sideways:
     the text stays legible instead of shrinking or overprinting.
   - A chart that keeps its aspect ratio (a map, the network) loses the empty band plotly would
     leave above and below it at narrow widths: the figure gets the height its drawing needs.
   When every chart is fitted, <html data-charts-fitted> holds the window's width. */
(function () {
  "use strict";
  var NARROW = 640;
  var WIDTHS = [480, 560, 640, 760, 880, 1040];
  var SLACK = 24; // px of empty band worth a relayout

  function copy(value) { return JSON.parse(JSON.stringify(value || {})); }

  function original(gd) {
    if (!gd.__mwOriginal) {
      gd.__mwOriginal = { legend: copy(gd.layout.legend), height: gd.style.height };
    }
    return gd.__mwOriginal;
  }

  /* How many px of the plot area the drawing leaves empty, top to bottom. */
  function slack(gd) {
    var full = gd._fullLayout, size = full._size, used = 0, fixed = false;
    Object.keys(full).forEach(function (key) {
      var item = full[key];
      if (/^geo\d*$/.test(key) && item && item._subplot) {
        var box = item._subplot.framework.node().getBBox();
        used = Math.max(used, box.height);
        fixed = true;
      } else if (/^yaxis\d*$/.test(key) && item && (item.scaleanchor || hasAnchoredPartner(full, item))) {
        used = Math.max(used, item._length);
        fixed = true;
      }
    });
    return fixed ? size.h - used : 0;
  }

  function hasAnchoredPartner(full, yaxis) {
    return Object.keys(full).some(function (key) {
      return /^xaxis\d*$/.test(key) && full[key] && full[key].scaleanchor === yaxis._id;
    });
  }

  function legendUpdate(gd) {
    var start = original(gd).legend, narrow = gd.clientWidth < NARROW;
    if (start.orientation === "h" || gd.layout.showlegend === false) return null;
    var rows = (gd.layout.legend || {}).orientation === "h";
    if (narrow && !rows) {
      return Object.assign(copy(start), { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" });
    }
    if (!narrow && rows) return copy(start);
    return null;
  }

  function shown(text) {
    var box = text.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || !text.textContent.trim()) return null;
    for (var e = text; e && e.nodeType === 1; e = e.parentElement) {
      var style = window.getComputedStyle(e);
      if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) === 0) return null;
    }
    return box;
  }

  /* Whether two texts of the chart overlap, or one reaches out of the figure. */
  function collides(gd) {
    var frame = gd.getBoundingClientRect(), boxes = [];
    gd.querySelectorAll("svg text").forEach(function (text) {
      if (text.closest(".hoverlayer")) return;
      var box = shown(text);
      if (box) boxes.push([text, box]);
    });
    return boxes.some(function (a, i) {
      var A = a[1];
      if (A.left < frame.left - 1 || A.right > frame.right + 1 || A.top < frame.top - 1 || A.bottom > frame.bottom + 1) return true;
      return boxes.slice(i + 1).some(function (b) {
        if (a[0].contains(b[0]) || b[0].contains(a[0])) return false;
        var B = b[1];
        return Math.min(A.right, B.right) - Math.max(A.left, B.left) > 2 &&
               Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top) > 2;
      });
    });
  }

  function widen(gd, step, reset) {
    if (step >= WIDTHS.length || !collides(gd)) return Promise.resolve();
    if (WIDTHS[step] <= gd.clientWidth) return widen(gd, step + 1, reset);
    gd.style.minWidth = WIDTHS[step] + "px";
    var first = Object.keys(reset).length ? Plotly.relayout(gd, reset) : Promise.resolve();
    return first.then(function () { return Plotly.Plots.resize(gd); }).then(function () {
      var legend = legendUpdate(gd);  // at NARROW px and wider the legend goes back to its side
      if (legend) return Plotly.relayout(gd, { legend: legend });
    }).then(function () { return widen(gd, step + 1, reset); });
  }

  /* The figure's height is its div's (plotly's autosize reads it on every resize). */
  function resize(gd, height) {
    gd.style.height = height;
    return Plotly.Plots.resize(gd);
  }

  function fit(gd) {
    if (!gd._fullLayout || !window.Plotly) return Promise.resolve();
    var start = original(gd), ranges = JSON.parse(gd.dataset.ranges || "{}"), reset = {};
    Object.keys(ranges).forEach(function (axis) {
      if (ranges[axis]) reset[axis + ".range"] = ranges[axis];
      else reset[axis + ".autorange"] = true;
    });
    gd.style.minWidth = "";
    gd.style.height = start.height;
    var first = Object.keys(reset).length ? Plotly.relayout(gd, reset) : Promise.resolve();
    return first.then(function () { return resize(gd, start.height); }).then(function () {
      var legend = legendUpdate(gd);
      if (legend) return Plotly.relayout(gd, { legend: legend });
    }).then(function () {
      return widen(gd, 0, reset);
    }).then(function () {
      var empty = slack(gd);
      if (empty <= SLACK) return null;
      return resize(gd, Math.round(parseFloat(start.height) - empty) + "px").then(function () {
        if (collides(gd)) return resize(gd, start.height);  // only a band that was truly empty
      });
    });
  }

  function fitAll() {
    var charts = document.querySelectorAll(".js-plotly-plot");
    fittedWidth = window.innerWidth;
    return Promise.all(Array.prototype.map.call(charts, fit)).then(function () {
      document.documentElement.dataset.chartsFitted = String(window.innerWidth);
    });
  }

  var pending = null, fittedWidth = null;
  window.addEventListener("resize", function () {
    // Only a new width refits: a phone changes the height as its address bar hides and shows.
    if (window.innerWidth === fittedWidth) return;
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () { pending = null; fitAll(); });
  });
  window.addEventListener("load", fitAll);
})();
