//! What the field page reads and writes: one team's stops for one day of a
//! saved plan (`GET /api/field`), and the counts a mobile team recorded
//! (`POST /api/activations`, the registry's `RecordActivations`).
//!
//! The day's JSON carries everything the page needs to work without a
//! signal afterwards (the stops, every village of the district for adding
//! one the plan did not list, and who asked), because the service worker
//! keeps the last one for the page to open offline.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use jemput_auth::Caller;
use jemput_proto::optimizer::{ListPlansRequest, Plan, TeamPlan};
use jemput_proto::registry::{
    ActivationReport, Channel, RecordActivationsRequest, RegionLevel, RegionView,
    SummarizeActivationsRequest,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tonic::Code;

use super::{
    ApiError, ApiResult, AppState, READ_TIMEOUT, Shared, fetch_plan, list_regions, request,
};
use crate::DEFAULT_DISTRICT;
use crate::json;
use crate::web::CURRENT;

/// Recent plans offered in the page's plan picker; the newest that has
/// started is the default.
const PLANS_OFFERED: i32 = 20;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/field", get(field_day))
        .route("/api/activations", post(record_activations))
}

#[derive(Deserialize)]
struct FieldQuery {
    plan: Option<String>,
    /// The district the page is showing: its plans are offered, and its
    /// villages when no plan is chosen.
    region: Option<String>,
    team: Option<String>,
    date: Option<String>,
}

/// The signed-in caller, if any (always, behind the guard).
fn caller() -> Option<Caller> {
    CURRENT.try_with(|c| c.session.caller.clone()).ok()
}

/// The team asked for: `None` when the page left it to the server.
fn parse_team(text: Option<&str>) -> ApiResult<Option<i32>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => match text.parse::<i32>() {
            Ok(team) if team >= 1 => Ok(Some(team)),
            _ => Err(ApiError::invalid(
                "team",
                format!("{text:?} is not a team number (1, 2, …)"),
                format!("{text:?} bukan nomor tim (1, 2, …)"),
            )),
        },
    }
}

/// The team the page shows when it did not ask for one: a field token's
/// own team (by its name in the plan, or "Tim N"), else team 1.
fn default_team(plan: Option<&Plan>, caller: Option<&Caller>) -> i32 {
    let Some(name) = caller.and_then(|c| c.team.as_deref()) else {
        return 1;
    };
    plan.and_then(|p| p.teams.iter().find(|t| t.display_name == name))
        .map(|t| t.team)
        .or_else(|| {
            let lower = name.trim().to_ascii_lowercase();
            lower.strip_prefix("tim")?.trim().parse().ok()
        })
        .unwrap_or(1)
}

fn parse_date(text: Option<&str>) -> ApiResult<String> {
    match text.filter(|d| !d.is_empty()) {
        None => Ok(chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()),
        Some(text) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| {
                ApiError::invalid(
                    "date",
                    format!("{text:?} is not a YYYY-MM-DD date"),
                    format!("{text:?} bukan tanggal TTTT-BB-HH"),
                )
            }),
    }
}

/// The newest plan that has started by `date`, else the newest.
fn default_plan<'p>(plans: &'p [Plan], date: &str) -> Option<&'p Plan> {
    plans
        .iter()
        // ISO dates compare as text.
        .find(|p| {
            p.parameters.as_ref().is_some_and(|params| {
                !params.start_date.is_empty() && params.start_date.as_str() <= date
            })
        })
        .or_else(|| plans.first())
}

fn plan_id(plan: &Plan) -> &str {
    plan.name.strip_prefix("plans/").unwrap_or(&plan.name)
}

/// The stops of `team` on `date`, in the order the team visits them, with
/// the village's kecamatan and what was already recorded there that day.
fn stops(
    team: Option<&TeamPlan>,
    date: &str,
    parents: &HashMap<String, String>,
    names: &HashMap<String, String>,
    recorded: &HashMap<String, i64>,
) -> Vec<Value> {
    let Some(team) = team else {
        return Vec::new();
    };
    team.days
        .iter()
        .filter(|day| day.date == date)
        .flat_map(|day| &day.stops)
        .map(|stop| {
            let kecamatan = parents.get(&stop.region).cloned().unwrap_or_default();
            json!({
                "region": stop.region,
                "display_name": stop.display_name,
                "kecamatan_name": names.get(&kecamatan).cloned().unwrap_or_default(),
                "expected_activations": stop.expected_activations,
                "visit_number": stop.visit_number,
                "recorded_mobile": recorded.get(&stop.region).copied().unwrap_or(0),
            })
        })
        .collect()
}

/// One team's day of a saved plan: its stops with the expected counts, the
/// district's villages (to add one the plan did not list), and the plans
/// and teams to choose from.
async fn field_day(
    State(state): Shared,
    Query(query): Query<FieldQuery>,
) -> ApiResult<axum::Json<Value>> {
    let asked_team = parse_team(query.team.as_deref())?;
    let date = parse_date(query.date.as_deref())?;
    let caller = caller();
    let region = query.region.clone().filter(|r| !r.is_empty());
    let mut planner = state.clients.planner.clone();
    let listed = planner
        .list_plans(request(
            ListPlansRequest {
                page_size: PLANS_OFFERED,
                page_token: String::new(),
                region: region.clone().unwrap_or_default(),
                show_archived: false,
            },
            READ_TIMEOUT,
        ))
        .await?
        .into_inner()
        .plans;
    let chosen = match query.plan.as_deref().filter(|p| !p.is_empty()) {
        Some(id) => Some(fetch_plan(&state, id).await?),
        None => match default_plan(&listed, &date) {
            Some(plan) => Some(fetch_plan(&state, plan_id(plan)).await?),
            None => None,
        },
    };
    let team_number = asked_team.unwrap_or_else(|| default_team(chosen.as_ref(), caller.as_ref()));
    let team = chosen
        .as_ref()
        .and_then(|plan| plan.teams.iter().find(|t| t.team == team_number));
    if let Some(plan) = &chosen
        && team.is_none()
    {
        return Err(ApiError::invalid(
            "team",
            format!("{} has no team {team_number}", plan.name),
            format!("{} tidak punya tim {team_number}", plan.name),
        ));
    }
    let district = chosen
        .as_ref()
        .map(|p| p.region.clone())
        .filter(|r| !r.is_empty())
        .or(region)
        .unwrap_or_else(|| DEFAULT_DISTRICT.to_owned());
    let (kecamatan, villages) = tokio::try_join!(
        list_regions(&state, &district, RegionLevel::Kecamatan, RegionView::Basic),
        list_regions(&state, &district, RegionLevel::Village, RegionView::Basic),
    )?;
    let names: HashMap<String, String> = kecamatan
        .iter()
        .map(|k| (k.name.clone(), k.display_name.clone()))
        .collect();
    let parents: HashMap<String, String> = villages
        .iter()
        .map(|v| (v.name.clone(), v.parent.clone()))
        .collect();

    // What teams already recorded that day, so nobody enters a village
    // twice. A day the registry thinks is still to come has nothing yet.
    let mut registry = state.clients.registry.clone();
    let summary = registry
        .summarize_activations(request(
            SummarizeActivationsRequest {
                parent: district.clone(),
                start_date: date.clone(),
                end_date: date.clone(),
            },
            READ_TIMEOUT,
        ))
        .await;
    let recorded: HashMap<String, i64> = match summary {
        Ok(summary) => summary
            .into_inner()
            .villages
            .into_iter()
            .map(|v| (v.region, v.mobile_team))
            .collect(),
        Err(status) if status.code() == Code::InvalidArgument => HashMap::new(),
        Err(status) => return Err(status.into()),
    };

    // A field token's reports must name its own team, whatever the plan calls it.
    let team_name = caller
        .as_ref()
        .and_then(|c| c.team.clone())
        .or_else(|| team.map(|t| t.display_name.clone()))
        .unwrap_or_else(|| format!("Tim {team_number}"));
    // A token limited to some villages is offered only those to add.
    let may_record = |village: &str| caller.as_ref().is_none_or(|c| c.may_record_for(village));
    Ok(axum::Json(json!({
        "date": date,
        "team": team_number,
        "team_name": team_name,
        "token": caller.as_ref().map(|c| c.token.clone()).unwrap_or_default(),
        "generated_at": chrono::Utc::now().to_rfc3339(),
        "plan": chosen.as_ref().map(|p| json!({
            "id": plan_id(p),
            "name": p.name,
            "start_date": p.parameters.as_ref().map(|x| x.start_date.clone()).unwrap_or_default(),
        })),
        "plans": listed.iter().map(|p| json!({
            "id": plan_id(p),
            "start_date": p.parameters.as_ref().map(|x| x.start_date.clone()).unwrap_or_default(),
            "teams": p.parameters.as_ref().and_then(|x| x.teams),
            "create_time": p.create_time.as_ref().and_then(|t| {
                chrono::DateTime::from_timestamp(t.seconds, 0).map(|t| t.to_rfc3339())
            }),
        })).collect::<Vec<_>>(),
        "teams": chosen.iter().flat_map(|p| &p.teams).map(|t| json!({
            "team": t.team,
            "display_name": t.display_name,
        })).collect::<Vec<_>>(),
        "stops": stops(team, &date, &parents, &names, &recorded),
        "villages": villages.iter().filter(|v| may_record(&v.name)).map(|v| json!({
            "region": v.name,
            "display_name": v.display_name,
            "kecamatan_name": names.get(&v.parent).cloned().unwrap_or_default(),
            "recorded_mobile": recorded.get(&v.name).copied().unwrap_or(0),
        })).collect::<Vec<_>>(),
    })))
}

/// Fields of one report as the page sends them.
const REPORT_FIELDS: [&str; 4] = ["region", "count", "activation_date", "team"];

/// Reads `{request_id, reports: [{region, count, activation_date, team}]}`
/// by hand, so a value of the wrong type is refused naming its field
/// (`reports[2].count`), as the registry names the fields it refuses.
fn activations_request(bytes: &Bytes) -> ApiResult<RecordActivationsRequest> {
    let value: Value = super::body(bytes)?;
    let Value::Object(body) = value else {
        return Err(ApiError::invalid(
            "body",
            "must be a JSON object",
            "harus objek JSON",
        ));
    };
    let mut violations = Vec::new();
    for key in body.keys() {
        if key != "request_id" && key != "reports" {
            violations.push((
                key.clone(),
                "unknown field".into(),
                "kolom tak dikenal".into(),
            ));
        }
    }
    let request_id = match body.get("request_id") {
        Some(Value::String(id)) => id.clone(),
        _ => {
            violations.push((
                "request_id".into(),
                "must be a string".into(),
                "harus teks".into(),
            ));
            String::new()
        }
    };
    let mut reports = Vec::new();
    match body.get("reports") {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(fields) => reports.push(report(i, fields, &mut violations)),
                    _ => violations.push((
                        format!("reports[{i}]"),
                        "must be an object".into(),
                        "harus objek".into(),
                    )),
                }
            }
        }
        _ => violations.push((
            "reports".into(),
            "must be a list of reports".into(),
            "harus daftar laporan".into(),
        )),
    }
    if !violations.is_empty() {
        return Err(ApiError::violations(violations));
    }
    Ok(RecordActivationsRequest {
        request_id,
        reports,
    })
}

fn report(
    i: usize,
    fields: &Map<String, Value>,
    violations: &mut Vec<(String, String, String)>,
) -> ActivationReport {
    let field = |name: &str| format!("reports[{i}].{name}");
    for key in fields.keys() {
        if !REPORT_FIELDS.contains(&key.as_str()) {
            violations.push((
                field(key),
                "unknown field".into(),
                "kolom tak dikenal".into(),
            ));
        }
    }
    let mut text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) => s.clone(),
        None if name == "team" => String::new(),
        _ => {
            violations.push((field(name), "must be a string".into(), "harus teks".into()));
            String::new()
        }
    };
    let region = text("region");
    let activation_date = text("activation_date");
    let team = text("team");
    let count = match fields.get("count").and_then(Value::as_i64) {
        Some(count) => count,
        None => {
            violations.push((
                field("count"),
                "must be a whole number".into(),
                "harus bilangan bulat".into(),
            ));
            0
        }
    };
    ActivationReport {
        region,
        count,
        activation_date,
        // The page records what a mobile team did in the village.
        channel: Channel::MobileTeam as i32,
        team,
    }
}

/// Records what a mobile team did, as the signed-in user. The page sends
/// each entry with the `request_id` it made when the entry was saved, so a
/// resend after a lost answer is applied once by the registry.
async fn record_activations(State(state): Shared, bytes: Bytes) -> ApiResult<axum::Json<Value>> {
    let batch = activations_request(&bytes)?;
    let mut registry = state.clients.registry.clone();
    let recorded = registry
        .record_activations(request(batch, READ_TIMEOUT))
        .await?
        .into_inner();
    Ok(axum::Json(json!({
        "accepted": recorded.accepted,
        "activations": recorded.activations,
        "batch": recorded.batch,
        "district_gap": recorded.district_gap.as_ref().map(json::gap),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: ApiError) -> Vec<String> {
        error
            .violations
            .iter()
            .map(|v| v["field"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn a_report_of_the_wrong_shape_names_its_field() {
        let bytes = Bytes::from(
            r#"{"request_id": "a", "reports": [
                {"region": "regions/17.02.09.1012", "count": 5, "activation_date": "2026-11-26", "team": "Tim 1"},
                {"region": "regions/17.02.09.1012", "count": "5", "activation_date": "2026-11-26"},
                {"region": 7, "count": 1.5, "activation_date": "2026-11-26", "colour": "red"}
            ]}"#,
        );
        let error = activations_request(&bytes).unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST);
        // Each problem in Indonesian too, for a field team's page.
        assert_eq!(
            error.violations[0]["localized"],
            serde_json::json!({ "locale": "id-ID", "message": "harus bilangan bulat" })
        );
        assert!(
            error.violations.iter().all(|v| v["localized"]["message"]
                .as_str()
                .is_some_and(|id| !id.is_empty() && v["description"] != id)),
            "{:?}",
            error.violations
        );
        assert_eq!(
            error.localized.as_ref().unwrap()["message"],
            "reports[1].count: harus bilangan bulat; reports[2].colour: kolom tak dikenal; \
             reports[2].region: harus teks; reports[2].count: harus bilangan bulat"
        );
        assert_eq!(
            fields(error),
            [
                "reports[1].count",
                "reports[2].colour",
                "reports[2].region",
                "reports[2].count"
            ]
        );
    }

    #[test]
    fn a_good_report_is_a_mobile_team_report() {
        let bytes = Bytes::from(
            r#"{"request_id": "a", "reports": [{"region": "regions/17.02.09.1012", "count": 5, "activation_date": "2026-11-26", "team": "Tim 1"}]}"#,
        );
        let request = activations_request(&bytes).unwrap();
        assert_eq!(request.request_id, "a");
        assert_eq!(request.reports[0].count, 5);
        assert_eq!(request.reports[0].channel, Channel::MobileTeam as i32);
    }

    #[test]
    fn a_field_token_opens_on_its_own_team() {
        use jemput_proto::optimizer::TeamPlan;
        let plan = Plan {
            teams: (1..=3)
                .map(|team| TeamPlan {
                    team,
                    display_name: format!("Tim {team}"),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let field = |team: &str| Caller {
            token: "tokens/x".into(),
            role: jemput_auth::Role::Field,
            team: Some(team.into()),
            villages: None,
        };
        assert_eq!(default_team(Some(&plan), Some(&field("Tim 3"))), 3);
        assert_eq!(default_team(None, Some(&field("Tim 2"))), 2);
        assert_eq!(default_team(Some(&plan), Some(&field("Regu Curup"))), 1);
        assert_eq!(default_team(Some(&plan), None), 1);
    }

    #[test]
    fn teams_and_dates_are_checked() {
        assert!(parse_team(Some("0")).is_err());
        assert!(parse_team(Some("x")).is_err());
        assert_eq!(parse_team(Some("2")).unwrap(), Some(2));
        assert_eq!(parse_team(Some("")).unwrap(), None);
        assert!(parse_date(Some("26-11-2026")).is_err());
        assert_eq!(parse_date(Some("2026-11-26")).unwrap(), "2026-11-26");
    }
}
