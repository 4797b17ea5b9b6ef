// The Saved plans page: stored plans newest first, each to open, compare
// with the activations recorded since its start, or replan from the real
// gaps. #/plans/{id} shows the comparison.

import { api } from "./api.js";
import { t, fmtInt, fmtRp, fmtDate } from "./i18n.js";
import { h, errorBox, withProgress, stat, stacked } from "./ui.js";
import { xyChart } from "./charts.js";

function isoToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function replanControls(plan, box) {
  const asOf = h("input", { type: "date", name: "as_of_date", value: isoToday() });
  const progress = h("span", { class: "progress-inline" });
  const go = async () => {
    try {
      const replanned = await withProgress(progress, t("plans.replanning"), (signal) => api(`/api/plans/${encodeURIComponent(plan.id)}/replan`, { body: { as_of_date: asOf.value }, signal }));
      if (replanned) location.hash = "#/plan/" + encodeURIComponent(replanned.id);
    } catch (error) {
      box.append(errorBox(error));
    }
  };
  return h("span", { class: "replan" }, h("label", { class: "inline" }, t("plans.asOf") + " ", asOf), h("button", { type: "button", class: "secondary", onclick: go }, t("plans.replan")), progress);
}

async function list(root) {
  const body = h("div", {}, h("p", { class: "muted" }, t("loading")));
  root.append(body);
  try {
    const response = await api("/api/plans");
    const plans = response.plans || [];
    if (!plans.length) {
      body.replaceChildren(h("p", { class: "muted" }, t("plans.empty"), " ", h("a", { href: "#/plan" }, t("plan.submit"))));
      return;
    }
    body.replaceChildren(
      stacked(h(
        "table",
        { class: "data", id: "plans-table" },
        h("thead", {}, h("tr", {}, [t("plans.created"), "ID", t("plan.budget"), t("plan.teams"), t("plan.start"), t("plan.targetDate"), t("scen.daysAxis"), t("plan.cost"), ""].map((c) => h("th", {}, c)))),
        h(
          "tbody",
          {},
          plans.map((plan) => {
            const s = plan.summary || {};
            const p = plan.parameters || {};
            const actions = h("td", { class: "row-actions" }, h("a", { href: "#/plan/" + encodeURIComponent(plan.id) }, t("plans.open")), " · ", h("a", { href: "#/plans/" + encodeURIComponent(plan.id) }, t("plans.progress")), " ");
            actions.append(replanControls(plan, actions));
            return h(
              "tr",
              { "data-plan": plan.name },
              h("td", {}, plan.create_time ? fmtDate(plan.create_time.slice(0, 10)) + " " + plan.create_time.slice(11, 16) : "—"),
              h("td", {}, plan.id, plan.replanned_from ? h("small", { class: "muted" }, ` ← ${plan.replanned_from.replace(/^plans\//, "")}`) : null),
              h("td", { class: "num" }, fmtRp(p.budget_rupiah)),
              h("td", { class: "num" }, p.teams ?? "—"),
              h("td", {}, fmtDate(p.start_date)),
              h("td", {}, s.reaches_target ? fmtDate(s.target_date) : t("scen.notReached")),
              h("td", { class: "num" }, fmtInt(s.working_days)),
              h("td", { class: "num" }, fmtRp(s.total_cost_rupiah)),
              actions
            );
          })
        )
      ))
    );
  } catch (error) {
    body.replaceChildren(errorBox(error, () => {
      root.replaceChildren();
      list(root);
    }));
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
        h("div", { class: "section-head" }, h("h2", {}, `${t("plans.compare")} — ${plan.id}`), replanControls(plan, body)),
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

export async function render(root, route) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, t("plans.title"))));
  if (route.parts[0]) await progressView(root, route.parts[0]);
  else await list(root);
}
