//! The dashboard in a real headless Chromium, against a real registry on a
//! fresh database and a planner: Gaps shows the district and its 15
//! kecamatan and updates live; a Rp 250 juta / 4-team plan shows its target
//! date and routes on the map; a budget scenario charts one point per
//! budget; Saved plans lists the plan; the audit trail shows who did it;
//! and nothing is logged as an error. It signs in first, as a person does.
//! With a province added from the national list, the district picker
//! moves every page to another district, whose villages are points.
//! Every page is shot at 1400 × 1000 and at a phone's 390 × 844, where
//! nothing may be wider than the screen and chart labels stay readable.
//!
//! Skips (saying so) without chromium + chromedriver unless
//! `JEMPUT_REQUIRE_BROWSER=1`. Screenshots go to `JEMPUT_SCREENSHOTS`
//! (relative to the workspace root, e.g. `docs/screenshots`) or else to a
//! folder under the target directory; their paths are printed.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use jemput_dashboard::testing::{self, browser::Browser};
use jemput_proto::registry::registry_service_client::RegistryServiceClient;
use jemput_proto::registry::{self as pb, ActivationReport, Channel, RecordActivationsRequest};

const WAIT: Duration = Duration::from_secs(60);
const DESKTOP: (u32, u32) = (1400, 1000);
const PHONE: (u32, u32) = (390, 844);

/// Shoots the page as it is at desktop size (`{name}.png`) and on a phone
/// (`{name}-phone.png`); says how, if at all, the page is wider than the
/// phone, naming the elements that stick out.
async fn shoot_both(
    browser: &Browser,
    saved: &mut Vec<std::path::PathBuf>,
    name: &str,
) -> Option<String> {
    let shots = support::screenshot_dir();
    let desktop = shots.join(format!("{name}.png"));
    browser
        .screenshot_sized(&desktop, DESKTOP.0, DESKTOP.1)
        .await;
    browser.resize_viewport(PHONE.0, PHONE.1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let widths = browser.script(
        "const wide = [...document.querySelectorAll('body *')] \
           .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.parentElement.closest('.scroll, nav, svg')) \
           .slice(0, 6) \
           .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : ''} ${Math.round(e.getBoundingClientRect().right)} px`); \
         const heights = [...document.querySelectorAll('svg.chart text')] \
           .map((t) => t.getBoundingClientRect().height).filter((h) => h > 0); \
         return [document.documentElement.scrollWidth, window.innerWidth, wide, heights.length ? Math.min(...heights) : null];",
    ).await;
    let (scroll_width, inner_width) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
    assert_eq!(inner_width, u64::from(PHONE.0), "{name}: a phone's width");
    let phone = shots.join(format!("{name}-phone.png"));
    browser.screenshot_sized(&phone, PHONE.0, PHONE.1).await;
    browser.resize_viewport(DESKTOP.0, DESKTOP.1).await;
    saved.extend([desktop, phone]);
    // A chart's labels must stay readable on the phone (its ticks are
    // 11 px; drawn for a desktop and squeezed they were 5 px).
    let smallest_text = widths[3].as_f64();
    let mut problems = Vec::new();
    if scroll_width > inner_width {
        problems.push(format!(
            "{name} is {scroll_width} px wide on a {inner_width} px phone; sticking out: {}",
            widths[2]
        ));
    }
    if let Some(smallest) = smallest_text.filter(|&h| h < 10.0) {
        problems.push(format!(
            "{name}: a chart label is {smallest:.1} px tall on a phone"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// The two tests take turns. Both start optimizers in this one process,
/// and those share its rayon pool and two cores. Side by side, the
/// picker's province split (two districts' budget curves) can hold them
/// while the scenario page's curve runs: once, in a fresh-clone run, that
/// curve ran out of its 20 s and answered without the bounds the page is
/// checked for.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_in_a_headless_browser() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let stack = testing::start_stack().await;
    let mut saved = Vec::new();
    let mut too_wide = Vec::new();
    let mut shoot =
        async |name: &str| too_wide.extend(shoot_both(&browser, &mut saved, name).await);
    browser.resize_viewport(DESKTOP.0, DESKTOP.1).await;

    // Without a session every page leads to sign-in; signing in with the
    // admin token opens the dashboard.
    browser.goto(&stack.url("/#/gaps")).await.unwrap();
    browser
        .wait_for(
            "the sign-in page",
            "return location.pathname === '/login' && document.getElementById('token') !== null",
            WAIT,
        )
        .await;
    shoot("login").await;
    browser.script(&format!(
        "document.getElementById('token').value = '{}'; document.querySelector('form').submit();",
        stack.admin
    )).await;
    browser
        .wait_for(
            "the dashboard after signing in",
            "return location.pathname === '/' && document.getElementById('page') !== null",
            WAIT,
        )
        .await;

    // Gaps: the district's numbers and the 15 kecamatan, then live updates.
    browser.goto(&stack.url("/#/gaps")).await.unwrap();
    browser
        .wait_for(
            "15 kecamatan rows",
            "return document.querySelectorAll('#kecamatan-table tbody tr').length === 15",
            WAIT,
        )
        .await;
    let stats = browser
        .script("return document.getElementById('district-stats').innerText")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    for number in ["202.820", "10.425", "60.846", "50.421"] {
        assert!(
            stats.contains(number),
            "the district's {number} is shown: {stats}"
        );
    }
    let villages = browser
        .script("return document.querySelectorAll('.map-svg use.village').length")
        .await;
    assert_eq!(villages, 156, "every village is on the map");
    let attribution = browser
        .script("return document.querySelector('.attribution').innerText")
        .await;
    assert!(
        attribution.as_str().unwrap().contains("Cahya DSN"),
        "the boundaries' attribution is visible: {attribution}"
    );
    browser
        .wait_for(
            "the live stream",
            "return document.querySelector('#live-status.on')",
            WAIT,
        )
        .await;
    shoot("gaps").await;
    // On a small phone (360 px, many Android phones) every page's name in
    // the menu is whole, the active one's bold "Kesenjangan" too.
    browser.resize_viewport(360, 780).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cut = browser
        .script(
            "return [...document.querySelectorAll('nav#nav a')] \
               .filter((a) => a.scrollWidth > a.clientWidth) \
               .map((a) => `${a.textContent} ${a.scrollWidth} > ${a.clientWidth} px`)",
        )
        .await;
    browser.resize_viewport(DESKTOP.0, DESKTOP.1).await;
    assert_eq!(cut, serde_json::json!([]), "menu labels cut at 360 px");

    browser.script(
        "document.querySelector('#kecamatan-table tr[data-region=\"regions/17.02.09\"]').click()",
    ).await;
    browser
        .wait_for(
            "Curup's villages",
            "return document.querySelectorAll('#village-table tbody tr').length > 0",
            WAIT,
        )
        .await;
    assert!(
        browser
            .script("return location.hash")
            .await
            .as_str()
            .unwrap()
            .ends_with("/gaps/17.02.09")
    );
    shoot("gaps-kecamatan").await;

    {
        let mut registry = RegistryServiceClient::with_interceptor(
            tonic::transport::Channel::from_shared(format!("http://{}", stack.registry))
                .unwrap()
                .connect()
                .await
                .unwrap(),
            jemput_auth::BearerInterceptor::new(&stack.admin).unwrap(),
        );
        registry
            .record_activations(RecordActivationsRequest {
                request_id: "browser-test-1".into(),
                reports: vec![ActivationReport {
                    region: "regions/17.02.09.1012".into(),
                    count: 500,
                    activation_date: chrono::Local::now()
                        .date_naive()
                        .format("%Y-%m-%d")
                        .to_string(),
                    channel: Channel::MobileTeam as i32,
                    team: "Tim 1".into(),
                }],
            })
            .await
            .unwrap();
    }
    browser
        .wait_for(
            "the page to show the new activations",
            "return document.getElementById('district-stats').innerText.includes('10.925')",
            WAIT,
        )
        .await;

    // Language switch: English words, Indonesian numbers.
    browser
        .script("document.querySelector('.lang button[data-lang=en]').click()")
        .await;
    browser.wait_for(
        "English words with Indonesian numbers",
        "const s = document.getElementById('district-stats'); return document.querySelector('h1').innerText === 'IKD activation gaps' && s && s.innerText.includes('KTP-EL RECORDED') && s.innerText.includes('202.820')",
        WAIT,
    ).await;
    shoot("gaps-en").await;
    browser
        .script("document.querySelector('.lang button[data-lang=id]').click()")
        .await;

    // The plan form before anything is asked.
    browser.goto(&stack.url("/#/plan")).await.unwrap();
    browser
        .wait_for(
            "the plan form",
            "return document.querySelector('#plan-form input[name=budget_rupiah]')",
            WAIT,
        )
        .await;
    shoot("plan-form").await;

    // What only the optimizer can refuse (its teams are 1 to 100) is said
    // beside the field in the page's language, as the optimizer says it.
    for (lang, expected) in [
        ("id", "harus antara 1 dan 100"),
        ("en", "must be between 1 and 100"),
    ] {
        browser
            .script(&format!(
                "document.querySelector('.lang button[data-lang={lang}]').click()"
            ))
            .await;
        browser.goto(&stack.url("/#/gaps")).await.unwrap();
        browser
            .goto(&stack.url("/#/plan?budget=250%20juta&teams=0&run=1"))
            .await
            .unwrap();
        let said = browser
            .wait_for(
                "the teams refused beside the field",
                "const e = document.querySelector('#plan-form input[name=teams]')?.closest('label')?.querySelector('.field-error'); return e && e.innerText",
                WAIT,
            )
            .await;
        assert_eq!(said.as_str(), Some(expected), "{lang}");
        shoot(&format!("plan-refused-{lang}")).await;
    }
    // The browser logs each refusal as a failed request; those two, and
    // nothing else, are expected (reading the log empties it).
    let refusals = browser.severe_log().await;
    assert!(
        refusals.len() == 2
            && refusals.iter().all(|e| {
                let e = e.as_str().unwrap_or_default();
                e.contains("/api/plans") && e.contains("400")
            }),
        "{refusals:#?}"
    );
    browser
        .script("document.querySelector('.lang button[data-lang=id]').click()")
        .await;

    // Plan: Rp 250 juta, 4 teams; the target date and four teams' routes.
    // Written as a budget officer writes it, read as Rp 250.000.000.
    browser
        .goto(&stack.url("/#/plan?budget=250%20juta&teams=4&run=1"))
        .await
        .unwrap();
    let target_date = browser.wait_for("the plan's target date", "const d = document.getElementById('target-date'); return d && d.innerText !== '—' && d.innerText", Duration::from_secs(600)).await;
    let target_date = target_date.as_str().unwrap();
    assert!(
        target_date.split(' ').count() == 3,
        "a date like 31 Des 2026: {target_date}"
    );
    let teams_on_map = browser.script("return new Set([...document.querySelectorAll('#routes path.route')].map(p => p.dataset.team)).size").await;
    assert_eq!(teams_on_map, 4, "each team's routes are on the map");
    assert!(
        browser
            .script("return document.querySelectorAll('#calendar tbody tr').length")
            .await
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        browser
            .script("return document.querySelector('svg.projection .hline') !== null")
            .await
            .as_bool()
            .unwrap(),
        "the projection has its target line"
    );
    let headline = browser
        .script("return document.querySelector('.headline').innerText")
        .await;
    assert!(
        headline.as_str().unwrap().contains("Rp 250.000.000"),
        "the plan is for Rp 250.000.000: {headline}"
    );
    shoot("plan").await;

    // The same link opened again gets the plan stored the first time.
    browser.goto(&stack.url("/#/gaps")).await.unwrap();
    browser
        .goto(&stack.url("/#/plan?budget=250%20juta&teams=4&run=1"))
        .await
        .unwrap();
    browser.wait_for("the plan again", "const d = document.getElementById('target-date'); return d && d.innerText !== '—' && d.innerText", Duration::from_secs(600)).await;
    browser.goto(&stack.url("/#/plans")).await.unwrap();
    browser
        .wait_for(
            "the saved plans",
            "return document.querySelectorAll('#plans-table tbody tr').length",
            WAIT,
        )
        .await;
    assert_eq!(
        browser
            .script("return document.querySelectorAll('#plans-table tbody tr').length")
            .await,
        1,
        "opening a run=1 link twice stores one plan"
    );

    // Budget scenarios: one point per budget.
    let budgets = [
        100_000_000,
        150_000_000,
        200_000_000,
        250_000_000,
        300_000_000,
        400_000_000,
    ];
    let list = budgets
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    browser
        .goto(&stack.url(&format!("/#/scenarios?budgets={list}&teams=4&run=1")))
        .await
        .unwrap();
    browser
        .wait_for(
            "the scenario table",
            "return document.querySelectorAll('#scenario-table tbody tr').length",
            Duration::from_secs(600),
        )
        .await;
    let points = browser
        .script("return document.querySelectorAll('svg.scenarios circle.point').length")
        .await;
    assert_eq!(points, budgets.len(), "one point per budget");
    // Under the curve, dashed, its proven lower bound, one vertex per budget.
    let bound = browser
        .script("return [...document.querySelectorAll('svg.scenarios path[stroke-dasharray]')].map((p) => (p.getAttribute('d').match(/[ML]/g) || []).length)")
        .await;
    assert_eq!(
        bound,
        serde_json::json!([budgets.len()]),
        "one dashed bound"
    );
    // Where money binds (Rp 100 juta), the row says how much of the most
    // its days could buy the plan gets; where teams bind, it says nothing.
    let shares = texts(&browser, "#scenario-table td.of-most").await;
    assert_eq!(shares.len(), budgets.len(), "{shares:?}");
    assert!(
        shares[0].ends_with('%') && shares[0].contains(','),
        "{shares:?}"
    );
    assert_eq!(shares[budgets.len() - 1], "—", "{shares:?}");
    // There too it states the least any plan of its days could cost, and
    // how far above that the plan is; where teams bind, a dash.
    let least = texts(&browser, "#scenario-table td.least-cost").await;
    assert_eq!(least.len(), budgets.len(), "{least:?}");
    assert!(
        least[0].starts_with("Rp ") && least[0].contains(" +") && least[0].ends_with('%'),
        "{least:?}"
    );
    assert_eq!(least[budgets.len() - 1], "—", "{least:?}");
    shoot("scenarios").await;

    // Dates as people write them, day first, and what is not a date.
    let parsed = browser
        .script(
            "return import('/assets/ui.js').then((ui) => ['31/12/2027', '1.2.2027', '31-12-2027', '31122027', '2027-12-31', '29/02/2028', '29/02/2027', '31/04/2027', '12/31/2027', '31/12/27', 'besok', ''].map(ui.parseDateText))",
        )
        .await;
    assert_eq!(
        parsed,
        serde_json::json!([
            "2027-12-31",
            "2027-02-01",
            "2027-12-31",
            "2027-12-31",
            "2027-12-31",
            "2028-02-29",
            null,
            null,
            null,
            null,
            null,
            ""
        ])
    );

    // The least budget for a deadline, on the same page, the deadline typed
    // as on a phone's number pad (no "/"): day, month, year. A date that
    // does not exist is refused beside the field and asks nothing.
    let deadline = browser
        .find(Locator::Css("#minimum-form .date-text"))
        .await
        .unwrap();
    deadline.send_keys("31022027").await.unwrap();
    browser
        .script("document.getElementById('minimum-form').requestSubmit()")
        .await;
    let refused = browser
        .wait_for(
            "the deadline refused",
            "const e = document.querySelector('#minimum-form .field-error'); return e && e.innerText",
            WAIT,
        )
        .await;
    assert!(
        refused.as_str().unwrap().starts_with("Bukan tanggal"),
        "{refused}"
    );
    let asked = browser
        .script("return [document.querySelector('#minimum-form .date-text').classList.contains('invalid'), document.getElementById('minimum-result') === null, document.querySelector('#minimum-form + .progress-box').childElementCount]")
        .await;
    assert_eq!(asked, serde_json::json!([true, true, 0]));
    deadline.clear().await.unwrap();
    deadline.send_keys("31122027").await.unwrap();
    let typed = browser
        .script("const f = document.getElementById('minimum-form'); return [f.querySelector('.date-text').value, f.elements.deadline.value]")
        .await;
    assert_eq!(typed, serde_json::json!(["31/12/2027", "2027-12-31"]));
    browser
        .script("document.getElementById('minimum-form').requestSubmit()")
        .await;
    browser
        .wait_for(
            "the least budget",
            "return document.getElementById('minimum-result')",
            Duration::from_secs(600),
        )
        .await;
    shoot("min-budget").await;
    // Below it, the province's split: the seed holds no province yet, so
    // the card says how to add it.
    browser
        .wait_for(
            "the province card",
            "return document.querySelector('#province-form code')?.innerText === 'jemput regions add 17'",
            WAIT,
        )
        .await;

    // Saved plans: the Rp 250 juta plan is named and approved, the least
    // budget's plan archived, and shown again when asked for.
    browser.goto(&stack.url("/#/plans")).await.unwrap();
    browser
        .wait_for(
            "two saved plans",
            "return document.querySelectorAll('#plans-table tbody tr').length === 2",
            WAIT,
        )
        .await;
    browser.script(
        "const row = [...document.querySelectorAll('#plans-table tbody tr')].find((r) => r.innerText.includes('Rp 250.000.000')); \
         row.querySelector('button.rename').click(); \
         const form = row.querySelector('.rename-form'); form.elements.display_name.value = 'Anggaran perubahan 2027'; form.requestSubmit();",
    ).await;
    browser.wait_for(
        "the new name",
        "return [...document.querySelectorAll('#plans-table td.plan-name strong')].some((s) => s.innerText === 'Anggaran perubahan 2027')",
        WAIT,
    ).await;
    browser.script(
        "[...document.querySelectorAll('#plans-table tbody tr')].find((r) => r.innerText.includes('Anggaran perubahan 2027')).querySelector('button[data-to=approved]').click()",
    ).await;
    browser.wait_for(
        "the plan approved",
        "return [...document.querySelectorAll('#plans-table tbody tr[data-state=approved]')].some((r) => r.innerText.includes('Anggaran perubahan 2027') && r.innerText.includes('Disetujui'))",
        WAIT,
    ).await;
    browser.script(
        "document.querySelector('#plans-table tbody tr[data-state=draft] button[data-to=archived]').click()",
    ).await;
    browser
        .wait_for(
            "the archived plan left out",
            "return document.querySelectorAll('#plans-table tbody tr').length === 1",
            WAIT,
        )
        .await;
    browser
        .script("document.getElementById('show-archived').click()")
        .await;
    browser.wait_for(
        "the archived plan shown when asked for",
        "return document.querySelectorAll('#plans-table tbody tr[data-state=archived]').length === 1 && document.querySelectorAll('#plans-table tbody tr').length === 2",
        WAIT,
    ).await;
    shoot("plans").await;
    browser
        .script("document.querySelector('#plans-table a[href^=\"#/plans/\"]').click()")
        .await;
    browser
        .wait_for(
            "plan against actual",
            "return document.getElementById('progress-stats')",
            WAIT,
        )
        .await;
    shoot("plan-progress").await;

    // The audit trail shows the plans made above and the batch recorded.
    browser.goto(&stack.url("/#/audit")).await.unwrap();
    browser.wait_for(
        "the audit trail",
        "return document.querySelectorAll('#audit-table tr[data-action=create_plan]').length > 0 && document.querySelectorAll('#audit-table tr[data-action=record_activations]').length > 0 && document.querySelectorAll('#audit-table tr[data-action=update_plan]').length === 3",
        WAIT,
    ).await;
    shoot("audit").await;

    // The field page, as an admin opens it: a team and a plan to pick.
    browser.goto(&stack.url("/#/field")).await.unwrap();
    browser.wait_for(
        "the field page",
        "return document.getElementById('field-title') && document.getElementById('field-team')",
        WAIT,
    ).await;
    shoot("field-admin").await;
    // A field day is today or earlier: a later one is refused beside the
    // field and the page stays; an earlier one opens that day.
    let day = browser
        .find(Locator::Css(".field-pickers .date-text"))
        .await
        .unwrap();
    day.clear().await.unwrap();
    day.send_keys("01012099\t").await.unwrap();
    let refused = browser
        .wait_for(
            "the later field day refused",
            "const e = document.querySelector('.field-pickers .field-error'); return e && [e.innerText, location.hash]",
            WAIT,
        )
        .await;
    assert!(
        refused[0].as_str().unwrap().starts_with("Paling lambat ")
            && !refused[1].as_str().unwrap().contains("date="),
        "{refused}"
    );
    let day = browser
        .find(Locator::Css(".field-pickers .date-text"))
        .await
        .unwrap();
    day.clear().await.unwrap();
    day.send_keys("02012026\t").await.unwrap();
    browser
        .wait_for(
            "the field page on 2 January 2026",
            "return location.hash.includes('date=2026-01-02') && document.getElementById('field-title')?.innerText.includes('2 Jan 2026')",
            WAIT,
        )
        .await;

    // A deadline two weeks ahead: no budget meets it, proven, and the page
    // says how soon these teams can with money no limit, with that plan.
    browser.goto(&stack.url("/#/scenarios")).await.unwrap();
    let too_soon = jemput_base::calendar::today_in_district() + chrono::Days::new(14);
    let deadline = browser
        .find(Locator::Css("#minimum-form .date-text"))
        .await
        .unwrap();
    deadline.clear().await.unwrap();
    deadline
        .send_keys(&too_soon.format("%d%m%Y").to_string())
        .await
        .unwrap();
    browser
        .script("document.getElementById('minimum-form').requestSubmit()")
        .await;
    let said = browser
        .wait_for(
            "the soonest plan",
            "const r = document.getElementById('minimum-result'); const s = document.getElementById('minimum-soonest'); return s && [r.innerText, r.querySelector('a').innerText]",
            Duration::from_secs(600),
        )
        .await;
    let text = said[0].as_str().unwrap();
    assert!(
        text.starts_with("Tidak ada anggaran yang mencapai target pada ")
            && text.contains("Terbukti: berapa pun anggarannya, tim ini tidak dapat mencapainya")
            && text.contains("Paling cepat dengan tim ini, berapa pun anggarannya: "),
        "{text}"
    );
    assert_eq!(said[1], "Buka rencana tercepat");
    shoot("min-budget-none").await;
    // Its button asks again for the soonest day, as if typed: the form
    // shows that day and the answer is about it (whether a search under a
    // busy machine's time limit finds the least budget is the planner's
    // tests' concern).
    let soonest = text
        .split("berapa pun anggarannya: ")
        .nth(1)
        .and_then(|rest| rest.split(" (").next())
        .expect("the soonest day")
        .to_owned();
    browser
        .script("document.getElementById('minimum-for-soonest').click()")
        .await;
    let asked = browser
        .wait_for(
            "the answer for the soonest day",
            &format!(
                "const p = document.querySelector('#minimum-result p.big'); return p && p.innerText.includes({soonest:?}) && [p.innerText, document.querySelector('#minimum-form .date-text').value]"
            ),
            Duration::from_secs(600),
        )
        .await;
    let typed = chrono::NaiveDate::parse_from_str(asked[1].as_str().unwrap(), "%d/%m/%Y")
        .expect("a date in the form");
    assert_eq!(
        jemput_base::format::date(typed, jemput_base::format::Lang::Id),
        soonest,
        "{asked}"
    );

    // A target the district has already reached (5% is 10.141; 10.425
    // had IKD before the recordings above): no budget, and the page says
    // why.
    browser
        .script("document.querySelector('#scenario-form input[name=target_fraction]').value = '5'; document.getElementById('minimum-form').requestSubmit()")
        .await;
    let already = browser
        .wait_for(
            "the target already reached",
            "const p = document.getElementById('minimum-already'); return p && p.innerText",
            Duration::from_secs(600),
        )
        .await;
    let already = already.as_str().unwrap();
    assert!(
        already.starts_with("Target sudah tercapai sebelum ")
            && already.ends_with(" sudah punya IKD (target 10.141), tanpa anggaran."),
        "{already}"
    );

    assert!(
        too_wide.is_empty(),
        "pages that do not fit a phone:\n{}",
        too_wide.join("\n")
    );
    let page_errors = browser
        .script("return document.getElementById('console-errors').textContent")
        .await;
    assert_eq!(page_errors, "", "errors the page caught");
    let console = browser.severe_log().await;
    assert!(console.is_empty(), "console errors: {console:#?}");
    for path in &saved {
        println!("screenshot: {}", path.display());
    }
}

/// The text of every element `selector` matches, in document order.
async fn texts(browser: &Browser, selector: &str) -> Vec<String> {
    let found = browser
        .script(&format!(
            "return [...document.querySelectorAll({})].map((e) => e.textContent)",
            serde_json::Value::from(selector)
        ))
        .await;
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// Signs in with the admin token through the login form, as a person does.
async fn sign_in(browser: &Browser, stack: &testing::Stack) {
    browser.goto(&stack.url("/login")).await.unwrap();
    browser.sign_in_with(&stack.admin, WAIT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_picker_moves_the_pages_to_an_added_district() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let stack = testing::start_stack().await;
    // Bengkulu from the national list, and Dukcapil counts for Lebong only.
    let mut registry = RegistryServiceClient::with_interceptor(
        tonic::transport::Channel::from_shared(format!("http://{}", stack.registry))
            .unwrap()
            .connect()
            .await
            .unwrap(),
        jemput_auth::BearerInterceptor::new(&stack.admin).unwrap(),
    );
    registry
        .add_regions(pb::AddRegionsRequest {
            request_id: "browser-bengkulu".into(),
            regions: vec!["regions/17".into()],
        })
        .await
        .unwrap();
    let villages = registry
        .list_regions(pb::ListRegionsRequest {
            parent: "regions/17.07".into(),
            page_size: 1000,
            level: pb::RegionLevel::Village.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .regions;
    registry
        .import_regions(pb::ImportRegionsRequest {
            request_id: "browser-lebong".into(),
            counts: villages
                .iter()
                .map(|v| pb::VillageCounts {
                    region: v.name.clone(),
                    ktp_el_recorded: 1_234,
                    ikd_activated: 63,
                })
                .collect(),
            validate_only: false,
        })
        .await
        .unwrap();

    let mut saved = Vec::new();
    let mut too_wide = Vec::new();
    browser.resize_viewport(DESKTOP.0, DESKTOP.1).await;
    sign_in(&browser, &stack).await;
    browser.goto(&stack.url("/#/gaps")).await.unwrap();
    browser
        .wait_for(
            "the picker on Bengkulu's ten districts",
            "const d = document.getElementById('pick-district'); return d && d.options.length === 10 && document.getElementById('pick-province').selectedOptions[0].innerText === 'Bengkulu' && document.querySelectorAll('#kecamatan-table tbody tr').length === 15",
            WAIT,
        )
        .await;
    let marked = browser
        .script("return [...document.querySelectorAll('#pick-district option')].filter((o) => o.innerText.endsWith('belum ada data')).length")
        .await;
    assert_eq!(marked, 8, "districts without counts are marked");
    // Every district named as the national list names it, the seed too,
    // and in the order of the names after "Kabupaten" / "Kota".
    let named = browser
        .script("return [...document.querySelectorAll('#pick-district option')].map((o) => o.innerText.split(' — ')[0])")
        .await;
    assert_eq!(
        named,
        serde_json::json!([
            "Kota Bengkulu",
            "Kabupaten Bengkulu Selatan",
            "Kabupaten Bengkulu Tengah",
            "Kabupaten Bengkulu Utara",
            "Kabupaten Kaur",
            "Kabupaten Kepahiang",
            "Kabupaten Lebong",
            "Kabupaten Mukomuko",
            "Kabupaten Rejang Lebong",
            "Kabupaten Seluma",
        ])
    );

    // Lebong: its numbers, its villages as points, the URL and the title.
    browser.script(
        "const d = document.getElementById('pick-district'); d.value = 'regions/17.07'; d.dispatchEvent(new Event('change'));",
    ).await;
    let recorded = format!("{}", 1_234 * villages.len());
    let dotted = format!(
        "{}.{:03}",
        1_234 * villages.len() / 1000,
        1_234 * villages.len() % 1000
    );
    assert!(recorded.len() > 3 && recorded.len() <= 6);
    browser
        .wait_for(
            "Lebong's villages as points",
            &format!(
                "return location.hash === '#/gaps?d=17.07' && document.querySelectorAll('.map-svg circle.village').length === {} && document.getElementById('district-stats').innerText.includes('{dotted}')",
                villages.len()
            ),
            WAIT,
        )
        .await;
    let title = browser.script("return document.title").await;
    assert_eq!(title, "Jemput Bola IKD — Kabupaten Lebong");
    let remembered = browser
        .script("return localStorage.getItem('jemput.district')")
        .await;
    assert_eq!(remembered, "regions/17.07");
    let filled = browser
        .script("return [...document.querySelectorAll('.map-svg circle.village')].every((c) => c.getAttribute('fill') && c.getAttribute('fill') !== '#e5e7eb')")
        .await;
    assert_eq!(filled, true, "every point is coloured by its coverage");
    too_wide.extend(shoot_both(&browser, &mut saved, "picker-points").await);
    // A kecamatan of points zooms in on them and names its villages.
    browser
        .script("document.querySelector('#kecamatan-table tbody tr').click()")
        .await;
    browser
        .wait_for(
            "a kecamatan of points, zoomed",
            "return document.querySelector('.map-svg.zoomed') && document.querySelectorAll('#village-table tbody tr').length > 0 && document.querySelectorAll('.map-svg .village-label').length === document.querySelectorAll('#village-table tbody tr').length && /^#\\/gaps\\/17\\.07\\.\\d+\\?d=17\\.07$/.test(location.hash)",
            WAIT,
        )
        .await;
    too_wide.extend(shoot_both(&browser, &mut saved, "picker-points-kecamatan").await);

    // Under the map, every district of Bengkulu, largest gap first, and
    // the province's total: its districts' gaps summed (Rejang Lebong
    // 50.421 and Lebong 31.949: ⌈0,3 × 128.336⌉ − 6.552), the eight
    // without counts shown without numbers. A row opens its district.
    let province = browser
        .wait_for(
            "Bengkulu's districts under the map",
            "const rows = document.querySelectorAll('#province-gaps-table tbody tr'); const total = document.querySelector('#province-gaps-table tfoot tr'); return rows.length === 10 && total && [[...rows].map((r) => r.dataset.region), [...rows].filter((r) => r.cells[5].innerText === '—').length, total.cells[0].innerText, total.cells[4].innerText, total.cells[5].innerText, document.querySelector('#province-gaps-table tr.selected').dataset.region]",
            WAIT,
        )
        .await;
    assert_eq!(province[0][0], "regions/17.02");
    assert_eq!(province[0][1], "regions/17.07");
    assert_eq!(province[1], 8);
    assert_eq!(
        (&province[2], &province[3], &province[4], &province[5]),
        (
            &serde_json::json!("Provinsi Bengkulu"),
            &serde_json::json!("99.347"),
            &serde_json::json!("82.370"),
            &serde_json::json!("regions/17.07")
        )
    );
    browser
        .script("document.getElementById('province-gaps').scrollIntoView()")
        .await;
    too_wide.extend(shoot_both(&browser, &mut saved, "province-gaps").await);
    browser
        .script("document.querySelector('#province-gaps-table tr[data-region=\"regions/17.02\"]').click()")
        .await;
    browser
        .wait_for(
            "Rejang Lebong, opened from its row",
            "return location.hash === '#/gaps?d=17.02' && document.getElementById('district-stats')?.innerText.includes('202.820') && document.querySelector('#province-gaps-table tr.selected')?.dataset.region === 'regions/17.02'",
            WAIT,
        )
        .await;

    // Bengkulu's budget split, from the scenario page of one of its
    // districts: the two with counts share it, the other eight are named.
    browser
        .goto(&stack.url("/#/scenarios?d=17.07"))
        .await
        .unwrap();
    browser
        .wait_for(
            "the province form",
            "return document.querySelector('#province-form input[name=total_budget_rupiah]')",
            WAIT,
        )
        .await;
    let total = browser
        .find(Locator::Css(
            "#province-form input[name=total_budget_rupiah]",
        ))
        .await
        .unwrap();
    total.send_keys("300 juta").await.unwrap();
    let deadline = browser
        .find(Locator::Css("#province-form .date-text"))
        .await
        .unwrap();
    deadline.send_keys("31122027").await.unwrap();
    browser
        .script("document.getElementById('province-form').requestSubmit()")
        .await;
    let split = browser
        .wait_for(
            "Bengkulu's split",
            "const rows = document.querySelectorAll('#province-table tbody tr'); return rows.length > 0 && [...rows].map((r) => r.dataset.district).sort()",
            Duration::from_secs(600),
        )
        .await;
    assert_eq!(split, serde_json::json!(["regions/17.02", "regions/17.07"]));
    let split_names = browser
        .script("return [...document.querySelectorAll('#province-table tbody tr')].map((r) => r.cells[0].innerText).sort()")
        .await;
    assert_eq!(
        split_names,
        serde_json::json!(["Kabupaten Lebong", "Kabupaten Rejang Lebong"])
    );
    let left_out = browser
        .script("return document.getElementById('province-without-counts').innerText")
        .await;
    assert_eq!(
        left_out,
        "Belum punya data jumlah (8), tidak ikut dibagi: Kota Bengkulu, Kabupaten Bengkulu Selatan, Kabupaten Bengkulu Tengah, Kabupaten Bengkulu Utara, Kabupaten Kaur, Kabupaten Kepahiang, Kabupaten Mukomuko, Kabupaten Seluma.",
        "named in the picker's order"
    );
    too_wide.extend(shoot_both(&browser, &mut saved, "province").await);

    // The choice outlives the URL: the Plan page's nav link keeps it.
    browser
        .script("document.querySelector('#nav a[data-page=plan]').click()")
        .await;
    browser
        .wait_for(
            "the plan form for Lebong",
            "return location.hash === '#/plan?d=17.07' && document.querySelector('#plan-form button[type=submit]') && !document.querySelector('#plan-form button[type=submit]').disabled",
            WAIT,
        )
        .await;

    // A district without counts: seen, marked, and not plannable.
    browser.script(
        "const d = document.getElementById('pick-district'); d.value = [...d.options].find((o) => o.dataset.countsMissing === '1').value; d.dispatchEvent(new Event('change'));",
    ).await;
    browser
        .wait_for(
            "the plan form blocked",
            "return document.getElementById('counts-missing') && document.querySelector('#plan-form button[type=submit]').disabled && document.getElementById('picker-note').innerText !== ''",
            WAIT,
        )
        .await;
    browser
        .script("document.querySelector('.lang button[data-lang=en]').click()")
        .await;
    browser
        .wait_for(
            "the English picker",
            "return [...document.querySelectorAll('#pick-district option')].some((o) => o.innerText.endsWith('no counts yet')) && document.getElementById('counts-missing').innerText.includes('Import the Dukcapil data')",
            WAIT,
        )
        .await;
    too_wide.extend(shoot_both(&browser, &mut saved, "picker-no-counts-en").await);
    browser
        .script("document.querySelector('.lang button[data-lang=id]').click()")
        .await;

    assert!(
        too_wide.is_empty(),
        "pages that do not fit a phone:\n{}",
        too_wide.join("\n")
    );
    let page_errors = browser
        .script("return document.getElementById('console-errors').textContent")
        .await;
    assert_eq!(page_errors, "", "errors the page caught");
    let console = browser.severe_log().await;
    assert!(console.is_empty(), "console errors: {console:#?}");
    for path in &saved {
        println!("screenshot: {}", path.display());
    }
}
