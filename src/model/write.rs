//! Writing a file whole or not at all, and refusing to replace what `--force` does not allow:
//! for model files and `predict --out`.

use std::path::Path;

use super::ModelError;

/// What [`write_atomic`] does when the file exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Keep it and fail with [`std::io::ErrorKind::AlreadyExists`] (no `--force`).
    Keep,
    /// Replace it in one rename (`--force`).
    Replace,
}

impl Existing {
    /// [`Existing::Replace`] with `--force`, else [`Existing::Keep`].
    pub fn from_force(force: bool) -> Existing {
        if force {
            Existing::Replace
        } else {
            Existing::Keep
        }
    }
}

/// Checks, before any long work, that `path` can be written as `existing` allows: it is
/// absent, or a regular file and `existing` is [`Existing::Replace`]. A folder, device or
/// FIFO is never replaced by a file.
pub fn check_target(path: &Path, existing: Existing) -> Result<(), ModelError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(ModelError::Io { path: path.to_path_buf(), source }),
        Ok(m) if !m.is_file() => Err(ModelError::NotAFile { path: path.to_path_buf() }),
        Ok(_) if existing == Existing::Keep => Err(ModelError::Exists { path: path.to_path_buf() }),
        Ok(_) => Ok(()),
    }
}

/// The error of a failed [`write_atomic`] to `path`.
pub fn write_error(path: &Path, source: std::io::Error) -> ModelError {
    if source.kind() == std::io::ErrorKind::AlreadyExists {
        ModelError::Exists { path: path.to_path_buf() }
    } else {
        ModelError::Io { path: path.to_path_buf(), source }
    }
}

/// Makes temp names unique among the writes of one process (threads, repeated calls).
static TEMP_COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `bytes` to `path` so that it holds the old content or the new, never a part: into a
/// temp file beside it (named per process and call), flushed to disk, then moved into place.
/// An existing `path` is replaced only with [`Existing::Replace`]; with [`Existing::Keep`] it
/// is left as it was and the error is [`std::io::ErrorKind::AlreadyExists`], even when it
/// appeared while the caller was working (e.g. a second run writing the same file).
pub fn write_atomic(path: &Path, bytes: &[u8], existing: Existing) -> std::io::Result<()> {
    use std::io::Write;
    write_atomic_with(path, existing, |f| f.write_all(bytes))
}

/// Like [`write_atomic`], with the content written by `fill` into the temp file: for
/// outputs too large to hold in memory first (a workbook of a large report).
pub fn write_atomic_with(
    path: &Path,
    existing: Existing,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => {
            std::fs::create_dir_all(d)?;
            d
        }
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path does not end in a file name"))?;
    let n = TEMP_COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{}.tmp-{}-{n}", name.to_string_lossy(), std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        fill(&mut f)?;
        // On disk before the rename: a crash must not leave an empty file under the final name.
        f.sync_all()?;
        drop(f);
        match existing {
            Existing::Replace => std::fs::rename(&tmp, path),
            Existing::Keep => match std::fs::hard_link(&tmp, path) {
                // Linking fails if `path` exists, in one step: no check-then-write race.
                Ok(()) => {
                    // The data are in place under `path`; a left-over temp name is only clutter.
                    let _ = std::fs::remove_file(&tmp);
                    Ok(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
                // File systems without hard links: check, then rename.
                Err(_) if std::fs::symlink_metadata(path).is_ok() => {
                    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file exists"))
                }
                Err(_) => std::fs::rename(&tmp, path),
            },
        }
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // The rename is durable once the folder is flushed too (not possible on every platform).
    #[cfg(unix)]
    let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names in a folder, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{e}"));
        let mut names: Vec<String> =
            entries.map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()).unwrap_or_default()).collect();
        names.sort();
        names
    }

    #[test]
    fn write_atomic_keeps_or_replaces_an_existing_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub/out.csv");
        write_atomic(&path, b"one", Existing::Keep).unwrap_or_else(|e| panic!("{e}"));
        let kept = write_atomic(&path, b"two", Existing::Keep).map_err(|e| e.kind());
        assert_eq!(kept, Err(std::io::ErrorKind::AlreadyExists));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"one");
        write_atomic(&path, b"three", Existing::Replace).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"three");
        assert_eq!(listing(&dir.path().join("sub")), ["out.csv"]);
        let refused = write_error(&path, std::io::Error::from(std::io::ErrorKind::AlreadyExists));
        assert_eq!(refused.to_string(), format!("{}: exists (use --force to replace it)", path.display()));
    }

    #[test]
    fn of_concurrent_writers_without_replace_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("model.json");
        let results: Vec<(u8, bool)> = std::thread::scope(|s| {
            let writers: Vec<_> = (0..8u8)
                .map(|i| {
                    let path = &path;
                    s.spawn(move || (i, write_atomic(path, &[i; 64], Existing::Keep).is_ok()))
                })
                .collect();
            writers.into_iter().map(|w| w.join().unwrap_or((0, false))).collect()
        });
        let winners: Vec<u8> = results.iter().filter(|(_, ok)| *ok).map(|(i, _)| *i).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        assert_eq!(std::fs::read(&path).unwrap_or_default(), [winners[0]; 64]);
        assert_eq!(listing(dir.path()), ["model.json"]);
    }

    #[test]
    fn check_target_refuses_existing_files_without_replace_and_never_replaces_a_folder() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("m.json");
        let check = |p: &Path, existing| check_target(p, existing).map_err(|e| e.to_string());
        assert_eq!(check(&path, Existing::Keep), Ok(()));
        std::fs::write(&path, b"{}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            check(&path, Existing::Keep),
            Err(format!("{}: exists (use --force to replace it)", path.display()))
        );
        assert_eq!(check(&path, Existing::Replace), Ok(()));
        let not_a_file = Err(format!("{}: not a regular file", dir.path().display()));
        assert_eq!(check(dir.path(), Existing::Replace), not_a_file);
    }
}
