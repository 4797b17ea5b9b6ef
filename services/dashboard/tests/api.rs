//! The dashboard's HTTP API against a real registry (fresh SQLite, seeded
//! with Rejang Lebong) and a planner, over real sockets: the numbers the
//! pages show, the live relay, the exports read back, and errors a form can
//! use.

use std::time::Duration;

use jemput_dashboard::testing::{
    self, Stack, get, http, login, post, send, start_dashboard, start_stack,
};
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use jemput_proto::registry::{self as pb, ActivationReport, Channel, RecordActivationsRequest};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gaps_show_the_district_its_15_kecamatan_and_156_villages() {
    let stack = start_stack().await;
    let reply = get(&stack, "/api/gaps").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let gaps = reply.json();
    let district = &gaps["district"];
    assert_eq!(district["ktp_el_recorded"], 202_820);
    assert_eq!(district["ikd_activated"], 10_425);
    assert_eq!(district["target_count"], 60_846);
    assert_eq!(district["gap"], 50_421);
    assert_eq!(gaps["kecamatan"].as_array().unwrap().len(), 15);
    assert_eq!(gaps["villages"].as_array().unwrap().len(), 156);
    let recorded: i64 = gaps["kecamatan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["ktp_el_recorded"].as_i64().unwrap())
        .sum();
    assert_eq!(recorded, 202_820, "kecamatan add up to the district");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_has_every_village_boundary_and_its_attribution() {
    let stack = start_stack().await;
    let map = get(&stack, "/api/map").await.json();
    let villages = map["villages"].as_array().unwrap();
    assert_eq!(villages.len(), 156);
    assert!(
        villages
            .iter()
            .all(|v| v["boundary"]["type"] == "MultiPolygon"),
        "every village has a boundary"
    );
    assert_eq!(map["kecamatan"].as_array().unwrap().len(), 15);
    let attribution = map["attribution"].as_array().unwrap();
    assert!(!attribution.is_empty() && attribution.iter().all(|a| !a.as_str().unwrap().is_empty()));
}

async fn record(stack: &Stack, count: i64) {
    let mut registry = RegistryServiceClient::with_interceptor(
        tonic::transport::Channel::from_shared(format!("http://{}", stack.registry))
            .unwrap()
            .connect()
            .await
            .unwrap(),
        jemput_auth::BearerInterceptor::new(&stack.admin).unwrap(),
    );
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    registry
        .record_activations(RecordActivationsRequest {
            request_id: format!("dashboard-test-{count}"),
            reports: vec![ActivationReport {
                region: "regions/17.02.09.1012".into(),
                count,
                activation_date: today,
                channel: Channel::MobileTeam as i32,
                team: "Tim 1".into(),
            }],
        })
        .await
        .unwrap();
}

/// Reads Server-Sent Events until one `gap` event satisfies `done`.
async fn next_gap(
    stream: &mut reqwest::Response,
    buffer: &mut String,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if event.lines().any(|l| l == "event: gap") {
                let data: String = event
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: "))
                    .collect();
                let gap: Value = serde_json::from_str(&data).unwrap();
                if done(&gap) {
                    return gap;
                }
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("an event in time")
            .unwrap()
            .expect("the stream goes on");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_activations_reach_the_page_as_server_sent_events() {
    let stack = start_stack().await;
    let mut stream = testing::request(reqwest::Method::GET, stack.dashboard, "/api/gaps/stream")
        .header("cookie", &stack.session.cookie)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut buffer = String::new();
    let first = next_gap(&mut stream, &mut buffer, |_| true).await;
    assert_eq!(first["ikd_activated"], 10_425);
    assert!(buffer.is_empty() || !buffer.contains("event: gap"));
    record(&stack, 321).await;
    let updated = next_gap(&mut stream, &mut buffer, |g| g["ikd_activated"] != 10_425).await;
    assert_eq!(updated["ikd_activated"], 10_425 + 321);
    assert_eq!(updated["gap"], 50_421 - 321);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_exports_read_back_and_add_up_to_the_plan() {
    let stack = start_stack().await;
    let reply = post(
        &stack,
        "/api/plans",
        &json!({ "parameters": { "budget_rupiah": 250_000_000, "teams": 4 } }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let plan = reply.json();
    let id = plan["id"].as_str().unwrap();
    let mobile = plan["summary"]["mobile_activations"].as_i64().unwrap();
    assert!(mobile > 0);
    let most = plan["summary"]["mobile_activations_upper_bound"]
        .as_i64()
        .unwrap();
    assert!(mobile <= most, "{mobile} > {most}");

    let csv_reply = get(&stack, &format!("/api/plans/{id}/itinerary.csv?lang=en")).await;
    assert_eq!(csv_reply.status, 200);
    assert!(
        csv_reply
            .header("content-type")
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv_reply
            .header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    let text = csv_reply.text();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = headers
        .iter()
        .position(|h| h == "expected_activations")
        .unwrap();
    let team_column = headers.iter().position(|h| h == "team").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let total: i64 = rows.iter().map(|r| r[column].parse::<i64>().unwrap()).sum();
    assert_eq!(
        total, mobile,
        "the itinerary sums to the plan's mobile activations"
    );

    // Indonesian by default, as the pages are.
    let team2 = get(&stack, &format!("/api/plans/{id}/itinerary.csv?team=2"))
        .await
        .text();
    assert!(
        team2.starts_with("tim,nama_tim,tanggal,"),
        "{}",
        team2.lines().next().unwrap_or_default()
    );
    let team2_rows: Vec<csv::StringRecord> = csv::Reader::from_reader(team2.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(!team2_rows.is_empty() && team2_rows.iter().all(|r| &r[team_column] == "2"));
    assert_eq!(
        get(&stack, &format!("/api/plans/{id}/itinerary.csv?team=99"))
            .await
            .status,
        400
    );

    let html = get(
        &stack,
        &format!("/api/plans/{id}/itinerary.html?team=1&lang=en"),
    )
    .await;
    assert!(
        html.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = html.text();
    assert!(html.contains("@media print") && html.contains("size: A4"));
    assert!(html.contains("Team itinerary — Tim 1"));

    let geojson = get(&stack, &format!("/api/plans/{id}/routes.geojson")).await;
    assert_eq!(geojson.status, 200, "{}", geojson.text());
    let routes = geojson.json();
    let team_days: usize = plan["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["days"].as_array().unwrap().len())
        .sum();
    let features = routes["features"].as_array().unwrap();
    assert_eq!(features.len(), team_days, "one feature per team-day");
    for feature in features {
        assert_eq!(feature["geometry"]["type"], "LineString");
        let line = feature["geometry"]["coordinates"].as_array().unwrap();
        assert!(line.len() >= 2);
        assert!(
            feature["properties"]["team"].is_i64()
                && feature["properties"]["date"].is_string()
                && feature["properties"]["overnight"].is_boolean()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_tables_export_as_csv_and_xlsx() {
    use calamine::{Data, Reader, Xlsx};
    let stack = start_stack().await;
    let budgets = [100_000_000i64, 200_000_000, 300_000_000];
    let reply = post(
        &stack,
        "/api/scenarios",
        &json!({ "budgets_rupiah": budgets, "teams": [4] }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let scenarios = reply.json()["scenarios"].clone();
    assert_eq!(scenarios.as_array().unwrap().len(), budgets.len());
    for s in scenarios.as_array().unwrap() {
        // Each carries what its plan did and the most a plan of its days could.
        let mobile = s["mobile_activations"].as_i64().unwrap();
        let most = s["mobile_activations_upper_bound"].as_i64().unwrap();
        assert!(mobile > 0 && mobile <= most, "{s}");
    }
    // Rp 100 juta is where the money binds: it states the least any plan of
    // its days could cost; the teams bind Rp 300 juta, which states none.
    let least = scenarios[0]["cost_lower_bound_rupiah"].as_i64().unwrap();
    assert!(
        least > 0 && least <= scenarios[0]["cost_rupiah"].as_i64().unwrap(),
        "{scenarios}"
    );
    assert!(
        scenarios[2].get("cost_lower_bound_rupiah").is_none(),
        "{scenarios}"
    );

    let xlsx = post(
        &stack,
        "/api/scenarios/export.xlsx",
        &json!({ "scenarios": scenarios }),
    )
    .await;
    assert_eq!(xlsx.status, 200, "{}", xlsx.text());
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body)).unwrap();
    // A title sheet naming the district as the registry does, then the table.
    let title = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(
        title.get((2, 1)),
        Some(&Data::String("Rejang Lebong (17.02)".into()))
    );
    let sheet = workbook.worksheet_range_at(1).unwrap().unwrap();
    assert_eq!(sheet.height(), budgets.len() + 1);
    for (row, budget) in budgets.iter().enumerate() {
        assert_eq!(sheet.get((row + 1, 1)), Some(&Data::Float(*budget as f64)));
        // The cost by item came from the optimizer with the scenarios.
        assert!(
            matches!(sheet.get((row + 1, 9)), Some(Data::Float(vehicle)) if *vehicle > 0.0),
            "vehicle cost: {:?}",
            sheet.get((row + 1, 9))
        );
        match (sheet.get((row + 1, 15)), sheet.get((row + 1, 16))) {
            (Some(Data::Float(mobile)), Some(Data::Float(most))) => {
                assert!(*mobile > 0.0 && mobile <= most, "{mobile} of {most}")
            }
            other => panic!("mobile activations and their upper bound: {other:?}"),
        }
    }
    // The least cost went out and came back with the table.
    assert_eq!(sheet.get((1, 17)), Some(&Data::Float(least as f64)));
    assert_eq!(sheet.get((3, 17)), Some(&Data::String("—".into())));

    let csv_text = post(
        &stack,
        "/api/scenarios/export.csv",
        &json!({ "scenarios": scenarios }),
    )
    .await
    .text();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), budgets.len());
    assert_eq!(&rows[0][12], least.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_come_back_as_json_a_form_can_use() {
    let stack = start_stack().await;
    let missing = get(&stack, "/api/plans/no-such-plan").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "NOT_FOUND");

    let negative = post(
        &stack,
        "/api/plans",
        &json!({ "parameters": { "budget_rupiah": -1 } }),
    )
    .await;
    assert_eq!(negative.status, 400, "{}", negative.text());
    let error = negative.json()["error"].clone();
    assert_eq!(error["code"], "INVALID_ARGUMENT");
    assert!(
        error["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["field"].as_str().unwrap().ends_with("budget_rupiah")),
        "{error}"
    );

    let garbage = post(
        &stack,
        "/api/plans",
        &json!({ "parameters": { "budjet": 1 } }),
    )
    .await;
    assert_eq!(garbage.status, 400);
    assert!(
        garbage.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("budjet")
    );

    assert_eq!(get(&stack, "/api/nothing-here").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_starts_and_says_so_when_a_backend_is_down() {
    // A port nobody listens on: bind, note it, close it.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let backends = jemput_dashboard::Backends {
        registry: format!("http://{closed}"),
        optimizer: format!("http://{closed}"),
        ca: None,
    };
    let (address, served) = start_dashboard(backends, jemput_dashboard::Options::default()).await;
    let anonymous = |path: &'static str| http(address, "GET", path, None, None);
    let login_page = anonymous("/login").await;
    assert_eq!(login_page.status, 200);
    assert!(login_page.text().contains("name=\"token\""));
    let script = anonymous("/assets/app.js").await;
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(anonymous("/assets/nope.js").await.status, 404);
    // Signing in asks the registry, which is down: the page says so.
    let token = format!("jpt_{}_{}", "0".repeat(16), "0".repeat(64));
    let reply = send(login(address, &token)).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.header("location"), Some("/login?error=unavailable"));
    served.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_not_started_yet_compares_with_nothing_recorded() {
    let stack = start_stack().await;
    let plan = post(
        &stack,
        "/api/plans",
        &json!({ "parameters": { "budget_rupiah": 100_000_000, "start_date": "2030-01-07" } }),
    )
    .await
    .json();
    let id = plan["id"].as_str().unwrap();
    let progress = get(&stack, &format!("/api/plans/{id}/progress")).await;
    assert_eq!(progress.status, 200, "{}", progress.text());
    let progress = progress.json();
    assert_eq!(progress["recorded_since_start"], 0);
    assert_eq!(progress["points"].as_array().unwrap().len(), 0);
    assert_eq!(
        progress["actual_ikd_activated"],
        plan["summary"]["ikd_activated_at_start"]
    );
    assert_eq!(
        get(
            &stack,
            &format!("/api/plans/{id}/progress?as_of=31-12-2030")
        )
        .await
        .status,
        400
    );
}

/// The registry as the admin: to add regions and import counts, as the CLI does.
async fn registry_as_admin(
    stack: &Stack,
) -> RegistryServiceClient<
    tonic::service::interceptor::InterceptedService<
        tonic::transport::Channel,
        jemput_auth::BearerInterceptor,
    >,
> {
    RegistryServiceClient::with_interceptor(
        tonic::transport::Channel::from_shared(format!("http://{}", stack.registry))
            .unwrap()
            .connect()
            .await
            .unwrap(),
        jemput_auth::BearerInterceptor::new(&stack.admin).unwrap(),
    )
}

const LEBONG: &str = "regions/17.07";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn districts_list_every_province_and_district_and_which_have_counts() {
    let stack = start_stack().await;
    // The seed alone: its province row is not held, so it is grouped by code.
    let alone = get(&stack, "/api/districts").await;
    assert_eq!(alone.status, 200, "{}", alone.text());
    let alone = alone.json();
    assert_eq!(alone["district_count"], 1);
    assert_eq!(alone["default"], "regions/17.02");
    let province = &alone["provinces"][0];
    assert_eq!(
        (
            &province["code"],
            &province["display_name"],
            &province["held"]
        ),
        (&json!("17"), &json!("17"), &json!(false))
    );
    assert_eq!(province["districts"][0]["region"], "regions/17.02");
    assert_eq!(province["districts"][0]["counts_missing"], false);

    // Bengkulu from the national list, then the counts of Lebong alone.
    let mut registry = registry_as_admin(&stack).await;
    let added = registry
        .add_regions(pb::AddRegionsRequest {
            request_id: "dashboard-bengkulu".into(),
            regions: vec!["regions/17".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(added.districts_added, 9);
    let villages = registry
        .list_regions(pb::ListRegionsRequest {
            parent: LEBONG.into(),
            page_size: 1000,
            level: pb::RegionLevel::Village.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .regions;
    assert!(!villages.is_empty());
    registry
        .import_regions(pb::ImportRegionsRequest {
            request_id: "dashboard-lebong-counts".into(),
            counts: villages
                .iter()
                .map(|v| pb::VillageCounts {
                    region: v.name.clone(),
                    ktp_el_recorded: 1_000,
                    ikd_activated: 51,
                })
                .collect(),
            validate_only: false,
        })
        .await
        .unwrap();

    let listed = get(&stack, "/api/districts").await.json();
    assert_eq!(listed["district_count"], 10);
    let provinces = listed["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 1, "{listed}");
    assert_eq!(provinces[0]["display_name"], "Bengkulu");
    assert_eq!(provinces[0]["held"], true);
    let districts = provinces[0]["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 10);
    let with_counts: Vec<&str> = districts
        .iter()
        .filter(|d| d["counts_missing"] == false)
        .map(|d| d["region"].as_str().unwrap())
        .collect();
    let mut sorted = with_counts.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["regions/17.02", LEBONG]);
    let names: Vec<&str> = districts
        .iter()
        .map(|d| d["display_name"].as_str().unwrap())
        .collect();
    // By the name after "Kabupaten" / "Kota": the seed, named without
    // it, among the national list's.
    assert_eq!(
        names,
        [
            "Kota Bengkulu",
            "Kabupaten Bengkulu Selatan",
            "Kabupaten Bengkulu Tengah",
            "Kabupaten Bengkulu Utara",
            "Kabupaten Kaur",
            "Kabupaten Kepahiang",
            "Kabupaten Lebong",
            "Kabupaten Mukomuko",
            "Rejang Lebong",
            "Kabupaten Seluma",
        ],
        "districts by name"
    );
    let lebong = districts.iter().find(|d| d["region"] == LEBONG).unwrap();
    assert_eq!(
        lebong["ktp_el_recorded"],
        1_000 * villages.len() as i64,
        "{lebong}"
    );
    assert!(
        districts
            .iter()
            .all(|d| d["counts_missing"] == true || d["villages_without_counts"] == 0)
    );

    // The other pages answer for Lebong: its gaps, and a map of points.
    let gaps = get(&stack, &format!("/api/gaps?region={LEBONG}")).await;
    assert_eq!(gaps.status, 200, "{}", gaps.text());
    let gaps = gaps.json();
    assert_eq!(gaps["district"]["region"], LEBONG);
    assert_eq!(gaps["district"]["counts_missing"], false);
    assert_eq!(
        gaps["district"]["ikd_activated"],
        51 * villages.len() as i64
    );
    assert_eq!(gaps["villages"].as_array().unwrap().len(), villages.len());
    let map = get(&stack, &format!("/api/map?region={LEBONG}")).await;
    assert_eq!(map.status, 200, "{}", map.text());
    let map = map.json();
    assert_eq!(map["district"]["name"], LEBONG);
    let points = map["villages"].as_array().unwrap();
    assert_eq!(points.len(), villages.len());
    assert!(
        points.iter().all(|v| v["boundary"].is_null()
            && v["latitude"].as_f64().unwrap() < -2.0
            && v["longitude"].as_f64().unwrap() > 101.0),
        "villages from the national list are points in Bengkulu"
    );
    // A district still without counts shows its gap as such.
    let empty = districts
        .iter()
        .find(|d| d["counts_missing"] == true)
        .unwrap();
    let gaps = get(
        &stack,
        &format!("/api/gaps?region={}", empty["region"].as_str().unwrap()),
    )
    .await
    .json();
    assert_eq!(gaps["district"]["counts_missing"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_budget_is_split_among_its_districts_and_exported() {
    use calamine::{Data, Reader, Xlsx};
    let stack = start_stack().await;
    let ask = json!({
        "region": "regions/17",
        "total_budget_rupiah": 200_000_000i64,
        "deadline": "2027-06-30",
        "parameters": { "start_date": "2027-01-04" },
    });
    // The seed holds Rejang Lebong, not Bengkulu: nothing to split yet.
    let unheld = post(&stack, "/api/allocate", &ask).await;
    assert_eq!(unheld.status, 404, "{}", unheld.text());
    assert_eq!(unheld.json()["error"]["code"], "NOT_FOUND");
    // A budget that is not a number is refused before the optimizer is asked.
    let mut words = ask.clone();
    words["total_budget_rupiah"] = json!("dua miliar");
    let refused = post(&stack, "/api/allocate", &words).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    // In both languages, as a service's refusal is.
    let said = &refused.json()["error"];
    assert_eq!(said["violations"][0]["field"], "body");
    assert!(
        said["localized"]["message"]
            .as_str()
            .is_some_and(|id| id.starts_with("body: isi permintaan tidak dapat dibaca")),
        "{said}"
    );
    // A negative one is the optimizer's to refuse, naming the field.
    let mut negative = ask.clone();
    negative["total_budget_rupiah"] = json!(-1);
    let mut registry = registry_as_admin(&stack).await;
    registry
        .add_regions(pb::AddRegionsRequest {
            request_id: "dashboard-allocate-bengkulu".into(),
            regions: vec!["regions/17".into()],
        })
        .await
        .unwrap();
    let refused = post(&stack, "/api/allocate", &negative).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(
        refused.json()["error"]["violations"][0]["field"],
        "total_budget_rupiah"
    );

    let reply = post(&stack, "/api/allocate", &ask).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let split = reply.json();
    // Only Rejang Lebong has counts; the other nine are named as left out.
    let shares = split["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 1, "{split}");
    let share = &shares[0];
    assert_eq!(share["district"], "regions/17.02");
    assert_eq!(share["display_name"], "Rejang Lebong");
    assert_eq!(share["reaches_target"], true, "{split}");
    let least = share["minimum_budget_rupiah"].as_i64().unwrap();
    let bound = share["minimum_budget_lower_bound_rupiah"].as_i64().unwrap();
    let given = share["budget_rupiah"].as_i64().unwrap();
    assert!(
        bound <= least && least <= given && given <= 200_000_000,
        "{split}"
    );
    assert_eq!(split["districts_reaching_target"], 1);
    assert_eq!(split["districts_reaching_target_upper_bound"], 1);
    assert_eq!(split["allocated_rupiah"], given);
    assert_eq!(
        split["districts_without_counts"].as_array().unwrap().len(),
        9
    );

    // The page posts the split back for the workbook `jemput allocate`
    // writes, which names the province as the registry does.
    let xlsx = post(
        &stack,
        "/api/allocate/export.xlsx?lang=en",
        &json!({ "region": "regions/17", "total_budget_rupiah": 200_000_000i64, "deadline": "2027-06-30", "split": split }),
    )
    .await;
    assert_eq!(xlsx.status, 200, "{}", xlsx.text());
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body)).unwrap();
    assert_eq!(workbook.sheet_names(), ["Summary", "Split"]);
    let title = workbook.worksheet_range("Summary").unwrap();
    assert!(
        title
            .cells()
            .any(|(_, _, cell)| cell == &Data::String("Bengkulu (17)".into())),
        "{title:?}"
    );
    let rows = workbook.worksheet_range("Split").unwrap();
    assert_eq!(rows.height(), 2);
    assert_eq!(rows.get((1, 2)), Some(&Data::Float(given as f64)));
}
