//! CSV writing: [`CsvRow`], the fast RFC 4180 record writer every report file uses, and
//! [`CsvFormat`], which turns a run's typed rows into cells.

use std::io::Write;

use super::numfmt::{fmt_prob, prob_digits, prob_ten_thousandths, push_digits, push_num};
use super::{fmt_thousandths, DocumentReport, DocumentRow, MatchRow, SentenceRow};
use crate::lexicon::Lexicon;

/// A CSV writer with the report conventions (RFC 4180 quoting, `\n` line ends).
pub fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w)
}

/// The CSV text of the rows of some documents (one, a batch, or part of a large one),
/// serialized on a worker thread so the writer thread only writes bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentCsv {
    /// Rows for `sentences.csv`.
    pub sentences: Vec<u8>,
    /// Rows for `matches.csv`.
    pub matches: Vec<u8>,
    /// Rows for `documents.csv`.
    pub documents: Vec<u8>,
}

impl DocumentCsv {
    /// Buffers sized for the rows of about `bytes` of news text in `files` documents, so
    /// they seldom grow: sentence rows hold the text and their cells (2.2 times the text in
    /// the benchmark corpus), match rows two contexts per match (0.9 times).
    pub fn with_capacity(bytes: usize, files: usize) -> DocumentCsv {
        DocumentCsv {
            sentences: Vec::with_capacity(bytes * 5 / 2),
            matches: Vec::with_capacity(bytes + bytes / 4),
            documents: Vec::with_capacity(files * 256),
        }
    }
}

/// How one run's rows become CSV: the analysis hands over typed rows, and only this turns
/// them into cells. What depends only on the lexicon and the model is serialized once per
/// run instead of once per row.
#[derive(Debug, Clone, Default)]
pub struct CsvFormat {
    entries: EntryCells,
    /// Frame names, in [`super::Columns::frames`] order.
    frames: Vec<String>,
    /// Index in `frames` of each lexicon entry's frame.
    entry_frame: Vec<usize>,
    /// `NAME@hash` of the model as a serialized cell (empty without a model).
    model_version: Vec<u8>,
    /// Model cells of a sentence the model did not score (`--lang auto`, another language):
    /// one empty cell per model column of `sentences.csv`.
    unscored_sentence: usize,
    /// Empty `share_<label>` cells of a document the model did not score.
    unscored_document: usize,
}

impl CsvFormat {
    /// The format of the rows of a run with `lexicon`, a model of `model_version`, and the
    /// run-dependent `columns`.
    pub fn new(lexicon: &Lexicon, model_version: Option<&str>, columns: &super::Columns) -> CsvFormat {
        let frames = lexicon.frames();
        let entry_frame =
            lexicon.entries.iter().map(|e| frames.iter().position(|f| *f == e.frame).unwrap_or(0)).collect();
        let labels = columns.labels.len();
        CsvFormat {
            entries: EntryCells::new(lexicon),
            frames,
            entry_frame,
            model_version: serialized_field(model_version.unwrap_or("")),
            unscored_sentence: if labels > 0 { 3 + labels + usize::from(columns.explain) } else { 0 },
            unscored_document: labels,
        }
    }

    /// Appends the sentence and match rows (without headers) of document `doc_id`: all of
    /// them, or one part of a large document's (each sentence with all its matches).
    pub fn write_rows(
        &self,
        out: &mut DocumentCsv,
        doc_id: &str,
        sentences: &[SentenceRow<'_>],
        matches: &[MatchRow<'_>],
    ) {
        self.write_sentences(&mut out.sentences, doc_id, sentences, matches);
        write_matches(&mut out.matches, doc_id, matches, &self.entries);
    }

    /// Appends all rows of one document (without headers).
    pub fn write_report(&self, out: &mut DocumentCsv, report: &DocumentReport<'_>) {
        self.write_rows(out, &report.doc_id, &report.sentences, &report.matches);
        self.write_document(&mut out.documents, &report.doc_id, &report.document);
    }

    /// Appends the `documents.csv` row (without header) of document `doc_id`.
    pub fn write_document(&self, out: &mut Vec<u8>, doc_id: &str, d: &DocumentRow) {
        let unscored = if d.shares.is_empty() { self.unscored_document } else { 0 };
        write_document(out, doc_id, d, unscored);
    }

    /// Appends the `sentences.csv` rows of sentences of document `doc_id`; `matches` are
    /// theirs, in text order.
    fn write_sentences(&self, out: &mut Vec<u8>, doc_id: &str, rows: &[SentenceRow<'_>], matches: &[MatchRow<'_>]) {
        let doc_id = serialized_field(doc_id);
        out.reserve(rows.iter().map(|s| s.text.len() + doc_id.len() + 40).sum());
        let mut cell = Vec::new();
        let mut rest = matches;
        for s in rows {
            let n = rest.iter().take_while(|m| m.sentence_id == s.sentence_id).count();
            let (own, after) = rest.split_at(n);
            rest = after;
            self.write_sentence(out, &doc_id, s, own, &mut cell);
        }
    }

    /// One `sentences.csv` row; `doc_id` comes serialized (once a document), `cell` is a
    /// reusable buffer for the joined cells.
    fn write_sentence(
        &self,
        out: &mut Vec<u8>,
        doc_id: &[u8],
        s: &SentenceRow<'_>,
        matches: &[MatchRow<'_>],
        cell: &mut Vec<u8>,
    ) {
        let mut row = CsvRow::new(out);
        row.serialized(doc_id)
            .int(u64::from(s.sentence_id))
            .int(s.char_start as u64)
            .int(s.char_end as u64)
            .field(s.text.as_bytes())
            .int(s.n_tokens as u64)
            .int(s.n_matches as u64);
        self.frames_cell(matches, cell);
        row.field(&cell[..]);
        terms_cell(matches, cell);
        row.field(&cell[..]);
        if let Some(scores) = &s.scores {
            row.serialized(&self.model_version).field(scores.label).prob(scores.confidence);
            for p in &scores.probs {
                row.prob(*p);
            }
            if let Some(explain) = &scores.explain {
                explain_cell(explain, cell);
                row.field(&cell[..]);
            }
        } else {
            for _ in 0..self.unscored_sentence {
                row.field(b"");
            }
        }
        row.end();
    }

    /// The `frames` cell: the matches' distinct frames in order of first match, `;`-joined.
    fn frames_cell(&self, matches: &[MatchRow<'_>], cell: &mut Vec<u8>) {
        cell.clear();
        for (i, m) in matches.iter().enumerate() {
            let frame = self.entry_frame[m.entry];
            if matches[..i].iter().all(|earlier| self.entry_frame[earlier.entry] != frame) {
                if !cell.is_empty() {
                    cell.push(b';');
                }
                cell.extend_from_slice(self.frames[frame].as_bytes());
            }
        }
    }
}

/// The `terms` cell: the matches' surfaces in order, `;`-joined.
fn terms_cell(matches: &[MatchRow<'_>], cell: &mut Vec<u8>) {
    cell.clear();
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            cell.push(b';');
        }
        cell.extend_from_slice(m.surface.as_bytes());
    }
}

/// The `explain` cell: `feature:+0.123` per feature, `;`-joined.
fn explain_cell(features: &[(String, f64)], cell: &mut Vec<u8>) {
    use std::io::Write as _;
    cell.clear();
    for (i, (feature, contribution)) in features.iter().enumerate() {
        if i > 0 {
            cell.push(b';');
        }
        let _ = write!(cell, "{feature}:{contribution:+.3}");
    }
}

/// The `matches.csv` cells that depend only on the lexicon entry (pattern, frame, target,
/// polarity, weight, and provenance), serialized once per run instead of once per match.
#[derive(Debug, Clone, Default)]
struct EntryCells {
    /// The cells of all entries in one buffer (one allocation, not two per entry).
    bytes: Vec<u8>,
    /// Entry `i`'s five cells from `pattern` to `weight`, comma-joined, are
    /// `bytes[bounds[2i]..bounds[2i + 1]]`, and its `lexicon` cell follows up to `bounds[2i + 2]`.
    bounds: Vec<usize>,
}

impl EntryCells {
    /// The cells of every entry of `lexicon`.
    fn new(lexicon: &Lexicon) -> EntryCells {
        let mut cells = EntryCells { bytes: Vec::new(), bounds: vec![0] };
        let mut provenance = String::new();
        for e in &lexicon.entries {
            CsvRow::new(&mut cells.bytes)
                .field(&e.pattern)
                .field(&e.frame)
                .field(&e.target)
                .signed(i64::from(e.polarity))
                .num(e.weight);
            cells.bounds.push(cells.bytes.len());
            provenance.clear();
            e.write_provenance(&mut provenance);
            CsvRow::new(&mut cells.bytes).field(&provenance);
            cells.bounds.push(cells.bytes.len());
        }
        cells
    }

    /// The five cells from `pattern` to `weight` of entry `entry`, comma-joined.
    fn definition(&self, entry: usize) -> &[u8] {
        &self.bytes[self.bounds[2 * entry]..self.bounds[2 * entry + 1]]
    }

    /// The `lexicon` cell of entry `entry`.
    fn provenance(&self, entry: usize) -> &[u8] {
        &self.bytes[self.bounds[2 * entry + 1]..self.bounds[2 * entry + 2]]
    }
}

/// Bytes that force a CSV field into quotes: the delimiter, the quote and line breaks.
const NEEDS_QUOTES: [bool; 256] = crate::text::byte_set(b",\"\n\r");

/// Appends one CSV record to a byte buffer, field by field, with the quoting of
/// [`csv_writer`] (RFC 4180: quotes only where a field holds a comma, a quote or a line
/// break; quotes doubled) but without its per-field state machine and intermediate
/// buffer: rows are the bulk of the output. Records here always have several fields, so
/// the csv crate's special case of a lone empty field does not arise.
pub struct CsvRow<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

/// Whether a field holds a byte that RFC 4180 quoting is needed for. Two SIMD searches
/// (memchr) beat a table lookup per byte on the sentence-long fields.
fn needs_quotes(value: &[u8]) -> bool {
    if value.len() < 16 {
        return value.iter().any(|&b| NEEDS_QUOTES[usize::from(b)]);
    }
    memchr::memchr3(b',', b'"', b'\n', value).is_some() || memchr::memchr(b'\r', value).is_some()
}

impl<'a> CsvRow<'a> {
    /// Starts a record at the end of `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        CsvRow { out, first: true }
    }

    /// Appends a text field.
    pub fn field(&mut self, value: impl AsRef<[u8]>) -> &mut Self {
        let value = value.as_ref();
        self.separator();
        if needs_quotes(value) {
            self.out.push(b'"');
            // Each `"` doubled; found by SIMD search (most quoted fields have commas only).
            let mut from = 0;
            for quote in memchr::memchr_iter(b'"', value) {
                self.out.extend_from_slice(&value[from..=quote]);
                self.out.push(b'"');
                from = quote + 1;
            }
            self.out.extend_from_slice(&value[from..]);
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(value);
        }
        self
    }

    /// Appends one or more fields already serialized by a `CsvRow` (quoted, comma-joined).
    pub fn serialized(&mut self, cells: &[u8]) -> &mut Self {
        self.separator();
        self.out.extend_from_slice(cells);
        self
    }

    /// Appends a whole record of text fields, line end included (a header).
    pub fn record<S: AsRef<[u8]>>(out: &'a mut Vec<u8>, fields: impl IntoIterator<Item = S>) {
        let mut row = CsvRow::new(out);
        for field in fields {
            row.field(field);
        }
        row.end();
    }

    /// Appends a signed integer field without going through a `String`.
    pub fn signed(&mut self, value: i64) -> &mut Self {
        self.separator();
        if value < 0 {
            self.out.push(b'-');
        }
        push_digits(self.out, value.unsigned_abs());
        self
    }

    /// Appends an unsigned integer field without going through a `String`.
    pub fn int(&mut self, value: u64) -> &mut Self {
        self.separator();
        push_digits(self.out, value);
        self
    }

    /// Appends a number as [`super::fmt_num`] writes it (digits, `.` and `-` need no quoting),
    /// without going through a `String`.
    pub fn num(&mut self, x: f64) -> &mut Self {
        self.separator();
        push_num(self.out, x);
        self
    }

    /// Appends a probability with four decimals, as [`fmt_prob`] writes it.
    pub fn prob(&mut self, p: f64) -> &mut Self {
        match prob_ten_thousandths(p) {
            Some(n) => {
                self.separator();
                self.out.extend_from_slice(&prob_digits(n));
                self
            }
            None => self.field(fmt_prob(p)),
        }
    }

    /// Ends the record with `\n`.
    pub fn end(&mut self) {
        self.out.push(b'\n');
    }

    fn separator(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }
}

/// Appends the `matches.csv` rows (without header) of matches in document `doc_id`.
fn write_matches(out: &mut Vec<u8>, doc_id: &str, rows: &[MatchRow<'_>], entries: &EntryCells) {
    let doc_id = serialized_field(doc_id);
    // Contexts are up to 60 characters each; the rest is short.
    out.reserve(rows.len() * (doc_id.len() + 300));
    for m in rows {
        write_match(out, &doc_id, m, entries);
    }
}

/// One field as a `CsvRow` writes it: quoted where needed, serialized once per document
/// rather than on every row.
fn serialized_field(value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 2);
    CsvRow::new(&mut out).field(value);
    out
}

fn write_match(out: &mut Vec<u8>, doc_id: &[u8], m: &MatchRow<'_>, entries: &EntryCells) {
    CsvRow::new(out)
        .serialized(doc_id)
        .int(u64::from(m.sentence_id))
        .field(m.surface.as_bytes())
        .serialized(entries.definition(m.entry))
        .field(m.voice.as_str())
        .field(m.speaker.as_bytes())
        .field(if m.negated { "true" } else { "false" })
        .int(m.char_start as u64)
        .int(m.char_end as u64)
        .field(m.left_context.as_bytes())
        .field(m.right_context.as_bytes())
        .serialized(entries.provenance(m.entry))
        .end();
}

/// Appends the `documents.csv` row (without header) of document `doc_id`, with `unscored`
/// empty cells after it for the model's shares it does not have.
fn write_document(out: &mut Vec<u8>, doc_id: &str, d: &DocumentRow, unscored: usize) {
    let per_1k = if d.n_tokens == 0 { 0.0 } else { d.n_matches as f64 * 1000.0 / d.n_tokens as f64 };
    let mut row = CsvRow::new(out);
    row.field(doc_id)
        .field(&d.meta.source)
        .field(&d.meta.date)
        .field(&d.meta.title)
        .field(&d.encoding)
        .field(d.lang)
        .int(d.n_sentences as u64)
        .int(d.n_tokens as u64)
        .int(d.n_matches as u64)
        .int(d.n_authorial as u64)
        .int(d.n_quoted as u64)
        .int(d.n_reported as u64)
        .int(d.n_scare_quote as u64)
        .field(fmt_thousandths(per_1k));
    for n in &d.frame_counts {
        row.int(u64::from(*n));
    }
    for s in &d.stance {
        row.num(*s);
    }
    for p in &d.shares {
        row.prob(*p);
    }
    for _ in 0..unscored {
        row.field(b"");
    }
    row.end();
}
