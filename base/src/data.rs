//! Where jemput keeps its files on this machine when no database URL is
//! given: `$JEMPUT_DATA_DIR`, else `$XDG_DATA_HOME/jemput`, else
//! `~/.local/share/jemput` (the registry's `registry.db` and admin token,
//! the optimizer's `plans.db`).

use std::path::PathBuf;

/// The data directory by the rule above; `None` when none of the variables
/// is set (an empty one counts as unset).
pub fn dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("JEMPUT_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("jemput")))
        .or_else(|| var("HOME").map(|d| d.join(".local/share/jemput")))
}
