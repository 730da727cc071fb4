//! Reviewing in a spreadsheet: drawing sentences of a report for people to code
//! ([`sample`]), writing and reading the sheets ([`xlsx`], [`sheet`]), turning coded sheets
//! into training data ([`coded`]) and measuring how well coders agree ([`stats`]).
//!
//! Library code returns typed rows and [`ReviewError`]s; only `cli` prints.

pub mod coded;
pub mod export;
pub mod sample;
pub mod sheet;
pub mod stats;
pub mod xlsx;

use std::path::PathBuf;

/// Name of the coding sheet in a review workbook.
pub const REVIEW_SHEET: &str = "review";
/// Name of the codebook sheet (label, description, how to code).
pub const CODEBOOK_SHEET: &str = "codebook";
/// Name of the sheet with the facts of the run.
pub const ABOUT_SHEET: &str = "about";

/// The columns of a review sheet, in order. `label_predicted` and `confidence` are left out
/// when the report has no model; `coder` only in per-coder sheets.
pub mod columns {
    /// Stable id of the sentence (see [`super::review_id`]).
    pub const REVIEW_ID: &str = "review_id";
    /// Document id.
    pub const DOC_ID: &str = "doc_id";
    /// Sentence number in the document.
    pub const SENTENCE_ID: &str = "sentence_id";
    /// The document's source.
    pub const SOURCE: &str = "source";
    /// The document's date.
    pub const DATE: &str = "date";
    /// The sentence before.
    pub const PREVIOUS: &str = "previous";
    /// The sentence to code.
    pub const TEXT: &str = "text";
    /// The sentence after.
    pub const NEXT: &str = "next";
    /// Matched terms.
    pub const TERMS: &str = "terms";
    /// Frames of the matches.
    pub const FRAMES: &str = "frames";
    /// Voices of the matches.
    pub const VOICES: &str = "voices";
    /// The model's label.
    pub const LABEL_PREDICTED: &str = "label_predicted";
    /// The model's probability of it.
    pub const CONFIDENCE: &str = "confidence";
    /// The coder's label.
    pub const LABEL: &str = "label";
    /// The coder's comment.
    pub const COMMENT: &str = "comment";
    /// The coder's name.
    pub const CODER: &str = "coder";
    /// Hash of the text as drawn, so an edited text is noticed on import.
    pub const TEXT_CHECK: &str = "text_check";
}

/// The stable id of a sentence: the first 12 hex digits of sha256(`doc_id` NUL
/// `sentence_id`), the same in every round, so sheets of different rounds can be joined.
pub fn review_id(doc_id: &str, sentence_id: &str) -> String {
    let mut bytes = Vec::with_capacity(doc_id.len() + sentence_id.len() + 1);
    bytes.extend_from_slice(doc_id.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(sentence_id.as_bytes());
    crate::hash::sha256_hex(&bytes)[..12].to_string()
}

/// The check value of a sentence's text: 8 hex digits of its sha256.
pub fn text_check(text: &str) -> String {
    crate::hash::sha256_hex(text.as_bytes())[..8].to_string()
}

/// A problem at a row of a sheet, shown as `file:sheet:row: message` with the row number
/// the spreadsheet shows (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// The sheet (for a CSV file its stem, the name a spreadsheet gives it).
    pub sheet: String,
    /// 1-based row as the spreadsheet numbers it (0: the sheet as a whole).
    pub row: u32,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.row == 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.sheet, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file.display(), self.sheet, self.row, self.message)
        }
    }
}

/// Why a review command cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// A file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A workbook cannot be read.
    #[error("{path}: cannot read the workbook: {message}")]
    Workbook {
        /// The file.
        path: PathBuf,
        /// What the reader said.
        message: String,
    },
    /// A workbook cannot be written.
    #[error("cannot write the workbook: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    /// A CSV file is malformed.
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Problems in rows of sheets, all of them.
    #[error("{} problem(s) in the sheets", .0.len())]
    Rows(Vec<Problem>),
    /// A bad request (no labels, an empty report, …).
    #[error("{0}")]
    Invalid(String),
}

impl ReviewError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ReviewError {
        ReviewError::Io { path: path.into(), source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_ids_are_stable_and_short() {
        let id = review_id("globe/2024/a.md", "5");
        assert_eq!(id.len(), 12);
        assert_eq!(id, review_id("globe/2024/a.md", "5"));
        assert_ne!(id, review_id("globe/2024/a.md", "6"));
        // The separator keeps `a1`+`2` apart from `a`+`12`.
        assert_ne!(review_id("a1", "2"), review_id("a", "12"));
    }

    #[test]
    fn problems_name_file_sheet_and_row() {
        let p = Problem { file: "r.xlsx".into(), sheet: "review".into(), row: 7, message: "unknown label".into() };
        assert_eq!(p.to_string(), "r.xlsx:review:7: unknown label");
    }
}
