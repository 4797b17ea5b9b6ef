// The Gaps page: the district's numbers, the villages on the map coloured by
// IKD coverage, each kecamatan's recorded / activated / target / gap, and a
// kecamatan's villages on click, for the district the picker chose (and a
// notice when its villages have no counts yet); below, every district of its
// province with the province's total, for a provincial office. Updates live
// from /api/gaps/stream.

import { api } from "./api.js";
import { t, fmtInt, fmtPct } from "./i18n.js";
import { h, errorBox, stat, districtName } from "./ui.js";
import { createMap, coverageColor, coverageLegend } from "./map.js";

function coverageCell(gap) {
  const target = gap.target_fraction || 0.3;
  const width = Math.min(100, (100 * gap.coverage) / target);
  return h("td", { class: "num" }, h("span", { class: "coverage-cell" }, h("span", { class: "meter", title: t("gaps.ofTarget", { pct: fmtPct(target, 0) }) }, h("span", { style: `width:${width.toFixed(1)}%;background:${coverageColor(gap.coverage, target)}` })), fmtPct(gap.coverage)));
}

/** Nothing counted yet: every village still waits for its counts. */
function nothingCounted(gap) {
  return gap.counts_missing && !gap.ktp_el_recorded;
}

function gapRow(gap, { name, onclick, selected }) {
  const attrs = { class: (onclick ? "clickable" : "") + (selected ? " selected" : ""), "data-region": gap.region, onclick, tabindex: onclick ? 0 : null, onkeydown: onclick ? (e) => e.key === "Enter" && onclick() : null };
  if (nothingCounted(gap)) {
    // Nothing counted yet: no numbers rather than zeros.
    return h("tr", attrs, h("th", { scope: "row" }, name), ["num secondary", "num", "num", "num secondary", "num gap"].map((c) => h("td", { class: c }, "—")));
  }
  return h(
    "tr",
    attrs,
    h("th", { scope: "row" }, name),
    h("td", { class: "num secondary" }, fmtInt(gap.ktp_el_recorded)),
    h("td", { class: "num" }, fmtInt(gap.ikd_activated)),
    coverageCell(gap),
    h("td", { class: "num secondary" }, fmtInt(gap.target_count)),
    h("td", { class: "num gap" }, fmtInt(gap.gap))
  );
}

function gapTable(id, firstColumn, rows, total) {
  return h(
    "table",
    { id, class: "data" },
    h("thead", {}, h("tr", {}, h("th", {}, firstColumn), h("th", { class: "num secondary" }, t("recorded")), h("th", { class: "num" }, t("activated")), h("th", { class: "num" }, t("coverage")), h("th", { class: "num secondary" }, t("target")), h("th", { class: "num" }, t("gap")))),
    h("tbody", {}, rows),
    total ? h("tfoot", {}, total) : null
  );
}

export async function render(root, route, ctx) {
  let selected = route.parts[0] ? "regions/" + route.parts[0] : null;
  const live = h("span", { class: "live off", id: "live-status" }, t("gaps.offline"));
  root.append(h("div", { class: "page-head" }, h("div", {}, h("h1", {}, t("gaps.title")), h("p", { class: "lead" }, t("gaps.lead"))), live));
  const body = h("div", { id: "gaps-body" }, h("p", { class: "muted" }, t("loading")));
  root.append(body);

  let stopped = false;
  let source = null;
  let view = null;
  let shown = null;

  const cards = h("div", { class: "stats", id: "district-stats" });
  const notice = h("div", { class: "notice", id: "counts-missing", role: "status", hidden: true });
  const side = h("div", { class: "side" });
  const provinceCard = h("section", { class: "card", id: "province-gaps", hidden: true });
  const legendHolder = h("div");

  function names(mapData) {
    const byName = new Map();
    for (const r of [...mapData.kecamatan, ...mapData.villages]) byName.set(r.name, r);
    return byName;
  }

  function draw(mapData, data) {
    shown = data;
    const regions = names(mapData);
    const district = data.district;
    notice.hidden = !district.counts_missing;
    notice.textContent = district.counts_missing ? t("district.noCounts", { name: mapData.district?.display_name || district.display_name, n: fmtInt(district.villages_without_counts) }) : "";
    cards.replaceChildren(
      stat(t("recorded"), fmtInt(district.ktp_el_recorded), districtName(mapData.district?.display_name || district.display_name), { "data-stat": "recorded" }),
      stat(t("activated"), fmtInt(district.ikd_activated), `${t("coverage")} ${fmtPct(district.coverage)}`, { "data-stat": "activated" }),
      stat(t("target"), fmtInt(district.target_count), fmtPct(district.target_fraction, 0), { "data-stat": "target" }),
      stat(t("gap"), fmtInt(district.gap), t("gaps.gapShare", { pct: fmtPct(district.gap / Math.max(1, district.ktp_el_recorded)) }), { "data-stat": "gap", class: "stat emphasis" })
    );
    const villageGaps = new Map(data.villages.map((g) => [g.region, g]));
    view.map.colorVillages(
      (name) => {
        const g = villageGaps.get(name);
        return g ? coverageColor(g.coverage, g.target_fraction) : null;
      },
      (name) => {
        const g = villageGaps.get(name);
        const r = regions.get(name);
        const label = r ? `${r.display_name} (${t("kind." + r.kind)})` : name;
        return g ? `${label}\n${t("recorded")}: ${fmtInt(g.ktp_el_recorded)}\n${t("activated")}: ${fmtInt(g.ikd_activated)} (${fmtPct(g.coverage)})\n${t("gap")}: ${fmtInt(g.gap)}` : label;
      }
    );
    legendHolder.replaceChildren(coverageLegend(district.target_fraction));
    drawSide(mapData, data, regions);
    ctx.districts().then((list) => drawProvince(data.province, list));
  }

  /** Every district of the province, largest gap first, and the province's
   * total (its districts' targets and gaps summed); a row opens its district. */
  function drawProvince(province, list) {
    if (stopped) return;
    if (!province || province.districts.length < 2) {
      provinceCard.hidden = true;
      return;
    }
    const known = new Map((list?.provinces || []).flatMap((p) => p.districts).map((d) => [d.region, d]));
    const label = (g) => {
      const d = known.get(g.region);
      const name = districtName(d ? d.display_name : g.display_name, d?.kind);
      return nothingCounted(g) ? h("span", {}, name, " ", h("small", { class: "muted" }, t("picker.noCounts"))) : name;
    };
    const rows = [...province.districts]
      .sort((a, b) => b.gap - a.gap || a.display_name.localeCompare(b.display_name))
      .map((g) => gapRow(g, { name: label(g), selected: g.region === ctx.district(), onclick: g.region === ctx.district() ? null : () => ctx.choose(g.region) }));
    const total = gapRow(province.total, { name: t("gaps.provinceTotal", { p: province.total.display_name }) });
    provinceCard.replaceChildren(
      h("h2", {}, t("gaps.province", { p: province.total.display_name })),
      h("div", { class: "scroll" }, gapTable("province-gaps-table", t("prov.district"), rows, total)),
      h("p", { class: "muted small" }, t("gaps.provinceNote"))
    );
    provinceCard.hidden = false;
  }

  function drawSide(mapData, data, regions) {
    const kecamatan = [...data.kecamatan].sort((a, b) => a.display_name.localeCompare(b.display_name));
    if (!selected) {
      const rows = kecamatan.map((g) => gapRow(g, { name: g.display_name, onclick: () => select(g.region) }));
      const total = gapRow(data.district, { name: districtName(mapData.district?.display_name || data.district.display_name) });
      side.replaceChildren(h("h2", {}, t("gaps.all")), gapTable("kecamatan-table", t("kecamatan"), rows, total));
      return;
    }
    const k = data.kecamatan.find((g) => g.region === selected);
    const villages = data.villages
      .filter((g) => regions.get(g.region)?.parent === selected)
      .sort((a, b) => b.gap - a.gap || a.display_name.localeCompare(b.display_name));
    const rows = villages.map((g) => {
      const r = regions.get(g.region);
      return gapRow(g, { name: h("span", {}, g.display_name, " ", h("small", { class: "muted" }, r ? t("kind." + r.kind) : "")) });
    });
    side.replaceChildren(
      h("button", { type: "button", class: "link back", onclick: () => select(null) }, t("gaps.back")),
      h("h2", {}, t("gaps.villagesOf", { name: k ? k.display_name : selected })),
      gapTable("village-table", `${t("village")} (${villages.length})`, rows, k ? gapRow(k, { name: t("kecamatan") + " " + k.display_name }) : null)
    );
  }

  function select(region) {
    selected = region;
    ctx.replaceRoute(region ? "#/gaps/" + region.replace(/^regions\//, "") : "#/gaps");
    view.map.focus(region);
    if (shown) ctx.map().then((mapData) => drawSide(mapData, shown, names(mapData)));
  }

  async function refresh() {
    const [mapData, data] = await Promise.all([ctx.map(), api(ctx.withDistrict("/api/gaps"))]);
    if (stopped) return;
    if (!view) {
      const map = createMap(mapData, { onSelectKecamatan: select });
      map.overlay.append(legendHolder);
      view = { map };
      body.replaceChildren(notice, cards, h("div", { class: "split" }, h("div", { class: "map-panel" }, map.element), side), provinceCard);
      map.focus(selected);
    }
    draw(mapData, data);
  }

  function connect() {
    if (stopped || typeof EventSource === "undefined") return;
    source = new EventSource(ctx.withDistrict("/api/gaps/stream"));
    source.addEventListener("open", () => {
      live.className = "live on";
      live.textContent = t("gaps.live");
    });
    source.addEventListener("gap", (event) => {
      let gap;
      try {
        gap = JSON.parse(event.data);
      } catch {
        return;
      }
      live.className = "live on";
      live.textContent = `${t("gaps.live")} · ${t("gaps.updated", { t: new Date().toLocaleTimeString(lang() === "en" ? "en-GB" : "id-ID", { hour: "2-digit", minute: "2-digit" }) })}`;
      const current = shown && shown.district;
      if (!current || current.ikd_activated !== gap.ikd_activated || current.ktp_el_recorded !== gap.ktp_el_recorded || current.target_count !== gap.target_count) {
        refresh().catch(() => {});
      }
    });
    source.addEventListener("error", () => {
      live.className = "live off";
      live.textContent = t("gaps.offline");
    });
  }

  const load = async () => {
    try {
      await refresh();
    } catch (error) {
      if (!stopped) body.replaceChildren(errorBox(error, load));
    }
  };
  await load();
  connect();
  return () => {
    stopped = true;
    if (source) source.close();
  };
}

function lang() {
  return document.documentElement.lang;
}
