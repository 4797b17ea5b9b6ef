// The page shell: hash routes (#/gaps, #/plan, #/scenarios, #/plans,
// #/audit, #/field), the district every page shows (the picker, `?d=17.08`
// on the route, remembered in localStorage), the language switch, data
// shared by pages (each district's map, fetched once), the service worker
// that lets the field page open offline, and sending the field entries
// still waiting.

import { t, lang, setLang } from "./i18n.js";
import { h, districtName } from "./ui.js";
import { api } from "./api.js";
import * as gaps from "./gaps.js";
import * as plan from "./plan.js";
import * as scenarios from "./scenarios.js";
import * as plans from "./plans.js";
import * as audit from "./audit.js";
import * as field from "./field.js";
import * as outbox from "./outbox.js";

const PAGES = { gaps, plan, scenarios, plans, audit, field };

const maps = new Map();
let configPromise = null;
let districtsPromise = null;
/** The district the pages show, `regions/…`; set before each page renders. */
let current = null;
const REMEMBERED = "jemput.district";
const FALLBACK_DISTRICT = "regions/17.02";

function remembered() {
  try {
    return localStorage.getItem(REMEMBERED);
  } catch {
    return null;
  }
}

function remember(region) {
  try {
    localStorage.setItem(REMEMBERED, region);
  } catch {
    // Private mode: the URL still carries the choice.
  }
}

const ctx = {
  /** /api/map of a district (default the one shown): kecamatan and villages, with boundaries where known. */
  map(region = current) {
    const key = region || FALLBACK_DISTRICT;
    if (!maps.has(key)) {
      maps.set(key, api("/api/map?region=" + encodeURIComponent(key)).catch((error) => {
        maps.delete(key);
        throw error;
      }));
    }
    return maps.get(key);
  },
  config() {
    if (!configPromise) configPromise = api("/api/config").catch(() => ({ district: FALLBACK_DISTRICT, workday_start_hour: 8 }));
    return configPromise;
  },
  /** /api/districts: provinces with their districts; null if it cannot be read. */
  districts() {
    if (!districtsPromise) {
      districtsPromise = api("/api/districts").catch((error) => {
        console.warn("no district list:", error);
        districtsPromise = null;
        return null;
      });
    }
    return districtsPromise;
  },
  /** The district shown, `regions/17.02`. */
  district() {
    return current || FALLBACK_DISTRICT;
  },
  /** `path` asking for the district shown (`?region=` or `&region=`). */
  withDistrict(path) {
    return path + (path.includes("?") ? "&" : "?") + "region=" + encodeURIComponent(ctx.district());
  },
  /** The shown district's entry of /api/districts, or null. */
  async districtInfo() {
    const list = await ctx.districts();
    for (const province of list?.provinces || []) {
      const found = province.districts.find((d) => d.region === ctx.district());
      if (found) return { ...found, province };
    }
    return null;
  },
  /** Shows `region`, another district, on the same page. */
  choose(region) {
    choose(region);
  },
  /** Changes the URL without rendering the page again. */
  replaceRoute(hash) {
    history.replaceState(null, "", withD(hash));
    markNav();
  },
};

/** Whether there is a district to choose (the picker is shown). */
let several = false;

/**
 * `hash` with the shown district as `d=`, so a copied link shows the same
 * one; unchanged while there is only one district.
 */
function withD(hash) {
  if (!several) return hash;
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  params.set("d", ctx.district().replace(/^regions\//, ""));
  return `${path}?${params}`;
}

/** "#/plan/abc?budget=1" → {page: "plan", parts: ["abc"], params}. */
function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || "gaps", parts: parts.slice(1), params: new URLSearchParams(query || "") };
}

function markNav() {
  const { page } = parseRoute();
  for (const link of document.querySelectorAll("#nav a")) {
    link.classList.toggle("active", link.dataset.page === page);
    link.setAttribute("href", withD("#/" + link.dataset.page));
  }
  for (const button of document.querySelectorAll(".lang button")) {
    button.classList.toggle("active", button.dataset.lang === lang());
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang()));
  }
}

/** "Kabupaten Rejang Lebong", or the code while the list is not known. */
function districtLabel(info) {
  if (!info) return ctx.district().replace(/^regions\//, "");
  return districtName(info.display_name, info.kind);
}

async function translateStatic() {
  document.documentElement.lang = lang();
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  const info = await ctx.districtInfo();
  const label = districtLabel(info);
  document.getElementById("district-name").textContent = label;
  document.title = `${t("app.title")} — ${label}`;
  await drawPicker();
}

/** A district's option: its name, and "belum ada data" when its villages have no counts. */
function districtOption(d) {
  const name = districtName(d.display_name, d.kind);
  const label = d.counts_missing ? `${name} — ${t("picker.noCounts")}` : name;
  return h("option", { value: d.region, "data-counts-missing": d.counts_missing ? "1" : "0", selected: d.region === ctx.district() ? true : null }, label);
}

/**
 * The province → district picker under the header, shown only when the
 * registry holds more than one district. Choosing a district keeps the
 * page and drops what was selected inside the old one.
 */
async function drawPicker() {
  const bar = document.getElementById("district-picker");
  const list = await ctx.districts();
  several = Boolean(list && list.district_count > 1);
  if (!several) {
    bar.hidden = true;
    bar.replaceChildren();
    return;
  }
  const provinces = list.provinces.filter((p) => p.districts.length);
  const shownProvince = provinces.find((p) => p.districts.some((d) => d.region === ctx.district())) || provinces[0];
  const provinceSelect = h("select", { id: "pick-province", "aria-label": t("picker.province") }, provinces.map((p) => h("option", { value: p.region, selected: p === shownProvince ? true : null }, p.display_name)));
  const districtSelect = h("select", { id: "pick-district", "aria-label": t("picker.district") });
  const note = h("span", { class: "picker-note", id: "picker-note" });
  const fill = (province) => {
    districtSelect.replaceChildren(...province.districts.map(districtOption));
    const chosen = province.districts.find((d) => d.region === ctx.district());
    if (!chosen) districtSelect.prepend(h("option", { value: "", selected: true, disabled: true }, t("picker.choose")));
    note.textContent = chosen?.counts_missing ? t("picker.noCountsNote") : "";
  };
  fill(shownProvince);
  provinceSelect.addEventListener("change", () => fill(provinces.find((p) => p.region === provinceSelect.value)));
  districtSelect.addEventListener("change", () => {
    if (districtSelect.value) choose(districtSelect.value);
  });
  bar.replaceChildren(
    h("label", { class: "picker-field" }, h("span", {}, t("picker.province")), provinceSelect),
    h("label", { class: "picker-field" }, h("span", {}, t("picker.district")), districtSelect),
    note
  );
  bar.hidden = false;
  markNav();
}

function choose(region) {
  remember(region);
  const { page } = parseRoute();
  // A kecamatan or plan picked in the old district means nothing in the
  // new one; rendering the route settles on the district and retitles.
  location.hash = `#/${page}?d=${encodeURIComponent(region.replace(/^regions\//, ""))}`;
}

/** The district of the route's `d=`, else the one remembered, else the dashboard's default. */
async function settleDistrict(route) {
  const asked = route.params.get("d");
  if (asked && /^[0-9.]+$/.test(asked)) {
    current = "regions/" + asked;
    remember(current);
    return;
  }
  current = remembered() || (await ctx.config()).district || FALLBACK_DISTRICT;
}

let cleanup = null;
let rendering = 0;

async function render() {
  const serial = ++rendering;
  if (cleanup) {
    try {
      cleanup();
    } catch (error) {
      console.error(error);
    }
    cleanup = null;
  }
  const route = parseRoute();
  const before = current;
  await settleDistrict(route);
  if (serial !== rendering) return;
  markNav();
  if (before !== current) translateStatic();
  const page = PAGES[route.page] || gaps;
  const root = document.getElementById("page");
  root.replaceChildren();
  root.dataset.page = route.page in PAGES ? route.page : "gaps";
  const done = await page.render(root, route, ctx);
  if (serial === rendering) cleanup = typeof done === "function" ? done : null;
  else if (typeof done === "function") done();
}

for (const button of document.querySelectorAll(".lang button")) {
  button.addEventListener("click", () => setLang(button.dataset.lang));
}
document.getElementById("logout").addEventListener("click", async () => {
  try {
    // The field days kept for offline use are this user's; the entries
    // still waiting stay (outbox.js sends them only under their own token).
    if ("caches" in window) await caches.delete("jemput-field-days-v1").catch(() => false);
    await api("/logout", { method: "POST" });
  } finally {
    location.assign("/login");
  }
});
window.addEventListener("langchange", () => {
  translateStatic();
  render();
});
window.addEventListener("hashchange", render);
translateStatic();
render();
outbox.start();
if ("serviceWorker" in navigator) {
  // Needs a secure context: HTTPS, or the dashboard on localhost.
  navigator.serviceWorker.register("/sw.js").catch((error) => console.warn("no offline use:", error));
}
