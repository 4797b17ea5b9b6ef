//! The field page and `POST /api/activations`, against a real registry on a
//! fresh database and a planner.
//!
//! In a phone-sized headless Chromium (390 × 844): team 1's stops today
//! from a saved plan; counts entered and saved with the network off *and*
//! the dashboard's address answering nothing (a relay in front of it is
//! stopped), so the page can only come from the service worker; the page
//! reloaded like that still shows the three entries waiting; back online
//! they are sent, and the registry's totals rise by exactly their sum, once,
//! however often they are sent again.
//!
//! Without a browser: bad input is a 400 naming the field and records
//! nothing, and a resend with the same `request_id` is applied once.
//!
//! The browser test skips (saying so) without chromium + chromedriver
//! unless `JEMPUT_REQUIRE_BROWSER=1`; screenshots go where `browser.rs`
//! puts them (`JEMPUT_SCREENSHOTS`).

mod support;

use chrono::Datelike;
use std::net::SocketAddr;
use std::time::Duration;

use jemput_auth::BearerInterceptor;
use jemput_dashboard::testing::{self, Reply, Stack, browser::Browser};
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use jemput_proto::registry::{GetEnrollmentGapRequest, SummarizeActivationsRequest};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const WAIT: Duration = Duration::from_secs(60);
const DISTRICT: &str = "regions/17.02";
const PHONE: (u32, u32) = (390, 844);

fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// The field day the offline test works on: today, or on a weekend the
/// Friday before (a plan's team only works on working days, and a recorded
/// activation may not be in the future). The plan names it in `workdays`,
/// so a holiday that falls on it does not take it away.
fn field_day() -> String {
    let mut day = chrono::Local::now().date_naive();
    while matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        day = day.pred_opt().expect("a day before");
    }
    day.format("%Y-%m-%d").to_string()
}

/// The field page's title for team 1 on `date`, in Indonesian or English:
/// "today", or the date ("27 Nov 2026").
fn field_title(date: &str, english: bool) -> String {
    let (team, today_word, months) = if english {
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        ("Team 1", "today", months)
    } else {
        let months = [
            "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
        ];
        ("Tim 1", "hari ini", months)
    };
    if date == today() {
        return format!("{team} {today_word}");
    }
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("an ISO date");
    format!(
        "{team}, {} {} {}",
        day.day(),
        months[day.month0() as usize],
        day.year()
    )
}

/// 1234 → "1.234", as the page writes numbers.
fn dotted(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A TCP relay in front of the dashboard that can be switched off (the
/// address then refuses connections) and on again at the same address.
struct Relay {
    address: SocketAddr,
    upstream: SocketAddr,
    task: Option<JoinHandle<()>>,
    listener: Option<TcpListener>,
}

impl Relay {
    async fn bind() -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Relay {
            address: listener.local_addr().unwrap(),
            upstream: "127.0.0.1:0".parse().unwrap(),
            task: None,
            listener: Some(listener),
        }
    }

    fn serve(&mut self, upstream: SocketAddr) {
        self.upstream = upstream;
        let listener = self.listener.take().expect("a bound relay");
        self.task = Some(tokio::spawn(async move {
            // Dropping the set (when the task is aborted) aborts every
            // connection, so nothing half-open keeps answering.
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        assert!(
            TcpStream::connect(self.address).await.is_err(),
            "nothing answers at {} once the relay is stopped",
            self.address
        );
    }

    async fn restart(&mut self) {
        self.listener = Some(TcpListener::bind(self.address).await.unwrap());
        self.serve(self.upstream);
    }
}

type Registry = RegistryServiceClient<
    tonic::service::interceptor::InterceptedService<tonic::transport::Channel, BearerInterceptor>,
>;

async fn registry(stack: &Stack) -> Registry {
    RegistryServiceClient::with_interceptor(
        tonic::transport::Channel::from_shared(format!("http://{}", stack.registry))
            .unwrap()
            .connect()
            .await
            .unwrap(),
        BearerInterceptor::new(&stack.admin).unwrap(),
    )
}

/// The district's IKD activations, and those recorded for `date`.
async fn totals(registry: &mut Registry, date: &str) -> (i64, i64) {
    let gap = registry
        .get_enrollment_gap(GetEnrollmentGapRequest {
            region: DISTRICT.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let day = registry
        .summarize_activations(SummarizeActivationsRequest {
            parent: DISTRICT.into(),
            start_date: date.into(),
            end_date: date.into(),
        })
        .await
        .unwrap()
        .into_inner();
    (gap.ikd_activated, day.total)
}

fn violation_fields(reply: &Reply) -> Vec<String> {
    reply.json()["error"]["violations"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|v| v["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_activations_endpoint_names_bad_fields_and_applies_a_resend_once() {
    let stack = testing::start_stack().await;
    let mut registry = registry(&stack).await;
    let date = today();
    let before = totals(&mut registry, &date).await;
    let report = |count: Value, activation_date: &str, region: &str| json!({ "region": region, "count": count, "activation_date": activation_date, "team": "Tim 1" });
    let village = "regions/17.02.09.1012";

    let wrong_type = testing::post(
        &stack,
        "/api/activations",
        &json!({ "request_id": "field-bad-1", "reports": [report(json!("lots"), &date, village)] }),
    )
    .await;
    assert_eq!(wrong_type.status, 400, "{}", wrong_type.text());
    assert_eq!(violation_fields(&wrong_type), ["reports[0].count"]);

    let future = testing::post(
        &stack,
        "/api/activations",
        &json!({ "request_id": "field-bad-2", "reports": [
            report(json!(5), &date, village),
            report(json!(5), "2999-01-01", village),
        ]}),
    )
    .await;
    assert_eq!(future.status, 400, "{}", future.text());
    assert_eq!(violation_fields(&future), ["reports[1].activation_date"]);

    let unknown = testing::post(
        &stack,
        "/api/activations",
        &json!({ "request_id": "field-bad-3", "reports": [report(json!(5), &date, "regions/17.02.99.9999")] }),
    )
    .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert_eq!(violation_fields(&unknown), ["reports[0].region"]);

    // A write without the session's CSRF token is refused like every other.
    let no_csrf = testing::Session {
        cookie: stack.session.cookie.clone(),
        csrf: String::new(),
    };
    let forged = testing::http(
        stack.dashboard,
        "POST",
        "/api/activations",
        Some(
            &json!({ "request_id": "field-forged", "reports": [report(json!(5), &date, village)] })
                .to_string(),
        ),
        Some(&no_csrf),
    )
    .await;
    assert_eq!(forged.status, 403, "{}", forged.text());
    assert_eq!(
        totals(&mut registry, &date).await,
        before,
        "refused writes record nothing"
    );

    let good =
        json!({ "request_id": "field-good-1", "reports": [report(json!(42), &date, village)] });
    for attempt in 0..2 {
        let reply = testing::post(&stack, "/api/activations", &good).await;
        assert_eq!(reply.status, 200, "attempt {attempt}: {}", reply.text());
        assert_eq!(reply.json()["activations"], 42);
    }
    assert_eq!(
        totals(&mut registry, &date).await,
        (before.0 + 42, before.1 + 42),
        "the resend is applied once"
    );

    // The service worker loads without a session (the browser checks it
    // for updates signed in or not); the field day does not.
    let worker = testing::http(stack.dashboard, "GET", "/sw.js", None, None).await;
    assert_eq!(worker.status, 200);
    assert!(
        worker
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(worker.header("content-security-policy").is_some());
    let anonymous = testing::http(stack.dashboard, "GET", "/api/field", None, None).await;
    assert_eq!(anonymous.status, 401);

    // A field token: its own team and villages, and nothing outside them.
    let other_village = "regions/17.02.09.1013";
    let field_token = jemput_registry::testing::issue_token(
        &stack.store,
        jemput_auth::Role::Field,
        "Tim 2",
        &[village.trim_start_matches("regions/")],
    )
    .await;
    let officer = testing::sign_in(stack.dashboard, &field_token)
        .await
        .expect("the field token signs in");
    let own = testing::http(
        stack.dashboard,
        "GET",
        &format!("/api/field?date={date}"),
        None,
        Some(&officer),
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.text());
    let own = own.json();
    assert_eq!(
        (own["team"].clone(), own["team_name"].clone()),
        (json!(2), json!("Tim 2"))
    );
    let offered: Vec<&Value> = own["villages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["region"])
        .collect();
    assert_eq!(offered, [village], "only the token's villages are offered");
    let post_as_officer = |request_id: &str, region: &str| {
        let body = json!({ "request_id": request_id, "reports": [{
            "region": region, "count": 8, "activation_date": date, "team": "Tim 2",
        }]})
        .to_string();
        let (dashboard, officer) = (stack.dashboard, officer.clone());
        async move {
            testing::http(
                dashboard,
                "POST",
                "/api/activations",
                Some(&body),
                Some(&officer),
            )
            .await
        }
    };
    let outside = post_as_officer("field-officer-1", other_village).await;
    assert_eq!(outside.status, 403, "{}", outside.text());
    assert_eq!(violation_fields(&outside), ["reports[0].region"]);
    let inside = post_as_officer("field-officer-2", village).await;
    assert_eq!(inside.status, 200, "{}", inside.text());
    assert_eq!(
        totals(&mut registry, &date).await,
        (before.0 + 50, before.1 + 50),
        "the officer's 8 in their village, nothing outside it"
    );

    let bad_team = testing::get(&stack, "/api/field?team=0").await;
    assert_eq!(bad_team.status, 400);
    assert_eq!(violation_fields(&bad_team), ["team"]);
    let bad_date = testing::get(&stack, "/api/field?team=1&date=26-11-2026").await;
    assert_eq!(bad_date.status, 400);
    assert_eq!(violation_fields(&bad_date), ["date"]);
    let no_plan = testing::get(&stack, &format!("/api/field?team=1&date={date}")).await;
    assert_eq!(no_plan.status, 200, "{}", no_plan.text());
    let no_plan = no_plan.json();
    assert_eq!(no_plan["plan"], Value::Null);
    assert_eq!(no_plan["villages"].as_array().unwrap().len(), 156);
    let recorded = no_plan["villages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["region"] == village)
        .unwrap();
    assert_eq!(recorded["recorded_mobile"], 50, "what was recorded today");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_field_page_records_offline_and_sends_once() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let mut relay = Relay::bind().await;
    let stack = testing::start_stack_answering(vec![relay.address.to_string()]).await;
    relay.serve(stack.dashboard);
    let url = |path: &str| format!("http://{}{path}", relay.address);
    let mut registry = registry(&stack).await;
    let shots = support::screenshot_dir();
    let mut saved = Vec::new();
    let mut shoot = async |name: &str| {
        let path = shots.join(format!("{name}.png"));
        browser.screenshot_sized(&path, PHONE.0, PHONE.1).await;
        saved.push(path);
    };

    // A plan that starts on the field day, stored as a planner would.
    let date = field_day();
    let plan = testing::post(
        &stack,
        "/api/plans",
        &json!({ "parameters": {
            "budget_rupiah": 250_000_000, "teams": 4, "start_date": date, "workdays": [date],
            "time_limit_seconds": 20.0,
        }}),
    )
    .await;
    assert_eq!(plan.status, 200, "{}", plan.text());
    let plan = plan.json();
    let stops: Vec<Value> = plan["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team"] == 1)
        .and_then(|t| t["days"].as_array()?.iter().find(|d| d["date"] == date))
        .and_then(|d| d["stops"].as_array().cloned())
        .unwrap_or_default();
    assert!(!stops.is_empty(), "team 1 works on {date}: {plan}");
    let day = testing::get(&stack, &format!("/api/field?team=1&date={date}")).await;
    assert_eq!(day.status, 200, "{}", day.text());
    let day = day.json();
    assert_eq!(
        day["plan"]["id"], plan["id"],
        "the newest plan is the default"
    );
    // Two of the plan's stops (one if that is all), the rest villages the
    // plan did not list, added by name.
    let planned: Vec<&Value> = stops.iter().take(2).collect();
    let extra: Vec<&Value> = day["villages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !stops.iter().any(|s| s["region"] == v["region"]))
        .take(3 - planned.len())
        .collect();
    let counts = [21_i64, 34, 55];
    let recorded_sum: i64 = counts.iter().sum();

    // Sign in on the phone.
    browser.resize_viewport(PHONE.0, PHONE.1).await;
    browser.goto(&url("/#/field")).await.unwrap();
    browser
        .wait_for(
            "the sign-in page the field page sent us to",
            "return location.pathname === '/login'",
            WAIT,
        )
        .await;
    browser.sign_in_with(&stack.admin, WAIT).await;
    browser
        .goto(&url(&format!("/#/field?team=1&date={date}")))
        .await
        .unwrap();
    browser
        .wait_for(
            "team 1's stops",
            &format!(
                "return document.querySelectorAll('#stops li.stop').length === {}",
                stops.len()
            ),
            WAIT,
        )
        .await;
    let viewport = browser
        .script("return [window.innerWidth, window.innerHeight]")
        .await;
    assert_eq!(viewport, json!([PHONE.0, PHONE.1]), "a phone's viewport");
    let nav = browser.script(
        "return document.querySelector('#nav a[data-page=field]').getBoundingClientRect().right",
    ).await;
    assert!(
        nav.as_f64().unwrap() <= f64::from(PHONE.0),
        "the field page's link is in view on a phone: {nav}"
    );
    let title = browser
        .script("return document.getElementById('field-title').innerText")
        .await;
    assert_eq!(title, field_title(&date, false));
    let first = browser
        .script("return document.querySelector('#stops li.stop').innerText")
        .await;
    let first = first.as_str().unwrap();
    assert!(
        first.contains(stops[0]["display_name"].as_str().unwrap())
            && first.contains(&format!(
                "target {}",
                dotted(stops[0]["expected_activations"].as_i64().unwrap())
            )),
        "the first stop with its expected count: {first}"
    );
    browser
        .wait_for(
            "the day kept for offline use",
            "return document.querySelector('#offline-ready[data-ready=\"1\"]')",
            WAIT,
        )
        .await;
    let no_sideways_scroll = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(
        browser.script(no_sideways_scroll).await,
        true,
        "no horizontal scroll at 390 px"
    );
    shoot("field").await;

    let before = totals(&mut registry, &date).await;

    // No signal, and nothing answers at the dashboard's address.
    browser.set_offline(true).await;
    relay.stop().await;
    browser
        .wait_for(
            "the page to see it is offline",
            "return document.querySelector('#connection.off')",
            WAIT,
        )
        .await;
    let fill = async |region: &str, count: i64| {
        browser.script(&format!(
            "const input = document.querySelector('#stops li[data-region=\"{region}\"] input.count'); input.value = '{count}'; input.dispatchEvent(new Event('input'));"
        )).await;
    };
    for (stop, count) in planned.iter().zip(counts) {
        fill(stop["region"].as_str().unwrap(), count).await;
    }
    for (village, count) in extra.iter().zip(&counts[planned.len()..]) {
        let region = village["region"].as_str().unwrap();
        let name = village["display_name"].as_str().unwrap();
        browser.script(&format!(
            "const search = document.getElementById('village-search'); search.value = {}; search.dispatchEvent(new Event('input'));",
            json!(name)
        )).await;
        browser.wait_for(
            "the village found by name",
            &format!(
                "return document.querySelector('#village-results button[data-region=\"{region}\"]')"
            ),
            WAIT,
        ).await;
        browser.script(&format!(
            "document.querySelector('#village-results button[data-region=\"{region}\"]').click()"
        )).await;
        browser
            .wait_for(
                "the village added",
                &format!(
                    "return document.querySelector('#stops li.added[data-region=\"{region}\"]')"
                ),
                WAIT,
            )
            .await;
        fill(region, *count).await;
    }
    browser
        .script("document.getElementById('save-day').click()")
        .await;
    browser
        .wait_for(
            "three entries waiting",
            "return document.querySelectorAll('#waiting-list li').length === 3",
            WAIT,
        )
        .await;
    assert_eq!(
        browser.script(no_sideways_scroll).await,
        true,
        "no horizontal scroll with entries waiting"
    );
    browser
        .script("document.getElementById('send-now').click()")
        .await;
    browser
        .wait_for(
            "the send button to say it could not send",
            "return document.getElementById('send-status').innerText.startsWith('Belum terkirim')",
            WAIT,
        )
        .await;
    shoot("field-offline").await;
    let entries = browser.script(
        "return [...document.querySelectorAll('#waiting-list li')].map(li => ({...li.dataset}))",
    ).await;
    let entries = entries.as_array().unwrap().clone();
    let waiting_sum: i64 = entries
        .iter()
        .map(|e| e["count"].as_str().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(waiting_sum, recorded_sum);

    // Reopened without a signal, the page comes from the service worker.
    browser.refresh().await.unwrap();
    browser.wait_for(
        "the page reopened offline, with its stops and the entries waiting",
        &format!(
            "return document.querySelectorAll('#waiting-list li').length === 3 && document.querySelectorAll('#stops li.stop').length === {}",
            stops.len()
        ),
        WAIT,
    ).await;
    assert_eq!(
        totals(&mut registry, &date).await,
        before,
        "nothing reached the registry while offline"
    );
    shoot("field-offline-reloaded").await;

    // Back online: the entries go by themselves.
    relay.restart().await;
    browser.set_offline(false).await;
    browser
        .wait_for(
            "every entry sent",
            "return document.getElementById('all-sent')",
            WAIT,
        )
        .await;
    let expected = (before.0 + recorded_sum, before.1 + recorded_sum);
    assert_eq!(
        totals(&mut registry, &date).await,
        expected,
        "the registry has the {recorded_sum} activations recorded"
    );
    let first_region = planned[0]["region"].as_str().unwrap();
    browser.wait_for(
        "the stop's recorded count shown anew",
        &format!(
            "return document.querySelector('#stops li[data-region=\"{first_region}\"] .stop-expected').innerText.includes('sudah tercatat {}')",
            dotted(counts[0])
        ),
        WAIT,
    ).await;
    shoot("field-sent").await;

    // Sending again, from the page and with the same request_ids, changes nothing.
    browser
        .script("document.getElementById('send-now').click()")
        .await;
    for entry in &entries {
        let body = json!({ "request_id": entry["requestId"], "reports": [{
            "region": entry["region"],
            "count": entry["count"].as_str().unwrap().parse::<i64>().unwrap(),
            "activation_date": entry["date"],
            "team": entry["team"],
        }]});
        let reply = testing::post(&stack, "/api/activations", &body).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        totals(&mut registry, &date).await,
        expected,
        "a resend is applied once"
    );
    assert_eq!(
        browser
            .script("return document.querySelectorAll('#waiting-list li').length")
            .await,
        0
    );

    // English words, Indonesian numbers, and still no sideways scroll.
    browser
        .script("document.querySelector('.lang button[data-lang=en]').click()")
        .await;
    browser.wait_for(
        "the field page in English",
        &format!(
            "return document.getElementById('field-title').innerText === '{}' && document.querySelector('#stops li[data-region=\"{first_region}\"]').innerText.includes('already recorded {}')",
            field_title(&date, true),
            dotted(counts[0])
        ),
        WAIT,
    ).await;
    assert_eq!(browser.script(no_sideways_scroll).await, true);
    browser
        .script("document.querySelector('.lang button[data-lang=id]').click()")
        .await;

    let page_errors = browser
        .script("return document.getElementById('console-errors').textContent")
        .await;
    assert_eq!(page_errors, "", "errors the page caught");
    for path in &saved {
        println!("screenshot: {}", path.display());
    }
}
