// The audit trail (admins only): every ledger batch, import, target,
// token and stored plan, newest first, with who made it and from where.

import { api } from "./api.js";
import { t, fmtDate, fmtInt, fmtRp, fmtPct } from "./i18n.js";
import { h, errorBox, stacked } from "./ui.js";

function when(iso) {
  if (!iso) return "–";
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${fmtDate(day)} ${pad(date.getHours())}.${pad(date.getMinutes())}`;
}

/** The entry's numbers ({"activations": 500, ...}) in the page's language. */
function detail(text) {
  let fields;
  try {
    fields = JSON.parse(text || "{}");
  } catch {
    return text;
  }
  return Object.entries(fields)
    .filter(([, value]) => value !== "" && value !== null)
    .map(([key, value]) => {
      let shown = value;
      if (key === "budget_rupiah") shown = fmtRp(value);
      else if (key === "target_fraction") shown = fmtPct(value, 1);
      else if (key === "role") shown = t(`role.${value}`);
      else if (key === "state") shown = t(`plans.state.${value}`);
      else if (typeof value === "number") shown = fmtInt(value);
      return `${t(`audit.key.${key}`)}: ${shown}`;
    })
    .join(" · ");
}

export async function render(root) {
  root.append(h("h1", {}, t("audit.title")), h("p", { class: "lead" }, t("audit.lead")));
  const body = h("div", {}, h("p", { class: "muted" }, t("loading")));
  root.append(body);
  try {
    const { entries } = await api("/api/audit");
    if (!entries.length) {
      body.replaceChildren(h("p", { class: "muted" }, t("audit.empty")));
      return;
    }
    const head = ["audit.time", "audit.action", "audit.resource", "audit.who", "audit.from", "audit.detail"];
    body.replaceChildren(
      h(
        "div",
        { class: "scroll" },
        stacked(h(
          "table",
          { id: "audit-table", class: "data" },
          h("thead", {}, h("tr", {}, head.map((key) => h("th", {}, t(key))))),
          h(
            "tbody",
            {},
            entries.map((entry) =>
              h(
                "tr",
                { "data-action": entry.action },
                h("td", { class: "nowrap" }, when(entry.time)),
                h("td", {}, t(`audit.action.${entry.action}`)),
                h("td", { class: "code" }, entry.resource),
                h("td", {}, h("span", { class: "code" }, entry.token), " ", h("span", { class: "muted" }, entry.role ? t(`role.${entry.role}`) : "")),
                h("td", { class: "code" }, entry.forwarded_for ? `${entry.forwarded_for} (${entry.peer})` : entry.peer || "–"),
                h("td", {}, detail(entry.detail))
              )
            )
          )
        ))
      )
    );
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}
