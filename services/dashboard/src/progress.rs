//! A plan against what the field recorded: per day, per team and per
//! village, what the plan expected and what the ledger holds, and the
//! projection redrawn from the actual numbers. A pure function of the plan,
//! the ledger entries since its start and the day it is read on, so the
//! dashboard and `jemput progress` show the same figures.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jemput_proto::optimizer::Plan;
use jemput_proto::registry::{Activation, Channel};
use serde::Serialize;

/// One working day of the plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayProgress {
    pub date: String,
    pub working_day: i32,
    /// Mobile activations the plan expected that day.
    pub planned_mobile: i64,
    /// The district's activated IKD the plan expected by the end of the day.
    pub planned_ikd_activated: i64,
    /// Recorded that day (mobile teams, and everything), when the day is
    /// not after `as_of`.
    pub actual_mobile: Option<i64>,
    pub actual_total: Option<i64>,
    /// The district's activated IKD by the end of the day: recorded up to
    /// `as_of`; after it, the recorded number plus what the plan still
    /// expects (the projection redrawn from actuals).
    pub actual_ikd_activated: Option<i64>,
    pub projected_ikd_activated: i64,
}

/// One team's days up to `as_of`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamProgress {
    pub team: i32,
    pub display_name: String,
    pub days_planned: usize,
    /// Planned team days for which the team recorded something.
    pub days_recorded: usize,
    pub planned_mobile: i64,
    /// What the ledger holds for this team (by its name) since the start.
    pub actual_mobile: i64,
}

/// One village: planned stops up to `as_of` against the ledger.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VillageProgress {
    pub region: String,
    pub display_name: String,
    pub planned_mobile: i64,
    pub actual_mobile: i64,
    pub actual_total: i64,
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    pub plan: String,
    pub start_date: String,
    pub as_of: String,
    pub ikd_activated_at_start: i64,
    pub target_count: i64,
    /// Expected by the plan at `as_of`.
    pub planned_ikd_activated: i64,
    /// Recorded: the count at the start plus the ledger since.
    pub actual_ikd_activated: i64,
    pub recorded_since_start: i64,
    /// The plan's own target date, and the day the redrawn projection
    /// reaches the target (empty when it does not within the plan).
    pub planned_target_date: String,
    pub projected_target_date: String,
    /// Days up to `as_of` (what the chart's actual line draws).
    pub points: Vec<DayProgress>,
    /// Every day of the plan.
    pub days: Vec<DayProgress>,
    pub teams: Vec<TeamProgress>,
    pub villages: Vec<VillageProgress>,
}

/// The plan's first day (`YYYY-MM-DD`): from its parameters, else its
/// projection; empty for a plan without either. Ledger entries from this
/// day on count toward it.
pub fn start_date(plan: &Plan) -> String {
    plan.parameters
        .as_ref()
        .map(|p| p.start_date.clone())
        .filter(|d| !d.is_empty())
        .or_else(|| plan.projection.first().map(|p| p.date.clone()))
        .unwrap_or_default()
}

/// Compares `plan` with `ledger` (entries dated from the plan's start,
/// corrections included) as of `as_of`.
pub fn compare(plan: &Plan, ledger: &[Activation], as_of: NaiveDate) -> Progress {
    let as_of_text = as_of.format("%Y-%m-%d").to_string();
    let start = start_date(plan);
    let summary = plan.summary.clone().unwrap_or_default();
    let at_start = summary.ikd_activated_at_start;

    // The ledger by day, by team and by village; ISO dates compare as text.
    let mut by_day: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut by_team: BTreeMap<&str, i64> = BTreeMap::new();
    let mut team_days: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    let mut by_village: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut recorded = 0i64;
    for entry in ledger
        .iter()
        .filter(|e| e.activation_date.as_str() >= start.as_str() && e.activation_date <= as_of_text)
    {
        let mobile = entry.channel == Channel::MobileTeam as i32;
        let count = entry.count;
        recorded = recorded.saturating_add(count);
        let day = by_day.entry(&entry.activation_date).or_default();
        day.1 = day.1.saturating_add(count);
        let village = by_village.entry(&entry.region).or_default();
        village.1 = village.1.saturating_add(count);
        if mobile {
            day.0 = day.0.saturating_add(count);
            village.0 = village.0.saturating_add(count);
            let team = by_team.entry(&entry.team).or_default();
            *team = team.saturating_add(count);
            let team_day = team_days
                .entry((&entry.team, &entry.activation_date))
                .or_default();
            *team_day = team_day.saturating_add(count);
        }
    }

    // Days: the plan's projection, with the actual line up to `as_of` and
    // the redrawn projection after it.
    let mut days = Vec::with_capacity(plan.projection.len());
    let mut actual_running = at_start;
    let mut last_recorded_day = None;
    let mut planned_by_now = at_start;
    let mut planned_at_last = at_start;
    let mut actual_at_last = at_start;
    // Activations recorded after the start but before the first plan day
    // (or on days off) still count from the next plan day on.
    let mut pending: i64 = 0;
    let mut ledger_days = by_day.iter().peekable();
    for point in &plan.projection {
        let mut planned_mobile = 0;
        for team in &plan.teams {
            for day in team.days.iter().filter(|d| d.date == point.date) {
                planned_mobile += day.expected_activations;
            }
        }
        if point.date <= as_of_text {
            while let Some((date, sums)) = ledger_days.peek() {
                if **date > point.date.as_str() {
                    break;
                }
                pending = pending.saturating_add(sums.1);
                ledger_days.next();
            }
            actual_running = actual_running.saturating_add(pending);
            pending = 0;
            let (mobile, total) = by_day.get(point.date.as_str()).copied().unwrap_or_default();
            planned_by_now = point.ikd_activated;
            planned_at_last = point.ikd_activated;
            actual_at_last = actual_running;
            last_recorded_day = Some(days.len());
            days.push(DayProgress {
                date: point.date.clone(),
                working_day: point.working_day,
                planned_mobile,
                planned_ikd_activated: point.ikd_activated,
                actual_mobile: Some(mobile),
                actual_total: Some(total),
                actual_ikd_activated: Some(actual_running),
                projected_ikd_activated: actual_running,
            });
        } else {
            days.push(DayProgress {
                date: point.date.clone(),
                working_day: point.working_day,
                planned_mobile,
                planned_ikd_activated: point.ikd_activated,
                actual_mobile: None,
                actual_total: None,
                actual_ikd_activated: None,
                projected_ikd_activated: actual_at_last
                    .saturating_add(point.ikd_activated - planned_at_last),
            });
        }
    }
    let target = summary.target_count;
    let reached = |value: fn(&DayProgress) -> i64| {
        days.iter()
            .find(|d| target > 0 && value(d) >= target)
            .map(|d| d.date.clone())
            .unwrap_or_default()
    };
    let planned_target_date = if summary.target_date.is_empty() {
        reached(|d| d.planned_ikd_activated)
    } else {
        summary.target_date.clone()
    };
    let projected_target_date = reached(|d| d.projected_ikd_activated);
    let points = match last_recorded_day {
        Some(last) => days[..=last].to_vec(),
        None => Vec::new(),
    };

    let teams = plan
        .teams
        .iter()
        .map(|team| {
            let elapsed: Vec<_> = team.days.iter().filter(|d| d.date <= as_of_text).collect();
            TeamProgress {
                team: team.team,
                display_name: team.display_name.clone(),
                days_planned: elapsed.len(),
                days_recorded: elapsed
                    .iter()
                    .filter(|d| {
                        team_days.contains_key(&(team.display_name.as_str(), d.date.as_str()))
                    })
                    .count(),
                planned_mobile: elapsed.iter().map(|d| d.expected_activations).sum(),
                actual_mobile: by_team
                    .get(team.display_name.as_str())
                    .copied()
                    .unwrap_or(0),
            }
        })
        .collect();

    let mut villages: BTreeMap<String, VillageProgress> = BTreeMap::new();
    for team in &plan.teams {
        for day in team.days.iter().filter(|d| d.date <= as_of_text) {
            for stop in &day.stops {
                let village =
                    villages
                        .entry(stop.region.clone())
                        .or_insert_with(|| VillageProgress {
                            region: stop.region.clone(),
                            display_name: stop.display_name.clone(),
                            planned_mobile: 0,
                            actual_mobile: 0,
                            actual_total: 0,
                        });
                village.planned_mobile += stop.expected_activations;
            }
        }
    }
    for (region, (mobile, total)) in by_village {
        let village = villages
            .entry(region.to_owned())
            .or_insert_with(|| VillageProgress {
                region: region.to_owned(),
                display_name: String::new(),
                planned_mobile: 0,
                actual_mobile: 0,
                actual_total: 0,
            });
        village.actual_mobile = mobile;
        village.actual_total = total;
    }

    Progress {
        plan: plan.name.clone(),
        start_date: start,
        as_of: as_of_text,
        ikd_activated_at_start: at_start,
        target_count: target,
        planned_ikd_activated: planned_by_now,
        actual_ikd_activated: at_start.saturating_add(recorded),
        recorded_since_start: recorded,
        planned_target_date,
        projected_target_date,
        points,
        days,
        teams,
        villages: villages.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use jemput_proto::optimizer::{
        PlanParameters, PlanSummary, ProjectionPoint, Stop, TeamDay, TeamPlan,
    };

    use super::*;

    fn day(date: &str, stops: &[(&str, i64)]) -> TeamDay {
        TeamDay {
            date: date.into(),
            expected_activations: stops.iter().map(|s| s.1).sum(),
            stops: stops
                .iter()
                .map(|(region, expected)| Stop {
                    region: (*region).into(),
                    display_name: format!("Desa {region}"),
                    expected_activations: *expected,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn entry(date: &str, region: &str, team: &str, count: i64, mobile: bool) -> Activation {
        Activation {
            activation_date: date.into(),
            region: region.into(),
            team: team.into(),
            count,
            channel: if mobile {
                Channel::MobileTeam
            } else {
                Channel::Office
            } as i32,
            ..Default::default()
        }
    }

    /// Three working days, 100 at the start, 10 a day at the office, one
    /// team expecting 50 a day; target 300.
    fn plan() -> Plan {
        let points = [
            ("2027-01-04", 160),
            ("2027-01-05", 220),
            ("2027-01-06", 280),
        ];
        Plan {
            name: "plans/p".into(),
            parameters: Some(PlanParameters {
                start_date: "2027-01-04".into(),
                ..Default::default()
            }),
            summary: Some(PlanSummary {
                ikd_activated_at_start: 100,
                target_count: 270,
                target_date: "2027-01-06".into(),
                ..Default::default()
            }),
            teams: vec![TeamPlan {
                team: 1,
                display_name: "Tim 1".into(),
                days: vec![
                    day("2027-01-04", &[("regions/a", 50)]),
                    day("2027-01-05", &[("regions/b", 50)]),
                    day("2027-01-06", &[("regions/c", 50)]),
                ],
                ..Default::default()
            }],
            projection: points
                .iter()
                .enumerate()
                .map(|(i, (date, ikd))| ProjectionPoint {
                    date: (*date).into(),
                    working_day: i as i32 + 1,
                    ikd_activated: *ikd,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn half_the_expected_counts_push_the_projection_later() {
        let ledger = [
            entry("2027-01-04", "regions/a", "Tim 1", 25, true),
            entry("2027-01-04", "regions/a", "", 10, false),
            entry("2027-01-05", "regions/b", "Tim 1", 30, true),
            // A correction: 30 was 25.
            entry("2027-01-05", "regions/b", "Tim 1", -5, true),
            entry("2027-01-05", "regions/x", "", 10, false),
            // After as_of: not counted.
            entry("2027-01-06", "regions/c", "Tim 1", 50, true),
        ];
        let as_of = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        let progress = compare(&plan(), &ledger, as_of);
        assert_eq!(progress.recorded_since_start, 70);
        assert_eq!(progress.actual_ikd_activated, 170);
        assert_eq!(progress.planned_ikd_activated, 220);
        let actual: Vec<_> = progress
            .days
            .iter()
            .map(|d| {
                (
                    d.actual_mobile,
                    d.actual_ikd_activated,
                    d.projected_ikd_activated,
                )
            })
            .collect();
        assert_eq!(
            actual,
            [
                (Some(25), Some(135), 135),
                (Some(25), Some(170), 170),
                // 170 + the plan's 60 of the last day.
                (None, None, 230),
            ]
        );
        assert_eq!(progress.points.len(), 2);
        assert_eq!(progress.planned_target_date, "2027-01-06");
        assert_eq!(
            progress.projected_target_date, "",
            "230 < 270: not within the plan"
        );
        assert_eq!(
            progress.teams,
            [TeamProgress {
                team: 1,
                display_name: "Tim 1".into(),
                days_planned: 2,
                days_recorded: 2,
                planned_mobile: 100,
                actual_mobile: 50,
            }]
        );
        let villages: Vec<_> = progress
            .villages
            .iter()
            .map(|v| {
                (
                    v.region.as_str(),
                    v.planned_mobile,
                    v.actual_mobile,
                    v.actual_total,
                )
            })
            .collect();
        assert_eq!(
            villages,
            [
                ("regions/a", 50, 25, 35),
                ("regions/b", 50, 25, 25),
                ("regions/x", 0, 0, 10)
            ]
        );
    }

    #[test]
    fn a_plan_not_yet_started_has_no_actual_line() {
        let as_of = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let progress = compare(&plan(), &[], as_of);
        assert!(progress.points.is_empty());
        assert_eq!(progress.actual_ikd_activated, 100);
        assert_eq!(progress.planned_ikd_activated, 100);
        assert_eq!(progress.projected_target_date, "2027-01-06");
    }
}
