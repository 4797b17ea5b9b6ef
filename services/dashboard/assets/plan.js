// The Plan page: the plan form (with the model's parameters and their
// defaults under "advanced"), and a plan's headline, routes on the map,
// coverage projection, team calendar, unvisited villages and downloads.
// #/plan?budget=250000000&teams=4&run=1 fills the form and solves at once;
// #/plan/{id} shows a stored plan.

import { api } from "./api.js";
import { t, lang, fmtInt, fmtRp, fmtDec, fmtPct, fmtDate, fmtDayShort, fmtClock, parseRupiah, parseDecimal } from "./i18n.js";
import { h, dateInput, dateProblems, dateText, parseDateText, errorBox, showFieldErrors, withProgress, stat, teamColor, stacked } from "./ui.js";
import { createMap } from "./map.js";
import { xyChart, barList } from "./charts.js";

/**
 * The model's parameters with the defaults the optimizer documents. Empty
 * inputs are left unset so the optimizer applies its own default.
 */
export const ADVANCED = [
  { name: "officers_per_team", kind: "int", value: 2, id: "Petugas per tim", en: "Officers per team" },
  { name: "workday_minutes", kind: "int", value: 480, id: "Menit kerja per hari", en: "Minutes in a workday" },
  { name: "minutes_per_activation", kind: "dec", value: 3, id: "Menit petugas per aktivasi", en: "Officer minutes per activation" },
  { name: "road_factor", kind: "dec", value: 1.4, id: "Faktor jalan (km jalan per km lurus)", en: "Road factor (road km per straight km)" },
  { name: "speed_kmh", kind: "dec", value: 35, id: "Kecepatan rata-rata (km/jam)", en: "Average speed (km/h)" },
  { name: "reachable_share_kelurahan", kind: "dec", value: 0.7, id: "Warga terjangkau di kelurahan (bagian)", en: "Reachable share in kelurahan" },
  { name: "reachable_share_desa", kind: "dec", value: 0.6, id: "Warga terjangkau di desa (bagian)", en: "Reachable share in desa" },
  { name: "visit_yields", kind: "list", value: [0.4, 0.25, 0.15], id: "Hasil kunjungan ke-1, 2, 3 (bagian, pisahkan dengan ;)", en: "Yield of visit 1, 2, 3 (shares, separated by ;)" },
  { name: "min_days_between_visits", kind: "int", value: 5, id: "Hari kerja antar kunjungan ke desa yang sama", en: "Working days between visits to a village" },
  { name: "office_activations_per_day", kind: "int", value: 100, id: "Aktivasi di kantor per hari", en: "Office walk-ins per day" },
  { name: "per_diem_day_trip_rupiah", kind: "rupiah", value: 150000, id: "Uang harian pulang hari (Rp/petugas)", en: "Day-trip per diem (Rp/officer)" },
  { name: "per_diem_overnight_rupiah", kind: "rupiah", value: 380000, id: "Uang harian menginap (Rp/petugas)", en: "Overnight per diem (Rp/officer)" },
  { name: "lodging_per_night_rupiah", kind: "rupiah", value: 300000, id: "Penginapan (Rp/orang/malam)", en: "Lodging (Rp/person/night)" },
  { name: "vehicle_per_day_rupiah", kind: "rupiah", value: 500000, id: "Kendaraan + sopir (Rp/tim/hari)", en: "Vehicle + driver (Rp/team-day)" },
  { name: "fuel_per_km_rupiah", kind: "rupiah", value: 1000, id: "BBM (Rp/km)", en: "Fuel (Rp/km)" },
  { name: "outreach_per_visit_rupiah", kind: "rupiah", value: 200000, id: "Sosialisasi (Rp/hari kunjungan desa)", en: "Outreach (Rp/village visit day)" },
  { name: "allow_overnight", kind: "bool", value: true, id: "Tim boleh menginap", en: "Teams may stay overnight" },
  { name: "holidays", kind: "dates", value: [], id: "Hari libur tambahan, selain Sabtu/Minggu dan libur nasional serta cuti bersama (hh/bb/tttt, pisahkan dengan koma)", en: "More days off, besides weekends and the national holidays and cuti bersama (dd/mm/yyyy, comma-separated)" },
  { name: "workdays", kind: "dates", value: [], id: "Libur nasional yang tetap bekerja (hh/bb/tttt, pisahkan dengan koma)", en: "National holidays worked anyway (dd/mm/yyyy, comma-separated)" },
  { name: "horizon_working_days", kind: "int", value: 600, id: "Cakrawala perencanaan (hari kerja)", en: "Planning horizon (working days)" },
  { name: "time_limit_seconds", kind: "dec", value: 20, id: "Batas waktu pemecah (detik, maks. 300)", en: "Solver time limit (s, at most 300)" },
];

function showDefault(field) {
  switch (field.kind) {
    case "rupiah": return fmtRp(field.value);
    case "dec": return fmtDec(field.value, field.value % 1 === 0 ? 0 : 2);
    case "list": return field.value.map((v) => fmtDec(v, 2)).join("; ");
    case "bool": return field.value ? (lang() === "en" ? "yes" : "ya") : (lang() === "en" ? "no" : "tidak");
    case "dates": return lang() === "en" ? "none" : "tidak ada";
    default: return fmtInt(field.value);
  }
}

// What the form last held and the plans already fetched, so switching
// language or page does not lose them.
const state = { form: null, plans: new Map(), team: null };

function input(name, attrs = {}) {
  return h("input", { name, id: "f-" + name, ...attrs });
}

function field(label, control, hint) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), control, hint ? h("small", { class: "hint" }, hint) : null);
}

function buildForm(values) {
  const main = h(
    "div",
    { class: "form-grid" },
    field(t("plan.budget"), input("budget_rupiah", { inputmode: "numeric", required: true, value: values.budget_rupiah != null ? fmtInt(values.budget_rupiah) : "250.000.000" })),
    field(t("plan.teams"), input("teams", { type: "number", min: 1, max: 100, step: 1, value: values.teams ?? 4 }), t("plan.default", { v: 4 })),
    field(t("plan.start"), dateInput({ name: "start_date", id: "f-start_date", value: values.start_date || "" }), t("plan.default", { v: lang() === "en" ? "next working day" : "hari kerja berikutnya" })),
    field(t("plan.targetPct"), input("target_fraction", { inputmode: "decimal", value: values.target_fraction != null ? fmtDec(values.target_fraction * 100, 1) : "", placeholder: "30" }), t("plan.default", { v: lang() === "en" ? "the registry's (30%)" : "dari registri (30%)" })),
    field(t("plan.deadline"), dateInput({ name: "deadline", id: "f-deadline", value: values.deadline || "" }))
  );
  const advanced = h(
    "details",
    { class: "advanced", open: values.advancedOpen ? true : null },
    h("summary", {}, t("plan.advanced")),
    h(
      "div",
      { class: "form-grid" },
      ADVANCED.map((f) => {
        const current = values[f.name];
        let control;
        if (f.kind === "bool") {
          control = h("select", { name: f.name, id: "f-" + f.name }, h("option", { value: "" }, t("plan.default", { v: showDefault(f) })), h("option", { value: "true", selected: current === true ? true : null }, lang() === "en" ? "yes" : "ya"), h("option", { value: "false", selected: current === false ? true : null }, lang() === "en" ? "no" : "tidak"));
        } else {
          let value = "";
          if (current != null && !(Array.isArray(current) && !current.length)) {
            value = f.kind === "rupiah" ? fmtInt(current) : f.kind === "list" ? current.map((v) => fmtDec(v, 2)).join("; ") : f.kind === "dates" ? current.map(dateText).join(", ") : f.kind === "dec" ? fmtDec(current, 2).replace(/,?0+$/, "") : String(current);
          }
          control = input(f.name, { inputmode: f.kind === "dates" || f.kind === "list" ? "text" : "decimal", placeholder: showDefault(f), value });
        }
        return field(f[lang()] || f.id, control, t("plan.default", { v: showDefault(f) }));
      })
    )
  );
  return h("form", { class: "card plan-form", id: "plan-form", novalidate: true }, main, advanced, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("plan.submit"))));
}

/** Reads the form; returns {parameters, errors}. */
export function readParameters(form) {
  const errors = dateProblems(form);
  const parameters = {};
  const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
  const budget = parseRupiah(value("budget_rupiah"));
  if (budget === null) errors.push({ field: "budget_rupiah", description: t("field.required") });
  else parameters.budget_rupiah = budget;
  if (form.elements.teams) {
    const teams = value("teams");
    if (teams !== "") {
      const n = Number(teams);
      if (!Number.isInteger(n)) errors.push({ field: "teams", description: t("field.number") });
      else parameters.teams = n;
    }
  }
  if (value("start_date")) parameters.start_date = value("start_date");
  if (value("deadline")) parameters.deadline = value("deadline");
  if (value("target_fraction")) {
    const pct = parseDecimal(value("target_fraction"));
    if (Number.isNaN(pct)) errors.push({ field: "target_fraction", description: t("field.number") });
    else parameters.target_fraction = pct / 100;
  }
  for (const f of ADVANCED) {
    const text = value(f.name);
    if (text === "") continue;
    if (f.kind === "bool") parameters[f.name] = text === "true";
    else if (f.kind === "dates") {
      const items = text.split(/[\s,;]+/).filter(Boolean);
      const bad = items.find((item) => !parseDateText(item));
      if (bad) errors.push({ field: f.name, description: `${bad}: ${t("date.invalid")}` });
      else parameters[f.name] = items.map(parseDateText);
    }
    else if (f.kind === "list") {
      const items = text.split(/[;\s]+/).filter(Boolean).map(parseDecimal);
      if (items.some((v) => Number.isNaN(v))) errors.push({ field: f.name, description: t("field.number") });
      else parameters[f.name] = items;
    } else if (f.kind === "rupiah") parameters[f.name] = parseRupiah(text);
    else {
      const v = parseDecimal(text);
      if (Number.isNaN(v) || (f.kind === "int" && !Number.isInteger(v))) errors.push({ field: f.name, description: t("field.number") });
      else parameters[f.name] = v;
    }
  }
  return { parameters, errors };
}

function requestId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "r-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

/**
 * The request id of a run=1 link: the same for the same link on the same
 * day, so opening it again (a reload, a second tab, a shared link) gets the
 * plan stored the first time instead of a copy. Another day is a new plan,
 * as its start date moves on.
 */
export function linkRequestId(params, today) {
  const asked = [...params].filter(([key]) => key !== "run").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = asked.map(([key, value]) => `${key}=${value}`).join("&");
  // FNV-1a, 32 bits twice (two seeds): short, stable, no secure context needed.
  const fnv = (seed) => {
    let hash = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return hash.toString(16).padStart(8, "0");
  };
  return `link-${today}-${fnv(2166136261)}${fnv(0x9747b28c)}`;
}

function isoToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function bindingText(binding) {
  const key = "binding." + binding;
  const text = t(key);
  return text === key ? binding : text;
}

/** The headline figures of a plan. */
function headline(plan) {
  const s = plan.summary || {};
  const p = plan.parameters || {};
  const costItems = ["per_diem_rupiah", "lodging_rupiah", "vehicle_rupiah", "fuel_rupiah", "outreach_rupiah"].map((key, i) => ({
    label: t("cost." + key),
    value: (s.cost || {})[key] || 0,
    color: ["#1f5fa8", "#8e44ad", "#e07b00", "#6d4c41", "#00897b"][i],
  }));
  return h(
    "section",
    { class: "headline card" },
    h(
      "div",
      { class: "stats" },
      s.already_reached
        ? stat(
            t("plan.alreadyReached"),
            h("span", { id: "target-date" }, fmtPct(s.ktp_el_recorded ? s.ikd_activated_at_start / s.ktp_el_recorded : 0)),
            t("plan.alreadyDetail", { a: fmtInt(s.ikd_activated_at_start), d: fmtDate(p.start_date), t: fmtInt(s.target_count) }),
            { class: "stat emphasis" }
          )
        : stat(
        s.reaches_target ? t("plan.targetDate") : t("plan.notReached"),
        h("span", { id: "target-date" }, s.reaches_target ? fmtDate(s.target_date) : "—"),
        [t("plan.workingDays", { d: fmtInt(s.working_days) }), t("plan.lowerBound", { d: fmtInt(s.lower_bound_working_days) })].join(" · "),
        { class: "stat emphasis" + (s.reaches_target ? "" : " warn") }
      ),
      stat(t("plan.cost"), fmtRp(s.total_cost_rupiah), t("plan.ofBudget", { b: fmtRp(p.budget_rupiah) })),
      stat(t("plan.activations"), fmtInt((s.mobile_activations || 0) + (s.office_activations || 0)), `${fmtInt(s.mobile_activations)} ${t("plan.mobile")} · ${fmtInt(s.office_activations)} ${t("plan.office")}`),
      stat(t("coverage"), fmtPct(s.coverage_at_end), `${t("target")} ${fmtInt(s.target_count)} · ${t("plan.officeOnly", { d: fmtInt(s.office_only_working_days) })}`)
    ),
    h(
      "div",
      { class: "headline-detail" },
      h("div", {}, h("h3", {}, t("plan.cost")), barList(costItems, fmtRp)),
      h(
        "div",
        { class: "notes" },
        h("p", {}, h("strong", {}, t("plan.binding") + ": "), bindingText(s.binding_constraint)),
        s.minimum_budget_for_target_rupiah != null ? h("p", {}, t("plan.minimumBudget", { b: fmtRp(s.minimum_budget_for_target_rupiah) })) : null,
        s.reaches_target && s.working_days > s.lower_bound_working_days
          ? h("p", {}, t("plan.gapWords", { n: fmtInt(s.working_days - s.lower_bound_working_days), p: fmtPct(s.optimality_gap) }))
          : s.reaches_target
            ? h("p", {}, t("plan.gapNone"))
            : null,
        // Where money binds, the days' gap says little (each missing
        // activation costs the office's time): the share of the most the
        // money could buy says how good the plan is.
        shareOfMost(s) !== null
          ? h("p", { id: "most-activations" }, t("plan.mostActivations", { p: fmtPct(shareOfMost(s)), n: fmtInt(s.mobile_activations_upper_bound), d: fmtInt(s.working_days) }))
          : null,
        // And in money: the least any plan of these days could cost.
        aboveLeastCost(s.total_cost_rupiah, s.cost_lower_bound_rupiah) !== null
          ? h("p", { id: "least-cost" }, t("plan.leastCost", { d: fmtInt(s.working_days), b: fmtRp(s.cost_lower_bound_rupiah), c: fmtRp(s.total_cost_rupiah), p: fmtPct(aboveLeastCost(s.total_cost_rupiah, s.cost_lower_bound_rupiah)) }))
          : null,
        s.method ? h("p", { class: "muted small" }, t("plan.method." + s.method)) : null,
        // The optimizer's own sentence is English; in Indonesian the facts
        // above say the same.
        s.message && lang() === "en" ? h("p", { class: "muted" }, s.message) : null,
        h("p", { class: "muted small" }, t("plan.solver", { s: s.solver || "?", t: fmtDec(s.solve_seconds || 0, 1) }), " · ", t("plan.saved", { name: plan.name }), plan.replanned_from ? [" · ", t("plan.replannedFrom", { name: plan.replanned_from, d: fmtDate(plan.as_of_date) })] : null)
      )
    )
  );
}

function routesSection(plan, mapData) {
  const map = createMap(mapData);
  const visited = new Map();
  for (const team of plan.teams) for (const day of team.days) for (const stop of day.stops) if (!visited.has(stop.region)) visited.set(stop.region, team.team);
  const unvisited = new Set((plan.unvisited || []).map((u) => u.region));
  map.colorVillages(
    (name) => (visited.has(name) ? teamColor(visited.get(name)) + "33" : unvisited.has(name) ? "#d5d8dc" : "#eef0f2"),
    (name) => {
      const v = mapData.villages.find((x) => x.name === name);
      const team = visited.get(name);
      return `${v ? v.display_name : name}${team ? " — " + (plan.teams.find((x) => x.team === team)?.display_name || "Tim " + team) : ""}`;
    }
  );
  map.drawRoutes(plan, state.team);
  const buttons = h("div", { class: "team-toggle", role: "group" });
  const drawButtons = () => {
    buttons.replaceChildren(
      h("button", { type: "button", class: state.team ? "" : "active", onclick: () => { state.team = null; map.drawRoutes(plan); drawButtons(); } }, t("plan.allTeams")),
      ...plan.teams.map((team) =>
        h("button", { type: "button", class: state.team === team.team ? "active" : "", style: `--team:${teamColor(team.team)}`, onclick: () => { state.team = team.team; map.drawRoutes(plan, team.team); drawButtons(); } }, h("span", { class: "dot" }), `${team.display_name} · ${team.days.length} ${lang() === "en" ? "days" : "hari"} · ${fmtInt(team.expected_activations)}`)
      )
    );
  };
  drawButtons();
  return h("section", { class: "card", id: "routes" }, h("h2", {}, t("plan.routes")), buttons, h("div", { class: "map-panel wide" }, map.element));
}

function projectionSection(plan) {
  const s = plan.summary || {};
  const points = plan.projection || [];
  const start = s.ikd_activated_at_start || 0;
  const chart = xyChart({
    className: "projection",
    x: { type: "date" },
    y: { format: fmtInt, min: 0 },
    series: [
      { label: t("chart.activated"), color: "#1f5fa8", points: points.map((p) => ({ x: p.date, y: p.ikd_activated })) },
      { label: t("chart.officeOnly"), color: "#7f8c8d", dashed: true, points: points.map((p) => ({ x: p.date, y: start + p.office_activations })) },
    ],
    hlines: s.target_count ? [{ y: s.target_count, label: t("chart.targetLine", { n: fmtInt(s.target_count) }), color: "#1e8449" }] : [],
  });
  return h("section", { class: "card", id: "projection" }, h("h2", {}, t("plan.projection")), chart);
}

function calendarSection(plan) {
  const dates = [...new Set(plan.teams.flatMap((team) => team.days.map((d) => d.date)))].sort();
  const byTeam = plan.teams.map((team) => new Map(team.days.map((d) => [d.date, d])));
  const names = new Map();
  for (const team of plan.teams) for (const day of team.days) for (const stop of day.stops) names.set(stop.region, stop.display_name);
  const rows = dates.map((date) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", class: "date" }, fmtDayShort(date), h("small", {}, " " + date.slice(0, 4))),
      byTeam.map((days, i) => {
        const day = days.get(date);
        if (!day) return h("td", { class: "idle" }, "");
        return h(
          "td",
          { style: `--team:${teamColor(plan.teams[i].team)}` },
          h("ol", {}, day.stops.map((stop) => h("li", {}, h("span", { class: "clock" }, fmtClock(stop.arrive_minute)), " ", stop.display_name, h("small", { class: "muted" }, ` ${fmtInt(stop.expected_activations)}`)))),
          day.overnight ? h("span", { class: "badge overnight" }, `☾ ${t("plan.overnight")} · ${names.get(day.end) || day.end}`) : null
        );
      })
    )
  );
  return h(
    "section",
    { class: "card", id: "calendar-section" },
    h("h2", {}, t("plan.calendar")),
    h("div", { class: "scroll" }, stacked(h("table", { class: "data calendar", id: "calendar" }, h("thead", {}, h("tr", {}, h("th", {}, t("plan.date")), plan.teams.map((team) => h("th", { style: `border-bottom-color:${teamColor(team.team)}` }, team.display_name)))), h("tbody", {}, rows))))
  );
}

/** Why a village is left out, in the page's language; the server's English text if the code is unknown. */
function unvisitedReason(u, plan) {
  const code = u.reason_code;
  if (!code) return u.reason;
  const date = plan.summary && plan.summary.target_date ? fmtDate(plan.summary.target_date) : "";
  // As the optimizer words it: a replan whose kept days reached the target
  // has nothing left to need either.
  const already = code === "not_needed" && plan.summary && plan.summary.gap_at_start === 0;
  let text = t(already ? "why.already" : `why.${code}`, { date });
  if (code !== "no_pool" && u.first_visit_activations > 0) {
    text += " " + t("why.offer", {
      n: fmtInt(u.first_visit_activations),
      cost: fmtRp(u.first_visit_cost_rupiah),
      each: fmtRp(Math.round(u.first_visit_cost_rupiah / u.first_visit_activations)),
      min: fmtInt(Math.round(u.round_trip_minutes)),
    });
  }
  return text;
}

function unvisitedSection(plan) {
  const list = plan.unvisited || [];
  return h(
    "section",
    { class: "card", id: "unvisited" },
    h("h2", {}, `${t("plan.unvisited")} (${list.length})`),
    list.length
      ? h("div", { class: "scroll short" }, h("table", { class: "data" }, h("thead", {}, h("tr", {}, h("th", {}, t("village")), h("th", {}, t("plan.reason")))), h("tbody", {}, list.map((u) => h("tr", {}, h("th", { scope: "row" }, u.display_name), h("td", {}, unvisitedReason(u, plan)))))))
      : h("p", { class: "muted" }, t("plan.noneUnvisited"))
  );
}

/** What a replan learned from the ledger: per kecamatan, recorded against
 * expected and the yield factor the plan uses (none on a first plan). */
function learnedSection(plan) {
  const list = plan.learned_yields || [];
  if (!list.length) return null;
  return h(
    "section",
    { class: "card", id: "learned" },
    h("h2", {}, t("plan.learned")),
    h("p", { class: "muted" }, t("plan.learnedLead", { d: fmtDate(plan.as_of_date) })),
    h("div", { class: "scroll short" }, stacked(h("table", { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, t("kecamatan")), h("th", { class: "num" }, t("plan.learnedVisits")), h("th", { class: "num" }, t("plan.learnedRecorded")), h("th", { class: "num" }, t("plan.learnedExpected")), h("th", { class: "num" }, t("plan.learnedFactor")))),
      h("tbody", {}, list.map((y) => h("tr", {}, h("th", { scope: "row" }, y.display_name || y.kecamatan), h("td", { class: "num" }, fmtInt(y.visits)), h("td", { class: "num" }, fmtInt(y.recorded_activations)), h("td", { class: "num" }, fmtInt(y.expected_activations)), h("td", { class: "num" }, fmtPct(y.factor, 0)))))
    )))
  );
}

function exportsSection(plan) {
  const base = `/api/plans/${encodeURIComponent(plan.id)}`;
  return h(
    "section",
    { class: "card", id: "exports" },
    h("h2", {}, t("plan.exports")),
    h(
      "ul",
      { class: "exports" },
      plan.teams.map((team) =>
        h("li", {}, h("span", { class: "dot", style: `background:${teamColor(team.team)}` }), `${t("plan.itinerary")} ${team.display_name}: `, h("a", { href: `${base}/itinerary.html?team=${team.team}&lang=${lang()}`, target: "_blank", rel: "noopener" }, t("plan.print")), " · ", h("a", { href: `${base}/itinerary.csv?team=${team.team}&lang=${lang()}`, download: "" }, "CSV"))
      ),
      h("li", {}, h("a", { href: `${base}/itinerary.csv?lang=${lang()}`, download: "" }, t("plan.allCsv")), " · ", h("a", { href: `${base}/itinerary.html?lang=${lang()}`, target: "_blank", rel: "noopener" }, t("plan.print"))),
      h("li", {}, h("a", { href: `${base}/routes.geojson`, download: "" }, t("plan.geojson")))
    )
  );
}

/**
 * A district whose villages have no counts cannot be planned: says so above
 * the form and disables its buttons.
 */
export async function blockWithoutCounts(root, form, ctx) {
  const info = await ctx.districtInfo();
  if (!info || !info.counts_missing) return false;
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) button.disabled = true;
  form.before(h("div", { class: "notice", id: "counts-missing", role: "status" }, t("district.noCounts", { name: info.display_name, n: fmtInt(info.villages_without_counts) })));
  return true;
}

/** Renders a full plan into `box`. */
export async function showPlan(box, plan, ctx) {
  let mapData;
  try {
    mapData = await ctx.map(plan.region || ctx.district());
  } catch (error) {
    box.replaceChildren(headline(plan), errorBox(error), projectionSection(plan), calendarSection(plan), learnedSection(plan) || "", unvisitedSection(plan), exportsSection(plan));
    return;
  }
  box.replaceChildren(headline(plan), routesSection(plan, mapData), projectionSection(plan), calendarSection(plan), learnedSection(plan) || "", unvisitedSection(plan), exportsSection(plan));
  box.dataset.plan = plan.name;
}

export async function render(root, route, ctx) {
  let stopped = false;
  const params = route.params;
  const id = route.parts[0];
  root.append(h("div", { class: "page-head" }, h("div", {}, h("h1", {}, t("plan.title")), h("p", { class: "lead" }, t("plan.lead")))));
  const progress = h("div", { class: "progress-box", id: "plan-progress" });
  const result = h("div", { id: "plan-result" });

  let stored = null;
  let loadError = null;
  if (id) {
    stored = state.plans.get(id) || null;
    if (!stored) {
      try {
        stored = await api(`/api/plans/${encodeURIComponent(id)}`);
        state.plans.set(id, stored);
      } catch (error) {
        loadError = error;
      }
    }
  }
  // The form shows what a stored plan was made with, or what was last asked.
  const values = stored ? { ...stored.parameters } : { ...(state.form || {}) };
  if (params.get("budget")) values.budget_rupiah = parseRupiah(params.get("budget"));
  if (params.get("teams")) values.teams = Number(params.get("teams"));
  if (params.get("start")) values.start_date = params.get("start");
  if (params.get("deadline")) values.deadline = params.get("deadline");
  const form = buildForm(values);
  root.append(form, progress, result);
  const blocked = await blockWithoutCounts(root, form, ctx);

  const solve = async (id) => {
    const { parameters, errors } = readParameters(form);
    state.form = { ...parameters, advancedOpen: form.querySelector("details").open };
    const unplaced = showFieldErrors(form, errors);
    if (errors.length) {
      result.replaceChildren(unplaced.length ? errorBox({ message: unplaced.map((v) => v.description).join(" ") }) : "");
      return;
    }
    result.replaceChildren();
    try {
      const plan = await withProgress(progress, t("plan.solving"), (signal) => api("/api/plans", { body: { region: ctx.district(), parameters, request_id: id }, signal }));
      if (!plan || stopped) return;
      state.plans.set(plan.id, plan);
      ctx.replaceRoute("#/plan/" + encodeURIComponent(plan.id));
      await showPlan(result, plan, ctx);
    } catch (error) {
      if (stopped) return;
      const unplacedServer = showFieldErrors(form, error.violations || []);
      result.replaceChildren(!error.violations?.length || unplacedServer.length ? errorBox(error) : "");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    solve(requestId());
  });

  if (loadError) {
    result.replaceChildren(errorBox(loadError));
  } else if (stored) {
    await showPlan(result, stored, ctx);
  } else if (params.get("run") === "1" && !blocked) {
    // Solve once; switching language re-renders without solving again.
    ctx.replaceRoute("#/plan");
    solve(linkRequestId(params, isoToday()));
  }

  return () => {
    stopped = true;
    const running = progress.querySelector(".progress button");
    if (running) running.click();
  };
}

/** Where the budget binds, how far a plan's (or a scenario's) cost is
 * above the least any plan of its days could cost (a proven bound); null
 * where the optimizer did not state it. */
export function aboveLeastCost(cost, least) {
  return least > 0 && cost > 0 ? cost / least - 1 : null;
}

/** Where the budget binds, a plan's (or a scenario's) mobile activations as
 * a share of the most any plan of its days could do with that budget (a
 * proven bound); elsewhere a plan stops at the target, so the share says
 * nothing (null). */
export function shareOfMost(s) {
  return s.binding_constraint === "budget" && s.mobile_activations_upper_bound > 0 ? s.mobile_activations / s.mobile_activations_upper_bound : null;
}
