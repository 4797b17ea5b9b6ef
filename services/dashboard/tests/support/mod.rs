//! What the browser tests share beyond `jemput_dashboard::testing`: where
//! their screenshots go, which only a test target knows (its target
//! directory's scratch folder).

use std::path::PathBuf;

/// Where browser tests put their screenshots: `JEMPUT_SCREENSHOTS`
/// (relative to the workspace root, e.g. `docs/screenshots`), else a folder
/// under the target directory.
pub fn screenshot_dir() -> PathBuf {
    match std::env::var_os("JEMPUT_SCREENSHOTS") {
        // Joining an absolute path replaces the root.
        Some(dir) => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(dir),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard-screenshots"),
    }
}
