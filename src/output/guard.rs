//! What `--force` may replace: an earlier framing report, and nothing a user could lose.

use std::path::{Path, PathBuf};

use crate::report::files;

/// What is at a report folder's path when it is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Nothing.
    Nothing,
    /// An empty folder.
    EmptyFolder,
    /// A folder holding a framing report and nothing else.
    Report,
}

/// Why a folder must not be replaced.
pub type Refusal = String;

/// Looks at `target` and decides whether a run may write there: a missing or empty folder
/// always; a non-empty one only with `force` and only when it holds an earlier framing
/// report and is none of the folders a user could lose (`/`, the home folder, an input of
/// the run, a folder containing one or lying inside one).
pub fn inspect(target: &Path, force: bool, inputs: &[PathBuf]) -> Result<Found, Refusal> {
    let meta = match std::fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(e.to_string()),
    };
    if !meta.is_dir() {
        return Err("exists and is not a folder; it is not replaced".into());
    }
    let mut entries = std::fs::read_dir(target).map_err(|e| e.to_string())?;
    if entries.next().is_none() {
        return Ok(Found::EmptyFolder);
    }
    if !force {
        return Err("folder exists and is not empty (use --force to replace an earlier framing report)".into());
    }
    let canonical = target.canonicalize().map_err(|e| e.to_string())?;
    if canonical.parent().is_none() {
        return Err("is the root folder; --force never replaces it".into());
    }
    if home().is_some_and(|home| home == canonical) {
        return Err("is the home folder; --force never replaces it".into());
    }
    for input in inputs {
        let Ok(input) = input.canonicalize() else { continue };
        if input == canonical {
            return Err("is an input of this run (the corpus); --force never replaces it".into());
        }
        if input.starts_with(&canonical) {
            return Err(format!("contains an input of this run ({}); --force never replaces it", input.display()));
        }
        if canonical.starts_with(&input) {
            return Err(format!("lies inside an input of this run ({}); --force never replaces it", input.display()));
        }
    }
    is_report(target)?;
    Ok(Found::Report)
}

/// Whether a folder holds a framing report and nothing else: a `run.json` that framing
/// wrote and only files with the names of report files.
pub fn is_report(folder: &Path) -> Result<(), Refusal> {
    let not_ours = |what: String| {
        format!("{what}: it does not look like a framing report, so --force does not replace it (remove it yourself or choose another --out)")
    };
    let run = folder.join(files::RUN);
    let text = std::fs::read(&run).map_err(|_| not_ours(format!("has no {}", files::RUN)))?;
    let written_by_framing = serde_json::from_slice::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|v| v.get("framing_version").is_some_and(serde_json::Value::is_string));
    if !written_by_framing {
        return Err(not_ours(format!("its {} was not written by framing", files::RUN)));
    }
    for entry in std::fs::read_dir(folder).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || !name.to_str().is_some_and(|n| files::ALL.contains(&n)) {
            return Err(not_ours(format!("holds `{}`, which framing does not write", name.to_string_lossy())));
        }
    }
    Ok(())
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).and_then(|h| PathBuf::from(h).canonicalize().ok())
}
