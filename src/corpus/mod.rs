//! Ingest: walk a corpus directory, decode each file, and read its metadata.
//!
//! A [`Document`] keeps the whole decoded (NFC) text; every offset in the reports refers to
//! it. Metadata that sits in the text (a `date YYYY-MM[-DD]` prefix, a front-matter block) is
//! read and excluded from the body by [`Document::body_start`], not cut out of the text, so
//! offsets stay true to the file.
//!
//! A file per job, so each is found in one place: `decode` (bytes to NFC text), `walk` (which
//! files of a corpus are read, in which order, under which `doc_id`), `meta` (date prefix,
//! front matter, the `--meta` table) and `input` (files read whole outside a walk). This file
//! holds the types they share and joins them: [`load_document`] reads a walked file into a
//! [`Document`]. Their public items are re-exported here, so callers write
//! `corpus::decode`, `corpus::CorpusWalk`, … and need not know the files.

mod decode;
mod input;
mod meta;
mod walk;

use std::path::Path;

pub use decode::{decode, decode_owned, DecodeError, Decoded};
pub use input::{read_regular_file, read_stdin_text, read_text_file, SpreadsheetCsv, MAX_INPUT_FILE_BYTES};
pub use meta::{parse_date, parse_header, Header, MetaTable};
pub use walk::{check_root, CorpusFile, CorpusWalk, NotRead, PassedOver};

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
}
