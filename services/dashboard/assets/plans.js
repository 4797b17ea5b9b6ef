// The Saved plans page: stored plans newest first with their name and
// status (draft, approved, archived; archived ones only when asked), each to
// rename, approve or archive, open, compare with the activations recorded
// since its start, or replan from the real gaps. #/plans/{id} shows the
// comparison.

import { api } from "./api.js";
import { t, fmtInt, fmtRp, fmtDate } from "./i18n.js";
import { h, dateInput, dateProblems, dateValue, errorBox, withProgress, stat, stacked, showFieldErrors } from "./ui.js";
import { xyChart } from "./charts.js";

function isoToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function replanControls(plan, box) {
  const asOf = dateInput({ name: "as_of_date", value: isoToday() });
  const progress = h("span", { class: "progress-inline" });
  const control = h("span", { class: "replan" });
  const go = async () => {
    const problems = dateProblems(control);
    showFieldErrors(control, problems);
    if (problems.length) return;
    try {
      const replanned = await withProgress(progress, t("plans.replanning"), (signal) =>
        api(`/api/plans/${encodeURIComponent(plan.id)}/replan`, { body: { as_of_date: dateValue(asOf) }, signal })
      );
      if (replanned) location.hash = "#/plan/" + encodeURIComponent(replanned.id);
    } catch (error) {
      box.append(errorBox(error));
    }
  };
  control.append(h("label", { class: "inline" }, t("plans.asOf") + " ", asOf), h("button", { type: "button", class: "secondary", onclick: go }, t("plans.replan")), progress);
  return control;
}

/** What a plan is called: its name, or its budget and teams until named. */
export function planTitle(plan) {
  if (plan.display_name) return plan.display_name;
  const p = plan.parameters || {};
  return t("plans.unnamed", { b: fmtRp(p.budget_rupiah), n: p.teams ?? 4 });
}

/** PATCHes a plan's name or state; resolves to the plan as stored. */
function updatePlan(plan, change) {
  return api(`/api/plans/${encodeURIComponent(plan.id)}`, { method: "PATCH", body: change });
}

const NEXT_STATES = { draft: ["approved", "archived"], approved: ["archived", "draft"], archived: ["draft"] };
const STATE_ACTION = { approved: "plans.approve", archived: "plans.archive", draft: "plans.toDraft" };

/** The name cell: the name, the id under it, and a rename form on demand. */
function nameCell(plan, reload) {
  const cell = h("td", { class: "plan-name" });
  const show = () => {
    cell.replaceChildren(
      h("strong", { class: plan.display_name ? "" : "unnamed" }, planTitle(plan)),
      h("small", { class: "muted plan-id" }, plan.id, plan.replanned_from ? ` ← ${plan.replanned_from.replace(/^plans\//, "")}` : ""),
      h("button", { type: "button", class: "link rename", onclick: edit }, t("plans.rename"))
    );
  };
  const edit = () => {
    const input = h("input", { name: "display_name", value: plan.display_name || "", placeholder: t("plans.namePlaceholder"), maxlength: 200, "aria-label": t("plans.name") });
    const form = h(
      "form",
      { class: "rename-form", novalidate: true },
      input,
      h("span", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, t("plans.save")), h("button", { type: "button", class: "link", onclick: show }, t("plans.cancel")))
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        Object.assign(plan, await updatePlan(plan, { display_name: input.value }));
        reload();
      } catch (error) {
        const unplaced = showFieldErrors(form, error.violations || []);
        if (!error.violations?.length || unplaced.length) form.append(errorBox(error));
      }
    });
    cell.replaceChildren(form);
    input.focus();
  };
  show();
  return cell;
}

function stateCell(plan) {
  const state = plan.state || "draft";
  return h("td", {}, h("span", { class: `badge state ${state}`, "data-state": state }, t(`plans.state.${state}`)));
}

function actionsCell(plan, reload) {
  const cell = h("td", { class: "row-actions" });
  const links = h("span", { class: "plan-links" }, h("a", { href: "#/plan/" + encodeURIComponent(plan.id) }, t("plans.open")), " · ", h("a", { href: "#/plans/" + encodeURIComponent(plan.id) }, t("plans.progress")));
  const states = h(
    "span",
    { class: "state-actions" },
    (NEXT_STATES[plan.state || "draft"] || []).map((next) =>
      h("button", {
        type: "button",
        class: "secondary small",
        "data-to": next,
        onclick: async () => {
          try {
            await updatePlan(plan, { state: next });
            reload();
          } catch (error) {
            cell.append(errorBox(error));
          }
        },
      }, t(STATE_ACTION[next]))
    )
  );
  cell.append(links, states, replanControls(plan, cell));
  return cell;
}

async function list(root, showArchived, ctx) {
  const toggle = h("label", { class: "inline show-archived" }, h("input", { type: "checkbox", id: "show-archived", checked: showArchived ? true : null }), " ", t("plans.showArchived"));
  const body = h("div", {}, h("p", { class: "muted" }, t("loading")));
  root.append(toggle, body);
  const reload = () => {
    root.replaceChildren(root.firstChild);
    list(root, toggle.querySelector("input").checked, ctx);
  };
  toggle.querySelector("input").addEventListener("change", reload);
  try {
    // The plans of the district the picker chose.
    const response = await api(ctx.withDistrict("/api/plans" + (showArchived ? "?archived=1" : "")));
    const plans = response.plans || [];
    if (!plans.length) {
      body.replaceChildren(h("p", { class: "muted" }, t("plans.empty"), " ", h("a", { href: "#/plan" }, t("plan.submit"))));
      return;
    }
    const head = [t("plans.name"), t("plans.state"), t("plans.created"), t("plan.budget"), t("plan.teams"), t("plan.start"), t("plan.targetDate"), t("scen.days"), t("plan.cost"), t("plans.actions")];
    const numeric = new Set([3, 4, 7, 8]);
    body.replaceChildren(
      stacked(h(
        "table",
        { class: "data", id: "plans-table" },
        h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: numeric.has(i) ? "num" : null }, c)))),
        h(
          "tbody",
          {},
          plans.map((plan) => {
            const s = plan.summary || {};
            const p = plan.parameters || {};
            return h(
              "tr",
              { "data-plan": plan.name, "data-state": plan.state || "draft" },
              nameCell(plan, reload),
              stateCell(plan),
              h("td", {}, plan.create_time ? fmtDate(plan.create_time.slice(0, 10)) + " " + plan.create_time.slice(11, 16) : "—"),
              h("td", { class: "num" }, fmtRp(p.budget_rupiah)),
              h("td", { class: "num" }, p.teams ?? "—"),
              h("td", {}, fmtDate(p.start_date)),
              h("td", {}, s.reaches_target ? fmtDate(s.target_date) : t("scen.notReached")),
              h("td", { class: "num" }, fmtInt(s.working_days)),
              h("td", { class: "num" }, fmtRp(s.total_cost_rupiah)),
              actionsCell(plan, reload)
            );
          })
        )
      ))
    );
  } catch (error) {
    body.replaceChildren(errorBox(error, reload));
  }
}

async function progressView(root, id) {
  const body = h("div", {}, h("p", { class: "muted" }, t("loading")));
  root.append(h("p", {}, h("a", { href: "#/plans" }, "← " + t("plans.title"))), body);
  try {
    const [plan, progress] = await Promise.all([api(`/api/plans/${encodeURIComponent(id)}`), api(`/api/plans/${encodeURIComponent(id)}/progress`)]);
    const s = plan.summary || {};
    const difference = progress.actual_ikd_activated - progress.planned_ikd_activated;
    const started = progress.points.length > 0;
    const chart = xyChart({
      className: "progress-chart",
      x: { type: "date" },
      y: { format: fmtInt, min: 0 },
      series: [
        { label: t("chart.planned"), color: "#1f5fa8", points: (plan.projection || []).map((p) => ({ x: p.date, y: p.ikd_activated })) },
        { label: t("chart.actual"), color: "#d1495b", dots: true, points: progress.points.map((p) => ({ x: p.date, y: p.actual_ikd_activated })) },
        // The plan's remaining days drawn on from what was recorded.
        { label: t("chart.projected"), color: "#e39b2d", points: started ? progress.days.filter((d) => d.date >= progress.points[progress.points.length - 1].date).map((d) => ({ x: d.date, y: d.projected_ikd_activated })) : [] },
      ],
      hlines: s.target_count ? [{ y: s.target_count, label: t("chart.targetLine", { n: fmtInt(s.target_count) }) }] : [],
    });
    body.replaceChildren(
      h("section", { class: "card" },
        h("div", { class: "section-head" }, h("h2", {}, `${t("plans.compare")} — ${planTitle(plan)}`), replanControls(plan, body)),
        started ? null : h("p", { class: "muted" }, t("plans.notStarted")),
        h("div", { class: "stats", id: "progress-stats" },
          stat(t("plans.plannedByNow", { d: fmtDate(progress.as_of) }), fmtInt(progress.planned_ikd_activated), t("activated")),
          stat(t("plans.actualByNow", { d: fmtDate(progress.as_of) }), fmtInt(progress.actual_ikd_activated), t("plans.sinceStart", { d: fmtDate(progress.start_date) }) + ": " + fmtInt(progress.recorded_since_start)),
          stat(t("plans.difference"), (difference > 0 ? "+" : "") + fmtInt(difference), "", { class: "stat " + (difference < 0 ? "warn" : "good") }),
          stat(t("plans.projectedTarget"), progress.projected_target_date ? fmtDate(progress.projected_target_date) : t("plans.notWithinPlan"), progress.planned_target_date ? t("plans.plannedTarget", { d: fmtDate(progress.planned_target_date) }) : "", { class: "stat " + (progress.projected_target_date && progress.projected_target_date <= progress.planned_target_date ? "good" : "warn") })
        ),
        chart
      ),
      h("section", { class: "card" }, h("h2", {}, t("plans.byTeam")),
        h("div", { class: "scroll short" }, stacked(h("table", { class: "data", id: "progress-teams" },
          h("thead", {}, h("tr", {}, h("th", {}, t("plans.team")), h("th", { class: "num" }, t("plans.daysRecorded")), h("th", { class: "num" }, t("plans.plannedMobile")), h("th", { class: "num" }, t("plans.actualMobile")))),
          h("tbody", {}, progress.teams.map((team) => h("tr", {}, h("th", { scope: "row" }, team.display_name), h("td", { class: "num" }, `${fmtInt(team.days_recorded)} / ${fmtInt(team.days_planned)}`), h("td", { class: "num" }, fmtInt(team.planned_mobile)), h("td", { class: "num" }, fmtInt(team.actual_mobile)))))
        )))
      ),
      h("section", { class: "card" }, h("h2", {}, t("plans.byDay")),
        h("div", { class: "scroll short" }, stacked(h("table", { class: "data", id: "progress-days" },
          h("thead", {}, h("tr", {}, h("th", {}, t("plans.day")), h("th", { class: "num" }, t("plans.plannedMobile")), h("th", { class: "num" }, t("plans.actualMobile")), h("th", { class: "num" }, t("plans.actualTotal")))),
          h("tbody", {}, progress.points.slice().reverse().map((d) => h("tr", {}, h("th", { scope: "row" }, fmtDate(d.date)), h("td", { class: "num" }, fmtInt(d.planned_mobile)), h("td", { class: "num" }, fmtInt(d.actual_mobile)), h("td", { class: "num" }, fmtInt(d.actual_total)))))
        )))
      ),
      h("section", { class: "card" }, h("h2", {}, t("plans.byVillage")),
        h("div", { class: "scroll short" }, stacked(h("table", { class: "data" },
          h("thead", {}, h("tr", {}, h("th", {}, t("village")), h("th", { class: "num" }, t("plans.plannedMobile")), h("th", { class: "num" }, t("plans.actualMobile")), h("th", { class: "num" }, t("plans.actualTotal")))),
          h("tbody", {}, progress.villages.map((v) => h("tr", {}, h("th", { scope: "row" }, v.display_name || v.region), h("td", { class: "num" }, fmtInt(v.planned_mobile)), h("td", { class: "num" }, fmtInt(v.actual_mobile)), h("td", { class: "num" }, fmtInt(v.actual_total)))))
        )))
      )
    );
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}

export async function render(root, route, ctx) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("plans.title"))));
  if (route.parts[0]) await progressView(root, route.parts[0]);
  else await list(root, route.params.get("archived") === "1", ctx);
}
