//! The corpus walk: which files of a corpus folder are read, in which order and under which
//! `doc_id`, and what is passed over (hidden files, other extensions, the files of other
//! shards, symlinks that loop or lead out of the corpus).

use std::path::{Path, PathBuf};

use super::Skip;
use crate::Error;

/// One file found in a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// Path relative to the corpus root, `/`-separated.
    pub doc_id: Box<str>,
    /// Path to open when it cannot be rebuilt from the root and `doc_id` (a file name that
    /// is not valid UTF-8); `None` for nearly all files.
    pub odd_path: Option<Box<Path>>,
    /// Size in bytes when walked (for progress, for bounding work in flight, and to size
    /// the read).
    pub bytes: u64,
}

impl CorpusFile {
    /// The path to open, under the corpus `root`.
    pub fn path(&self, root: &Path) -> PathBuf {
        self.odd_path.as_deref().map_or_else(|| root.join(&*self.doc_id), Path::to_path_buf)
    }
}

/// The files of a corpus in `doc_id` order, found one directory at a time: memory holds the
/// entries of the directories on the current path, not a list of the whole corpus, so it
/// does not grow with the number of files.
///
/// Each directory's entries are sorted as if every subdirectory name ended in `/`, which
/// makes the depth-first order the byte order of the `/`-joined paths (`a.txt` before
/// `a/b.txt`, because `.` sorts before `/`). Hidden files and directories are skipped;
/// symlinks are followed, and a symlink loop is reported as skipped instead of being walked
/// forever. A symlink that leads out of the corpus is reported as skipped and not followed
/// unless [`CorpusWalk::follow_outside`]. Only files whose extension is wanted and whose
/// `doc_id` passes `keep` are yielded (a shard keeps its part of the corpus only), each
/// with its size; the others are counted by extension ([`CorpusWalk::not_read`]).
pub struct CorpusWalk {
    root: PathBuf,
    /// The root with links resolved, to tell where a symlink leads.
    real_root: PathBuf,
    follow_outside: bool,
    extensions: Vec<String>,
    keep: Box<dyn Fn(&str) -> bool + Send>,
    entries: walkdir::FilterEntry<walkdir::IntoIter, fn(&walkdir::DirEntry) -> bool>,
    not_read: NotRead,
}

/// Files a walk passed over, shared with whoever reads the tally after the walk.
pub type NotRead = std::sync::Arc<std::sync::Mutex<PassedOver>>;

/// What a walk passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassedOver {
    /// Files without a wanted extension, by extension: `.docx` → 3.
    pub by_extension: std::collections::BTreeMap<String, u64>,
    /// Files with a wanted extension that `keep` left out (those of other shards).
    pub kept_out: u64,
}

/// Checks that `root` is a directory, the one setup error a corpus walk can have.
pub fn check_root(root: &Path) -> Result<(), Error> {
    let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(Error::Io {
            path: root.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a directory: expected a corpus folder"),
        })
    }
}

impl CorpusWalk {
    /// Starts a walk of `root` for files with one of `extensions` (case-insensitive,
    /// without dots) whose `doc_id` passes `keep`.
    pub fn new(
        root: &Path,
        extensions: &[String],
        keep: impl Fn(&str) -> bool + Send + 'static,
    ) -> Result<CorpusWalk, Error> {
        check_root(root)?;
        let not_hidden: fn(&walkdir::DirEntry) -> bool = |e| e.depth() == 0 || !is_hidden(e.file_name());
        let entries =
            walkdir::WalkDir::new(root).follow_links(true).sort_by(walk_order).into_iter().filter_entry(not_hidden);
        Ok(CorpusWalk {
            root: root.to_path_buf(),
            real_root: root.canonicalize().map_err(|e| Error::io(root, e))?,
            follow_outside: false,
            extensions: extensions.to_vec(),
            keep: Box::new(keep),
            entries,
            not_read: NotRead::default(),
        })
    }

    /// Follows symlinks that lead out of the corpus too (`--follow`).
    pub fn follow_outside(mut self, follow: bool) -> CorpusWalk {
        self.follow_outside = follow;
        self
    }

    /// The tally of files passed over for their extension, filled as the walk goes (the
    /// handle stays valid after the walk is moved or consumed).
    pub fn not_read(&self) -> NotRead {
        self.not_read.clone()
    }

    /// Where a symlink entry leads when that is outside the corpus.
    fn leads_outside(&self, entry: &walkdir::DirEntry) -> Option<PathBuf> {
        if self.follow_outside || !entry.path_is_symlink() {
            return None;
        }
        let real = entry.path().canonicalize().ok()?;
        (!real.starts_with(&self.real_root)).then_some(real)
    }

    fn count_not_read(&self, name: &std::ffi::OsStr) {
        let ext = Path::new(name)
            .extension()
            .map_or_else(|| "(no extension)".to_string(), |e| format!(".{}", e.to_string_lossy().to_lowercase()));
        *self.tally().by_extension.entry(ext).or_insert(0) += 1;
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, PassedOver> {
        self.not_read.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a file named `name` has a wanted extension (as `Path::extension` reads it:
    /// after the last `.`, which must not open the name).
    fn wanted(&self, name: &std::ffi::OsStr) -> bool {
        let name = name.as_encoded_bytes();
        let Some(dot) = name.iter().rposition(|&b| b == b'.').filter(|&dot| dot > 0) else { return false };
        let ext = &name[dot + 1..];
        self.extensions.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(ext))
    }
}

impl Iterator for CorpusWalk {
    /// A file, or an entry the walk could not follow (an unreadable directory, a loop).
    type Item = Result<CorpusFile, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.entries.next()? {
                Ok(entry) => entry,
                Err(err) => {
                    let root = &self.root;
                    let path = err.path().map(|p| relative_id(root, p)).unwrap_or_else(|| root.display().to_string());
                    let (kind, message) = if err.loop_ancestor().is_some() {
                        ("symlink_loop", "symlink loop: the link points to one of its own parent folders".to_string())
                    } else {
                        ("walk", err.to_string())
                    };
                    if (self.keep)(&path) {
                        return Some(Err(Skip { path, kind, message }));
                    }
                    continue;
                }
            };
            let is_dir = entry.file_type().is_dir();
            if !(is_dir || entry.file_type().is_file()) {
                continue;
            }
            if !is_dir && !self.wanted(entry.file_name()) {
                self.count_not_read(entry.file_name());
                continue;
            }
            if let Some(real) = self.leads_outside(&entry) {
                if is_dir {
                    self.entries.skip_current_dir();
                }
                let path = relative_id(&self.root, entry.path());
                if (self.keep)(&path) {
                    let message = format!(
                        "symbolic link to {}, outside the corpus: not followed (--follow reads it)",
                        real.display()
                    );
                    return Some(Err(Skip { path, kind: "symlink_outside", message }));
                }
                continue;
            }
            if is_dir {
                continue;
            }
            let plain = plain_relative_id(&self.root, entry.path());
            let doc_id = plain.map_or_else(|| relative_id(&self.root, entry.path()), str::to_owned);
            if !(self.keep)(&doc_id) {
                self.tally().kept_out += 1;
                continue;
            }
            // Sizes bound the work in flight and feed progress; an unreadable size is
            // reported when the file is read.
            let bytes = entry.metadata().map_or(0, |m| m.len());
            let odd_path = plain.is_none().then(|| entry.into_path().into_boxed_path());
            return Some(Ok(CorpusFile { doc_id: doc_id.into_boxed_str(), odd_path, bytes }));
        }
    }
}

/// Sibling order of the walk: by name, with directories compared as `name/` (see
/// [`CorpusWalk`]). Names that are not UTF-8 compare as their `doc_id` spelling.
fn walk_order(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    let (a_dir, b_dir) = (is_dir(a), is_dir(b));
    match (a.file_name().to_str(), b.file_name().to_str()) {
        (Some(x), Some(y)) => cmp_as_paths(x, a_dir, y, b_dir),
        _ => cmp_as_paths(&escaped_name(a.file_name()), a_dir, &escaped_name(b.file_name()), b_dir),
    }
}

/// Orders two sibling names as the paths below them order: a directory's name counts with
/// a trailing `/`.
fn cmp_as_paths(a: &str, a_dir: bool, b: &str, b_dir: bool) -> std::cmp::Ordering {
    let slash = |dir: bool| dir.then_some(b'/');
    a.bytes().chain(slash(a_dir)).cmp(b.bytes().chain(slash(b_dir)))
}

/// Whether an entry is a directory, following a symlink (the walk follows them). Only
/// symlinks cost a `stat` here.
fn is_dir(entry: &walkdir::DirEntry) -> bool {
    let t = entry.file_type();
    t.is_dir() || (t.is_symlink() && entry.path().is_dir())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

/// The `doc_id` of a `path` the walk built under `root`, read off its bytes: `root`, a `/`,
/// then UTF-8 names joined by `/` (the walk joins directory entries, so no component is
/// empty, `.` or `..`). `None` for anything else, which [`relative_id`] spells; the common
/// case then costs no split into components. Equal to `relative_id` and plain exactly when
/// the path below the root is UTF-8 (tested).
fn plain_relative_id<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    let root = root.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(root)?;
    let rest = if root.ends_with(b"/") { rest } else { rest.strip_prefix(b"/")? };
    let rest = std::str::from_utf8(rest).ok()?;
    let plain = !rest.contains('\\') && rest.split('/').all(|name| !name.is_empty() && name != "." && name != "..");
    plain.then_some(rest)
}

/// `doc_id` of a path: relative to the root, components joined by `/`, each spelled by
/// [`escaped_name`].
fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| escaped_name(c.as_os_str())).collect::<Vec<_>>().join("/")
}

/// A file name as text that names it and no other: UTF-8 as it is, each byte that is not
/// UTF-8 as `\xNN`, and a backslash as `\\` (so that a UTF-8 name spelling `\xE4` cannot
/// collide with one holding the byte). Two names that differ only in invalid bytes got the
/// same `doc_id` when the bytes all became U+FFFD.
fn escaped_name(name: &std::ffi::OsStr) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    let bytes = name.as_encoded_bytes();
    if let Some(plain) = std::str::from_utf8(bytes).ok().filter(|s| !s.contains('\\')) {
        return plain.into();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02X}");
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walked_ids(root: &Path, keep: impl Fn(&str) -> bool + Send + 'static) -> Vec<String> {
        let walk = CorpusWalk::new(root, &["txt".to_string()], keep).expect("walk");
        walk.map(|f| f.expect("file").doc_id.into_string()).collect()
    }

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, "x").expect("write");
    }

    #[test]
    fn plain_ids_are_read_off_the_bytes_as_the_components_spell_them() {
        for root in ["corpus", "corpus/", "corpus//", "./corpus", "corpus/.", "/abs/corpus", ".", "/"] {
            let root = Path::new(root);
            for rel in ["a.txt", "abendbote/2018/01/x y.txt", "ä/ü.md"] {
                let path = root.join(rel);
                assert_eq!(plain_relative_id(root, &path), Some(relative_id(root, &path).as_str()), "{path:?}");
            }
        }
        // What the walk does not build is left to the component split.
        for (root, path) in [("corpus", "corpus2/a.txt"), ("corpus", "corpus/./a.txt"), ("corpus", "corpus/a//b.txt")] {
            assert_eq!(plain_relative_id(Path::new(root), Path::new(path)), None, "{path}");
        }
        let odd =
            Path::new("corpus").join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"caf\xe9.txt"));
        assert_eq!(plain_relative_id(Path::new("corpus"), &odd), None);
    }

    #[test]
    fn names_with_different_invalid_bytes_get_different_ids() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        for name in [&b"caf\xe9.txt"[..], b"caf\xe8.txt", b"caf\\xE9.txt", "café.txt".as_bytes()] {
            std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), name).unwrap();
        }
        let files: Vec<CorpusFile> =
            CorpusWalk::new(dir.path(), &["txt".to_string()], |_| true).unwrap().map(Result::unwrap).collect();
        let ids: Vec<&str> = files.iter().map(|f| &*f.doc_id).collect();
        assert_eq!(ids, ["caf\\\\xE9.txt", "caf\\xE8.txt", "caf\\xE9.txt", "café.txt"]);
        // Each id still opens its own file.
        for file in &files {
            let bytes = std::fs::read(file.path(dir.path())).unwrap();
            assert_eq!(escaped_name(std::ffi::OsStr::from_bytes(&bytes)), &*file.doc_id);
        }
    }

    #[test]
    fn extensions_are_read_like_path_extension() {
        let walk = CorpusWalk::new(Path::new("."), &["txt".to_string(), "md".to_string()], |_| true).expect("walk");
        for name in ["a.txt", "a.TXT", "b.md", "..txt", "x.y.txt", ".txt", "a.txt.bak", "txt", "a.", "a.mdx"] {
            let by_path = Path::new(name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"));
            assert_eq!(walk.wanted(std::ffi::OsStr::new(name)), by_path, "{name}");
        }
    }

    #[test]
    fn walk_yields_doc_id_byte_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = ["a/b.txt", "a.txt", "a b.txt", "a-b/c.txt", "a/c/d.txt", "ab.txt", "B.txt", "a/.hidden.txt"];
        for f in files {
            touch(dir.path(), f);
        }
        touch(dir.path(), "a/notes.csv");
        std::os::unix::fs::symlink(dir.path().join("a/c"), dir.path().join("a.link")).expect("symlink");
        // By hand: byte order, `.` (2e) before `/` (2f), upper case first, hidden files and
        // other extensions left out, the symlinked directory walked as a directory.
        let expected = ["B.txt", "a b.txt", "a-b/c.txt", "a.link/d.txt", "a.txt", "a/b.txt", "a/c/d.txt", "ab.txt"];
        assert_eq!(walked_ids(dir.path(), |_| true), expected);
        assert_eq!(walked_ids(dir.path(), |id| id.starts_with("a/")), ["a/b.txt", "a/c/d.txt"]);
        let sizes: Vec<u64> = CorpusWalk::new(dir.path(), &["TXT".to_string()], |_| true)
            .expect("walk")
            .map(|f| f.expect("file").bytes)
            .collect();
        assert_eq!(sizes, vec![1; 8]);
    }

    #[test]
    fn walk_of_a_file_is_a_setup_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(dir.path(), "a.txt");
        let err = CorpusWalk::new(&dir.path().join("a.txt"), &["txt".to_string()], |_| true).err().expect("error");
        assert!(err.to_string().contains("not a directory: expected a corpus folder"), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        #[test]
        fn walk_order_is_the_sorted_order(paths in proptest::collection::btree_set("[ab.\\- ]{1,3}(/[ab.\\- ]{1,3}){0,2}", 1..12)) {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut written = Vec::new();
            for p in &paths {
                let rel = format!("{p}.txt");
                // Names that clash with a directory already made (or `.` and `..`) are left out.
                let path = dir.path().join(&rel);
                let clash = rel.split('/').any(|c| c.is_empty() || c.starts_with('.'))
                    || path.ancestors().skip(1).any(|a| a.is_file())
                    || path.is_dir();
                if !clash && std::fs::create_dir_all(path.parent().expect("parent")).is_ok() && std::fs::write(&path, "x").is_ok() {
                    written.push(rel);
                }
            }
            written.sort();
            proptest::prop_assert_eq!(walked_ids(dir.path(), |_| true), written);
        }
    }
}
