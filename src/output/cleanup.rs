//! What an interrupted process must not leave behind: the temporary report folders and
//! lock files it holds. Ctrl-C (SIGINT) and SIGTERM remove them before the process ends;
//! SIGKILL and power cuts cannot be caught, so the next run on the same folder sweeps
//! them (see [`super::ReportDir::create`]).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Paths to remove if the process is interrupted: temporary folders and lock files.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The registry, also after a panic elsewhere poisoned it: a list of paths cannot be left
/// inconsistent by a panic between two of its operations.
pub(super) fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers a path to remove on interruption.
pub(super) fn register(path: &Path) {
    pending().push(path.to_path_buf());
}

/// Forgets a path (it was committed, or removed by its owner).
pub(super) fn unregister(list: &mut Vec<PathBuf>, path: &Path) {
    list.retain(|p| p != path);
}

/// Removes every registered path; returns those that were there. Called from the signal
/// thread, and by tests.
pub fn remove_pending() -> Vec<PathBuf> {
    remove_all(&mut pending())
}

pub(super) fn remove_all(list: &mut Vec<PathBuf>) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for path in list.drain(..) {
        let gone = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path).is_ok(),
            Ok(_) => std::fs::remove_file(&path).is_ok(),
            Err(_) => false,
        };
        if gone {
            removed.push(path);
        }
    }
    removed
}

/// Starts a thread that, on SIGINT or SIGTERM, removes the registered paths and ends the
/// process with the shell's code for the signal (130 for Ctrl-C, 143 for SIGTERM).
/// Holding the registry's lock while removing means a commit in progress finishes first
/// (it holds the lock across its renames), so a report is either committed or removed.
#[cfg(unix)]
pub fn remove_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new().name("framing-signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // The guard is held until the process ends, so no commit can start after this.
            let mut list = pending();
            let removed = remove_all(&mut list);
            let temps = removed.iter().filter(|p| !p.to_string_lossy().ends_with(".lock")).count();
            if temps > 0 {
                eprintln!("framing: interrupted; removed {temps} unfinished report folder(s), nothing was replaced");
            } else {
                eprintln!("framing: interrupted");
            }
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}

/// Elsewhere the process ends as the platform decides; the next run sweeps leftovers.
#[cfg(not(unix))]
pub fn remove_on_signals() -> std::io::Result<()> {
    Ok(())
}
