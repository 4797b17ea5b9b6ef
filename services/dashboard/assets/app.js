// The page shell: hash routes (#/gaps, #/plan, #/scenarios, #/plans,
// #/audit, #/field), the language switch, data shared by pages (the map,
// fetched once), the service worker that lets the field page open offline,
// and sending the field entries still waiting.

import { t, lang, setLang } from "./i18n.js";
import { api } from "./api.js";
import * as gaps from "./gaps.js";
import * as plan from "./plan.js";
import * as scenarios from "./scenarios.js";
import * as plans from "./plans.js";
import * as audit from "./audit.js";
import * as field from "./field.js";
import * as outbox from "./outbox.js";

const PAGES = { gaps, plan, scenarios, plans, audit, field };

let mapPromise = null;
let configPromise = null;

const ctx = {
  /** /api/map: district, kecamatan and villages with boundaries. */
  map() {
    if (!mapPromise) {
      mapPromise = api("/api/map").catch((error) => {
        mapPromise = null;
        throw error;
      });
    }
    return mapPromise;
  },
  config() {
    if (!configPromise) configPromise = api("/api/config").catch(() => ({ district: "regions/17.02", workday_start_hour: 8 }));
    return configPromise;
  },
  /** Changes the URL without rendering the page again. */
  replaceRoute(hash) {
    history.replaceState(null, "", hash);
    markNav();
  },
};

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
  }
  for (const button of document.querySelectorAll(".lang button")) {
    button.classList.toggle("active", button.dataset.lang === lang());
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang()));
  }
}

function translateStatic() {
  document.documentElement.lang = lang();
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  document.title = `${t("app.title")} — Rejang Lebong`;
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
  markNav();
  const route = parseRoute();
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
