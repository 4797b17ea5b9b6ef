// The district map, drawn as SVG from the village boundaries the registry
// ships (no tiles, no network): villages filled by a value, kecamatan
// outlines, names, team routes, and the boundary data's attribution.
// Districts added from the national list have only each village's point:
// those villages are drawn as small circles, filled the same way.

import { h, teamColor } from "./ui.js";
import { t, fmtPct } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 1000;
const PAD = 12;

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
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function idOf(name) {
  return "r-" + String(name).replace(/^regions\//, "").replace(/[^0-9A-Za-z]/g, "_");
}

function polygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

/**
 * Colour classes of coverage: fine steps at the low end, where almost every
 * village still is, then up to the target, which is green.
 */
const COVERAGE_COLORS = ["#a50f15", "#de2d26", "#fb6a4a", "#fcae91", "#fee5d9", "#c7e9c0", "#238b45"];
const COVERAGE_BREAKS = [0.01, 0.025, 0.05, 0.1, 0.2];

function breaks(target) {
  const goal = target > 0 ? target : 0.3;
  return [...COVERAGE_BREAKS.filter((b) => b < goal), goal];
}

export function coverageColor(coverage, target) {
  const steps = breaks(target);
  for (let i = 0; i < steps.length; i++) {
    if (coverage < steps[i]) return i === steps.length - 1 ? COVERAGE_COLORS[COVERAGE_COLORS.length - 2] : COVERAGE_COLORS[i];
  }
  return COVERAGE_COLORS[COVERAGE_COLORS.length - 1];
}

/** The legend of coverageColor for a target. */
export function coverageLegend(target) {
  const steps = breaks(target);
  const items = [];
  let lower = 0;
  steps.forEach((upper, i) => {
    const color = i === steps.length - 1 ? COVERAGE_COLORS[COVERAGE_COLORS.length - 2] : COVERAGE_COLORS[i];
    items.push(h("li", {}, h("span", { class: "swatch", style: `background:${color}` }), `${fmtPct(lower, lower < 0.1 && lower > 0 ? 1 : 0)} – ${fmtPct(upper, upper < 0.1 ? 1 : 0)}`));
    lower = upper;
  });
  items.push(h("li", {}, h("span", { class: "swatch", style: `background:${COVERAGE_COLORS[COVERAGE_COLORS.length - 1]}` }), t("legend.target") + ` (${fmtPct(steps[steps.length - 1], 0)})`));
  return h("div", { class: "legend" }, h("div", { class: "legend-title" }, t("legend.coverage")), h("ul", {}, items));
}

/**
 * Builds the map of `data` (from /api/map). Returns an object to colour
 * villages, focus a kecamatan, and draw routes; `element` goes in the page.
 */
export function createMap(data, { onSelectKecamatan } = {}) {
  const villages = data.villages || [];
  const kecamatan = data.kecamatan || [];
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  const extend = (lon, lat) => {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  };
  /** A point the national list gives (0, 0 is none). */
  const located = (r) => Number.isFinite(r.longitude) && Number.isFinite(r.latitude) && (r.longitude !== 0 || r.latitude !== 0);
  for (const v of villages) {
    const shapes = polygons(v.boundary);
    if (!shapes.length && located(v)) extend(v.longitude, v.latitude);
    for (const shape of shapes) for (const ring of shape) for (const [lon, lat] of ring) extend(lon, lat);
  }
  if (!Number.isFinite(minLon)) {
    minLon = 102; maxLon = 103; minLat = -4; maxLat = -3;
  }
  // Points alone may lie on a line or be one: give the box some room.
  const room = 0.02 * Math.max(maxLon - minLon, maxLat - minLat, 0.5);
  if (villages.every((v) => !polygons(v.boundary).length)) {
    minLon -= room; maxLon += room; minLat -= room; maxLat += room;
  }
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = (WIDTH - 2 * PAD) / Math.max((maxLon - minLon) * kx, 1e-6);
  const height = Math.round((maxLat - minLat) * scale + 2 * PAD);
  const project = (lon, lat) => [PAD + (lon - minLon) * kx * scale, PAD + (maxLat - lat) * scale];
  const pathOf = (geometry) =>
    polygons(geometry)
      .map((shape) =>
        shape
          .map((ring) => ring.map(([lon, lat], i) => {
            const [x, y] = project(lon, lat);
            return (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
          }).join("") + "Z")
          .join("")
      )
      .join("");

  const defs = s("defs");
  const fills = s("g", { class: "villages" });
  const outlines = s("g", { class: "kecamatan-lines" });
  const kecLabels = s("g", { class: "labels kecamatan-labels" });
  const villageLabels = s("g", { class: "labels village-labels" });
  const routes = s("g", { class: "routes" });
  const markers = s("g", { class: "markers" });
  const dots = s("g", { class: "village-points" });
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "map-svg", role: "img", "aria-label": data.district?.display_name || "map" }, defs, fills, outlines, dots, kecLabels, villageLabels, routes, markers);

  const villageUse = new Map();
  const byKecamatan = new Map();
  /** Villages drawn as points, by kecamatan, with where they are on the map. */
  const pointsOf = new Map();
  const POINT_RADIUS = 5;
  for (const v of villages) {
    const id = idOf(v.name);
    const d = pathOf(v.boundary);
    if (!d) {
      if (!located(v)) continue;
      const [x, y] = project(v.longitude, v.latitude);
      const dot = s("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: POINT_RADIUS, class: "village point", "data-region": v.name, "data-parent": v.parent }, s("title", {}, v.display_name));
      dot.addEventListener("click", () => onSelectKecamatan && onSelectKecamatan(v.parent));
      dots.append(dot);
      villageUse.set(v.name, dot);
      if (!pointsOf.has(v.parent)) pointsOf.set(v.parent, []);
      pointsOf.get(v.parent).push({ v, x, y });
      continue;
    }
    defs.append(s("path", { id, d }));
    const use = s("use", { href: "#" + id, class: "village", "data-region": v.name, "data-parent": v.parent }, s("title", {}, v.display_name));
    use.addEventListener("click", () => onSelectKecamatan && onSelectKecamatan(v.parent));
    fills.append(use);
    villageUse.set(v.name, use);
    if (!byKecamatan.has(v.parent)) byKecamatan.set(v.parent, []);
    byKecamatan.get(v.parent).push({ id, v });
  }

  // Kecamatan outlines: the registry's own boundary where it has one;
  // otherwise each village's outline masked by its own kecamatan, which
  // leaves exactly the edges it shares with other kecamatan or the outside.
  for (const k of kecamatan) {
    const d = pathOf(k.boundary);
    if (d) {
      outlines.append(s("path", { d, class: "kecamatan-line", "data-region": k.name }));
      continue;
    }
    const members = byKecamatan.get(k.name) || [];
    if (!members.length) continue;
    const maskId = "m-" + idOf(k.name);
    const mask = s("mask", { id: maskId, maskUnits: "userSpaceOnUse", x: 0, y: 0, width: WIDTH, height }, s("rect", { x: 0, y: 0, width: WIDTH, height, fill: "white" }));
    for (const { id } of members) mask.append(s("use", { href: "#" + id, fill: "black" }));
    defs.append(mask);
    const group = s("g", { mask: `url(#${maskId})`, class: "kecamatan-line", "data-region": k.name });
    for (const { id } of members) group.append(s("use", { href: "#" + id }));
    outlines.append(group);
  }
  // Small kecamatan (around Curup) get smaller names so they do not collide.
  const extent = (k) => {
    let x0 = Infinity, x1 = -Infinity;
    for (const { v } of byKecamatan.get(k.name) || []) {
      for (const shape of polygons(v.boundary)) for (const ring of shape) for (const [lon, lat] of ring) {
        const [x] = project(lon, lat);
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
      }
    }
    for (const { x } of pointsOf.get(k.name) || []) {
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
    }
    return x1 - x0;
  };
  for (const k of kecamatan) {
    if (!located(k)) continue;
    const [x, y] = project(k.longitude, k.latitude);
    const size = Math.max(8.5, Math.min(13, extent(k) / 9));
    const label = s("text", { x: x.toFixed(1), y: y.toFixed(1), class: "kecamatan-label", "data-region": k.name, style: `font-size:${size.toFixed(1)}px` }, k.display_name);
    label.addEventListener("click", () => onSelectKecamatan && onSelectKecamatan(k.name));
    kecLabels.append(label);
  }

  const base = data.district && located(data.district) ? project(data.district.longitude, data.district.latitude) : null;
  // The office keeps its size on screen: zoomed into a kecamatan it would
  // otherwise grow with the map and cover the villages around it.
  const drawBase = (scale = 1) => {
    markers.replaceChildren();
    if (!base) return;
    const [x, y] = base;
    const half = 6 / scale;
    markers.append(
      s("rect", { x: (x - half).toFixed(2), y: (y - half).toFixed(2), width: (2 * half).toFixed(2), height: (2 * half).toFixed(2), class: "base-marker", style: `stroke-width:${(2 / scale).toFixed(2)}px` }, s("title", {}, t("map.base"))),
      s("text", { x: (x + 1.5 * half).toFixed(2), y: (y + 0.66 * half).toFixed(2), class: "base-label", style: `font-size:${(10 / scale).toFixed(2)}px;stroke-width:${(3 / scale).toFixed(2)}px` }, t("map.base"))
    );
  };
  drawBase();

  const hasPoints = dots.childElementCount > 0;
  const attributionText = () => [hasPoints ? t("map.points") : null, ...(data.attribution || [])].filter(Boolean).join("; ") || "—";
  const attribution = h("div", { class: "attribution" }, attributionText());
  const overlay = h("div", { class: "map-overlay" });
  const element = h("div", { class: "map" }, svg, overlay, attribution);

  let zoom = 1;
  // Zoomed in, points grow less than the map so neighbours stay apart.
  const sizePoints = (scale = 1) => {
    for (const dot of dots.children) {
      dot.setAttribute("r", (POINT_RADIUS / Math.sqrt(scale)).toFixed(2));
      dot.style.setProperty("stroke-width", `${(0.8 / scale).toFixed(2)}px`);
    }
  };
  const api = {
    element,
    svg,
    overlay,
    /** Fills each village with `fill(region)` and titles it `title(region)`. */
    colorVillages(fill, title) {
      for (const [name, use] of villageUse) {
        use.setAttribute("fill", fill(name) || "#e5e7eb");
        if (title) use.querySelector("title").textContent = title(name);
      }
    },
    /** Zooms to a kecamatan (its villages labelled) or back to the district. */
    focus(kecamatanName) {
      villageLabels.replaceChildren();
      for (const [, use] of villageUse) use.classList.toggle("dim", Boolean(kecamatanName) && use.dataset.parent !== kecamatanName);
      for (const line of outlines.children) line.classList.toggle("selected", line.dataset.region === kecamatanName);
      const members = kecamatanName ? byKecamatan.get(kecamatanName) || [] : [];
      const points = kecamatanName ? pointsOf.get(kecamatanName) || [] : [];
      if (!members.length && !points.length) {
        zoom = 1;
        svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
        svg.classList.remove("zoomed");
        drawBase();
        sizePoints();
        return;
      }
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const { id } of members) {
        const box = defs.querySelector("#" + id).getBBox();
        x0 = Math.min(x0, box.x); y0 = Math.min(y0, box.y);
        x1 = Math.max(x1, box.x + box.width); y1 = Math.max(y1, box.y + box.height);
      }
      for (const { x, y } of points) {
        x0 = Math.min(x0, x - 4 * POINT_RADIUS); y0 = Math.min(y0, y - 4 * POINT_RADIUS);
        x1 = Math.max(x1, x + 4 * POINT_RADIUS); y1 = Math.max(y1, y + 4 * POINT_RADIUS);
      }
      // Keep the map's proportions so the box does not stretch.
      const margin = 0.08 * Math.max(x1 - x0, y1 - y0);
      let w = x1 - x0 + 2 * margin, hh = y1 - y0 + 2 * margin;
      const ratio = WIDTH / height;
      if (w / hh < ratio) w = hh * ratio; else hh = w / ratio;
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      zoom = WIDTH / w;
      svg.setAttribute("viewBox", `${(cx - w / 2).toFixed(1)} ${(cy - hh / 2).toFixed(1)} ${w.toFixed(1)} ${hh.toFixed(1)}`);
      svg.classList.add("zoomed");
      svg.style.setProperty("--zoom", zoom.toFixed(3));
      drawBase(zoom);
      sizePoints(zoom);
      for (const { v } of [...members, ...points]) {
        const [x, y] = project(v.longitude, v.latitude);
        villageLabels.append(s("text", { x: x.toFixed(1), y: y.toFixed(1), class: "village-label", style: `font-size:${(11 / zoom).toFixed(2)}px;stroke-width:${(3 / zoom).toFixed(2)}px` }, v.display_name));
      }
    },
    /**
     * Draws each team-day of `plan` as a line from its start through its
     * stops to its end, in the team's colour; `only` shows one team.
     */
    drawRoutes(plan, only = null) {
      routes.replaceChildren();
      if (!plan) return;
      const points = new Map(villages.map((v) => [v.name, project(v.longitude, v.latitude)]));
      const baseLat = plan.parameters?.base_latitude, baseLon = plan.parameters?.base_longitude;
      const home = baseLat != null && baseLon != null ? project(baseLon, baseLat) : base;
      const where = (place) => (place === "base" || !place ? home : points.get(place));
      for (const team of plan.teams || []) {
        if (only && team.team !== only) continue;
        const group = s("g", { class: "team-routes", "data-team": team.team, stroke: teamColor(team.team) });
        for (const day of team.days || []) {
          const line = [where(day.start), ...day.stops.map((stop) => points.get(stop.region)), where(day.end)].filter(Boolean);
          if (line.length < 2) continue;
          const d = line.map(([x, y], i) => (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1)).join("");
          group.append(s("path", { d, class: "route" + (day.overnight ? " overnight" : ""), "data-team": team.team, "data-date": day.date }, s("title", {}, `${team.display_name} · ${day.date}`)));
        }
        for (const stop of new Set((team.days || []).flatMap((d) => d.stops.map((x) => x.region)))) {
          const p = points.get(stop);
          if (p) group.append(s("circle", { cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: 3.2, class: "stop", fill: teamColor(team.team) }));
        }
        routes.append(group);
      }
    },
    relabel() {
      drawBase();
      attribution.textContent = attributionText();
    },
  };
  return api;
}
