// For each plotly chart of the page: texts (SVG, outside the hover layer) that overlap another,
// that reach out of the chart's figure, or that are drawn smaller than 9 px.
() => {
  const shown = el => {
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || !el.textContent.trim()) return null;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return null;
    }
    return box;
  };
  const report = {overlapping: [], outside: [], small: []};
  document.querySelectorAll('div.plotly-graph-div').forEach((div, n) => {
    const frame = div.getBoundingClientRect();
    const texts = Array.from(div.querySelectorAll('svg text'))
      .filter(t => !t.closest('.hoverlayer'))
      .map(t => [t, shown(t)]).filter(([, box]) => box);
    texts.forEach(([t, box]) => {
      const label = `chart ${n + 1}: ${t.textContent.slice(0, 50)}`;
      if (box.left < frame.left - 1 || box.right > frame.right + 1
          || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) report.outside.push(label);
      const size = parseFloat(getComputedStyle(t).fontSize);
      if (size < 9) report.small.push(`${label} (${size} px)`);
    });
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [a, A] = texts[i], [b, B] = texts[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(A.right, B.right) - Math.max(A.left, B.left);
      const h = Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top);
      if (w > 2 && h > 2) report.overlapping.push(
        `chart ${n + 1}: ${a.textContent.slice(0, 40)} | ${b.textContent.slice(0, 40)}`);
    }
  });
  return report;
}
