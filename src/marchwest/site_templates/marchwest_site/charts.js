/* marchwest site: fit each plotly chart to its box, at load and whenever the window is resized.
   Every chart is drawn at its box's width. Below NARROW px it is laid out for a phone, from the
   figure's own data and drawn texts; text keeps its size (11 px or more):
   - the legend goes under the plot, in rows (the plot keeps the width); side margins shrink
     (the axes still grow to fit their tick labels: automargin);
   - a y axis's category labels are cut to about 40 % of the width, an x axis's stand upright
     and are thinned when they do not fit; a number or date axis gets a tick per ~70 px; axis
     titles wrap to their axis; an annotation that crosses the figure's edge is anchored inside;
   - a value written past a bar's end keeps its place (the x axis lengthens); a heatmap's cell
     texts show only where they fit;
   - a label of a mark (a map's place, a network's node) that crosses the plot's side goes to
     the other side of its mark; one that would still overprint a label drawn before it (in the
     figure's order) is left out. The hover keeps whatever the phone layout leaves out.
   A chart that keeps its aspect ratio (a map, the network) loses the empty band plotly would
   leave above and below it: the figure gets the height its drawing needs.
   When every chart is fitted, <html data-charts-fitted> holds the window's width. */
(function () {
  "use strict";
  var NARROW = 640;
  var SLACK = 24; // px of empty band worth a relayout
  var GAP = 10; // px between the x axis's texts and a legend below the plot
  var SIDE = 10; // px of side margin on a phone
  var CHAR = 6.6; // px, about, of a character at 11-12 px
  var TICKS = 4; // at most, on a number or date axis on a phone
  var DEFAULT_HEIGHT = 450; // px, plotly's
  var MIN_TEXT = 11; // px, the smallest text on a phone

  function copy(value) { return JSON.parse(JSON.stringify(value === undefined ? {} : value)); }

  function axisNames(layout) {
    return Object.keys(layout).filter(function (key) { return /^[xy]axis\d*$/.test(key) && layout[key]; });
  }

  /* The figure as it came, to go back to at a wider width. */
  function original(gd) {
    if (!gd.__mwOriginal) {
      var axes = {};
      axisNames(gd.layout).forEach(function (name) {
        var axis = gd.layout[name];
        axes[name] = {
          ticktext: axis.ticktext, tickvals: axis.tickvals, nticks: axis.nticks,
          tickangle: axis.tickangle, title: copy(axis.title),
          range: axis.autorange === false || (axis.range && axis.autorange !== true) ? copy(axis.range) : null
        };
      });
      gd.__mwOriginal = {
        legend: copy(gd.layout.legend),
        margin: copy(gd.layout.margin),
        height: gd.layout.height || gd.clientHeight || DEFAULT_HEIGHT,
        axes: axes,
        texts: gd.data.map(function (trace) { return trace.text; }),
        templates: gd.data.map(function (trace) { return trace.texttemplate; }),
        positions: gd.data.map(function (trace) { return trace.textposition; }),
        sizes: gd.data.map(function (trace) { return (trace.textfont || {}).size; }),
        annotations: copy(gd.layout.annotations || [])
      };
    }
    return gd.__mwOriginal;
  }

  /* How many px of the plot area the drawing leaves empty, top to bottom. A y axis tied to an x
     axis's scale with a range of its own (``ranges``) that plotly widened to fill the plot area
     uses only the given range's share of it. */
  function slack(gd, ranges) {
    var full = gd._fullLayout, size = full._size, used = 0, fixed = false;
    Object.keys(full).forEach(function (key) {
      var item = full[key];
      if (/^geo\d*$/.test(key) && item && item._subplot) {
        var box = item._subplot.framework.node().getBBox();
        used = Math.max(used, box.height);
        fixed = true;
      } else if (/^yaxis\d*$/.test(key) && item && (item.scaleanchor || hasAnchoredPartner(full, item))) {
        var given = ranges[key], drawn = item.range;
        var share = given && drawn ? Math.min(1, Math.abs(given[1] - given[0]) / Math.abs(drawn[1] - drawn[0])) : 1;
        used = Math.max(used, item._length * share);
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

  function shown(text) {
    var box = text.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || !text.textContent.trim()) return null;
    for (var e = text; e && e.nodeType === 1; e = e.parentElement) {
      var style = window.getComputedStyle(e);
      if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) === 0) return null;
    }
    return box;
  }

  function overlap(A, B) {
    return Math.min(A.right, B.right) - Math.max(A.left, B.left) > 2 &&
           Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top) > 2;
  }

  /* The chart's drawn texts (not the hover's), each with its box. */
  function texts(gd, selector) {
    var found = [];
    gd.querySelectorAll(selector || "svg text").forEach(function (text) {
      if (text.closest(".hoverlayer")) return;
      var box = shown(text);
      if (box) found.push([text, box]);
    });
    return found;
  }

  /* A category axis's labels cut to ``chars`` characters; the axis's own values stay (hover). */
  function cutLabels(gd, name, chars) {
    var axis = gd._fullLayout[name], start = original(gd).axes[name];
    var values = start.tickvals || (axis.type === "category" ? axis._categories : null);
    if (!values || !values.length) return null;
    var labels = start.ticktext || values;
    var cut = labels.map(function (label) {
      var words = String(label).replace(/<br\s*\/?>/gi, " ");
      if (words.length <= chars) return words;
      var part = words.slice(0, chars - 1), space = part.lastIndexOf(" ");
      return (space > chars / 2 ? part.slice(0, space) : part).replace(/[\s,;:]+$/, "") + "\u2026";
    });
    return { tickvals: values.slice(), ticktext: cut };
  }

  /* Text in lines of at most ``chars`` characters (plotly's <br>), cut at spaces. */
  function wrap(text, chars) {
    var lines = [], line = "";
    String(text).replace(/<br\s*\/?>/gi, " ").split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > chars) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  function narrowAxes(gd, narrow, ranges) {
    var update = {}, start = original(gd), width = gd.clientWidth;
    axisNames(gd.layout).forEach(function (name) {
      var axis = gd._fullLayout[name], was = start.axes[name];
      if (!axis) return;
      if (!narrow) {
        update[name + ".ticktext"] = was.ticktext === undefined ? null : was.ticktext;
        update[name + ".tickvals"] = was.tickvals === undefined ? null : was.tickvals;
        update[name + ".nticks"] = was.nticks === undefined ? null : was.nticks;
        update[name + ".tickangle"] = was.tickangle === undefined ? null : was.tickangle;
        update[name + ".title"] = was.title;
        if (!(name in ranges)) {
          if (was.range) update[name + ".range"] = was.range;
          else update[name + ".autorange"] = true;
        }
        return;
      }
      var category = axis.type === "category" || (was.tickvals && was.ticktext);
      if (category && name.charAt(0) === "y") {
        // A y axis's labels take at most about 40 % of the width.
        var cut = cutLabels(gd, name, Math.max(8, Math.floor(0.4 * width / CHAR)));
        if (cut) { update[name + ".tickvals"] = cut.tickvals; update[name + ".ticktext"] = cut.ticktext; }
      }
    });
    return update;
  }

  /* Once the tick labels are cut: a number or date axis gets a tick per 70 px or so (at most
     TICKS), an axis title lines as long as its axis. */
  function fitTicks(gd) {
    var update = {}, start = original(gd), width = gd.clientWidth;
    axisNames(gd.layout).forEach(function (name) {
      var axis = gd._fullLayout[name], was = start.axes[name], title = was.title;
      if (!axis) return;
      var category = axis.type === "category" || (was.tickvals && was.ticktext);
      if (category && name.charAt(0) === "x") {
        // An x axis's labels stand upright when they do not fit side by side, and every k-th
        // is kept when even so there are more than the axis holds (about 16 px a label).
        var labels = cutLabels(gd, name, 16);
        if (labels) {
          var room = axis._length || width, every = Math.ceil(labels.ticktext.length * 16 / room);
          var across = labels.ticktext.reduce(function (sum, label) { return sum + label.length * CHAR + 8; }, 0);
          update[name + ".tickvals"] = labels.tickvals;
          update[name + ".ticktext"] = labels.ticktext.map(function (label, i) { return i % every ? "" : label; });
          update[name + ".tickangle"] = across > 0.9 * room ? -90 : (was.tickangle === undefined ? null : was.tickangle);
        }
      } else if (!was.tickvals && (axis.type === "linear" || axis.type === "date" || axis.type === "log")) {
        update[name + ".nticks"] = Math.max(2, Math.min(was.nticks || TICKS, TICKS, Math.floor(axis._length / 70)));
      }
      if (!title || !title.text) return;
      var chars = Math.max(12, Math.floor(Math.min(axis._length || width, 0.8 * width) / 7.5));
      update[name + ".title"] = Object.assign(copy(title), { text: wrap(title.text, chars) });
    });
    return Object.keys(update).length ? Plotly.relayout(gd, update) : Promise.resolve();
  }

  function hasLegend(gd) {
    var full = gd._fullLayout;
    return full.showlegend !== false && gd.querySelector("g.legend .traces") !== null;
  }

  /* How far (px) below the plot area the x axes' texts reach. */
  function axisDepth(gd) {
    var top = gd.getBoundingClientRect().top, size = gd._fullLayout._size, bottom = size.t + size.h, depth = 0;
    texts(gd, ".xaxislayer-above text, .xtick text, [class^='g-x'] text, .xtitle").forEach(function (found) {
      depth = Math.max(depth, found[1].bottom - top - bottom);
    });
    return depth;
  }


  /* On a phone, at ``height`` px of figure: narrow side margins, and the legend in rows under the
     plot (the figure grows by the legend's height). ``ranges`` go back to the figure's own. */
  function phoneLayout(gd, height, ranges) {
    var start = original(gd), margin = Object.assign(copy(start.margin), { l: SIDE, r: SIDE });
    if (!hasLegend(gd)) return setHeight(gd, height, Object.assign(copy(ranges), { margin: margin }));
    var legend = Object.assign(copy(start.legend), {
      orientation: "h", x: 0, xanchor: "left", y: 0, yanchor: "top", yref: "paper", xref: "paper"
    });
    return setHeight(gd, height, Object.assign(copy(ranges), { legend: legend, margin: margin })).then(function () {
      var full = gd._fullLayout, rows = full.legend._height || 0, depth = axisDepth(gd) + GAP;
      var bottom = Math.max(full._size.b, depth + rows + GAP), total = height + rows + GAP;
      legend.y = -depth / (total - full._size.t - bottom);
      margin.b = bottom;
      return setHeight(gd, total, Object.assign(copy(ranges), { legend: legend, margin: margin }));
    });
  }

  /* The plot area, in the page's coordinates. */
  function plotFrame(gd) {
    var figure = gd.getBoundingClientRect(), size = gd._fullLayout._size;
    return { left: figure.left + size.l, right: figure.left + size.l + size.w,
             top: figure.top + size.t, bottom: figure.top + size.t + size.h };
  }

  /* Each drawn label of a mark: its trace, its point and its text element, in the figure's order. */
  function markLabels(gd) {
    var points = [];
    gd.querySelectorAll("g.trace.scatter text, g.trace.scattergeo text").forEach(function (text) {
      var group = text.closest("g.trace"), cd = group && group.__data__, point = text.parentNode.__data__;
      if (!cd || !cd[0] || !cd[0].trace || !point || typeof point.i !== "number") return;
      points.push({ trace: cd[0].trace.index, point: point.i, text: text });
    });
    return points.sort(function (a, b) { return a.trace - b.trace || a.point - b.point; });
  }

  /* Labels of marks (a map's places, a network's nodes): one that reaches past the plot's left
     or right edge goes to the other side of its mark; one that would still overprint a label
     drawn before it (in the figure's order) or leave the plot is left out, the hover keeps it. */
  function thinLabels(gd, narrow) {
    var start = original(gd), labelled = [];
    gd.data.forEach(function (trace, index) {
      if (/text/.test(trace.mode || "") && Array.isArray(start.texts[index])) labelled.push(index);
    });
    if (!labelled.length) return Promise.resolve();
    var positions = labelled.map(function (index) {
      var given = start.positions[index];
      return start.texts[index].map(function (text, point) { return Array.isArray(given) ? given[point] : given; });
    });
    var full = labelled.map(function (index) { return start.texts[index].slice(); });
    return Plotly.restyle(gd, { text: full, textposition: labelled.map(function (index) { return start.positions[index]; }) }, labelled).then(function () {
      if (!narrow) return null;
      var frame = plotFrame(gd), flipped = false;
      markLabels(gd).forEach(function (p) {
        var box = shown(p.text), g = labelled.indexOf(p.trace), where = positions[g] && positions[g][p.point];
        if (!box || !where || !/markers/.test(gd.data[p.trace].mode)) return;
        var side = where.indexOf(" ") < 0 ? where : where.split(" ")[1];
        var row = where.indexOf(" ") < 0 ? "middle" : where.split(" ")[0];
        if (box.right > frame.right && side !== "left") { positions[g][p.point] = row + " left"; flipped = true; }
        else if (box.left < frame.left && side !== "right") { positions[g][p.point] = row + " right"; flipped = true; }
      });
      return flipped ? Plotly.restyle(gd, { textposition: positions }, labelled) : null;
    }).then(function () {
      if (!narrow) return null;
      var frame = plotFrame(gd), kept = [], hidden = {};
      markLabels(gd).forEach(function (p) {
        var box = shown(p.text);
        if (!box) return;
        var out = box.left < frame.left || box.right > frame.right || box.top < frame.top || box.bottom > frame.bottom;
        if (out || kept.some(function (other) { return overlap(box, other); })) hidden[p.trace + ":" + p.point] = true;
        else kept.push(box);
      });
      var thinned = labelled.map(function (index) {
        return start.texts[index].map(function (text, point) { return hidden[index + ":" + point] ? "" : text; });
      });
      return Plotly.restyle(gd, { text: thinned }, labelled);
    });
  }

  /* A heatmap's cell texts show only where they fit in a cell (the hover keeps them), at 11 px or
     more on a phone. */
  function cellTexts(gd, narrow) {
    var start = original(gd), cells = [], templates = [], sizes = [];
    gd.data.forEach(function (trace, index) {
      if (trace.type !== "heatmap" || !start.templates[index]) return;
      var columns = (trace.x || (trace.z[0] || [])).length || 1;
      var longest = 0;
      (trace.text || []).forEach(function (row) {
        (row || []).forEach(function (text) { longest = Math.max(longest, String(text).length); });
      });
      var fits = gd._fullLayout._size.w / columns >= longest * 0.6 * 10;
      cells.push(index);
      templates.push(narrow && !fits ? "" : start.templates[index]);
      sizes.push(narrow ? Math.max(MIN_TEXT, start.sizes[index] || MIN_TEXT) : start.sizes[index]);
    });
    return cells.length ? Plotly.restyle(gd, { texttemplate: templates, "textfont.size": sizes }, cells) : Promise.resolve();
  }

  /* A bar's value written past its end goes inside the bar where there is no room past it
     (plotly's "auto"), rather than being cut off at the plot's edge. */
  function barTexts(gd, narrow) {
    var start = original(gd), bars = [], positions = [];
    gd.data.forEach(function (trace, index) {
      if (trace.type === "bar" && start.positions[index] === "outside") {
        bars.push(index);
        positions.push(narrow ? "auto" : "outside");
      }
    });
    return bars.length ? Plotly.restyle(gd, { textposition: positions }, bars) : Promise.resolve();
  }

  /* Labels written past the end of a mark (a bar's value) that reach past the plot's right edge:
     the x axis (one not tied to another's scale) is lengthened so that they fit inside. */
  function roomForLabels(gd, narrow, pass) {
    if (!narrow || pass > 4) return Promise.resolve();
    var full = gd._fullLayout, right = gd.getBoundingClientRect().left + full._size.l + full._size.w, need = {};
    gd.querySelectorAll("g.trace.scatter text").forEach(function (text) {
      var group = text.closest("g.trace"), cd = group && group.__data__, box = shown(text);
      if (!box || !cd || !cd[0] || !cd[0].trace) return;
      var name = (cd[0].trace.xaxis || "x").replace("x", "xaxis"), axis = full[name];
      if (!axis || axis.type !== "linear" || axis.scaleanchor || hasAnchoredPartner(full, full[(cd[0].trace.yaxis || "y").replace("y", "yaxis")] || {})) return;
      need[name] = Math.max(need[name] || 0, box.right - right);
    });
    var update = {};
    Object.keys(need).forEach(function (name) {
      var axis = full[name], over = need[name];
      if (over <= 1 || over > 0.9 * axis._length) return;
      var span = axis.range[1] - axis.range[0];
      update[name + ".range"] = [axis.range[0], axis.range[1] + span * (over + 4) / (axis._length - over - 4)];
    });
    if (!Object.keys(update).length) return Promise.resolve();
    return Plotly.relayout(gd, update).then(function () { return roomForLabels(gd, narrow, pass + 1); });
  }

  /* An annotation that reaches out of the figure is anchored at the side it crosses. */
  function keepNotesInside(gd, narrow) {
    var start = original(gd), update = {};
    if (!start.annotations.length) return Promise.resolve();
    start.annotations.forEach(function (note, i) { update["annotations[" + i + "].xanchor"] = note.xanchor || "auto"; });
    return Plotly.relayout(gd, update).then(function () {
      if (!narrow) return null;
      var frame = gd.getBoundingClientRect(), moved = {};
      gd.querySelectorAll(".annotation").forEach(function (group) {
        var i = Number(group.getAttribute("data-index")), box = group.getBoundingClientRect();
        if (box.right > frame.right + 1) moved["annotations[" + i + "].xanchor"] = "right";
        else if (box.left < frame.left - 1) moved["annotations[" + i + "].xanchor"] = "left";
      });
      return Object.keys(moved).length ? Plotly.relayout(gd, moved) : null;
    });
  }

  /* The figure's height: its boxes' (plotly's autosize reads it, and the box's width, on every
     resize; a height given to plotly.js itself would fix its width too), after ``update``. */
  function setHeight(gd, height, update) {
    gd.style.height = gd.parentElement.style.height = Math.round(height) + "px";
    var first = update && Object.keys(update).length ? Plotly.relayout(gd, update) : Promise.resolve();
    return first.then(function () { return Plotly.Plots.resize(gd); });
  }

  function fit(gd) {
    if (!gd._fullLayout || !window.Plotly) return Promise.resolve();
    var start = original(gd), ranges = JSON.parse(gd.dataset.ranges || "{}"), reset = {};
    Object.keys(ranges).forEach(function (axis) {
      if (ranges[axis]) reset[axis + ".range"] = ranges[axis];
      else reset[axis + ".autorange"] = true;
    });
    var narrow = gd.clientWidth < NARROW, height = start.height;
    var update = Object.assign(copy(reset), narrowAxes(gd, narrow, ranges), { legend: copy(start.legend), margin: copy(start.margin) });
    return setHeight(gd, height, update).then(function () {
      return Plotly.Plots.resize(gd);
    }).then(function () {
      if (narrow) return phoneLayout(gd, height, reset);
    }).then(function () {
      if (narrow) return fitTicks(gd);
    }).then(function () {
      // The legend measured again under the titles as wrapped, and the empty band taken out.
      var empty = slack(gd, ranges);
      if (empty > SLACK) height -= empty;
      else if (!narrow) return null;
      return narrow ? phoneLayout(gd, height, reset) : setHeight(gd, height, copy(reset));
    }).then(function () {
      return barTexts(gd, narrow);
    }).then(function () {
      return cellTexts(gd, narrow);
    }).then(function () {
      return keepNotesInside(gd, narrow);
    }).then(function () {
      return roomForLabels(gd, narrow, 0);
    }).then(function () {
      return thinLabels(gd, narrow);
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
