// Line and point charts drawn as SVG: the coverage projection, days to
// target against budget, and plan against actual progress.

import { h } from "./ui.js";
import { fmtInt, fmtMonth, fmtDate } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (name === "style") {
      // Through the CSSOM: the page's CSP forbids inline style attributes.
      for (const rule of String(value).split(";")) {
        const at = rule.indexOf(":");
        if (at > 0) element.style.setProperty(rule.slice(0, at).trim(), rule.slice(at + 1).trim());
      }
      continue;
    }
    element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** "2027-01-04" → milliseconds, for a date axis. */
export function dateValue(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
}

function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((c) => c >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

function monthTicks(min, max, most = 7) {
  const start = new Date(min);
  const months = [];
  let y = start.getUTCFullYear(), m = start.getUTCMonth() + 1;
  for (;;) {
    if (m > 11) { m = 0; y += 1; }
    const v = Date.UTC(y, m, 1);
    if (v > max) break;
    months.push({ v, y, m });
    m += 1;
  }
  const step = Math.max(1, Math.ceil(months.length / most));
  return months.filter((_, i) => i % step === 0).map(({ v, y, m }) => ({ v, label: fmtMonth(y, m) }));
}

/**
 * An XY chart. `series`: [{label, color, points: [{x, y, title, hollow}],
 * line, dots, dashed}]; `hlines`: [{y, label, color}]; x.type "date" takes
 * ISO dates, "number" numbers. Points get class "point" (one per datum).
 */
export function xyChart(spec) {
  let width = 960;
  let svg = drawXY(spec, width);
  const legend = h(
    "ul",
    { class: "chart-legend" },
    spec.series.filter((se) => se.label).map((se) => h("li", {}, h("span", { class: "swatch line" + (se.dashed ? " dashed" : ""), style: `border-color:${se.color}` }), se.label)),
    (spec.hlines || []).filter((l) => l.label).map((l) => h("li", {}, h("span", { class: "swatch line dashed", style: `border-color:${l.color || "#1e8449"}` }), l.label))
  );
  const figure = h("figure", { class: "chart-figure" }, svg, legend);
  // Drawn again at the width it is shown at, so its text keeps its size: a
  // 960-unit drawing squeezed onto a phone would shrink 11 px labels to 5.
  // The redraw waits for the next frame: redrawing inside the observer's
  // callback would resize the figure while its notices are delivered.
  if (typeof ResizeObserver === "function") {
    let pending = false;
    new ResizeObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        const shown = Math.round(figure.getBoundingClientRect().width);
        if (shown < 200 || Math.abs(shown - width) < 2) return;
        width = shown;
        const next = drawXY(spec, width);
        svg.replaceWith(next);
        svg = next;
      });
    }).observe(figure);
  }
  return figure;
}

/** The chart's SVG drawn `width` units wide, one unit a pixel where shown. */
function drawXY({ series, hlines = [], x = {}, y = {}, className = "" }, width) {
  const narrow = width < 600;
  const height = narrow ? 260 : 340;
  const margin = narrow ? { top: 14, right: 12, bottom: 40, left: 56 } : { top: 16, right: 20, bottom: 44, left: 72 };
  const toX = (value) => (x.type === "date" ? dateValue(value) : Number(value));
  const all = series.flatMap((se) => se.points.map((p) => ({ x: toX(p.x), y: Number(p.y) }))).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  let xMin = Math.min(...all.map((p) => p.x)), xMax = Math.max(...all.map((p) => p.x));
  let yMin = y.min ?? Math.min(0, ...all.map((p) => p.y)), yMax = Math.max(...all.map((p) => p.y), ...hlines.map((l) => l.y));
  if (!Number.isFinite(xMin)) { xMin = 0; xMax = 1; }
  if (xMax === xMin) { xMin -= 1; xMax += 1; }
  if (!Number.isFinite(yMax) || yMax === yMin) yMax = yMin + 1;
  yMax += (yMax - yMin) * 0.06;
  if (x.type !== "date") {
    const span = xMax - xMin;
    xMin -= span * 0.04;
    xMax += span * 0.04;
  }
  const pw = width - margin.left - margin.right, ph = height - margin.top - margin.bottom;
  const px = (v) => margin.left + ((v - xMin) / (xMax - xMin)) * pw;
  const py = (v) => margin.top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart " + className, role: "img" });

  const grid = s("g", { class: "grid" });
  const yFormat = y.format || fmtInt;
  for (const tick of niceTicks(yMin, yMax, 5)) {
    grid.append(s("line", { x1: margin.left, x2: margin.left + pw, y1: py(tick), y2: py(tick) }));
    svg.append(s("text", { x: margin.left - 8, y: py(tick) + 4, class: "tick y" }, yFormat(tick)));
  }
  // About one x label per 100 px, so they never run into each other.
  const xCount = Math.max(2, Math.min(6, Math.floor(pw / 100)));
  const xTicks = x.type === "date" ? monthTicks(xMin, xMax, xCount + 1) : niceTicks(xMin, xMax, xCount).map((v) => ({ v, label: (x.format || fmtInt)(v) }));
  for (const tick of xTicks) {
    grid.append(s("line", { x1: px(tick.v), x2: px(tick.v), y1: margin.top, y2: margin.top + ph, class: "v" }));
    // A label at the right edge ends there instead of running off it.
    const edge = px(tick.v) > width - 36 ? " end" : "";
    svg.append(s("text", { x: px(tick.v), y: margin.top + ph + 18, class: "tick x" + edge }, tick.label));
  }
  svg.prepend(grid);
  svg.append(s("line", { x1: margin.left, x2: margin.left + pw, y1: margin.top + ph, y2: margin.top + ph, class: "axis" }));
  svg.append(s("line", { x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + ph, class: "axis" }));
  if (x.label) svg.append(s("text", { x: margin.left + pw / 2, y: height - 6, class: "axis-label" }, x.label));
  if (y.label) svg.append(s("text", { x: 14, y: margin.top + ph / 2, class: "axis-label", transform: `rotate(-90 14 ${margin.top + ph / 2})` }, y.label));

  for (const line of hlines) {
    svg.append(s("line", { x1: margin.left, x2: margin.left + pw, y1: py(line.y), y2: py(line.y), class: "hline", stroke: line.color || "#1e8449" }));
    svg.append(s("text", { x: margin.left + pw - 4, y: py(line.y) - 6, class: "hline-label", fill: line.color || "#1e8449" }, line.label));
  }
  for (const se of series) {
    const pts = se.points.map((p) => ({ ...p, vx: toX(p.x), vy: Number(p.y) })).filter((p) => Number.isFinite(p.vx) && Number.isFinite(p.vy));
    const group = s("g", { class: "series", "data-label": se.label });
    if (se.line !== false && pts.length > 1) {
      const d = pts.map((p, i) => (i ? "L" : "M") + px(p.vx).toFixed(1) + " " + py(p.vy).toFixed(1)).join("");
      group.append(s("path", { d, fill: "none", stroke: se.color, "stroke-width": se.width || 2.2, "stroke-dasharray": se.dashed ? "6 4" : null }));
    }
    if (se.dots) {
      for (const p of pts) {
        const title = p.title || `${x.type === "date" ? fmtDate(p.x) : (x.format || fmtInt)(p.x)}: ${yFormat(p.y)}`;
        group.append(s("circle", { cx: px(p.vx).toFixed(1), cy: py(p.vy).toFixed(1), r: 5, class: "point" + (p.hollow ? " hollow" : ""), stroke: se.color, fill: p.hollow ? "#fff" : se.color, "data-x": p.x, "data-y": p.y }, s("title", {}, title)));
      }
    }
    svg.append(group);
  }
  return svg;
}

/** Horizontal bars: [{label, value, color}] with values formatted by `format`. */
export function barList(items, format = fmtInt) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h(
    "div",
    { class: "bars" },
    items.map((item) =>
      h("div", { class: "bar-row" }, h("span", { class: "bar-label" }, item.label), h("span", { class: "bar-track" }, h("span", { class: "bar", style: `width:${((100 * item.value) / max).toFixed(1)}%;background:${item.color || "#1f5fa8"}` })), h("span", { class: "bar-value" }, format(item.value)))
    )
  );
}
