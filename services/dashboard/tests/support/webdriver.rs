//! Just enough of the W3C WebDriver protocol to drive headless Chromium
//! through `chromedriver`: open a page, run a script, wait for a condition,
//! take a screenshot, read the browser's console log. Blocking std I/O over
//! loopback; no client crate needed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Set to 1 to fail, not skip, when no browser is installed.
pub const REQUIRE_BROWSER: &str = "JEMPUT_REQUIRE_BROWSER";

/// The flags the dashboard's browser tests run Chromium with.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--lang=id-ID",
];

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a fresh
    /// profile; `None` (after saying why) if either is not installed.
    pub fn start() -> Option<Browser> {
        let chromium = which(&["chromium", "chromium-browser", "google-chrome"]);
        let driver = which(&["chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            if std::env::var(REQUIRE_BROWSER).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_BROWSER}=1 but chromium or chromedriver is not installed");
            }
            eprintln!(
                "skipped: chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)"
            );
            return None;
        };
        let mut child = Command::new(driver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // chromedriver prints the port it chose.
        let mut reader = BufReader::new(child.stdout.take().expect("chromedriver stdout"));
        let mut port = None;
        let mut line = String::new();
        while port.is_none() && reader.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(rest) = line.split("successfully on port ").nth(1) {
                port = rest.trim().trim_end_matches('.').parse().ok();
            }
            line.clear();
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let port = port.expect("chromedriver's port");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push("--window-size=1440,1000".into());
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let mut browser = Browser {
            driver: child,
            port,
            session: String::new(),
            _profile: profile,
        };
        let started = Instant::now();
        let reply = loop {
            match browser.call("POST", "/session", Some(&capabilities)) {
                Ok(reply) => break reply,
                Err(error) if started.elapsed() < Duration::from_secs(10) => {
                    eprintln!("waiting for chromedriver: {error}");
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(error) => panic!("start a browser session: {error}"),
            }
        };
        browser.session = reply["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Some(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(120))).ok();
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        // chromedriver keeps the connection open: read the header block,
        // then exactly Content-Length bytes.
        let mut reader = BufReader::new(stream);
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("the connection closed".into());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().map_err(|_| "a bad Content-Length")?;
            }
        }
        let mut raw = vec![0u8; length];
        reader.read_exact(&mut raw).map_err(|e| e.to_string())?;
        let value: Value = serde_json::from_slice(&raw)
            .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&raw)))?;
        if let Some(error) = value["value"]["error"].as_str() {
            return Err(format!("{error}: {}", value["value"]["message"]));
        }
        Ok(value)
    }

    fn session_call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))["value"]
            .clone()
    }

    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(&json!({ "url": url })));
    }

    /// Runs `script` (a function body; `return` a value) in the page.
    pub fn script(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(&json!({ "script": script, "args": [] })),
        )
    }

    /// Waits until `script` returns something truthy; panics with `what`
    /// and the page's text after `timeout`.
    pub fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let value = self.script(script);
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            if started.elapsed() > timeout {
                let text = self.script("return document.body.innerText");
                let at = self.script("return location.href");
                panic!(
                    "timed out waiting for {what} at {}; the page says:\n{}",
                    at.as_str().unwrap_or_default(),
                    text.as_str().unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.session_call(
            "POST",
            "/window/rect",
            Some(&json!({ "width": width, "height": height })),
        );
    }

    /// Saves a PNG of the page, the window grown to the page's height.
    pub fn screenshot(&self, path: &Path) {
        let height = self
            .script("return Math.ceil(document.documentElement.scrollHeight)")
            .as_u64()
            .unwrap_or(1000);
        self.resize(1440, height.clamp(800, 4000) as u32);
        std::thread::sleep(Duration::from_millis(300));
        let encoded = self.session_call("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().expect("base64 PNG"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the screenshot folder");
        }
        std::fs::write(path, png).expect("write the screenshot");
        self.resize(1440, 1000);
    }

    /// Saves a PNG of the page in a window `width` wide (a phone's 390),
    /// grown to the page's height, then puts the window back at
    /// `width` × `height`.
    pub fn screenshot_sized(&self, path: &Path, width: u32, height: u32) {
        let page_height = self
            .script("return Math.ceil(document.documentElement.scrollHeight)")
            .as_u64()
            .unwrap_or(u64::from(height));
        let tall = page_height.clamp(u64::from(height), 4000) as u32;
        self.resize(width, tall);
        // The window's frame takes some of its height from the page.
        let inner = self
            .script("return window.innerHeight")
            .as_u64()
            .unwrap_or(u64::from(tall)) as u32;
        if inner < tall {
            self.resize(width, tall + (tall - inner));
        }
        std::thread::sleep(Duration::from_millis(300));
        let encoded = self.session_call("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().expect("base64 PNG"));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the screenshot folder");
        }
        std::fs::write(path, png).expect("write the screenshot");
        self.resize_viewport(width, height);
    }

    /// Sizes the window so the page itself is `width` × `height`.
    pub fn resize_viewport(&self, width: u32, height: u32) {
        self.resize(width, height);
        let inner = self
            .script("return window.innerHeight")
            .as_u64()
            .unwrap_or(u64::from(height)) as u32;
        if inner < height {
            self.resize(width, height + (height - inner));
        }
    }

    /// Cuts the page off the network, or gives it back, with Chromium's
    /// network emulation (as DevTools' "Offline" does).
    pub fn set_offline(&self, offline: bool) {
        self.session_call(
            "POST",
            "/chromium/network_conditions",
            Some(&json!({ "network_conditions": {
                "offline": offline, "latency": 0,
                "download_throughput": -1, "upload_throughput": -1,
            }})),
        );
    }

    /// Reloads the page, as the browser's reload button does.
    pub fn refresh(&self) {
        self.session_call("POST", "/refresh", Some(&json!({})));
    }

    /// The browser's console messages at SEVERE level since the last call.
    pub fn severe_log(&self) -> Vec<String> {
        let entries = self.session_call("POST", "/se/log", Some(&json!({ "type": "browser" })));
        entries
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}
