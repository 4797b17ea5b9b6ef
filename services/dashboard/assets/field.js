// The field page, #/field?team=1&date=2026-11-26&plan=ID: one team's stops
// of the day from a saved plan, a count to fill in for each, villages the
// plan did not list added by name, and one button that saves the day.
// Made for a phone held in a village hall: one column, big targets, and it
// works without a signal (the service worker keeps the page and the last
// day fetched; the entries wait in outbox.js until the server has them).

import { api, session } from "./api.js";
import { t, fmtInt, fmtDate } from "./i18n.js";
import { h, dateInput, dateProblems, dateValue, errorBox, errorText, showFieldErrors } from "./ui.js";
import * as outbox from "./outbox.js";

/** The phone's own calendar day, as YYYY-MM-DD. */
function isoDay(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function isoToday() {
  return isoDay(new Date());
}

/** Reads "25", "1.234" or "1234" (Indonesian thousands dots); null when empty, NaN when not a count. */
export function parseCount(text) {
  const cleaned = String(text || "").trim().replace(/\s/g, "");
  if (cleaned === "") return null;
  if (!/^(\d+|\d{1,3}(\.\d{3})+)$/.test(cleaned)) return NaN;
  return Number(cleaned.replace(/\./g, ""));
}

/** The day asked for, of the plans of `region` (the district the picker chose). */
function fieldUrl(params, region) {
  const query = new URLSearchParams();
  for (const key of ["plan", "team", "date"]) if (params.get(key)) query.set(key, params.get(key));
  if (region) query.set("region", region);
  const text = query.toString();
  return "/api/field" + (text ? "?" + text : "");
}

function routeWith(params, changes) {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  return "#/field?" + next.toString();
}

/** "Siap dipakai tanpa sinyal" once the worker controls the page and holds this day. */
async function offlineReady(url) {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller || !("caches" in window)) return false;
  return Boolean(await caches.match(url));
}

/** "target 307 · sudah tercatat 21" under a village's name. */
function stopNotes(stop) {
  const notes = [];
  if (stop.expected_activations) notes.push(t("field.expected", { n: fmtInt(stop.expected_activations) }));
  if (stop.recorded_mobile) notes.push(t("field.recorded", { n: fmtInt(stop.recorded_mobile) }));
  return notes.join(" · ");
}

function stopRow(stop, added, onRemove) {
  // Text, not type=number: a count may be written the Indonesian way
  // ("1.234"), which a number input would take for a decimal.
  const input = h("input", {
    type: "text",
    inputmode: "numeric",
    autocomplete: "off",
    name: "count",
    class: "count",
    "data-region": stop.region,
    "aria-label": t("field.count", { village: stop.display_name }),
    placeholder: "0",
  });
  return h(
    "li",
    { class: "stop" + (added ? " added" : ""), "data-region": stop.region },
    h(
      "div",
      { class: "stop-name" },
      h("strong", {}, stop.display_name),
      h("small", {}, [stop.kecamatan_name, added ? t("field.added") : null].filter(Boolean).join(" · ")),
      h("small", { class: "stop-expected" }, stopNotes(stop))
    ),
    h("div", { class: "stop-count" }, input, added ? h("button", { type: "button", class: "remove", "aria-label": t("field.remove"), title: t("field.remove"), onclick: onRemove }, "×") : null)
  );
}

/** The entries still waiting, kept current as they change; the send button and its status stay put. */
function waitingList(box, me) {
  const title = h("h2", {}, t("field.waiting"));
  const sendNow = h("button", { type: "button", class: "secondary", id: "send-now" }, t("field.sendNow"));
  const status = h("p", { class: "muted small", role: "status", id: "send-status" });
  const items = h("div", {});
  sendNow.addEventListener("click", async () => {
    sendNow.disabled = true;
    status.textContent = t("field.sending");
    try {
      const { sent, left } = await outbox.flush();
      status.textContent = sent ? t("field.sent", { n: fmtInt(sent) }) : left ? t("field.notSent") : "";
    } catch (error) {
      status.textContent = errorText(error);
    } finally {
      sendNow.disabled = false;
    }
  });
  box.replaceChildren(h("div", { class: "section-head" }, title, sendNow), status, items);
  const render = async () => {
    let entries;
    try {
      entries = await outbox.waiting();
    } catch (error) {
      items.replaceChildren(errorBox(error));
      return;
    }
    title.textContent = entries.length ? t("field.waitingCount", { n: fmtInt(entries.length) }) : t("field.waiting");
    items.replaceChildren(
      entries.length
        ? h(
            "ul",
            { class: "waiting", id: "waiting-list" },
            entries.map((entry) => {
              const r = entry.report;
              const other = entry.token && me && me.token && entry.token !== me.token;
              return h(
                "li",
                { "data-request-id": entry.request_id, "data-region": r.region, "data-count": r.count, "data-date": r.activation_date, "data-team": r.team, class: entry.error ? "refused" : null },
                h("span", {}, t("field.entry", { village: r.display_name || r.region, n: fmtInt(r.count), team: r.team, date: fmtDate(r.activation_date) })),
                other ? h("small", { class: "muted" }, t("field.otherUser")) : null,
                entry.error
                  ? h("small", { class: "warn" }, t("field.refused", { reason: entry.error }), " ", h("button", { type: "button", class: "link", onclick: () => outbox.discard(entry.request_id) }, t("field.remove")))
                  : null
              );
            })
          )
        : h("p", { class: "muted", id: "all-sent" }, t("field.allSent"))
    );
  };
  window.addEventListener("outboxchange", render);
  render();
  return () => window.removeEventListener("outboxchange", render);
}

function villageSearch(data, form, addStop) {
  const input = h("input", { type: "search", id: "village-search", autocomplete: "off", placeholder: t("field.search"), "aria-label": t("field.add") });
  const results = h("ul", { class: "search-results", id: "village-results" });
  const show = () => {
    const query = input.value.trim().toLowerCase();
    if (query.length < 2) {
      results.replaceChildren();
      return;
    }
    const listed = new Set([...form.querySelectorAll("li.stop")].map((li) => li.dataset.region));
    const matches = (data.villages || []).filter((v) => !listed.has(v.region) && v.display_name.toLowerCase().includes(query)).slice(0, 8);
    results.replaceChildren(
      ...(matches.length
        ? matches.map((v) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  "data-region": v.region,
                  onclick: () => {
                    addStop(v);
                    input.value = "";
                    results.replaceChildren();
                  },
                },
                h("strong", {}, v.display_name),
                " ",
                h("small", { class: "muted" }, v.kecamatan_name)
              )
            )
          )
        : [h("li", { class: "muted" }, t("field.noMatch"))])
    );
  };
  input.addEventListener("input", show);
  return h("div", { class: "add-village" }, h("label", { class: "field-label", for: "village-search" }, t("field.add")), input, results);
}

function pickers(data, params) {
  const team = h(
    "select",
    { id: "field-team", "aria-label": t("field.team") },
    (data.teams.length ? data.teams : [{ team: data.team, display_name: data.team_name }]).map((tm) => h("option", { value: tm.team, selected: tm.team === data.team }, tm.display_name))
  );
  const plan = h(
    "select",
    { id: "field-plan", "aria-label": t("field.plan") },
    data.plans.map((p) => h("option", { value: p.id, selected: data.plan && p.id === data.plan.id }, `${fmtDate(p.start_date)} · ${p.id.slice(0, 8)}`))
  );
  const date = dateInput({ name: "date", id: "field-date", value: data.date, max: isoToday() });
  team.addEventListener("change", () => (location.hash = routeWith(params, { team: team.value })));
  plan.addEventListener("change", () => (location.hash = routeWith(params, { plan: plan.value })));
  const box = h("div", { class: "field-pickers" });
  date.addEventListener("change", () => {
    const problems = dateProblems(box);
    showFieldErrors(box, problems);
    if (!problems.length && dateValue(date)) location.hash = routeWith(params, { date: dateValue(date) });
  });
  box.append(h("label", { class: "field" }, h("span", { class: "field-label" }, t("field.team")), team));
  if (data.plans.length) box.append(h("label", { class: "field" }, h("span", { class: "field-label" }, t("field.plan")), plan));
  box.append(h("label", { class: "field" }, h("span", { class: "field-label" }, t("field.date")), date));
  return box;
}

export async function render(root, { params }, ctx) {
  const url = fieldUrl(params, ctx.district());
  const head = h("div", { class: "page-head field-head" }, h("h1", { id: "field-title" }, t("nav.field")));
  const connection = h("span", { class: "live", id: "connection" });
  const ready = h("span", { class: "muted small", id: "offline-ready" });
  const body = h("div", {}, h("p", { class: "muted" }, t("loading")));
  const waitingBox = h("section", { class: "card", id: "waiting" });
  root.append(head, h("p", { class: "lead field-lead" }, t("field.lead")), h("div", { class: "field-status" }, connection, ready), body, waitingBox);

  const showConnection = () => {
    connection.className = "live " + (navigator.onLine ? "on" : "off");
    connection.textContent = navigator.onLine ? t("field.online") : t("field.offline");
  };
  showConnection();
  const showReady = async () => {
    const yes = await offlineReady(url).catch(() => false);
    ready.textContent = yes ? "✓ " + t("field.ready") : t("field.notReady");
    ready.dataset.ready = yes ? "1" : "0";
  };
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);

  // Known only online; offline the entries keep the token of the last day fetched.
  const me = await session().catch(() => null);
  const stopWaiting = waitingList(waitingBox, me);

  let data;
  const load = async () => {
    data = await api(url);
  };
  // The first visit loads the day before the worker controls the page;
  // once it does, fetching the day again through it keeps it offline.
  const keepForOffline = async () => {
    if (!(await offlineReady(url).catch(() => false)) && "serviceWorker" in navigator && navigator.serviceWorker.controller) {
      await load().catch(() => null);
    }
    await showReady();
  };
  if ("serviceWorker" in navigator) navigator.serviceWorker.addEventListener("controllerchange", keepForOffline);
  try {
    await load();
    keepForOffline();
  } catch (error) {
    body.replaceChildren(error.code === "NETWORK" ? h("p", { class: "error-box", role: "alert" }, t("field.noData")) : errorBox(error, () => location.reload()));
    showReady();
    return () => {
      if ("serviceWorker" in navigator) navigator.serviceWorker.removeEventListener("controllerchange", keepForOffline);
      stopWaiting();
      window.removeEventListener("online", showConnection);
      window.removeEventListener("offline", showConnection);
    };
  }

  const title = data.date === isoToday() ? t("field.title", { team: data.team }) : t("field.titleOn", { team: data.team, date: fmtDate(data.date) });
  head.querySelector("h1").textContent = title;

  const form = h("form", { id: "field-form", class: "card field-form", novalidate: true });
  const list = h("ul", { class: "stops", id: "stops" });
  for (const stop of data.stops) list.append(stopRow(stop, false));
  const addStop = (village) => {
    const row = stopRow(village, true, () => row.remove());
    list.append(row);
    row.querySelector("input").focus();
  };
  const message = h("p", { class: "field-message", role: "status", id: "field-message" });
  const save = h("button", { type: "submit", class: "primary big", id: "save-day" }, t("field.save"));
  form.append(
    ...[
      data.plan ? null : h("p", { class: "muted" }, t("field.noPlan")),
      data.plan && !data.stops.length ? h("p", { class: "muted" }, t("field.noStops")) : null,
      list,
      villageSearch(data, form, addStop),
      save,
      message,
    ].filter(Boolean)
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.className = "field-message";
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    const reports = [];
    let bad = false;
    for (const input of form.querySelectorAll("input.count")) {
      const count = parseCount(input.value);
      input.classList.toggle("invalid", Number.isNaN(count));
      if (Number.isNaN(count)) {
        bad = true;
        input.closest("li").append(h("div", { class: "field-error" }, t("field.badCount")));
        continue;
      }
      if (!count) continue;
      const region = input.dataset.region;
      const known = data.stops.find((s) => s.region === region) || data.villages.find((v) => v.region === region) || {};
      reports.push({ region, display_name: known.display_name || region, kecamatan_name: known.kecamatan_name || "", count, activation_date: data.date, team: data.team_name });
    }
    if (bad) return;
    if (data.date > isoToday()) {
      message.className = "field-message warn";
      message.textContent = t("field.future");
      return;
    }
    if (!reports.length) {
      message.className = "field-message warn";
      message.textContent = t("field.nothing");
      return;
    }
    save.disabled = true;
    try {
      await outbox.save(reports, (me && me.token) || data.token);
      for (const input of form.querySelectorAll("input.count")) input.value = "";
      for (const row of form.querySelectorAll("li.stop.added")) row.remove();
      message.className = "field-message good";
      message.textContent = t("field.saved", { n: fmtInt(reports.length) });
    } catch (error) {
      message.className = "field-message warn";
      message.textContent = errorText(error);
    } finally {
      save.disabled = false;
    }
    outbox.flush().catch((error) => console.warn("sending field entries", error));
  });

  // Once the server has entries, show the day's recorded counts anew (and
  // keep that answer for offline use too); typed counts stay as they are.
  let refreshing = null;
  const refreshRecorded = (event) => {
    if (!event.detail || !event.detail.sent || refreshing) return;
    refreshing = setTimeout(async () => {
      refreshing = null;
      try {
        await load();
      } catch {
        return;
      }
      for (const row of list.querySelectorAll("li.stop")) {
        const fresh = data.stops.find((s) => s.region === row.dataset.region) || data.villages.find((v) => v.region === row.dataset.region);
        const notes = row.querySelector(".stop-expected");
        if (fresh && notes) notes.textContent = stopNotes(fresh);
      }
    }, 300);
  };
  window.addEventListener("outboxchange", refreshRecorded);

  body.replaceChildren(
    pickers(data, params),
    h("p", { class: "muted small", id: "data-time" }, t("field.dataFrom", { t: fmtDate(isoDay(new Date(data.generated_at))) + " " + new Date(data.generated_at).toTimeString().slice(0, 5) })),
    form
  );
  return () => {
    stopWaiting();
    clearTimeout(refreshing);
    window.removeEventListener("outboxchange", refreshRecorded);
    window.removeEventListener("online", showConnection);
    window.removeEventListener("offline", showConnection);
    if ("serviceWorker" in navigator) navigator.serviceWorker.removeEventListener("controllerchange", keepForOffline);
  };
}
