//! Report rows and their CSV form: the column contract of every output file.
//!
//! The analysis hands over typed rows ([`SentenceRow`], [`MatchRow`], [`DocumentRow`]);
//! only this module formats them. Each file has one row struct and one header; columns
//! that depend on the lexicon (frames, targets) or the model (labels) follow the fixed ones
//! in lexicon/model order. All CSV is UTF-8 with RFC 4180 quoting and `\n` line ends.
//!
//! - [`csv`]: the CSV writer and how a run's rows become cells;
//! - [`numfmt`]: number formatting (stable, locale-free);
//! - [`terms`]: `terms.csv`, counted per lexicon entry over documents;
//! - [`run`]: the facts of a run (`run.json`, counts, shards) that `analyze` and `merge` share.

pub mod csv;
pub mod numfmt;
pub mod run;
pub mod terms;

use std::borrow::Cow;

pub use self::csv::{csv_writer, CsvFormat, CsvRow, DocumentCsv};
pub use numfmt::{fmt_num, fmt_prob, fmt_thousandths};
pub use terms::{term_keys, write_terms, TermKey, TermStats, TermTally, TOP_SURFACES};

use crate::corpus::Metadata;
use crate::lexicon::voice::Voice;

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
    /// The report as one workbook (`analyze --xlsx`).
    pub const XLSX: &str = "report.xlsx";
    /// Every file a report folder may hold: `--force` replaces a folder of these only.
    pub const ALL: [&str; 7] = [SENTENCES, MATCHES, DOCUMENTS, TERMS, ERRORS, RUN, XLSX];
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
            "lang",
            "n_sentences",
            "n_tokens",
            "n_matches",
            "n_authorial",
            "n_quoted",
            "n_reported",
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
pub const MATCHES_HEADER: [&str; 16] = [
    "doc_id",
    "sentence_id",
    "surface",
    "pattern",
    "frame",
    "target",
    "polarity",
    "weight",
    "voice",
    "speaker",
    "negated",
    "char_start",
    "char_end",
    "left_context",
    "right_context",
    "lexicon",
];

/// Header of `terms.csv`.
pub const TERMS_HEADER: [&str; 11] = [
    "pattern",
    "frame",
    "n_matches",
    "n_docs",
    "n_authorial",
    "n_quoted",
    "n_reported",
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
    /// Whose words these are, for quoted and reported matches, as the text names them
    /// (empty when no speaker is named, and for authorial and scare-quote matches).
    pub speaker: Cow<'a, str>,
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
    /// The language identified in the document (see [`crate::lang::identify`]): `de`,
    /// `en`, another ISO 639-3 code, or empty.
    pub lang: &'static str,
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
    /// Matches in reported speech.
    pub n_reported: usize,
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

#[cfg(test)]
mod tests;
