//! A report folder that appears complete or not at all, and never at the cost of a
//! user's files.
//!
//! Files are written into a hidden temporary folder beside the target (`.NAME.tmp-PID`)
//! and moved into place by [`ReportDir::commit`]:
//! - what may be replaced is decided by [`guard::inspect`] at the start and again at the
//!   commit, so a folder that appeared or changed during the run is never replaced;
//! - one run at a time writes a target ([`lock::OutputLock`]);
//! - files and folders are fsynced before the rename, so a power cut cannot leave empty
//!   report files; on Linux the old report is swapped out in one atomic exchange, so a crash
//!   never leaves the target missing;
//! - Ctrl-C and SIGTERM remove the temporary folder ([`cleanup`]); leftovers of killed
//!   processes are swept, or a report moved aside is restored, at the next run.

pub mod cleanup;
pub mod guard;
pub mod lock;

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;
use guard::Found;
use lock::OutputLock;

/// A report directory being written.
#[derive(Debug)]
pub struct ReportDir {
    target: PathBuf,
    temp: PathBuf,
    force: bool,
    inputs: Vec<PathBuf>,
    layout: &'static guard::Layout,
    recovered: Vec<String>,
    committed: bool,
    // Declared last: dropped after the temporary folder is removed.
    _lock: OutputLock,
}

impl ReportDir {
    /// Checks `target` and creates the temporary directory beside it. An existing non-empty
    /// target is refused unless `force`, and then replaced only at [`ReportDir::commit`] and
    /// only if it holds an earlier framing report (see [`guard::inspect`]).
    pub fn create(target: &Path, force: bool) -> Result<ReportDir, Error> {
        Self::create_for(target, force, &[])
    }

    /// Like [`ReportDir::create`], and never replaces `inputs` (the corpus, the parts of a
    /// merge), a folder containing one or one lying inside one.
    pub fn create_for(target: &Path, force: bool, inputs: &[PathBuf]) -> Result<ReportDir, Error> {
        Self::create_as(target, force, inputs, &guard::REPORT)
    }

    /// Like [`ReportDir::create_for`], for a folder that holds what `layout` describes
    /// (an evaluation, a cross-validation): `--force` replaces only such a folder.
    pub fn create_as(
        target: &Path,
        force: bool,
        inputs: &[PathBuf],
        layout: &'static guard::Layout,
    ) -> Result<ReportDir, Error> {
        let out_err = |message: String| Error::Output { path: target.to_path_buf(), message };
        // Checked before the lock so that a refused target gets no lock file beside it.
        guard::inspect(target, force, inputs, layout).map_err(out_err)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| out_err("output path must end in a folder name".into()))?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let lock = OutputLock::acquire(target, parent.join(format!(".{name}.lock")))?;
        cleanup::register(lock.path());
        let recovered = recover(&parent, name, target)?;
        // Again under the lock: a restored report may be there now.
        guard::inspect(target, force, inputs, layout).map_err(out_err)?;
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        fs::create_dir(&temp).map_err(|e| Error::io(&temp, e))?;
        cleanup::register(&temp);
        Ok(ReportDir {
            target: target.to_path_buf(),
            temp,
            force,
            inputs: inputs.to_vec(),
            layout,
            recovered,
            committed: false,
            _lock: lock,
        })
    }

    /// Path of a file inside the temporary directory.
    pub fn path(&self, file: &str) -> PathBuf {
        self.temp.join(file)
    }

    /// The final location.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// What was cleaned up or restored from interrupted runs before this one, one sentence
    /// each, for the user to read.
    pub fn recovered(&self) -> &[String] {
        &self.recovered
    }

    /// Moves the finished reports into place. The target is looked at again now: a
    /// missing or empty folder is filled, an earlier report is replaced with `force`, and
    /// anything else (a folder that appeared during the run, files added to the old report)
    /// is left alone: the run fails and says where the new reports are.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        hold_for_tests();
        sync_folder(&self.temp)?;
        let mut pending = cleanup::pending();
        let found = guard::inspect(&self.target, self.force, &self.inputs, self.layout);
        let moved = match found {
            Ok(Found::Nothing) => rename_no_replace(&self.temp, &self.target),
            // Replaces an empty folder only: a folder that got files since fails the rename.
            Ok(Found::EmptyFolder) => fs::rename(&self.temp, &self.target),
            Ok(Found::Report) => self.swap_in(),
            Err(why) => {
                let kept = self.keep_aside(&mut pending);
                return Err(Error::Output {
                    path: self.target.clone(),
                    message: format!("changed during the run and was not replaced ({why}); {kept}"),
                });
            }
        };
        if let Err(e) = moved {
            let kept = self.keep_aside(&mut pending);
            return Err(Error::Output {
                path: self.target.clone(),
                message: format!("cannot move the new reports into place ({e}); nothing was replaced; {kept}"),
            });
        }
        cleanup::unregister(&mut pending, &self.temp);
        drop(pending);
        self.committed = true;
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir_entry(parent);
        }
        Ok(self.target.clone())
    }

    /// Keeps finished reports that cannot go to the target under a visible name beside it
    /// (`NAME.new-PID`, which no sweep touches): they are the user's work too. Returns where
    /// they are, as words for the error message.
    fn keep_aside(&mut self, pending: &mut Vec<PathBuf>) -> String {
        self.committed = true;
        cleanup::unregister(pending, &self.temp);
        let name = self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let kept = self.temp.with_file_name(format!("{name}.new-{}", std::process::id()));
        match rename_no_replace(&self.temp, &kept) {
            Ok(()) => format!("the new reports are in {}", kept.display()),
            Err(_) => format!("the new reports are in {}", self.temp.display()),
        }
    }

    /// Replaces an earlier report: an atomic exchange where the file system has one, so the
    /// target always holds one whole report; the old one then sits at the temporary path and
    /// is removed (a crash before that leaves it to the next run's sweep).
    fn swap_in(&self) -> std::io::Result<()> {
        if exchange(&self.temp, &self.target).is_ok() {
            fs::remove_dir_all(&self.temp)?;
            return Ok(());
        }
        // Without an exchange: move the old report aside under a name the next run
        // restores if this process dies before the new one is in place.
        let aside = old_path(&self.temp);
        fs::rename(&self.target, &aside)?;
        if let Err(e) = rename_no_replace(&self.temp, &self.target) {
            let _ = fs::rename(&aside, &self.target);
            return Err(e);
        }
        fs::remove_dir_all(&aside)
    }
}

impl Drop for ReportDir {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a failed run leaves nothing half-written behind.
            let mut pending = cleanup::pending();
            let _ = fs::remove_dir_all(&self.temp);
            cleanup::unregister(&mut pending, &self.temp);
        }
        cleanup::unregister(&mut cleanup::pending(), self._lock.path());
    }
}

/// `.NAME.old-PID` for `.NAME.tmp-PID`.
fn old_path(temp: &Path) -> PathBuf {
    let name = temp.file_name().map(|n| n.to_string_lossy().replacen(".tmp-", ".old-", 1)).unwrap_or_default();
    temp.with_file_name(name)
}

/// Sweeps what interrupted runs on the same target left (the caller holds the lock, so
/// their processes are gone): a report moved aside with no report in its place is
/// restored, temporary folders are removed. Returns what was done, one sentence each.
fn recover(parent: &Path, name: &str, target: &Path) -> Result<Vec<String>, Error> {
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.old-");
    // `.NAME.old` is where framing before 0.2 moved an old report aside.
    let legacy_old = format!(".{name}.old");
    let mut olds = Vec::new();
    let mut temps = Vec::new();
    for entry in fs::read_dir(parent).map_err(|e| Error::io(parent, e))? {
        let entry = entry.map_err(|e| Error::io(parent, e))?;
        let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if file_name.starts_with(&old_prefix) || file_name == legacy_old {
            olds.push(entry.path());
        } else if file_name.starts_with(&tmp_prefix) {
            temps.push(entry.path());
        }
    }
    olds.sort();
    temps.sort();
    let mut done = Vec::new();
    for old in olds {
        if !target.exists() {
            fs::rename(&old, target).map_err(|e| Error::io(&old, e))?;
            done.push(format!(
                "restored the previous report from {} (an earlier run was interrupted while replacing it)",
                old.display()
            ));
        } else {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
            done.push(format!("removed {}, the previous report left by an interrupted run", old.display()));
        }
    }
    for temp in temps {
        fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
        done.push(format!("removed {}, the unfinished report of an interrupted run", temp.display()));
    }
    Ok(done)
}

/// Asks the kernel to start writing `file`'s written pages to disk now, without waiting:
/// a run calls it as its reports grow, so that the fsync at [`ReportDir::commit`] finds
/// most of them on disk already (waiting for all of a 100 MB report there cost a fifth of
/// a 30 MB run). Best effort; elsewhere than Linux the commit's fsync does all of it.
pub fn start_writeback(file: &fs::File) {
    #[cfg(target_os = "linux")]
    {
        // POSIX_FADV_DONTNEED starts asynchronous writeback of dirty pages (and lets the
        // kernel drop the clean ones: a report is not read back by this process).
        let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Flushes every file of `folder` and the folder itself to disk.
fn sync_folder(folder: &Path) -> Result<(), Error> {
    for entry in fs::read_dir(folder).map_err(|e| Error::io(folder, e))? {
        let path = entry.map_err(|e| Error::io(folder, e))?.path();
        if path.is_file() {
            fs::File::open(&path).and_then(|f| f.sync_all()).map_err(|e| Error::io(&path, e))?;
        }
    }
    sync_dir_entry(folder);
    Ok(())
}

/// fsync of a folder, so renames and new entries in it are durable. Best effort: not
/// every platform can open a folder as a file.
fn sync_dir_entry(folder: &Path) {
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}

/// Renames `from` to `to` only if `to` does not exist.
#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            // A file system without the flag: look, then rename (a window of a few
            // microseconds instead of none).
            if to.exists() {
                return Err(std::io::ErrorKind::AlreadyExists.into());
            }
            fs::rename(from, to)
        }
        other => other.map_err(Into::into),
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.exists() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

/// Swaps two folders atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(Into::into)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Tests of the commit's safety hold a run just before it commits, to change the target
/// meanwhile or to signal the process: `FRAMING_TEST_HOLD_COMMIT_MS=N` waits N ms.
fn hold_for_tests() {
    if let Some(ms) = std::env::var("FRAMING_TEST_HOLD_COMMIT_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder that looks like what `analyze` writes.
    fn fake_report(folder: &Path, marker: &str) {
        fs::create_dir_all(folder).unwrap();
        fs::write(folder.join("run.json"), r#"{"framing_version": "0.1.0"}"#).unwrap();
        fs::write(folder.join("sentences.csv"), marker).unwrap();
    }

    fn names(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn refuses_non_empty_target_without_force_and_replaces_a_report_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fake_report(&target, "old");
        let err = ReportDir::create(&target, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: folder exists and is not empty (use --force to replace an earlier framing report)",
                target.display()
            )
        );
        let rd = ReportDir::create(&target, true).unwrap();
        fs::write(rd.path("sentences.csv"), "new").unwrap();
        fs::write(rd.path("run.json"), "{}").unwrap();
        rd.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("sentences.csv")).unwrap(), "new");
        // Only the target is left beside it: no temporary, old or lock entries.
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn force_never_replaces_a_folder_of_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("photos");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("holiday.jpg"), "x").unwrap();
        let err = ReportDir::create(&target, true).unwrap_err().to_string();
        assert!(err.ends_with("has no run.json: it does not look like a framing report, so --force does not replace it (remove it yourself or choose another --out)"), "{err}");
        // A report with a file added by hand is not replaced either.
        let report = dir.path().join("report");
        fake_report(&report, "old");
        fs::write(report.join("notes.txt"), "mine").unwrap();
        let err = ReportDir::create(&report, true).unwrap_err().to_string();
        assert!(err.contains("holds `notes.txt`, which framing does not write"), "{err}");
        assert_eq!(names(&target), ["holiday.jpg"]);
        assert_eq!(names(dir.path()), ["photos", "report"]);
    }

    #[test]
    fn force_never_replaces_an_input_a_folder_around_it_or_one_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        fake_report(&corpus.join("inner"), "a report inside the corpus");
        fs::write(corpus.join("a.txt"), "text").unwrap();
        let inputs = [corpus.clone()];
        let cases = [
            (corpus.clone(), "is an input of this run (the corpus)".to_string()),
            (
                dir.path().to_path_buf(),
                format!("contains an input of this run ({})", corpus.canonicalize().unwrap().display()),
            ),
            (
                corpus.join("inner"),
                format!("lies inside an input of this run ({})", corpus.canonicalize().unwrap().display()),
            ),
        ];
        for (target, why) in cases {
            let err = ReportDir::create_for(&target, true, &inputs).unwrap_err().to_string();
            assert_eq!(err, format!("{}: {why}; --force never replaces it", target.display()));
        }
        assert_eq!(names(&corpus), ["a.txt", "inner"]);
    }

    #[test]
    fn a_folder_that_appears_during_the_run_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let rd = ReportDir::create(&target, false).unwrap();
        fs::write(rd.path("sentences.csv"), "new").unwrap();
        // Someone creates the folder while the run goes on.
        fs::create_dir(&target).unwrap();
        fs::write(target.join("thesis.tex"), "mine").unwrap();
        let err = rd.commit().unwrap_err().to_string();
        let kept = dir.path().join(format!("out.new-{}", std::process::id()));
        assert_eq!(
            err,
            format!(
                "{}: changed during the run and was not replaced (folder exists and is not empty (use --force to replace an earlier framing report)); the new reports are in {}",
                target.display(),
                kept.display()
            )
        );
        assert_eq!(fs::read_to_string(target.join("thesis.tex")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(kept.join("sentences.csv")).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out", &format!("out.new-{}", std::process::id())]);
    }

    #[test]
    fn leftovers_of_killed_runs_are_restored_or_swept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        // A run died between moving the old report aside and moving its own in.
        fake_report(&dir.path().join(".out.old-4242"), "previous");
        fs::create_dir(dir.path().join(".out.tmp-4242")).unwrap();
        fs::write(dir.path().join(".out.tmp-4242/sentences.csv"), "half").unwrap();
        fs::create_dir(dir.path().join(".out.tmp-77")).unwrap();
        // Another target's leftovers are not this run's business.
        fs::create_dir(dir.path().join(".other.tmp-1")).unwrap();
        let rd = ReportDir::create(&target, true).unwrap();
        let swept = rd.recovered().to_vec();
        let at = |name: &str| dir.path().join(name).display().to_string();
        assert_eq!(
            swept,
            [
                format!(
                    "restored the previous report from {} (an earlier run was interrupted while replacing it)",
                    at(".out.old-4242")
                ),
                format!("removed {}, the unfinished report of an interrupted run", at(".out.tmp-4242")),
                format!("removed {}, the unfinished report of an interrupted run", at(".out.tmp-77")),
            ]
        );
        assert_eq!(fs::read_to_string(target.join("sentences.csv")).unwrap(), "previous");
        fs::write(rd.path("sentences.csv"), "new").unwrap();
        rd.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("sentences.csv")).unwrap(), "new");
        assert_eq!(names(dir.path()), [".other.tmp-1", "out"]);
    }

    #[test]
    fn the_legacy_old_folder_is_removed_when_a_report_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fake_report(&target, "current");
        fake_report(&dir.path().join(".out.old"), "older");
        let rd = ReportDir::create(&target, true).unwrap();
        assert_eq!(rd.recovered().len(), 1);
        drop(rd);
        assert_eq!(fs::read_to_string(target.join("sentences.csv")).unwrap(), "current");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn dropped_dir_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let rd = ReportDir::create(&target, false).unwrap();
        fs::write(rd.path("a.csv"), "x").unwrap();
        drop(rd);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_signal_removes_the_registered_temporary_folder_and_lock() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sig");
        let rd = ReportDir::create(&target, false).unwrap();
        fs::write(rd.path("a.csv"), "x").unwrap();
        let temp = rd.path("").components().collect::<PathBuf>();
        let lock = dir.path().join(".sig.lock");
        let mut ours: Vec<PathBuf> = cleanup::pending().iter().filter(|p| p.starts_with(dir.path())).cloned().collect();
        ours.sort();
        assert_eq!(ours, [lock.clone(), temp.clone()]);
        // What the signal thread does, on this run's entries only (other tests run beside).
        assert_eq!(cleanup::remove_all(&mut ours), [lock, temp.clone()]);
        assert!(ours.is_empty());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        drop(rd);
        assert!(!cleanup::pending().iter().any(|p| p.starts_with(dir.path())));
    }
}
