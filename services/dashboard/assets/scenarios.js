// The Budget scenarios page: days to target against budget (one point per
// budget and team count), the days each extra Rp 10 juta saves, the table
// behind the chart with CSV/XLSX downloads, the least budget for a
// deadline, and the province's budget split (province.js).
// #/scenarios?budgets=100000000,250000000&teams=4&run=1 runs at once.

import { api, download } from "./api.js";
import { t, lang, fmtInt, fmtRp, fmtJuta, fmtDec, fmtPct, fmtDate, parseDecimal } from "./i18n.js";
import { h, dateInput, dateProblems, dateText, errorBox, showFieldErrors, withProgress, teamColor, stacked } from "./ui.js";
import { xyChart } from "./charts.js";
import { provinceCard } from "./province.js";
import { aboveLeastCost, blockWithoutCounts, shareOfMost } from "./plan.js";

const state = { region: null, budgets: "100, 150, 200, 250, 300, 400, 500", teams: "4", start_date: "", target: "", deadline: "", scenarios: null, minimum: null };

function readList(text, parse) {
  const items = String(text).split(/[\s,;]+/).filter(Boolean).map(parse);
  return items.length && items.every((v) => Number.isFinite(v) && v > 0) ? items : null;
}

function field(label, control) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), control);
}

function commonParameters(form) {
  const parameters = {};
  if (form.elements.start_date.value) parameters.start_date = form.elements.start_date.value;
  const target = parseDecimal(form.elements.target_fraction.value);
  if (target !== null && !Number.isNaN(target)) parameters.target_fraction = target / 100;
  return parameters;
}

function chartSection(scenarios) {
  const teams = [...new Set(scenarios.map((s) => s.teams))].sort((a, b) => a - b);
  const series = teams.map((n) => ({
    label: t("scen.teamsN", { n }),
    color: teamColor(n),
    dots: true,
    points: scenarios
      .filter((s) => s.teams === n)
      .sort((a, b) => a.budget_rupiah - b.budget_rupiah)
      .map((s) => ({
        x: s.budget_rupiah,
        y: s.working_days,
        hollow: !s.reaches_target,
        title: `${fmtRp(s.budget_rupiah)} · ${t("scen.teamsN", { n })}: ${fmtInt(s.working_days)} ${t("scen.daysAxis")}${s.reaches_target ? " · " + fmtDate(s.target_date) : " · " + t("scen.notReached")}`,
      })),
  }));
  // Under each curve, dashed, the proven lower bound: how far below the
  // plans the truth could lie (nothing where no bound was proven).
  for (const n of teams) {
    const points = scenarios
      .filter((s) => s.teams === n && s.lower_bound_working_days > 0)
      .sort((a, b) => a.budget_rupiah - b.budget_rupiah)
      .map((s) => ({ x: s.budget_rupiah, y: s.lower_bound_working_days }));
    if (points.length > 0) series.push({ label: t("scen.boundN", { n }), color: teamColor(n), dashed: true, width: 1.4, points });
  }
  return h("section", { class: "card", id: "scenario-chart" }, h("h2", {}, t("scen.chart")), xyChart({ className: "scenarios", series, x: { type: "number", format: fmtJuta, label: t("scen.budgetAxis") }, y: { format: fmtInt, label: t("scen.daysAxis"), min: 0 } }), h("p", { class: "muted small" }, "○ = " + t("scen.notReached")));
}

function marginalSection(scenarios) {
  const rows = scenarios.filter((s, i) => i > 0 && scenarios[i - 1].teams === s.teams);
  const max = Math.max(1e-9, ...rows.map((s) => s.days_saved_per_extra_10_juta));
  return h(
    "section",
    { class: "card", id: "scenario-marginal" },
    h("h2", {}, t("scen.marginal")),
    h(
      "div",
      { class: "bars" },
      rows.map((s) => {
        const previous = scenarios[scenarios.indexOf(s) - 1];
        return h("div", { class: "bar-row" }, h("span", { class: "bar-label" }, `${fmtJuta(previous.budget_rupiah)} → ${fmtJuta(s.budget_rupiah)} (${t("scen.teamsN", { n: s.teams })})`), h("span", { class: "bar-track" }, h("span", { class: "bar", style: `width:${((100 * Math.max(0, s.days_saved_per_extra_10_juta)) / max).toFixed(1)}%;background:${teamColor(s.teams)}` })), h("span", { class: "bar-value" }, fmtDec(s.days_saved_per_extra_10_juta, 2)));
      })
    )
  );
}

function tableSection(scenarios) {
  const exportButton = (kind) =>
    h("button", {
      type: "button",
      class: "secondary",
      onclick: (event) => {
        const button = event.currentTarget;
        download(`/api/scenarios/export.${kind}?lang=${lang()}`, kind === "xlsx" ? { scenarios, region: state.region, parameters: state.parameters || {} } : { scenarios }, `jemput-skenario-anggaran.${kind}`).catch((error) => button.after(errorBox(error)));
      },
    }, kind.toUpperCase());
  return h(
    "section",
    { class: "card", id: "scenario-table-section" },
    h("div", { class: "section-head" }, h("h2", {}, t("scen.table")), h("div", { class: "actions" }, exportButton("csv"), exportButton("xlsx"))),
    h(
      "div",
      { class: "scroll" },
      stacked(h(
        "table",
        { class: "data", id: "scenario-table" },
        h("thead", {}, h("tr", {}, [t("plan.teams"), t("plan.budget"), t("scen.reaches"), t("scen.days"), t("scen.lowerBound"), t("plan.targetDate"), t("plan.cost"), t("scen.leastCost"), t("coverage"), t("scen.marginal"), t("plan.binding"), t("scen.ofMost")].map((c, i) => h("th", { class: i === 2 || i === 5 || i === 10 ? "" : "num" }, c)))),
        h(
          "tbody",
          {},
          scenarios.map((s, i) =>
            h("tr", {}, h("td", { class: "num" }, s.teams), h("td", { class: "num" }, fmtRp(s.budget_rupiah)), h("td", {}, s.reaches_target ? t("scen.yes") : t("scen.no")), h("td", { class: "num" }, fmtInt(s.working_days)), h("td", { class: "num" }, fmtInt(s.lower_bound_working_days)), h("td", {}, s.reaches_target ? fmtDate(s.target_date) : "—"), h("td", { class: "num" }, fmtRp(s.cost_rupiah)), leastCostCell(s), h("td", { class: "num" }, fmtPct(s.coverage_at_end)), h("td", { class: "num" }, i === 0 || scenarios[i - 1].teams !== s.teams ? "—" : fmtDec(s.days_saved_per_extra_10_juta, 2)), h("td", {}, t("binding." + s.binding_constraint) === "binding." + s.binding_constraint ? s.binding_constraint : t("binding." + s.binding_constraint)), h("td", { class: "num of-most" }, shareOfMost(s) === null ? "—" : fmtPct(shareOfMost(s))))
          )
        )
      ))
    ),
    scenarios.some((s) => aboveLeastCost(s.cost_rupiah, s.cost_lower_bound_rupiah) !== null) ? h("p", { class: "muted small" }, t("scen.leastCostNote")) : null,
    scenarios.some((s) => shareOfMost(s) !== null) ? h("p", { class: "muted small" }, t("scen.ofMostNote")) : null
  );
}

/** Where the money binds, the least any plan of the scenario's days could
 * cost (a proven bound) and how far its plan is above it; a dash elsewhere. */
function leastCostCell(s) {
  const above = aboveLeastCost(s.cost_rupiah, s.cost_lower_bound_rupiah);
  return h("td", { class: "num least-cost" }, above === null ? "—" : [fmtRp(s.cost_lower_bound_rupiah), " ", h("span", { class: "muted" }, "+" + fmtPct(above))]);
}

/** The least budget's answer; `askFor(date)` asks again for another deadline. */
function minimumResult(response, deadline, askFor) {
  if (!response) return null;
  const plan = response.plan;
  const s = plan && plan.summary;
  if (response.reachable && s && s.already_reached) {
    // Reached before the first day: nothing to buy, nothing to prove.
    return h(
      "div",
      { class: "minimum-result", id: "minimum-result" },
      h("p", { class: "big", id: "minimum-already" }, t("scen.minAlready", { d: fmtDate(plan.parameters.start_date), a: fmtInt(s.ikd_activated_at_start), t: fmtInt(s.target_count) }))
    );
  }
  return h(
    "div",
    { class: "minimum-result", id: "minimum-result" },
    response.reachable && response.minimum_budget_rupiah != null
      ? h("p", { class: "big" }, t("scen.minResult", { d: fmtDate(deadline), b: fmtRp(response.minimum_budget_rupiah) }))
      : h("p", { class: "big warn" }, t("scen.minNone", { d: fmtDate(deadline) })),
    response.minimum_budget_lower_bound_rupiah != null && response.minimum_budget_rupiah != null
      ? h(
          "p",
          { id: "minimum-interval" },
          t("scen.minInterval", {
            lo: fmtRp(response.minimum_budget_lower_bound_rupiah),
            hi: fmtRp(response.minimum_budget_rupiah),
          })
        )
      : null,
    response.reachable
      ? null
      : [
          response.minimum_budget_lower_bound_rupiah != null
            ? h("p", { id: "minimum-not-found" }, t("scen.minNotFound", { lo: fmtRp(response.minimum_budget_lower_bound_rupiah) }))
            : h("p", {}, t("scen.minProvenNone")),
          soonest(plan, askFor),
        ],
    plan && plan.id ? h("a", { href: "#/plan/" + encodeURIComponent(plan.id) }, t(response.reachable ? "scen.openPlan" : "scen.openSoonest")) : null
  );
}

/** Where no budget meets the deadline: how soon these teams can, money no
 * limit (the plan the service returns then), with its proven bound, and a
 * button that asks the least budget for that day. */
function soonest(plan, askFor) {
  const s = plan && plan.summary;
  if (!s) return null;
  return [
    h(
      "p",
      { id: "minimum-soonest" },
      s.reaches_target
        ? t("scen.minSoonest", { d: fmtDate(s.target_date), n: fmtInt(s.working_days), lb: fmtInt(s.lower_bound_working_days), c: fmtRp(s.total_cost_rupiah) })
        : t("scen.minNever")
    ),
    s.reaches_target && askFor
      ? h("p", {}, h("button", { type: "button", class: "secondary", id: "minimum-for-soonest", onclick: () => askFor(s.target_date) }, t("scen.minForSoonest", { d: fmtDate(s.target_date) })))
      : null,
  ];
}

export async function render(root, route, ctx) {
  let stopped = false;
  const params = route.params;
  // What was computed for another district is not shown for this one.
  if (state.region !== ctx.district()) {
    state.region = ctx.district();
    state.scenarios = null;
    state.minimum = null;
  }
  if (params.get("budgets")) state.budgets = params.get("budgets").split(",").map((v) => String(Number(v) >= 1e5 ? Number(v) / 1e6 : v)).join(", ");
  if (params.get("teams")) state.teams = params.get("teams");
  root.append(h("div", { class: "page-head" }, h("div", {}, h("h1", {}, t("scen.title")), h("p", { class: "lead" }, t("scen.lead")))));
  const form = h(
    "form",
    { class: "card", id: "scenario-form", novalidate: true },
    h(
      "div",
      { class: "form-grid" },
      field(t("scen.budgets"), h("input", { name: "budgets_rupiah", value: state.budgets, inputmode: "decimal", class: "wide" })),
      field(t("scen.teams"), h("input", { name: "teams", value: state.teams, inputmode: "numeric" })),
      field(t("plan.start"), dateInput({ name: "start_date", value: state.start_date })),
      field(t("plan.targetPct"), h("input", { name: "target_fraction", inputmode: "decimal", placeholder: "30", value: state.target }))
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("scen.submit")))
  );
  const progress = h("div", { class: "progress-box", id: "scenario-progress" });
  const result = h("div", { id: "scenario-result" });
  const minForm = h(
    "form",
    { class: "card", id: "minimum-form", novalidate: true },
    h("h2", {}, t("scen.minTitle")),
    h("div", { class: "form-grid" }, field(t("scen.deadline"), dateInput({ name: "deadline", required: true, value: state.deadline }))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("scen.minSubmit")))
  );
  const minProgress = h("div", { class: "progress-box" });
  // The soonest day's least budget, asked as if typed into the form.
  const askFor = (date) => {
    const text = minForm.querySelector(".date-text");
    text.value = dateText(date);
    text.dispatchEvent(new Event("input"));
    minForm.requestSubmit();
  };
  const minResult = h("div", {}, minimumResult(state.minimum, state.deadline, askFor));
  root.append(form, progress, result, minForm, minProgress, minResult);
  const blocked = await blockWithoutCounts(root, form, ctx);
  if (blocked) for (const button of minForm.querySelectorAll("button[type=submit]")) button.disabled = true;
  // What the least budget and the province's split take from the form
  // above: its start and target, and its first team count; null (the start
  // date's problem shown there) while its start date is not a date.
  const sharedParameters = () => {
    const problems = dateProblems(form);
    showFieldErrors(form, problems);
    if (problems.length) return null;
    const teams = readList(form.elements.teams.value, Number);
    return { ...commonParameters(form), teams: teams ? teams[0] : undefined };
  };
  // The whole province: its districts with counts share one budget.
  const info = await ctx.districtInfo().catch(() => null);
  if (info && !stopped) root.append(...provinceCard(info, sharedParameters, () => stopped));

  const show = (scenarios) => result.replaceChildren(chartSection(scenarios), marginalSection(scenarios), tableSection(scenarios));

  const run = async () => {
    state.budgets = form.elements.budgets_rupiah.value;
    state.teams = form.elements.teams.value;
    state.start_date = form.elements.start_date.value;
    state.target = form.elements.target_fraction.value;
    const budgets = readList(state.budgets, (v) => Math.round(parseDecimal(v) * 1e6));
    const teams = readList(state.teams, Number);
    const errors = dateProblems(form);
    if (!budgets) errors.push({ field: "budgets_rupiah", description: t("scen.badBudgets") });
    if (!teams || teams.some((n) => !Number.isInteger(n))) errors.push({ field: "teams", description: t("scen.badTeams") });
    showFieldErrors(form, errors);
    if (errors.length) return;
    result.replaceChildren();
    try {
      const response = await withProgress(progress, t("scen.solving"), (signal) =>
        api("/api/scenarios", { body: { region: state.region, parameters: commonParameters(form), budgets_rupiah: budgets, teams }, signal })
      );
      if (!response || stopped) return;
      state.scenarios = response.scenarios;
      state.parameters = commonParameters(form);
      show(response.scenarios);
    } catch (error) {
      if (stopped) return;
      const unplaced = showFieldErrors(form, error.violations || []);
      result.replaceChildren(!error.violations?.length || unplaced.length ? errorBox(error) : "");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  minForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const deadline = minForm.elements.deadline.value;
    state.deadline = deadline;
    const problems = dateProblems(minForm);
    showFieldErrors(minForm, problems);
    if (problems.length) return;
    const parameters = sharedParameters();
    if (!parameters) return;
    try {
      const response = await withProgress(minProgress, t("scen.minSolving"), (signal) => api("/api/minimum-budget", { body: { region: state.region, parameters, deadline }, signal }));
      if (!response || stopped) return;
      state.minimum = response;
      minResult.replaceChildren(minimumResult(response, deadline, askFor));
    } catch (error) {
      if (stopped) return;
      const unplaced = showFieldErrors(minForm, error.violations || []);
      minResult.replaceChildren(!error.violations?.length || unplaced.length ? errorBox(error) : "");
    }
  });

  if (params.get("run") === "1" && !blocked) {
    ctx.replaceRoute("#/scenarios");
    run();
  } else if (state.scenarios) {
    show(state.scenarios);
  }
  return () => {
    stopped = true;
    for (const button of root.querySelectorAll(".progress button")) button.click();
  };
}
