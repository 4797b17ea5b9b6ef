//! TLS end to end with a self-signed certificate made here (rcgen): the
//! registry and the optimizer speak gRPC over TLS, the optimizer reaches
//! the registry over TLS (trusting that certificate), and the dashboard
//! serves HTTPS and calls both over TLS. A client that does not trust the
//! certificate, or speaks plaintext, gets nowhere.

use jemput::client::{Access, Registry};
use jemput_auth::tls::TlsFiles;
use jemput_e2e::{DISTRICT, GAP, Role, TestDb};
use jemput_proto::{
    optimizer::{self as pb, planner_service_client::PlannerServiceClient},
    registry as rpb,
};
use jemput_registry::{
    ServeOptions,
    testing::{issue_token, start_registry_with},
};
use tokio_rustls::rustls;
use tonic::Code;

/// An HTTPS client that trusts `roots` only; redirects are answers here,
/// not followed.
fn https(roots: &rustls::RootCertStore) -> reqwest::Client {
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_optimizer_and_dashboard_speak_tls_with_a_self_signed_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let files = TlsFiles {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
    };
    std::fs::write(&files.cert, certified.cert.pem()).unwrap();
    std::fs::write(&files.key, certified.signing_key.serialize_pem()).unwrap();

    let db = TestDb::sqlite();
    let store = db.open().await;
    let admin = issue_token(&store, Role::Admin, "", &[]).await;
    let (registry, _registry) = start_registry_with(
        store,
        ServeOptions {
            tls: Some(files.clone()),
            ..ServeOptions::default()
        },
    )
    .await;
    let registry_url = format!("https://127.0.0.1:{}", registry.port());

    // The registry over TLS, trusting the certificate.
    let trusted = Access {
        token: Some(admin.clone()),
        ca: Some(files.cert.clone()),
        local_only: false,
    };
    let mut client = Registry::connect(&registry_url, &trusted)
        .await
        .expect("a TLS connection");
    let gap = client
        .client
        .get_enrollment_gap(rpb::GetEnrollmentGapRequest {
            region: DISTRICT.into(),
        })
        .await
        .expect("the gap over TLS")
        .into_inner();
    assert_eq!(gap.gap, GAP);
    // Not trusting it, or speaking plaintext to it, gets nowhere.
    let untrusted = Access {
        token: Some(admin.clone()),
        ca: None,
        local_only: false,
    };
    assert!(Registry::connect(&registry_url, &untrusted).await.is_err());
    let plaintext = format!("http://127.0.0.1:{}", registry.port());
    match Registry::connect(&plaintext, &trusted).await {
        Err(_) => {}
        Ok(mut client) => {
            let answer = client
                .client
                .get_enrollment_gap(rpb::GetEnrollmentGapRequest {
                    region: DISTRICT.into(),
                })
                .await;
            assert!(answer.is_err(), "plaintext to a TLS port answered");
        }
    }

    // The optimizer over TLS, reading the registry over TLS.
    let plans = TestDb::sqlite();
    let plan_store = jemput_optimizer::PlanStore::open(plans.url())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let optimizer = listener.local_addr().unwrap();
    let (stop_optimizer, optimizer_stopped) = tokio::sync::oneshot::channel::<()>();
    let options = jemput_optimizer::ServeOptions {
        tls: Some(files.clone()),
        registry_ca: Some(files.cert.clone()),
        ..Default::default()
    };
    let reads = registry_url.clone();
    tokio::spawn(async move {
        jemput_optimizer::serve(listener, &reads, plan_store, options, async {
            let _ = optimizer_stopped.await;
        })
        .await
        .expect("the optimizer serves");
    });
    let optimizer_url = format!("https://127.0.0.1:{}", optimizer.port());
    let channel = jemput_auth::tls::endpoint(&optimizer_url, Some(&files.cert))
        .unwrap()
        .connect()
        .await
        .expect("a TLS connection to the optimizer");
    let mut planner = PlannerServiceClient::with_interceptor(
        channel,
        jemput_auth::BearerInterceptor::new(&admin).unwrap(),
    );
    // A negative budget is refused only after the optimizer checked the
    // token with the registry and read the district from it, both over TLS.
    let status = planner
        .create_plan(pb::CreatePlanRequest {
            region: DISTRICT.into(),
            parameters: Some(pb::PlanParameters {
                budget_rupiah: -1,
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .expect_err("a negative budget");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");

    // The dashboard over HTTPS, calling both over TLS.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dashboard = listener.local_addr().unwrap();
    let (stop_dashboard, dashboard_stopped) = tokio::sync::oneshot::channel::<()>();
    let backends = jemput_dashboard::Backends {
        registry: registry_url.clone(),
        optimizer: optimizer_url,
        ca: Some(files.cert.clone()),
    };
    let dashboard_options = jemput_dashboard::Options {
        tls: Some(files.clone()),
        ..Default::default()
    };
    tokio::spawn(async move {
        jemput_dashboard::serve(listener, backends, dashboard_options, async {
            let _ = dashboard_stopped.await;
        })
        .await
        .expect("the dashboard serves");
    });
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let client = https(&roots);
    let base = format!("https://{dashboard}");
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("a TLS handshake");
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let signed_in = client
        .post(format!("{base}/login"))
        .header("origin", &base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status().as_u16(), 303);
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("; Secure"),
        "over HTTPS the cookie is Secure: {cookie}"
    );
    let gaps = client
        .get(format!("{base}/api/gaps"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(gaps.status().as_u16(), 200);
    let gaps = gaps.text().await.unwrap();
    assert!(gaps.contains("\"gap\":50421"), "{gaps}");

    // An HTTPS client that does not trust the certificate cannot connect.
    let untrusting = https(&rustls::RootCertStore::empty());
    assert!(
        untrusting
            .get(format!("{base}/login"))
            .send()
            .await
            .is_err()
    );
    let _ = stop_dashboard.send(());
    let _ = stop_optimizer.send(());
}
