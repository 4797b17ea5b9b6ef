// The province's share of the Budget scenarios page: one budget split among
// the districts of the shown district's province so that the most reach
// their targets by a deadline (AllocateBudget), each district's share with
// its least budget and that budget's proven lower bound, the proven ceiling
// on how many districts any split could bring there, and the workbook.

import { api, download } from "./api.js";
import { t, lang, fmtInt, fmtRp, fmtPct, fmtDate, parseRupiah } from "./i18n.js";
import { h, dateInput, dateProblems, errorBox, showFieldErrors, withProgress, stacked, districtName } from "./ui.js";

/** What was last asked and answered, kept while the page is re-rendered
 * (a language switch) so the split is not solved again. */
const last = { province: null, total: "", deadline: "", asked: null, split: null };

/**
 * The card for the province of `info` (`ctx.districtInfo()`), and below it
 * the split. `shared()` gives the scenario form's parameters (teams, start,
 * target), which every district's plans share, or null while they are wrong.
 */
export function provinceCard(info, shared, isStopped) {
  const province = info.province;
  if (!province.held) {
    // Its districts are listed by code, but a split needs the province.
    return [h("section", { class: "card", id: "province-form" }, h("h2", {}, t("prov.title", { p: province.display_name })), h("p", { class: "muted" }, t("prov.notHeld"), " ", h("code", {}, `jemput regions add ${province.code}`)))];
  }
  if (last.province !== province.region) Object.assign(last, { province: province.region, total: "", deadline: "", asked: null, split: null });
  const names = new Map(province.districts.map((d) => [d.region, districtName(d.display_name, d.kind)]));
  const form = h(
    "form",
    { class: "card", id: "province-form", novalidate: true },
    h("h2", {}, t("prov.title", { p: province.display_name })),
    h("p", { class: "muted small" }, t("prov.lead")),
    h(
      "div",
      { class: "form-grid" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("prov.total")), h("input", { name: "total_budget_rupiah", inputmode: "decimal", placeholder: "2 miliar", value: last.total })),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("scen.deadline")), dateInput({ name: "deadline", required: true, value: last.deadline }))
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("prov.submit")))
  );
  const progress = h("div", { class: "progress-box" });
  const result = h("div", { id: "province-result" }, last.split ? splitSection(last.asked, last.split, names) : null);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    last.total = form.elements.total_budget_rupiah.value;
    last.deadline = form.elements.deadline.value;
    const total = parseRupiah(last.total);
    const errors = dateProblems(form);
    if (total === null || total < 0) errors.push({ field: "total_budget_rupiah", description: t("prov.badTotal") });
    showFieldErrors(form, errors);
    if (errors.length) return;
    const parameters = shared();
    if (!parameters) return;
    const asked = { region: province.region, total_budget_rupiah: total, deadline: last.deadline, parameters };
    result.replaceChildren();
    try {
      const split = await withProgress(progress, t("prov.solving"), (signal) => api("/api/allocate", { body: asked, signal }));
      if (!split || isStopped()) return;
      Object.assign(last, { asked, split });
      result.replaceChildren(splitSection(asked, split, names));
    } catch (error) {
      if (isStopped()) return;
      const unplaced = showFieldErrors(form, error.violations || []);
      result.replaceChildren(!error.violations?.length || unplaced.length ? errorBox(error) : "");
    }
  });
  return [form, progress, result];
}

function splitSection(asked, split, names) {
  const name = (region) => names.get(region) || region.replace(/^regions\//, "");
  // In the picker's order (the server's, which `names` keeps); any the picker does not list, after.
  const inOrder = (regions) => [...[...names.keys()].filter((r) => regions.includes(r)), ...regions.filter((r) => !names.has(r))];
  const planned = split.shares.length;
  const xlsx = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: (event) => {
        const button = event.currentTarget;
        download(`/api/allocate/export.xlsx?lang=${lang()}`, { region: asked.region, total_budget_rupiah: asked.total_budget_rupiah, deadline: asked.deadline, split }, "jemput-pembagian-anggaran.xlsx").catch((error) => button.after(errorBox(error)));
      },
    },
    "XLSX"
  );
  const headings = [t("prov.district"), t("prov.share"), t("scen.reaches"), t("plan.targetDate"), t("scen.days"), t("coverage"), t("plan.cost"), t("prov.least"), t("prov.leastBound")];
  return h(
    "section",
    { class: "card", id: "province-split" },
    h("div", { class: "section-head" }, h("h2", {}, t("prov.resultTitle", { d: fmtDate(asked.deadline) })), h("div", { class: "actions" }, xlsx)),
    h("p", { class: "big" }, t("prov.reaching", { n: fmtInt(split.districts_reaching_target), of: fmtInt(planned), d: fmtDate(asked.deadline) })),
    h("p", {}, t("prov.ceiling", { n: fmtInt(split.districts_reaching_target_upper_bound) }), " ", t("prov.allocated", { a: fmtRp(split.allocated_rupiah), b: fmtRp(asked.total_budget_rupiah) })),
    planned
      ? h(
          "div",
          { class: "scroll" },
          stacked(
            h(
              "table",
              { class: "data", id: "province-table" },
              h("thead", {}, h("tr", {}, headings.map((c, i) => h("th", { class: i === 0 || i === 2 || i === 3 ? "" : "num" }, c)))),
              h(
                "tbody",
                {},
                split.shares.map((s) =>
                  h(
                    "tr",
                    { "data-district": s.district },
                    h("td", {}, names.get(s.district) || (s.display_name ? districtName(s.display_name) : name(s.district))),
                    h("td", { class: "num" }, fmtRp(s.budget_rupiah)),
                    h("td", {}, s.reaches_target ? t("scen.yes") : t("scen.no")),
                    h("td", {}, s.already_reached ? t("prov.already") : s.reaches_target ? fmtDate(s.target_date) : "—"),
                    h("td", { class: "num" }, s.already_reached ? "—" : fmtInt(s.working_days)),
                    h("td", { class: "num" }, fmtPct(s.coverage)),
                    h("td", { class: "num" }, fmtRp(s.cost_rupiah)),
                    h("td", { class: "num" }, s.minimum_budget_rupiah == null ? "—" : fmtRp(s.minimum_budget_rupiah)),
                    h("td", { class: "num" }, s.minimum_budget_lower_bound_rupiah == null ? "—" : fmtRp(s.minimum_budget_lower_bound_rupiah))
                  )
                )
              )
            )
          )
        )
      : null,
    planned ? h("p", { class: "muted small" }, t("prov.leastNote")) : null,
    split.districts_without_counts.length ? h("p", { class: "muted small", id: "province-without-counts" }, t("prov.withoutCounts", { n: fmtInt(split.districts_without_counts.length) }), " ", inOrder(split.districts_without_counts).map(name).join(", "), ".") : null,
    split.districts_not_planned.length ? h("p", { class: "warn small" }, t("prov.notPlanned"), " ", inOrder(split.districts_not_planned).map(name).join(", "), ".") : null
  );
}
