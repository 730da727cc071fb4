//! Report rows and their CSV form: the column contract of every output file.
//!
//! Each file has one row struct and one `header` function; columns that depend on the
//! lexicon (frames, targets) or the model (labels) follow the fixed ones in lexicon/model
//! order. All CSV is UTF-8 with RFC 4180 quoting and `\n` line ends.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use crate::corpus::Metadata;
use crate::lexicon::voice::Voice;
use crate::lexicon::Lexicon;

/// File names inside a report directory.
pub mod files {
    /// One row per sentence.
    pub const SENTENCES: &str = "sentences.csv";
    /// One row per lexicon match.
    pub const MATCHES: &str = "matches.csv";
    /// One row per document.
    pub const DOCUMENTS: &str = "documents.csv";
    /// One row per lexicon entry.
    pub const TERMS: &str = "terms.csv";
    /// One row per skipped input.
    pub const ERRORS: &str = "errors.csv";
    /// Run metadata.
    pub const RUN: &str = "run.json";
    /// Every file a report folder may hold: `--force` replaces a folder of these only.
    pub const ALL: [&str; 6] = [SENTENCES, MATCHES, DOCUMENTS, TERMS, ERRORS, RUN];
}

/// Names of the columns that depend on the run: frames and targets of the lexicon, labels
/// of the model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// Frame names, in lexicon order.
    pub frames: Vec<String>,
    /// Stance targets, in lexicon order.
    pub targets: Vec<String>,
    /// Model labels, empty without a model.
    pub labels: Vec<String>,
    /// Whether `sentences.csv` has an `explain` column.
    pub explain: bool,
}

impl Columns {
    /// Header of `sentences.csv`.
    pub fn sentences_header(&self) -> Vec<String> {
        let mut h: Vec<String> =
            ["doc_id", "sentence_id", "char_start", "char_end", "text", "n_tokens", "n_matches", "frames", "terms"]
                .map(String::from)
                .to_vec();
        if !self.labels.is_empty() {
            h.extend(["model", "label", "confidence"].map(String::from));
            h.extend(self.labels.iter().map(|l| format!("p_{l}")));
            if self.explain {
                h.push("explain".into());
            }
        }
        h
    }

    /// Header of `documents.csv`.
    pub fn documents_header(&self) -> Vec<String> {
        let mut h: Vec<String> = [
            "doc_id",
            "source",
            "date",
            "title",
            "encoding",
            "n_sentences",
            "n_tokens",
            "n_matches",
            "n_authorial",
            "n_quoted",
            "n_scare_quote",
            "matches_per_1k_tokens",
        ]
        .map(String::from)
        .to_vec();
        h.extend(self.frames.iter().map(|f| format!("frame_{f}")));
        h.extend(self.targets.iter().map(|t| format!("stance_{t}")));
        h.extend(self.labels.iter().map(|l| format!("share_{l}")));
        h
    }
}

/// Header of `matches.csv`.
pub const MATCHES_HEADER: [&str; 15] = [
    "doc_id",
    "sentence_id",
    "surface",
    "pattern",
    "frame",
    "target",
    "polarity",
    "weight",
    "voice",
    "negated",
    "char_start",
    "char_end",
    "left_context",
    "right_context",
    "lexicon",
];

/// Header of `terms.csv`.
pub const TERMS_HEADER: [&str; 10] = [
    "pattern",
    "frame",
    "n_matches",
    "n_docs",
    "n_authorial",
    "n_quoted",
    "n_scare_quote",
    "n_negated",
    "top_surfaces",
    "lexicon",
];

/// Header of `errors.csv`.
pub const ERRORS_HEADER: [&str; 3] = ["path", "kind", "message"];

/// Model output for one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceScores<'a> {
    /// Predicted label.
    pub label: &'a str,
    /// Probability of the predicted label.
    pub confidence: f64,
    /// One probability per model label.
    pub probs: Vec<f64>,
    /// Top contributing features with their contributions to the label's logit, when
    /// asked for (`--explain`).
    pub explain: Option<Vec<(String, f64)>>,
}

/// One row of `sentences.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceRow<'a> {
    /// 1-based within the document.
    pub sentence_id: u32,
    /// Character offset of the sentence's first character in the document text.
    pub char_start: usize,
    /// Character offset just past its last character.
    pub char_end: usize,
    /// The sentence, inner whitespace runs collapsed to one space (borrowed from the
    /// document text unless collapsing changed it).
    pub text: Cow<'a, str>,
    /// Whitespace-separated tokens.
    pub n_tokens: usize,
    /// Lexicon matches in the sentence (its [`MatchRow`]s, which carry its `sentence_id`;
    /// the `frames` and `terms` cells are made from them by the writer).
    pub n_matches: usize,
    /// Model output, when a model is used.
    pub scores: Option<SentenceScores<'a>>,
}

/// One row of `matches.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRow<'a> {
    /// Sentence the match is in.
    pub sentence_id: u32,
    /// The matched text, whitespace collapsed.
    pub surface: Cow<'a, str>,
    /// Index of the lexicon entry.
    pub entry: usize,
    /// Who says it.
    pub voice: Voice,
    /// Whether a negator precedes it.
    pub negated: bool,
    /// Character offsets in the document text.
    pub char_start: usize,
    /// Character offset just past the match.
    pub char_end: usize,
    /// Up to 60 characters before the match within the sentence.
    pub left_context: Cow<'a, str>,
    /// Up to 60 characters after the match within the sentence.
    pub right_context: Cow<'a, str>,
}

/// One row of `documents.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    /// Metadata.
    pub meta: Metadata,
    /// Encoding decoded from.
    pub encoding: String,
    /// Sentences.
    pub n_sentences: usize,
    /// Tokens over all sentences.
    pub n_tokens: usize,
    /// Matches.
    pub n_matches: usize,
    /// Matches in the author's voice.
    pub n_authorial: usize,
    /// Matches inside quotations.
    pub n_quoted: usize,
    /// Matches in scare quotes.
    pub n_scare_quote: usize,
    /// Matches per frame, in [`Columns::frames`] order.
    pub frame_counts: Vec<u32>,
    /// Sum of polarity × weight over authorial, non-negated matches, per target.
    pub stance: Vec<f64>,
    /// Mean probability per model label over the sentences.
    pub shares: Vec<f64>,
}

/// Everything one document contributes to the reports.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentReport<'a> {
    /// Document id.
    pub doc_id: String,
    /// Its `documents.csv` row.
    pub document: DocumentRow,
    /// Its sentences.
    pub sentences: Vec<SentenceRow<'a>>,
    /// Its matches, in text order.
    pub matches: Vec<MatchRow<'a>>,
}

/// "00", "01", … "99": the two digits of each number below 100.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// The resolution of [`fmt_num`]: six decimals.
const MILLIONTHS: u64 = 1_000_000;

/// Formats a number for CSV: integers without a decimal point, others with up to six
/// decimals and no trailing zeros, so that output is stable and spreadsheet-friendly.
/// Rounds like `format!("{x:.6}")` (see [`round_scaled`]), without its slow exact path
/// (every document row has a stance cell per target).
pub fn fmt_num(x: f64) -> String {
    let mut out = Vec::new();
    push_num(&mut out, x);
    String::from_utf8(out).expect("numbers are written in ASCII")
}

/// Appends [`fmt_num`] of `x` to `out`, without a `String` of its own (stance cells).
fn push_num(out: &mut Vec<u8>, x: f64) {
    match round_scaled(x, MILLIONTHS) {
        Some(0) => out.push(b'0'), // also -0.0 and what rounds to it
        Some(n) => {
            if x < 0.0 {
                out.push(b'-');
            }
            push_digits(out, n / MILLIONTHS);
            let mut fraction = n % MILLIONTHS;
            if fraction > 0 {
                // Six decimals without their trailing zeros: the leading ones are padded.
                let mut width = 6;
                while fraction.is_multiple_of(10) {
                    fraction /= 10;
                    width -= 1;
                }
                out.push(b'.');
                let digits = fraction.ilog10() as usize + 1;
                out.extend(std::iter::repeat_n(b'0', width - digits));
                push_digits(out, fraction);
            }
        }
        None => out.extend_from_slice(fmt_num_exact(x).as_bytes()), // NaN, infinities, |x| ≥ 10^12
    }
}

/// [`fmt_num`] through the standard formatter: its definition, and its path for numbers
/// outside [`round_scaled`]'s range.
fn fmt_num_exact(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Formats a non-negative number with three decimals, as `format!("{x:.3}")` does.
pub fn fmt_thousandths(x: f64) -> String {
    match round_scaled(x, 1000) {
        Some(n) if x.is_sign_positive() => format!("{}.{:03}", n / 1000, n % 1000),
        _ => format!("{x:.3}"),
    }
}

/// Formats a probability with four decimals.
pub fn fmt_prob(p: f64) -> String {
    match prob_ten_thousandths(p) {
        Some(n) => prob_digits(n).into_iter().map(char::from).collect(),
        None => format!("{p:.4}"),
    }
}

/// `p` (in 0..=1) rounded to ten-thousandths as `format!("{p:.4}")` rounds (15 % of
/// `analyze` with a model went to formatting four probabilities per sentence). `None`
/// outside 0..=1 or for NaN.
fn prob_ten_thousandths(p: f64) -> Option<u64> {
    if !(0.0..=1.0).contains(&p) {
        return None;
    }
    round_scaled(p, 10_000)
}

/// |x| · `scale` (at most 10^6) rounded to an integer exactly as `format!` rounds to that
/// many decimals: from the exact binary value, ties to even. Computed with integers
/// because float formatting with a precision takes a slow exact path. `None` for NaN,
/// infinities and |x| ≥ 10^12.
fn round_scaled(x: f64, scale: u64) -> Option<u64> {
    let x = x.abs();
    if x.is_nan() || x >= 1e12 {
        return None;
    }
    if x == 0.0 {
        return Some(0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa · 2^-shift, with shift ≥ 13 below 10^12 (subnormals: exponent −1074).
    let (mantissa, shift) =
        if biased == 0 { (fraction, 1074) } else { (fraction | (1u64 << 52), (1075 - biased) as u32) };
    if shift >= 128 {
        return Some(0); // below 2^-75: far under half a millionth
    }
    // At most 2^53 · 10^6 < 2^73: no overflow.
    let scaled = u128::from(mantissa) * u128::from(scale);
    let whole = scaled >> shift;
    let rest = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let round_up = rest > half || (rest == half && whole % 2 == 1);
    Some(whole as u64 + u64::from(round_up))
}

/// The digits of `n` ten-thousandths (n ≤ 10,000): `0.1234`, `1.0000`.
fn prob_digits(n: u64) -> [u8; 6] {
    let d = |k: u64| b'0' + (n / k % 10) as u8;
    [d(10_000), b'.', d(1_000), d(100), d(10), d(1)]
}

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
    /// Frame names, in [`Columns::frames`] order.
    frames: Vec<String>,
    /// Index in `frames` of each lexicon entry's frame.
    entry_frame: Vec<usize>,
    /// `NAME@hash` of the model as a serialized cell (empty without a model).
    model_version: Vec<u8>,
}

impl CsvFormat {
    /// The format of the rows of a run with `lexicon` and a model of `model_version`.
    pub fn new(lexicon: &Lexicon, model_version: Option<&str>) -> CsvFormat {
        let frames = lexicon.frames();
        let entry_frame =
            lexicon.entries.iter().map(|e| frames.iter().position(|f| *f == e.frame).unwrap_or(0)).collect();
        CsvFormat {
            entries: EntryCells::new(lexicon),
            frames,
            entry_frame,
            model_version: serialized_field(model_version.unwrap_or("")),
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
        write_document(&mut out.documents, &report.doc_id, &report.document);
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

    /// Appends a number as [`fmt_num`] writes it (digits, `.` and `-` need no quoting),
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

/// Appends the decimal digits of `value` to `out`.
fn push_digits(out: &mut Vec<u8>, value: u64) {
    // Counts are mostly one digit.
    if value < 10 {
        out.push(b'0' + value as u8);
        return;
    }
    let small = match u32::try_from(value) {
        Ok(v) if v < 100_000_000 => v,
        _ => return push_long_digits(out, value),
    };
    // Offsets and counts have fewer than nine digits: all eight are made two at a time,
    // without a branch on the length, and one fixed eight-byte copy is cut back to the
    // digits that count. A digit-by-digit loop mispredicts its exit on varying lengths
    // (standalone measurement: 9.5 -> 6.7 ns a number).
    let n = small.ilog10() as usize + 1;
    let (high, low) = (small / 10_000, small % 10_000);
    let mut eight = [0u8; 8];
    for (at, pair) in [(0, high / 100), (2, high % 100), (4, low / 100), (6, low % 100)] {
        let pair = 2 * pair as usize;
        eight[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    // Little-endian: shifting right drops the leading zeros at the front.
    let digits = u64::from_le_bytes(eight) >> ((8 - n) * 8);
    out.extend_from_slice(&digits.to_le_bytes());
    out.truncate(out.len() - (8 - n));
}

/// The decimal digits of a `value` of nine digits or more, one at a time.
fn push_long_digits(out: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut v = value;
    while v > 0 {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&digits[at..]);
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
        .field(if m.negated { "true" } else { "false" })
        .int(m.char_start as u64)
        .int(m.char_end as u64)
        .field(m.left_context.as_bytes())
        .field(m.right_context.as_bytes())
        .serialized(entries.provenance(m.entry))
        .end();
}

/// Appends the `documents.csv` row (without header) of document `doc_id`.
pub fn write_document(out: &mut Vec<u8>, doc_id: &str, d: &DocumentRow) {
    let per_1k = if d.n_tokens == 0 { 0.0 } else { d.n_matches as f64 * 1000.0 / d.n_tokens as f64 };
    let mut row = CsvRow::new(out);
    row.field(doc_id)
        .field(&d.meta.source)
        .field(&d.meta.date)
        .field(&d.meta.title)
        .field(&d.encoding)
        .int(d.n_sentences as u64)
        .int(d.n_tokens as u64)
        .int(d.n_matches as u64)
        .int(d.n_authorial as u64)
        .int(d.n_quoted as u64)
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
    row.end();
}

/// Per-entry counts for `terms.csv`; adds up over documents in any order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermStats {
    /// Matches.
    pub n_matches: u64,
    /// Documents with at least one match.
    pub n_docs: u64,
    /// Authorial matches.
    pub n_authorial: u64,
    /// Quoted matches.
    pub n_quoted: u64,
    /// Scare-quoted matches.
    pub n_scare_quote: u64,
    /// Negated matches.
    pub n_negated: u64,
    /// How often each surface form (lower-cased) occurred.
    pub surfaces: BTreeMap<String, u64>,
}

/// How many surface forms `terms.csv` lists per entry.
pub const TOP_SURFACES: usize = 5;

impl TermStats {
    /// Counts one match.
    pub fn add_match(&mut self, surface: &str, voice: Voice, negated: bool) {
        self.add_match_with(surface, voice, negated, &mut String::new());
    }

    /// [`TermStats::add_match`] with a reusable buffer for the lower-cased surface, so that
    /// a surface already counted costs no allocation.
    fn add_match_with(&mut self, surface: &str, voice: Voice, negated: bool, lower: &mut String) {
        self.n_matches += 1;
        match voice {
            Voice::Authorial => self.n_authorial += 1,
            Voice::Quoted => self.n_quoted += 1,
            Voice::ScareQuote => self.n_scare_quote += 1,
        }
        self.n_negated += u64::from(negated);
        // Lower-case ASCII is its own lower case; anything else goes through to_lowercase.
        let key = if surface.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            surface
        } else {
            // Σ is CE A3, and A3 is no lead byte: a byte search finds it without decoding.
            if memchr::memchr(0xA3, surface.as_bytes()).is_some() && surface.contains('Σ') {
                // Only capital sigma lower-cases by context (final ς): leave it to the library.
                *lower = surface.to_lowercase();
            } else {
                crate::text::lowercase_into(surface, lower);
            }
            lower.as_str()
        };
        match self.surfaces.get_mut(key) {
            Some(count) => *count += 1,
            None => {
                self.surfaces.insert(key.to_owned(), 1);
            }
        }
    }

    /// Adds another partial count (from another document or shard).
    pub fn merge(&mut self, other: &TermStats) {
        self.n_matches += other.n_matches;
        self.n_docs += other.n_docs;
        self.n_authorial += other.n_authorial;
        self.n_quoted += other.n_quoted;
        self.n_scare_quote += other.n_scare_quote;
        self.n_negated += other.n_negated;
        for (s, n) in &other.surfaces {
            // Most surfaces are already counted: look up before cloning the key.
            match self.surfaces.get_mut(s) {
                Some(count) => *count += n,
                None => {
                    self.surfaces.insert(s.clone(), *n);
                }
            }
        }
    }

    /// The most frequent surfaces as `form (n); form (n)`, ties in alphabetical order.
    pub fn top_surfaces(&self) -> String {
        let mut v: Vec<(&String, &u64)> = self.surfaces.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        v.iter().take(TOP_SURFACES).map(|(s, n)| format!("{s} ({n})")).collect::<Vec<_>>().join("; ")
    }
}

/// Term statistics gathered over many documents, by lexicon entry: what a worker fills for a
/// batch of documents and the writer adds up over the run.
#[derive(Debug, Clone, Default)]
pub struct TermTally {
    /// Indexed by lexicon entry; grown to the largest entry seen.
    stats: Vec<TermStats>,
    /// Per entry: 1 + the number of the document last counted in `n_docs` (0: none yet).
    last_doc: Vec<u64>,
    /// Reused for lower-casing surfaces.
    lower: String,
}

impl TermTally {
    /// Counts the matches of document number `doc` (any number unique to the document).
    /// Calls for consecutive parts of one document, with the same `doc`, count it once.
    pub fn add_document(&mut self, doc: u64, matches: &[MatchRow<'_>]) {
        for m in matches {
            if m.entry >= self.stats.len() {
                self.stats.resize_with(m.entry + 1, TermStats::default);
                self.last_doc.resize(m.entry + 1, 0);
            }
            let stats = &mut self.stats[m.entry];
            stats.add_match_with(&m.surface, m.voice, m.negated, &mut self.lower);
            if self.last_doc[m.entry] != doc + 1 {
                self.last_doc[m.entry] = doc + 1;
                stats.n_docs += 1;
            }
        }
    }

    /// Adds another tally over other documents.
    pub fn merge(&mut self, other: &TermTally) {
        if other.stats.len() > self.stats.len() {
            self.stats.resize_with(other.stats.len(), TermStats::default);
            self.last_doc.resize(other.stats.len(), 0);
        }
        for (mine, theirs) in self.stats.iter_mut().zip(&other.stats) {
            if theirs.n_matches > 0 {
                mine.merge(theirs);
            }
        }
    }

    /// The statistics of lexicon entry `entry`, if it matched.
    pub fn get(&self, entry: usize) -> Option<&TermStats> {
        self.stats.get(entry).filter(|s| s.n_matches > 0)
    }
}

/// Identity of a `terms.csv` row: the lexicon entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermKey<'a> {
    /// Pattern as written (borrowed from the lexicon entry when there is one).
    pub pattern: Cow<'a, str>,
    /// Frame.
    pub frame: Cow<'a, str>,
    /// `file:line` of the entry.
    pub provenance: String,
}

/// The `terms.csv` keys of a lexicon: its inclusion entries in lexicon order, with their
/// entry indices.
pub fn term_keys(lexicon: &Lexicon) -> Vec<(usize, TermKey<'_>)> {
    lexicon
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.exclusion)
        .map(|(i, e)| {
            let key = TermKey {
                pattern: Cow::Borrowed(&e.pattern),
                frame: Cow::Borrowed(&e.frame),
                provenance: e.provenance(),
            };
            (i, key)
        })
        .collect()
}

/// Writes `terms.csv`: the header, then one row per key in the given order. Rows are
/// serialized by [`CsvRow`] (quoted as [`csv_writer`] quotes) and written in blocks.
pub fn write_terms<'a>(
    w: &mut impl Write,
    rows: impl Iterator<Item = (&'a TermKey<'a>, Option<&'a TermStats>)>,
) -> std::io::Result<()> {
    const BLOCK: usize = 64 << 10;
    let mut buf = Vec::with_capacity(BLOCK + 1024);
    CsvRow::record(&mut buf, TERMS_HEADER);
    let empty = TermStats::default();
    for (key, stats) in rows {
        let s = stats.unwrap_or(&empty);
        CsvRow::new(&mut buf)
            .field(key.pattern.as_bytes())
            .field(key.frame.as_bytes())
            .int(s.n_matches)
            .int(s.n_docs)
            .int(s.n_authorial)
            .int(s.n_quoted)
            .int(s.n_scare_quote)
            .int(s.n_negated)
            .field(s.top_surfaces())
            .field(&key.provenance)
            .end();
        if buf.len() >= BLOCK {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_stably() {
        assert_eq!(fmt_num(1.0), "1");
        assert_eq!(fmt_num(1.5), "1.5");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(-2.25), "-2.25");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(-12.0), "-12");
        assert_eq!(fmt_num(-5.2), "-5.2");
        // From the exact binary values, as Python's "%.6f" rounds them too.
        assert_eq!(fmt_num(2.0000005), "2.000001");
        assert_eq!(fmt_num(1.0000025), "1.000002");
        assert_eq!(fmt_num(0.0078125), "0.007812"); // an exact tie: to even
        assert_eq!(fmt_num(3.0 / 128.0), "0.023438");
        assert_eq!(fmt_num(0.0000015), "0.000002");
        assert_eq!(fmt_num(3e12), "3000000000000");
        assert_eq!(fmt_num(f64::NAN), "NaN");
        assert_eq!(fmt_thousandths(22.7722772), "22.772");
        assert_eq!(fmt_thousandths(0.0), "0.000");
        assert_eq!(fmt_prob(0.123456), "0.1235");
    }

    #[test]
    fn top_surfaces_by_count_then_alphabet() {
        let mut t = TermStats::default();
        for s in ["Besatzern", "Besatzer", "besatzer", "Besatzers", "Besatzern"] {
            t.add_match(s, Voice::Authorial, false);
        }
        assert_eq!(t.top_surfaces(), "besatzer (2); besatzern (2); besatzers (1)");
    }

    #[test]
    fn headers_follow_the_documented_order() {
        let c = Columns {
            frames: vec!["occupation".into()],
            targets: vec!["russia".into()],
            labels: vec!["neg".into(), "pos".into()],
            explain: false,
        };
        assert_eq!(
            c.sentences_header().join(","),
            "doc_id,sentence_id,char_start,char_end,text,n_tokens,n_matches,frames,terms,model,label,confidence,p_neg,p_pos"
        );
        assert_eq!(
            c.documents_header().join(","),
            "doc_id,source,date,title,encoding,n_sentences,n_tokens,n_matches,n_authorial,n_quoted,n_scare_quote,\
             matches_per_1k_tokens,frame_occupation,stance_russia,share_neg,share_pos"
        );
    }
}

#[cfg(test)]
mod csv_row_tests {
    use super::*;
    use proptest::prelude::*;

    /// The csv crate's writer with the report settings: the reference for [`CsvRow`].
    fn with_csv_crate(fields: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = csv_writer(&mut out);
        w.write_record(fields).expect("write");
        w.flush().expect("flush");
        drop(w);
        out
    }

    fn with_csv_row(fields: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut row = CsvRow::new(&mut out);
        for f in fields {
            row.field(f);
        }
        row.end();
        out
    }

    #[test]
    fn quotes_exactly_where_needed() {
        let fields: Vec<String> =
            ["a", "", "b,c", "sagte \"nein\"", "line\nbreak", "cr\r", "„Befreiung“", "'x'"].map(String::from).to_vec();
        let want = "a,,\"b,c\",\"sagte \"\"nein\"\"\",\"line\nbreak\",\"cr\r\",„Befreiung“,'x'\n";
        assert_eq!(String::from_utf8(with_csv_row(&fields)).expect("utf8"), want);
        assert_eq!(with_csv_crate(&fields), want.as_bytes());
    }

    #[test]
    fn integers_are_written_in_decimal() {
        let mut out = Vec::new();
        // 9 and 10: either side of the one-digit shortcut.
        CsvRow::new(&mut out).int(0).int(7).int(9).int(10).int(1234567890).int(u64::MAX).end();
        assert_eq!(out, b"0,7,9,10,1234567890,18446744073709551615\n");
    }

    #[test]
    fn probabilities_round_like_the_standard_formatter() {
        // Exact binary ties (k/32 = k·312.5 ten-thousandths) go to the even digit, the
        // extremes and tiny values are exact.
        for p in [0.0, 1.0, 0.03125, 0.09375, 0.15625, 0.5, 0.99995, 0.00005, 1e-300, 5e-324, 0.123_449_999_999] {
            assert_eq!(fmt_prob(p), format!("{p:.4}"), "{p}");
        }
        assert_eq!(fmt_prob(0.03125), "0.0312");
        assert_eq!(fmt_prob(0.09375), "0.0938");
        assert_eq!(fmt_prob(-0.5), "-0.5000");
        assert_eq!(fmt_prob(f64::NAN), "NaN");
    }

    fn match_row(entry: usize, surface: &str, voice: Voice) -> MatchRow<'_> {
        MatchRow {
            sentence_id: 1,
            surface: Cow::Borrowed(surface),
            entry,
            voice,
            negated: false,
            char_start: 0,
            char_end: 0,
            left_context: Cow::Borrowed(""),
            right_context: Cow::Borrowed(""),
        }
    }

    #[test]
    fn tally_counts_a_document_once_per_entry_also_over_parts() {
        let mut a = TermTally::default();
        // Document 0 in two parts, entry 2 in both: one document.
        a.add_document(0, &[match_row(2, "Besatzer", Voice::Authorial), match_row(0, "Befreiung", Voice::Quoted)]);
        a.add_document(0, &[match_row(2, "BESATZER", Voice::ScareQuote)]);
        let mut b = TermTally::default();
        b.add_document(1, &[match_row(2, "Besatzern", Voice::Authorial), match_row(2, "besatzer", Voice::Authorial)]);
        a.merge(&b);
        let s = a.get(2).expect("entry 2 matched");
        assert_eq!((s.n_matches, s.n_docs, s.n_authorial, s.n_quoted, s.n_scare_quote), (4, 2, 3, 0, 1));
        assert_eq!(s.top_surfaces(), "besatzer (3); besatzern (1)");
        assert_eq!(a.get(0).map(|s| (s.n_matches, s.n_docs, s.n_quoted)), Some((1, 1, 1)));
        assert!(a.get(1).is_none(), "entry 1 never matched");
        assert!(a.get(7).is_none(), "beyond the largest entry seen");
    }

    proptest! {
        #[test]
        fn fmt_num_equals_the_format_reference(x in -1e6f64..1e6, n in -10_000_000i64..10_000_000, nudge in -4i64..=4) {
            prop_assert_eq!(fmt_num(x), fmt_num_exact(x));
            // Near ties of the sixth decimal and exact multiples of a millionth.
            let near = n as f64 / 2e6 + nudge as f64 * f64::EPSILON;
            prop_assert_eq!(fmt_num(near), fmt_num_exact(near));
            let sum = n as f64 * 0.5 + nudge as f64 * 1.5;
            prop_assert_eq!(fmt_num(sum), fmt_num_exact(sum));
            // Exact ties of the sixth decimal: odd multiples of 2^-7 (= 7812.5 millionths).
            let tie = (2 * n + 1) as f64 / 128.0;
            prop_assert_eq!(fmt_num(tie), fmt_num_exact(tie));
        }

        #[test]
        fn int_fields_are_the_decimal_digits(v in proptest::num::u64::ANY, small in 0u64..200_000_000) {
            for x in [v, small, v % 100, 99_999_999, 100_000_000, u64::MAX] {
                let mut out = Vec::new();
                CsvRow::new(&mut out).int(x).int(x);
                prop_assert_eq!(String::from_utf8(out).unwrap(), format!("{x},{x}"));
            }
            for x in [v as i64, -(small as i64), -1, 0, 1, i64::MIN, i64::MAX] {
                let mut out = Vec::new();
                CsvRow::new(&mut out).signed(x).signed(x);
                prop_assert_eq!(String::from_utf8(out).unwrap(), format!("{x},{x}"));
            }
        }

        #[test]
        fn num_fields_are_fmt_num_fields(whole in -100_000i64..100_000, n in -10_000_000i64..10_000_000) {
            // Also tiny negatives, which round to zero and are written without a sign.
            for x in [whole as f64, n as f64 / 1e6, n as f64 / 2e6 + 0.5, -(n.abs() as f64) / 1e14, -0.0, 1e12, f64::NAN] {
                let mut direct = Vec::new();
                CsvRow::new(&mut direct).int(7).num(x);
                let mut formatted = Vec::new();
                CsvRow::new(&mut formatted).int(7).field(fmt_num_exact(x));
                prop_assert_eq!(String::from_utf8(direct).unwrap(), String::from_utf8(formatted).unwrap());
            }
        }

        #[test]
        fn fmt_thousandths_equals_format(x in 0.0f64..2000.0, n in 0u64..2_000_000) {
            prop_assert_eq!(fmt_thousandths(x), format!("{x:.3}"));
            let tie = n as f64 / 2000.0;
            prop_assert_eq!(fmt_thousandths(tie), format!("{tie:.3}"));
        }

        #[test]
        fn fmt_prob_equals_format_for_any_probability(p in 0.0f64..=1.0) {
            prop_assert_eq!(fmt_prob(p), format!("{p:.4}"));
        }

        #[test]
        fn fmt_prob_equals_format_near_ties(n in 0u64..10_000, nudge in -4i64..=4) {
            let p = f64::from_bits(((n as f64 + 0.5) / 20_000.0 * 2.0).to_bits().wrapping_add_signed(nudge)) / 2.0;
            prop_assume!((0.0..=1.0).contains(&p));
            prop_assert_eq!(fmt_prob(p), format!("{p:.4}"));
        }

        /// The surface key is the library's lower case of any surface, with the buffer reused.
        #[test]
        fn surface_keys_are_lower_case(surfaces in proptest::collection::vec("[a-zA-ZäÄßẞİΣσς ]{1,12}", 1..6)) {
            let mut stats = TermStats::default();
            let mut buf = String::from("leftover");
            for s in &surfaces {
                stats.add_match_with(s, Voice::Authorial, false, &mut buf);
            }
            let mut want = TermStats::default();
            for s in &surfaces {
                *want.surfaces.entry(s.to_lowercase()).or_default() += 1;
            }
            prop_assert_eq!(stats.surfaces, want.surfaces);
        }

        /// Byte-identical to the csv crate for any fields of two or more (one lone empty
        /// field is the crate's special case, which rows never are).
        #[test]
        fn csv_row_equals_the_csv_crate(fields in proptest::collection::vec("[a-z,\"\n\r ;„“ä]{0,12}|[a-z ä]{30,70}[a-z,\"\n\r]?[a-z ]{0,40}", 2..8)) {
            prop_assert_eq!(with_csv_row(&fields), with_csv_crate(&fields));
        }
    }
}
