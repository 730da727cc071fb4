//! Ingest: walk a corpus directory, decode each file, and read its metadata.
//!
//! A [`Document`] keeps the whole decoded (NFC) text; every offset in the reports refers to
//! it. Metadata that sits in the text (a `date YYYY-MM[-DD]` prefix, a front-matter block) is
//! read and excluded from the body by [`Document::body_start`], not cut out of the text, so
//! offsets stay true to the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::Error;

/// Metadata of one document. Empty strings mean unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Metadata {
    /// Outlet, e.g. `taz`.
    pub source: String,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// Headline.
    pub title: String,
    /// Where the article was published.
    pub url: String,
}

impl Metadata {
    /// Overwrites the fields that `later` sets (later sources of metadata win).
    pub fn update(&mut self, later: &Metadata) {
        for (mine, theirs) in [
            (&mut self.source, &later.source),
            (&mut self.date, &later.date),
            (&mut self.title, &later.title),
            (&mut self.url, &later.url),
        ] {
            if !theirs.is_empty() {
                mine.clone_from(theirs);
            }
        }
    }
}

/// A decoded document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path relative to the corpus root, `/`-separated.
    pub doc_id: String,
    /// NFC-normalized decoded text.
    pub text: String,
    /// Byte offset where the article body starts (after a date prefix or front matter).
    pub body_start: usize,
    /// Merged metadata.
    pub meta: Metadata,
    /// Name of the encoding the file was decoded from (`UTF-8`, `UTF-16LE`, `windows-1252`…).
    pub encoding: &'static str,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Byte offsets in the file of invalid UTF-8 sequences that were replaced by U+FFFD in
    /// an otherwise UTF-8 file (see [`decode`]); empty nearly always.
    pub repaired_at: Vec<u64>,
}

impl Document {
    /// The article body (the text after any metadata header).
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// A document that could not be read; listed in `errors.csv`, the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Path as found (relative to the corpus root when possible).
    pub path: String,
    /// Short machine-readable kind: `io`, `binary`, `undecodable`, `walk`, `symlink_loop`,
    /// `symlink_outside`, `too_large`; or `repaired` for a document that was analysed after
    /// a few invalid bytes were replaced (listed, not skipped).
    pub kind: &'static str,
    /// Human-readable reason.
    pub message: String,
}

/// Why bytes could not be decoded as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// NUL bytes without a UTF-16 byte-order mark: not a text file.
    #[error("binary file: NUL byte at offset {0} and no UTF-16 byte-order mark")]
    Binary(usize),
    /// The bytes are not valid in the detected encoding.
    #[error("undecodable: invalid byte sequences for {0}")]
    Undecodable(&'static str),
}

impl DecodeError {
    /// The `kind` written to `errors.csv`.
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::Binary(_) => "binary",
            DecodeError::Undecodable(_) => "undecodable",
        }
    }
}

/// Decoded text and the encoding it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// NFC-normalized text, without a byte-order mark.
    pub text: String,
    /// Encoding name.
    pub encoding: &'static str,
    /// Byte offsets of invalid UTF-8 sequences replaced by U+FFFD (see [`decode`]).
    pub repaired_at: Vec<u64>,
}

impl Decoded {
    fn clean(text: String, encoding: &'static str) -> Decoded {
        Decoded { text: nfc(text), encoding, repaired_at: Vec::new() }
    }
}

/// Decodes file bytes: a byte-order mark decides first (UTF-8, UTF-16 LE/BE), else valid
/// UTF-8, else UTF-8 with a few invalid bytes (see [`is_mostly_utf8`]: they become U+FFFD
/// and their offsets are kept in [`Decoded::repaired_at`]), else the encoding guessed by
/// chardetng. The result is NFC-normalized.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(DecodeError::Undecodable(encoding.name()));
        }
        return Ok(Decoded::clean(text.into_owned(), encoding.name()));
    }
    if let Some(at) = memchr_nul(bytes) {
        return Err(DecodeError::Binary(at));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Decoded::clean(s.to_owned(), "UTF-8"));
    }
    if is_mostly_utf8(bytes) {
        return Ok(repair_utf8(bytes));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = detector.guess(None, true);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::Undecodable(encoding.name()));
    }
    Ok(Decoded::clean(text.into_owned(), encoding.name()))
}

/// Whether bytes that are not valid UTF-8 are still UTF-8 text with a few stray bytes: at
/// least as many valid multi-byte characters as invalid sequences. A legacy-encoded file
/// (windows-1252, ISO-8859-x) has its umlauts as single bytes, which are never valid UTF-8,
/// and almost never a valid multi-byte sequence; a UTF-8 article with one stray
/// windows-1252 byte has dozens. Guessing the encoding of the latter turned every umlaut
/// into mojibake and lost its lexicon hits.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte > 0 && multibyte >= invalid
}

/// UTF-8 with every invalid sequence replaced by U+FFFD, and where they were.
fn repair_utf8(bytes: &[u8]) -> Decoded {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut repaired_at = Vec::new();
    let mut at = 0u64;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        at += chunk.valid().len() as u64;
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            repaired_at.push(at);
            at += chunk.invalid().len() as u64;
        }
    }
    Decoded { text: nfc(text), encoding: "UTF-8", repaired_at }
}

/// Like [`decode`], but takes the buffer. A large file's buffer becomes the text when it is
/// valid UTF-8 (the common case), so it is held in memory once.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if encoding_rs::Encoding::for_bom(&bytes).is_some() || memchr_nul(&bytes).is_some() {
        return decode(&bytes);
    }
    if bytes.len() <= COPIED_TEXT_MAX_BYTES {
        // encoding_rs checks German text about twice as fast as std (whose word-at-a-time
        // path rarely gets going between umlauts); copying the checked text costs less
        // than that saves.
        return match encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(&bytes) {
            Some(text) => Ok(Decoded::clean(text.into_owned(), "UTF-8")),
            None => decode(&bytes),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded::clean(text, "UTF-8")),
        Err(err) => decode(err.as_bytes()),
    }
}

/// Up to this size [`decode_owned`] copies valid text instead of reusing the buffer: a
/// second copy of a news article costs nothing worth counting in memory.
const COPIED_TEXT_MAX_BYTES: usize = 1 << 20;

/// The first NUL byte. Chunks are tested with a vectorisable fold first: text has none.
fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    let chunk = bytes.chunks(32).position(|c| c.iter().fold(false, |acc, &b| acc | (b == 0)))?;
    let start = chunk * 32;
    bytes[start..].iter().position(|&b| b == 0).map(|i| start + i)
}

/// NFC-normalizes, skipping the work for text that is already NFC (nearly all news text).
fn nfc(text: String) -> String {
    if is_surely_nfc(&text) {
        return text;
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// A quick answer for the usual text: every character is below U+0300 (no combining marks
/// there; the lead bytes of all others are 0xCC and up) or in a block of [`is_plain_symbol`].
/// `false` means "ask the full quick check".
fn is_surely_nfc(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks(32);
    let mut at = 0;
    for chunk in &mut chunks {
        let chunk_start = at;
        at += chunk.len();
        // One vectorisable fold per chunk; only chunks with a high lead byte are decoded.
        if !chunk.iter().fold(false, |acc, &b| acc | (b >= 0xcc)) {
            continue;
        }
        for (k, &b) in chunk.iter().enumerate() {
            if b >= 0xcc {
                // 0xCC and up are lead bytes, never continuation bytes: a character starts here.
                match text[chunk_start + k..].chars().next() {
                    Some(c) if is_plain_symbol(c) => {}
                    _ => return false,
                }
            }
        }
    }
    true
}

/// Characters of the General Punctuation block (dashes, „quotes“, …, thin spaces) and the
/// Currency Symbols block (€): NFC as they stand and never combining. U+2000 and U+2001
/// (en/em quad) are excluded: NFC maps them to U+2002 and U+2003.
fn is_plain_symbol(c: char) -> bool {
    matches!(c, '\u{2002}'..='\u{206F}' | '\u{20A0}'..='\u{20C0}')
}

/// The largest input file read whole outside a corpus walk (lexicon, `--meta`, labeled
/// data, a text for `segment`): 1 GB, far above any real one, and a bound on what a wrong
/// path (a disk image, a log) can cost.
pub const MAX_INPUT_FILE_BYTES: u64 = 1 << 30;

/// Reads a whole input file of at most `max` bytes. Only regular files (or links to one)
/// are read: `/dev/zero`, a FIFO or a terminal would be read until memory runs out.
pub fn read_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a folder" } else { "a device, FIFO or socket" };
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("is {what}, not a regular file; give the path of a file"),
        ));
    }
    let too_large = |len: u64| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{len} bytes is larger than the {max} bytes an input file may have"),
        )
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read stops at the limit too.
    std::fs::File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads and decodes all of standard input, at most [`MAX_INPUT_FILE_BYTES`] (`segment -`,
/// `predict -`).
pub fn read_stdin_text() -> Result<Decoded, Error> {
    use std::io::Read;
    let name = "standard input";
    let max = MAX_INPUT_FILE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(max + 1).read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
    if bytes.len() as u64 > max {
        let message = format!("more than the {max} bytes an input may have");
        return Err(Error::io(name, std::io::Error::new(std::io::ErrorKind::InvalidInput, message)));
    }
    decode(&bytes).map_err(|e| Error::io(name, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Reads and decodes one file outside a corpus walk (for `segment`, `predict`, `lexicon test`).
pub fn read_text_file(path: &Path) -> Result<Decoded, Error> {
    let bytes = read_regular_file(path, MAX_INPUT_FILE_BYTES).map_err(|e| Error::io(path, e))?;
    decode(&bytes).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

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

/// Metadata from a `--meta` CSV, keyed by `doc_id`.
#[derive(Debug, Clone, Default)]
pub struct MetaTable {
    rows: HashMap<String, Metadata>,
}

impl MetaTable {
    /// Reads a CSV with a `doc_id` column and any of `date`, `source`, `title`, `url`.
    /// Other columns are refused so that a typo does not silently lose a field.
    pub fn load(path: &Path) -> Result<MetaTable, Error> {
        let csv_err = |line: u64, message: String| Error::Csv { path: path.to_path_buf(), line, message };
        let bytes = read_regular_file(path, MAX_INPUT_FILE_BYTES).map_err(|e| Error::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(&bytes[..]);
        let headers = reader.headers().map_err(|e| csv_err(1, e.to_string()))?.clone();
        let mut columns = [None; 5];
        for (i, name) in headers.iter().enumerate() {
            let slot = match name.trim() {
                "doc_id" => 0,
                "source" => 1,
                "date" => 2,
                "title" => 3,
                "url" => 4,
                other => {
                    return Err(csv_err(
                        1,
                        format!("unknown column `{other}`: expected doc_id, source, date, title, url"),
                    ));
                }
            };
            columns[slot] = Some(i);
        }
        let Some(id_col) = columns[0] else {
            return Err(csv_err(1, "missing column `doc_id`".into()));
        };
        let mut rows = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line());
            let get = |slot: usize| columns[slot].and_then(|i| record.get(i)).unwrap_or("").trim().to_string();
            let doc_id = record.get(id_col).unwrap_or("").trim().to_string();
            if doc_id.is_empty() {
                return Err(csv_err(line, "empty doc_id".into()));
            }
            let date = get(2);
            if !date.is_empty() && parse_date(&date).is_none() {
                return Err(csv_err(line, format!("bad date `{date}`: expected YYYY-MM or YYYY-MM-DD")));
            }
            let meta = Metadata { source: get(1), date, title: get(3), url: get(4) };
            if rows.insert(doc_id.clone(), meta).is_some() {
                return Err(csv_err(line, format!("duplicate doc_id `{doc_id}`")));
            }
        }
        Ok(MetaTable { rows })
    }

    /// Metadata for a document, if the table has a row for it.
    pub fn get(&self, doc_id: &str) -> Option<&Metadata> {
        self.rows.get(doc_id)
    }

    /// `doc_id`s in the table for which `is_in_corpus` is false (sorted), to warn about typos.
    pub fn unknown_ids(&self, is_in_corpus: impl Fn(&str) -> bool) -> Vec<&str> {
        let mut out: Vec<&str> = self.rows.keys().map(String::as_str).filter(|id| !is_in_corpus(id)).collect();
        out.sort_unstable();
        out
    }
}

/// Reads one corpus file into a [`Document`], merging metadata in the documented order:
/// outlet folder, then date prefix, then front matter, then the `--meta` table.
pub fn load_document(file: &CorpusFile, root: &Path, table: Option<&MetaTable>) -> Result<Document, Skip> {
    let doc_id = &*file.doc_id;
    let skip = |kind: &'static str, message: String| Skip { path: doc_id.to_string(), kind, message };
    let bytes = read_with_size(&file.path(root), file.bytes).map_err(|e| skip("io", e.to_string()))?;
    let len = bytes.len() as u64;
    let decoded = decode_owned(bytes).map_err(|e| skip(e.kind(), e.to_string()))?;
    let mut doc = document_from_text(doc_id, decoded.text, decoded.encoding, len, table);
    doc.repaired_at = decoded.repaired_at;
    Ok(doc)
}

impl Document {
    /// The `errors.csv` entry of a document whose invalid bytes were replaced, if any: it
    /// is analysed and listed, so the run ends with exit code 1 and the user can look.
    pub fn repair_notice(&self) -> Option<Skip> {
        const SHOWN: usize = 10;
        if self.repaired_at.is_empty() {
            return None;
        }
        let n = self.repaired_at.len();
        let offsets: Vec<String> = self.repaired_at.iter().take(SHOWN).map(u64::to_string).collect();
        let more = if n > SHOWN { format!(" and {} more", n - SHOWN) } else { String::new() };
        let what = if n == 1 { "1 invalid byte sequence" } else { "invalid byte sequences" };
        Some(Skip {
            path: self.doc_id.clone(),
            kind: "repaired",
            message: format!(
                "UTF-8 with {what} at byte offset(s) {}{more}: each replaced by U+FFFD, the rest analysed",
                offsets.join(", ")
            ),
        })
    }
}

/// Reads a whole file that had `walked_bytes` when the corpus was walked: the buffer
/// is sized from that, so unlike `std::fs::read` no second `stat` is made (one per file
/// was ~1.5 % of a run). A file that changed size since is still read whole.
fn read_with_size(path: &Path, walked_bytes: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    // One spare byte: the read that finds the end needs no larger buffer.
    let capacity = usize::try_from(walked_bytes).unwrap_or(usize::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(capacity).map_err(|e| std::io::Error::new(std::io::ErrorKind::OutOfMemory, e))?;
    // `Take` reads to the end without asking the file for its size (`File` would stat).
    (&file).take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Builds a [`Document`] from decoded text (also used by the JSONL mode and tests).
pub fn document_from_text(
    doc_id: &str,
    text: String,
    encoding: &'static str,
    bytes: u64,
    table: Option<&MetaTable>,
) -> Document {
    let mut meta = Metadata::default();
    if let Some((folder, _)) = doc_id.split_once('/') {
        meta.source = folder.to_string();
    }
    let header = parse_header(&text);
    meta.update(&header.meta);
    if let Some(row) = table.and_then(|t| t.get(doc_id)) {
        meta.update(row);
    }
    Document {
        doc_id: doc_id.to_string(),
        body_start: header.body_start,
        text,
        meta,
        encoding,
        bytes,
        repaired_at: Vec::new(),
    }
}

/// Metadata found at the top of a text and where the body starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// Fields found (date prefix, then front matter overriding it).
    pub meta: Metadata,
    /// Byte offset of the body.
    pub body_start: usize,
}

/// Reads a `date YYYY-MM[-DD]` prefix on the first line and a `---` front-matter block.
pub fn parse_header(text: &str) -> Header {
    let mut header = Header::default();
    let mut pos = 0;
    if let Some((date, end)) = date_prefix(text) {
        header.meta.date = date.to_string();
        pos = end;
    }
    if let Some((fields, end)) = front_matter(&text[pos..]) {
        header.meta.update(&fields);
        pos += end;
    }
    // The body starts at its first non-whitespace character.
    let rest = &text[pos..];
    header.body_start = pos + (rest.len() - rest.trim_start().len());
    header
}

/// ` date 2025-07 Text…` → (`2025-07`, offset after the date). Only on the first line.
fn date_prefix(text: &str) -> Option<(&str, usize)> {
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let rest = text[lead..].strip_prefix("date")?;
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t', ':']).len();
    if spaces == 0 {
        return None;
    }
    let after = &rest[spaces..];
    let date_len = after.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(after.len());
    let date = &after[..date_len];
    parse_date(date)?;
    // The date must end at whitespace or the end of the text, not run into a word.
    if after[date_len..].chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    Some((date, lead + 4 + spaces + date_len))
}

/// Checks `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
pub fn parse_date(s: &str) -> Option<(u16, u8, Option<u8>)> {
    let mut parts = s.split('-');
    let year = parts.next().filter(|p| p.len() == 4)?.parse::<u16>().ok()?;
    let month = parts.next().filter(|p| p.len() == 2)?.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?;
    let day = match parts.next() {
        None => None,
        Some(p) if p.len() == 2 => Some(p.parse::<u8>().ok().filter(|d| (1..=days_in_month(year, month)).contains(d))?),
        Some(_) => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((year, month, day))
}

/// Days of a month in the proleptic Gregorian calendar (2024-02-29 exists, 2023-02-29 and
/// 2024-02-31 do not).
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A leading `---` line, `key: value` lines, and a closing `---` line.
fn front_matter(text: &str) -> Option<(Metadata, usize)> {
    let text_start = text.len() - text.trim_start().len();
    let mut lines = LineIter { text, pos: text_start };
    let (first, _) = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut meta = Metadata::default();
    for (line, end) in lines.by_ref() {
        let line = line.trim_end();
        if line == "---" {
            return Some((meta, end));
        }
        let (key, value) = line.split_once(':')?;
        let value = value.trim().trim_matches('"').to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "date" => meta.date = value,
            "source" => meta.source = value,
            "title" => meta.title = value,
            "url" => meta.url = value,
            _ => {} // other keys (author, tags…) are allowed and ignored
        }
    }
    None
}

/// Lines with the byte offset just after each one (its line break included).
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (line, consumed) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += consumed;
        Some((line.strip_suffix('\r').unwrap_or(line), self.pos))
    }
}

/// Converts increasing byte offsets of one text to character offsets in amortised O(1).
#[derive(Debug)]
pub struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    /// A converter positioned at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0 }
    }

    /// Character offset of byte offset `byte` (which must be on a char boundary). Cheap when
    /// queries increase; a query behind the cursor restarts from the beginning.
    pub fn char_at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += crate::text::count_chars(&self.text.as_bytes()[self.byte..byte]);
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_symbols_are_nfc_and_not_combining() {
        // The reference is the Unicode data of the unicode-normalization crate.
        for c in ('\u{2000}'..='\u{20CF}').filter(|&c| is_plain_symbol(c)) {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(unicode_normalization::char::canonical_combining_class(c), 0, "{c:?}");
            assert!(!unicode_normalization::char::is_combining_mark(c), "{c:?}");
        }
        assert!(!is_plain_symbol('\u{2000}') && !is_plain_symbol('\u{2001}'));
    }

    #[test]
    fn quick_nfc_path_decides_like_the_full_check() {
        let texts = [
            "Die Besatzer „zogen“ ab – 5 € … ok",
            "Caf\u{e9} und Cafe\u{301}",            // a combining acute accent
            "\u{2000}Quad",                         // NFC changes U+2000
            "Ελληνικά und кириллица",               // ordinary letters above U+0300
            &format!("{}e\u{301}", "x".repeat(40)), // the mark in a later chunk
        ];
        for t in texts {
            let full = is_nfc_quick(t.chars()) == IsNormalized::Yes;
            assert!(!is_surely_nfc(t) || full, "{t:?}");
            assert_eq!(nfc(t.to_string()), t.nfc().collect::<String>(), "{t:?}");
        }
        assert!(is_surely_nfc("Die Besatzer „zogen“ ab – 5 € … ok"));
    }

    proptest::proptest! {
        /// The fast path never changes the result of normalisation.
        #[test]
        fn nfc_equals_full_normalisation(s in "[a-zäé \u{300}\u{301}\u{2000}-\u{2030}\u{20ac}Ωк]{0,80}") {
            proptest::prop_assert_eq!(nfc(s.clone()), s.nfc().collect::<String>());
        }
    }

    #[test]
    fn finds_the_first_nul_in_any_chunk() {
        assert_eq!(memchr_nul(b"abc"), None);
        assert_eq!(memchr_nul(b""), None);
        let mut long = vec![b'x'; 100];
        long[70] = 0;
        long[90] = 0;
        assert_eq!(memchr_nul(&long), Some(70));
        assert_eq!(memchr_nul(&[0]), Some(0));
    }

    #[test]
    fn utf8_passes_through() {
        let d = decode("Die Befreiung".as_bytes()).unwrap();
        assert_eq!(d, Decoded { text: "Die Befreiung".into(), encoding: "UTF-8", repaired_at: vec![] });
    }

    #[test]
    fn utf8_bom_is_removed() {
        let d = decode(b"\xEF\xBB\xBFDie").unwrap();
        assert_eq!(d.text, "Die");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("Größe".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("Größe".encode_utf16().flat_map(|u| u.to_be_bytes())).collect();
        assert_eq!(decode(&le).unwrap(), Decoded { text: "Größe".into(), encoding: "UTF-16LE", repaired_at: vec![] });
        assert_eq!(decode(&be).unwrap(), Decoded { text: "Größe".into(), encoding: "UTF-16BE", repaired_at: vec![] });
    }

    #[test]
    fn latin1_is_detected() {
        // "Die Besatzungsmacht übernahm die Kontrolle über die Straße." in windows-1252.
        let bytes = b"Die Besatzungsmacht \xFCbernahm die Kontrolle \xFCber die Stra\xDFe. Gr\xFC\xDFe aus M\xFCnchen.";
        let d = decode(bytes).unwrap();
        assert_eq!(d.text, "Die Besatzungsmacht übernahm die Kontrolle über die Straße. Grüße aus München.");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn owned_buffers_decode_like_borrowed_ones_on_both_sides_of_the_copy_limit() {
        let latin1: &[u8] = b"Die Besatzungsmacht \xFCbernahm die Kontrolle \xFCber die Stra\xDFe. ";
        let utf8 = "Die Besatzungsmacht übernahm die Kontrolle über die Straße. ";
        for repeat in [1, COPIED_TEXT_MAX_BYTES / latin1.len() + 1] {
            let (latin1, utf8) = (latin1.repeat(repeat), utf8.repeat(repeat));
            let decoded = decode_owned(utf8.clone().into_bytes()).unwrap();
            assert_eq!(decoded, Decoded { text: utf8.clone(), encoding: "UTF-8", repaired_at: vec![] });
            let decoded = decode_owned(latin1).unwrap();
            assert_eq!(decoded, Decoded { text: utf8, encoding: "windows-1252", repaired_at: vec![] });
        }
        let composed = decode_owned("Cafe\u{301}".as_bytes().to_vec()).unwrap();
        assert_eq!(composed.text, "Caf\u{e9}");
    }

    #[test]
    fn a_stray_windows_1252_byte_in_utf8_text_is_replaced_not_guessed() {
        // One windows-1252 "ä" (0xE4) in an otherwise UTF-8 sentence: guessing the encoding
        // turned "Völkermord" into "VÃ¶lkermord".
        let bytes = b"Der V\xC3\xB6lkermord an den Armeniern, sagte der Sprecher, sei \xE4hnlich gewesen.";
        let d = decode(bytes).unwrap();
        assert_eq!(d.text, "Der Völkermord an den Armeniern, sagte der Sprecher, sei \u{FFFD}hnlich gewesen.");
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.repaired_at, [58]);
        assert_eq!(bytes[58], 0xE4);
        // Every invalid byte of a run is a sequence of its own, with its own offset.
        let d = decode_owned(b"\xC3\xBCber Stra\xC3\x9Fe \xFF\xFE und \xC3\xA4 \x80".to_vec()).unwrap();
        assert_eq!(d.text, "über Straße \u{FFFD}\u{FFFD} und ä \u{FFFD}");
        assert_eq!(d.repaired_at, [14, 15, 24]);
        // More invalid sequences than valid multi-byte characters: not UTF-8 at all.
        assert_eq!(decode(b"\xC3\xBCber \xFF\xFE und \x80").unwrap().encoding, "windows-1252");
    }

    #[test]
    fn repair_notice_lists_offsets() {
        let mut doc = document_from_text("a.txt", "x".into(), "UTF-8", 1, None);
        assert_eq!(doc.repair_notice(), None);
        doc.repaired_at = (1..=12).collect();
        let notice = doc.repair_notice().unwrap();
        assert_eq!(notice.kind, "repaired");
        assert_eq!(
            notice.message,
            "UTF-8 with invalid byte sequences at byte offset(s) 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more: each replaced by U+FFFD, the rest analysed"
        );
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00"), Err(DecodeError::Binary(4)));
    }

    #[test]
    fn decomposed_text_is_composed() {
        // "u" + combining diaeresis becomes "ü".
        assert_eq!(decode("Bu\u{308}ro".as_bytes()).unwrap().text, "Büro");
    }

    #[test]
    fn date_prefix_with_text_on_same_line() {
        let h = parse_header(" date 2025-07 Im Zuge des Waffenstillstands kam es.");
        assert_eq!(h.meta.date, "2025-07");
        assert_eq!(
            &" date 2025-07 Im Zuge des Waffenstillstands kam es."[h.body_start..],
            "Im Zuge des Waffenstillstands kam es."
        );
    }

    #[test]
    fn dates_must_exist_in_the_calendar() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, Some(29))));
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, Some(29))));
        assert_eq!(parse_date("2024-02-31"), None);
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(parse_date("2025-04-31"), None);
        assert_eq!(parse_date("2025-12-31"), Some((2025, 12, Some(31))));
    }

    #[test]
    fn date_prefix_needs_a_real_date() {
        assert_eq!(parse_header("date 2025-13 Text").meta.date, "");
        assert_eq!(parse_header("dates 2025-07 Text").meta.date, "");
        assert_eq!(parse_header("Das date 2025-07 Text").meta.date, "");
        assert_eq!(parse_header("date 2025-07-31\nText").meta.date, "2025-07-31");
    }

    #[test]
    fn front_matter_sets_fields_and_body() {
        let text = "---\ntitle: \"Waffenruhe hält\"\nsource: taz\ndate: 2024-11-25\nauthor: X\n---\n\nDer Text.";
        let h = parse_header(text);
        assert_eq!(
            h.meta,
            Metadata {
                source: "taz".into(),
                date: "2024-11-25".into(),
                title: "Waffenruhe hält".into(),
                url: String::new()
            }
        );
        assert_eq!(&text[h.body_start..], "Der Text.");
    }

    #[test]
    fn unterminated_front_matter_is_text() {
        let h = parse_header("---\ntitle: x\nDer Text.");
        assert_eq!(h, Header::default());
    }

    #[test]
    fn metadata_precedence() {
        let text = "date 2024-01\n---\ntitle: T\n---\nText".to_string();
        let doc = document_from_text("taz/2024/a.txt", text, "UTF-8", 0, None);
        assert_eq!(doc.meta.source, "taz");
        assert_eq!(doc.meta.date, "2024-01");
        assert_eq!(doc.meta.title, "T");
        assert_eq!(doc.body(), "Text");
    }

    #[test]
    fn char_offsets_count_multibyte() {
        let text = "Größe über";
        let mut c = CharOffsets::new(text);
        assert_eq!(c.char_at(0), 0);
        assert_eq!(c.char_at(text.find('ü').unwrap()), 6);
        assert_eq!(c.char_at(text.len()), 10);
        assert_eq!(c.char_at(2), 2); // going back restarts
    }

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
    fn a_file_is_read_whole_whatever_size_was_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "Die Besatzer. ".repeat(1000);
        std::fs::write(dir.path().join("a.txt"), &text).expect("write");
        for listed in [0, 5, text.len() as u64, 1 << 20] {
            let file = CorpusFile { doc_id: "a.txt".into(), odd_path: None, bytes: listed };
            let doc = load_document(&file, dir.path(), None).expect("read");
            assert_eq!(doc.text, text, "listed as {listed} bytes");
        }
        let gone = CorpusFile { doc_id: "b.txt".into(), odd_path: None, bytes: 3 };
        let skip = load_document(&gone, dir.path(), None).expect_err("missing file");
        assert_eq!((skip.path.as_str(), skip.kind), ("b.txt", "io"));
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
