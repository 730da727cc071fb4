//! A report directory that appears complete or not at all.
//!
//! Files are written into a hidden temporary directory beside the target and renamed into
//! place by [`ReportDir::commit`]; an error or a crash leaves the target untouched.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;

/// A report directory being written.
#[derive(Debug)]
pub struct ReportDir {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl ReportDir {
    /// Checks `target` and creates the temporary directory beside it. An existing non-empty
    /// target is refused unless `force`; it is only replaced at [`ReportDir::commit`].
    pub fn create(target: &Path, force: bool) -> Result<ReportDir, Error> {
        let out_err = |message: String| Error::Output { path: target.to_path_buf(), message };
        match fs::metadata(target) {
            Ok(m) if !m.is_dir() => return Err(out_err("exists and is not a directory".into())),
            Ok(_) => {
                let non_empty = fs::read_dir(target).map_err(|e| Error::io(target, e))?.next().is_some();
                if non_empty && !force {
                    return Err(out_err("output directory exists and is not empty (use --force to replace it)".into()));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(target, e)),
        }
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| out_err("output path must end in a directory name".into()))?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
        }
        fs::create_dir(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(ReportDir { target: target.to_path_buf(), temp, committed: false })
    }

    /// Path of a file inside the temporary directory.
    pub fn path(&self, file: &str) -> PathBuf {
        self.temp.join(file)
    }

    /// The final location.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the finished reports into place, replacing an old target.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        if self.target.exists() {
            // Move the old reports aside first so that a failure never leaves a mix.
            let old = self.temp.with_extension("old");
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            fs::rename(&self.temp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        } else {
            fs::rename(&self.temp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for ReportDir {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a failed run leaves nothing half-written behind.
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_empty_target_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("old.csv"), "x").unwrap();
        let err = ReportDir::create(&target, false).unwrap_err();
        assert!(err.to_string().contains("use --force"), "{err}");
        let rd = ReportDir::create(&target, true).unwrap();
        fs::write(rd.path("new.csv"), "y").unwrap();
        rd.commit().unwrap();
        assert!(!target.join("old.csv").exists());
        assert_eq!(fs::read_to_string(target.join("new.csv")).unwrap(), "y");
        // Only the target is left beside it: no temp or old directories.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
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
}
