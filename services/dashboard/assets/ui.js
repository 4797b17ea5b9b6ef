// Small pieces every page uses: building elements, error boxes, field
// errors, and running a long request with a spinner, elapsed time and a
// cancel button.

import { fmtDate, t } from "./i18n.js";

/**
 * A district's name as the national list writes it, "Kabupaten Rejang
 * Lebong": the seed's name lacks the word for its kind, the national
 * list's already begins with it. The word is the same in both languages.
 */
export function districtName(name, kind) {
  return /^(kabupaten|kota)\s/i.test(name) ? name : `${t("kind." + (kind || "kabupaten"))} ${name}`;
}

/** h("div", {class: "x", onclick: f}, child, "text", [more]) → element. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      element.className = value;
    } else if (name === "html") {
      element.innerHTML = value;
    } else if (name === "style") {
      // Through the CSSOM: the page's CSP forbids inline style attributes.
      for (const rule of String(value).split(";")) {
        const at = rule.indexOf(":");
        if (at > 0) element.style.setProperty(rule.slice(0, at).trim(), rule.slice(at + 1).trim());
      }
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A message for an error a person can act on. */
export function errorText(error) {
  if (!error) return "";
  if (error.code === "UNAVAILABLE") return `${t("error.UNAVAILABLE")} (${error.message})`;
  if (error.code === "NETWORK") return t("error.network");
  return error.message || String(error);
}

export function errorBox(error, onRetry) {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    h("strong", {}, t("error.title") + ": "),
    errorText(error),
    error && error.preconditions && error.preconditions.length && !error.saysPreconditions
      ? h("ul", {}, error.preconditions.map((p) => h("li", {}, p.description || p.subject)))
      : null,
    onRetry ? h("button", { class: "link", type: "button", onclick: onRetry }, t("retry")) : null
  );
}

/**
 * "31/12/2027", "31-12-2027", "31.12.2027", "31122027" or "2027-12-31" →
 * "2027-12-31"; "" → ""; anything that is not a calendar date → null.
 */
export function parseDateText(text) {
  const value = String(text || "").trim();
  if (value === "") return "";
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  let [year, month, day] = match ? [match[1], match[2], match[3]] : [];
  if (!match) {
    match = /^(\d{1,2})[/.\-\s]+(\d{1,2})[/.\-\s]+(\d{4})$/.exec(value) || /^(\d{2})(\d{2})(\d{4})$/.exec(value);
    if (!match) return null;
    [day, month, year] = [match[1], match[2], match[3]];
  }
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${year}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** "2027-12-31" → "31/12/2027"; anything else unchanged. */
export function dateText(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso || "";
}

/**
 * A date field that reads and shows day/month/year whatever the browser's
 * locale (a native date input shows mm/dd/yyyy in an en-US browser, which
 * in an Indonesian page reads as the wrong day), with the browser's own
 * calendar one tap away. `name` and `id` go on a hidden input that holds
 * the date as yyyy-mm-dd ("" while the text is empty or not a date), so a
 * form reads it as before; the field fires "change" when the date changes.
 * `dateProblems` reports what is wrong with the text.
 */
export function dateInput({ name, id, value = "", min, max, required } = {}) {
  const iso = h("input", { type: "hidden", name, id, value });
  const text = h("input", {
    type: "text",
    class: "date-text",
    inputmode: "numeric",
    autocomplete: "off",
    placeholder: t("date.placeholder"),
    required,
    value: dateText(value),
  });
  const picker = h("input", { type: "date", class: "date-picker", tabindex: "-1", "aria-hidden": "true", min, max });
  const button = h("button", { type: "button", class: "date-button", title: t("date.pick"), "aria-label": t("date.pick") }, calendarIcon());
  const wrapper = h("span", { class: "date-input" }, iso, text, button, picker);
  wrapper.dataset.min = min || "";
  wrapper.dataset.max = max || "";
  const sync = () => {
    const parsed = parseDateText(text.value);
    iso.value = parsed || "";
    text.setCustomValidity(dateProblem(wrapper) || "");
  };
  // Phone keypads for numbers have no "/": it follows the day and month.
  text.addEventListener("input", (event) => {
    if (event.inputType === "insertText" && /^(\d{2}|\d{1,2}\/\d{2})$/.test(text.value)) text.value += "/";
    sync();
  });
  text.addEventListener("change", () => {
    sync();
    if (iso.value) text.value = dateText(iso.value);
  });
  button.addEventListener("click", () => {
    picker.value = iso.value;
    try {
      picker.showPicker();
    } catch {
      picker.focus();
    }
  });
  picker.addEventListener("change", (event) => {
    event.stopPropagation();
    if (!picker.value) return;
    text.value = dateText(picker.value);
    sync();
    text.dispatchEvent(new Event("change", { bubbles: true }));
  });
  return wrapper;
}

/** The yyyy-mm-dd a `dateInput` holds ("" if none). */
export function dateValue(wrapper) {
  return wrapper.querySelector("input[type=hidden]").value;
}

/** What is wrong with a date field's text (nothing in a required one
 * included), or "" if nothing. */
function dateProblem(wrapper) {
  const text = wrapper.querySelector(".date-text");
  const iso = parseDateText(text.value);
  if (iso === null) return t("date.invalid");
  if (iso === "" && text.required) return t("field.required");
  if (iso && wrapper.dataset.max && iso > wrapper.dataset.max) return t("date.latest", { d: fmtDate(wrapper.dataset.max) });
  if (iso && wrapper.dataset.min && iso < wrapper.dataset.min) return t("date.earliest", { d: fmtDate(wrapper.dataset.min) });
  return "";
}

/** The date fields of `form` whose text is not a date in range (or that
 * are required and empty), as field violations ({field, description}) for
 * `showFieldErrors`. */
export function dateProblems(form) {
  const problems = [];
  for (const wrapper of form.querySelectorAll(".date-input")) {
    const problem = dateProblem(wrapper);
    if (problem) problems.push({ field: wrapper.querySelector("input[type=hidden]").name, description: problem });
  }
  return problems;
}

function calendarIcon() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.innerHTML = '<rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor"/><path d="M1.5 6.5h13M5 1.5v3M11 1.5v3" stroke="currentColor"/>';
  return svg;
}

/** Clears and then shows a form's field errors; returns the unplaced ones. */
export function showFieldErrors(form, violations) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll(".invalid")) input.classList.remove("invalid");
  const unplaced = [];
  for (const violation of violations || []) {
    const name = String(violation.field || "").split(".").pop().replace(/\[\d+\]$/, "");
    const named = name && form.querySelector(`[name="${CSS.escape(name)}"]`);
    // A date field's name is on its hidden value; its text shows the error.
    const input = named && named.type === "hidden" ? named.closest(".date-input")?.querySelector(".date-text") : named;
    if (input) {
      input.classList.add("invalid");
      const note = h("div", { class: "field-error" }, violation.description);
      (input.closest("label") || input.parentElement).append(note);
    } else {
      unplaced.push(violation);
    }
  }
  return unplaced;
}

/**
 * Runs `work(signal)` while `box` shows a spinner, the elapsed seconds and
 * a cancel button. Cancelling aborts the fetch; the dashboard then drops
 * the gRPC call. Resolves to the result, or `null` when cancelled.
 */
export async function withProgress(box, label, work) {
  const controller = new AbortController();
  const started = Date.now();
  const elapsed = h("span", { class: "elapsed" }, t("elapsed", { s: 0 }));
  const cancel = h("button", { type: "button", class: "secondary", onclick: () => controller.abort() }, t("cancel"));
  box.replaceChildren(h("div", { class: "progress", role: "status" }, h("span", { class: "spinner" }), h("span", {}, label), elapsed, cancel));
  const timer = setInterval(() => {
    elapsed.textContent = t("elapsed", { s: Math.floor((Date.now() - started) / 1000) });
  }, 500);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (error.name === "AbortError") {
      box.replaceChildren(h("p", { class: "muted" }, t("cancelled")));
      return null;
    }
    throw error;
  } finally {
    clearInterval(timer);
    if (box.querySelector(".progress")) box.replaceChildren();
  }
}

/**
 * Marks a table to become one card per row on a phone (style.css): each
 * cell is labelled with its column's heading. Returns the table.
 */
export function stacked(table) {
  const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr, tfoot tr")) {
    [...row.cells].forEach((cell, i) => {
      if (headings[i]) cell.dataset.label = headings[i];
    });
  }
  table.classList.add("stack");
  return table;
}

/** A labelled figure: big number and a small line under it. */
export function stat(label, value, note, attrs = {}) {
  return h("div", { class: "stat", ...attrs }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value), note ? h("div", { class: "stat-note" }, note) : null);
}

export const TEAM_COLORS = ["#1f5fa8", "#d1495b", "#2e8540", "#8e44ad", "#e07b00", "#00897b", "#6d4c41", "#c2185b"];

export function teamColor(team) {
  return TEAM_COLORS[(Number(team) - 1 + TEAM_COLORS.length) % TEAM_COLORS.length];
}
