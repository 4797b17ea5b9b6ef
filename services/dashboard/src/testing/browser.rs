//! Headless Chromium through `chromedriver`, for the dashboard's browser
//! tests. [`Browser`] is fantoccini's WebDriver client (it derefs to one)
//! plus what WebDriver leaves out: waiting on a script, sizing the page
//! rather than the window, whole-page screenshots, and Chromium's own
//! commands for its offline switch and console log.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;

/// Set to 1 to fail, not skip, when no browser is installed.
pub const REQUIRE_BROWSER: &str = "JEMPUT_REQUIRE_BROWSER";

const CHROMIUM_FLAGS: &str = "--headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-quic \
    --disable-dev-shm-usage --hide-scrollbars --lang=id-ID --window-size=1440,1000";

/// A browser session; dropping it ends the session and stops chromedriver.
pub struct Browser {
    client: fantoccini::Client,
    _driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

impl std::ops::Deref for Browser {
    type Target = fantoccini::Client;
    fn deref(&self) -> &fantoccini::Client {
        &self.client
    }
}

impl Drop for Browser {
    /// Ends the session, which closes Chromium: killing chromedriver alone
    /// would leave the browser running. Needs the multi-threaded runtime.
    fn drop(&mut self) {
        let session = self.client.clone().close();
        let runtime = tokio::runtime::Handle::current();
        let _ = tokio::task::block_in_place(|| runtime.block_on(session));
    }
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a fresh
    /// profile; `None` (after saying why) if either is not installed.
    pub async fn start() -> Option<Browser> {
        let chromium = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find_map(which);
        let (Some(chromium), Some(driver)) = (chromium, which("chromedriver")) else {
            let required = std::env::var(REQUIRE_BROWSER).is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{REQUIRE_BROWSER}=1 but chromium or chromedriver is missing"
            );
            eprintln!(
                "skipped: no chromium and chromedriver (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let mut driver = tokio::process::Command::new(driver)
            .arg("--port=0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        // chromedriver prints the port it chose; what follows is drained so
        // that it never blocks on a full pipe.
        let mut lines = tokio::io::BufReader::new(driver.stdout.take().unwrap()).lines();
        let port = loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("chromedriver's port");
            if let Some(port) = line.split("successfully on port ").nth(1) {
                break port.trim_end_matches('.').to_owned();
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let profile = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = CHROMIUM_FLAGS.split_whitespace().map(Into::into).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        // chromedriver listens on loopback: plain HTTP, no TLS.
        let http = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = fantoccini::ClientBuilder::new(http)
            .capabilities(capabilities.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a browser session");
        Some(Browser {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Runs `script` (a function body; `return` a value) in the page.
    pub async fn script(&self, script: &str) -> Value {
        let value = self.client.execute(script, Vec::new()).await;
        value.unwrap_or_else(|e| panic!("{e}: {script}"))
    }

    /// Waits until `script` returns something truthy, and returns it; panics
    /// with `what` and the page's text after `timeout`. (fantoccini's own
    /// waits are for elements and URLs only.)
    pub async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let value = self.script(script).await;
            if ![json!(null), json!(false), json!(0), json!("")].contains(&value) {
                return value;
            }
            if started.elapsed() > timeout {
                let page = self.script("return location.href + ':\\n' + document.body.innerText");
                panic!(
                    "timed out waiting for {what} at {}",
                    page.await.as_str().unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// On the sign-in page: types `token` into the form and submits it as a
    /// person does, then waits for the dashboard.
    pub async fn sign_in_with(&self, token: &str, timeout: Duration) {
        self.wait_for(
            "the sign-in page",
            "return document.getElementById('token') !== null",
            timeout,
        )
        .await;
        self.script(&format!(
            "document.getElementById('token').value = '{token}'; document.querySelector('form').submit();"
        ))
        .await;
        self.wait_for(
            "the dashboard after signing in",
            "return location.pathname === '/' && document.getElementById('page') !== null",
            timeout,
        )
        .await;
    }

    /// Saves a PNG of the whole page (up to 4000 px tall) `width` wide, then
    /// puts the page back at `width` × `height`. WebDriver shoots only what
    /// the window shows, so the window grows to the page first.
    pub async fn screenshot_sized(&self, path: &Path, width: u32, height: u32) {
        let page = self
            .script("return Math.ceil(document.documentElement.scrollHeight)")
            .await;
        let tall = page
            .as_u64()
            .map_or(height, |h| h.clamp(height.into(), 4000) as u32);
        self.resize_viewport(width, tall).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::create_dir_all(path.parent().unwrap()).expect("the screenshot folder");
        std::fs::write(path, png).expect("write the screenshot");
        self.resize_viewport(width, height).await;
    }

    /// Sizes the window so the page itself is `width` × `height`: the
    /// window's frame takes some of its height.
    pub async fn resize_viewport(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
        let inner = self
            .script("return window.innerHeight")
            .await
            .as_u64()
            .unwrap() as u32;
        if inner < height {
            self.client
                .set_window_size(width, 2 * height - inner)
                .await
                .unwrap();
        }
    }

    /// Cuts the page off the network, or gives it back, as DevTools'
    /// "Offline" does.
    pub async fn set_offline(&self, offline: bool) {
        let conditions = json!({ "offline": offline, "latency": 0,
            "download_throughput": -1, "upload_throughput": -1 });
        let command = Chromium(
            "chromium/network_conditions",
            json!({ "network_conditions": conditions }),
        );
        self.client.issue_cmd(command).await.unwrap();
    }

    /// The browser's console messages at SEVERE level since the last call.
    pub async fn severe_log(&self) -> Vec<Value> {
        let log = Chromium("se/log", json!({ "type": "browser" }));
        let entries = self.client.issue_cmd(log).await.unwrap();
        let entries = entries.as_array().into_iter().flatten();
        entries
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].clone())
            .collect()
    }
}

/// One of Chromium's own commands: a POST of a JSON body to a path of the session.
#[derive(Debug)]
struct Chromium(&'static str, Value);

impl WebDriverCompatibleCommand for Chromium {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.0
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.1.to_string()))
    }
}
