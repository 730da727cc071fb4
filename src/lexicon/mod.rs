//! Researcher-editable lexicons of loaded terms and the matcher that finds them.
//!
//! CONTRACT (used by pipeline, cli and features; keep these signatures):
//! - [`Lexicon::load`] reads and validates CSV files; [`Lexicon::bundled`] gives the lexicon
//!   compiled into the binary for a language.
//! - [`Matcher::new`] compiles a lexicon into one automaton; [`Matcher::find_into`] appends
//!   the non-overlapping matches in a text, sorted by start, exclusions already applied.
//! - [`voice`] tells per match who says it (authorial, quoted, scare quote) and whether it is
//!   negated.

pub mod voice;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::Lang;

/// One row of a lexicon file.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The pattern as written, without a leading `!`.
    pub pattern: String,
    /// Frame name, e.g. `occupation`.
    pub frame: String,
    /// Target of the stance, e.g. `israel`; empty when none.
    pub target: String,
    /// -1, 0 or 1.
    pub polarity: i8,
    /// Weight of the entry (default 1).
    pub weight: f64,
    /// Researcher's note.
    pub note: String,
    /// `!pattern`: text matched by it is kept out of the results.
    pub exclusion: bool,
    /// File name the entry came from (as given, e.g. `lexicons/de/conflict.csv`).
    pub file: String,
    /// 1-based line number in that file.
    pub line: usize,
}

impl Entry {
    /// `file:line`, the provenance written to reports.
    pub fn provenance(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// A loaded lexicon file, with its content hash for `run.json` and model files.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconFile {
    /// Path as given.
    pub path: String,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
}

/// All entries of one or more lexicon files, in file then line order.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// The entries, inclusions and exclusions, in order of the files and lines.
    pub entries: Vec<Entry>,
    /// The files they came from.
    pub files: Vec<LexiconFile>,
}

/// One problem found in a lexicon file; displays as `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File path as given.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
    }
}

/// Why a lexicon could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has problems; all of them are listed.
    #[error("{} problem(s) in lexicon, first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Invalid(Vec<Problem>),
}

impl Lexicon {
    /// Reads and validates the files; every problem in every file is reported at once.
    pub fn load(paths: &[PathBuf]) -> Result<Lexicon, LexiconError> {
        let _ = paths;
        Ok(Lexicon::default()) // STUB
    }

    /// The lexicon compiled into the binary for `lang` (`lexicons/<lang>/conflict.csv`).
    pub fn bundled(lang: Lang) -> Lexicon {
        let _ = lang;
        Lexicon::default() // STUB
    }

    /// Distinct frame names in first-seen order (inclusions only).
    pub fn frames(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.entries.iter().filter(|e| !e.exclusion) {
            if !out.contains(&e.frame) {
                out.push(e.frame.clone());
            }
        }
        out
    }

    /// Distinct non-empty targets in first-seen order (inclusions only).
    pub fn targets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.entries.iter().filter(|e| !e.exclusion && !e.target.is_empty()) {
            if !out.contains(&e.target) {
                out.push(e.target.clone());
            }
        }
        out
    }
}

/// Lists every problem in one lexicon file (empty when the file is fine).
pub fn check_file(path: &Path) -> Result<Vec<Problem>, LexiconError> {
    let _ = path;
    Ok(Vec::new()) // STUB
}

/// A match of a lexicon entry in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte span in the searched text.
    pub span: Range<usize>,
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
}

/// A lexicon compiled into one automaton.
#[derive(Debug, Clone)]
pub struct Matcher {}

impl Matcher {
    /// Compiles the lexicon.
    pub fn new(lexicon: &Lexicon) -> Matcher {
        let _ = lexicon;
        Matcher {} // STUB
    }

    /// Appends the matches in `text` to `out` (not cleared): non-overlapping, sorted by
    /// start; overlaps resolved longest first, then earlier lexicon line; exclusions applied.
    pub fn find_into(&self, text: &str, out: &mut Vec<Hit>) {
        let _ = (text, out); // STUB
    }
}
