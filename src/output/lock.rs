//! One run at a time per report folder: an advisory lock on a hidden file beside it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::Error;

/// The lock on `.NAME.lock` beside a report folder, held from the first check of the
/// folder to the commit. The file is removed when the lock is released.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    file: Option<File>,
}

impl OutputLock {
    /// Takes the lock or fails at once, naming the folder: a second run never waits in
    /// silence and never half-wins.
    pub fn acquire(target: &Path, path: PathBuf) -> Result<OutputLock, Error> {
        // A lock file that its holder removed between our open and our lock is no lock:
        // take the lock again on the file now at the path.
        for _ in 0..8 {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Output {
                        path: target.to_path_buf(),
                        message: format!(
                            "another framing run is writing this report folder (it holds {}); \
                             wait for it to finish or choose another --out",
                            path.display()
                        ),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            if same_file(&file, &path) {
                return Ok(OutputLock { path, file: Some(file) });
            }
        }
        Err(Error::Output { path: target.to_path_buf(), message: format!("cannot take the lock {}", path.display()) })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Remove while still holding the lock, so that whoever opens the old file next
        // finds it gone (see `acquire`).
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_fails_with_the_folder_named() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let lock_path = dir.path().join(".out.lock");
        let first = OutputLock::acquire(&target, lock_path.clone()).unwrap();
        let err = OutputLock::acquire(&target, lock_path.clone()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: another framing run is writing", target.display())), "{err}");
        drop(first);
        assert!(!lock_path.exists());
        let again = OutputLock::acquire(&target, lock_path.clone()).unwrap();
        assert_eq!(again.path(), lock_path);
    }
}
