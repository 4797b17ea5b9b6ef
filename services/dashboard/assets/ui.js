// Small pieces every page uses: building elements, error boxes, field
// errors, and running a long request with a spinner, elapsed time and a
// cancel button.

import { t } from "./i18n.js";

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
    error && error.preconditions && error.preconditions.length
      ? h("ul", {}, error.preconditions.map((p) => h("li", {}, p.description || p.subject)))
      : null,
    onRetry ? h("button", { class: "link", type: "button", onclick: onRetry }, t("retry")) : null
  );
}

/** Clears and then shows a form's field errors; returns the unplaced ones. */
export function showFieldErrors(form, violations) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll(".invalid")) input.classList.remove("invalid");
  const unplaced = [];
  for (const violation of violations || []) {
    const name = String(violation.field || "").split(".").pop().replace(/\[\d+\]$/, "");
    const input = name && form.querySelector(`[name="${CSS.escape(name)}"]`);
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
