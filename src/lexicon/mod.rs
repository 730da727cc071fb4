//! Researcher-editable lexicons of loaded terms and the matcher that finds them.
//!
//! CONTRACT (used by pipeline, cli and features; keep these signatures):
//! - [`Lexicon::load`] reads and validates CSV files; [`Lexicon::bundled`] gives the lexicon
//!   compiled into the binary for a language.
//! - [`Matcher::new`] compiles a lexicon into one automaton; [`Matcher::find_into`] appends
//!   the non-overlapping matches in a text, sorted by start, exclusions already applied.
//! - [`check_file`] lists every problem of a file, for `framing lexicon check`.
//! - [`voice`] tells per match who says it (authorial, quoted, scare quote) and whether it is
//!   negated.
//!
//! # Lexicon format and pattern language
//!
//! Specified in one place, `lexicons/README.md` ("File format" and "Pattern language"):
//! this module and its parts implement that specification, and a change to the format or
//! the matching rules is made there first. [`check_file`] enforces the format.

mod dense;
mod matcher;
pub use matcher::LiteralEnds;
mod parse;
mod pattern;
pub mod voice;

pub use matcher::SearchBuffers;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::hash::sha256_hex;
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
    /// A bare pattern, no frame or target: a context condition's pattern, matched on its own
    /// (`line` tells such entries apart).
    pub fn bare_pattern(pattern: &str, line: usize) -> Entry {
        Entry {
            pattern: pattern.to_owned(),
            frame: String::new(),
            target: String::new(),
            polarity: 0,
            weight: 0.0,
            note: String::new(),
            exclusion: false,
            file: String::new(),
            line,
        }
    }

    /// `file:line`, the provenance written to reports.
    pub fn provenance(&self) -> String {
        let mut out = String::new();
        self.write_provenance(&mut out);
        out
    }

    /// Appends [`Entry::provenance`] to `out`.
    pub fn write_provenance(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = write!(out, "{}:{}", self.file, self.line);
    }
}

/// The context conditions of one lexicon row: its `require` and `forbid` columns (see
/// `lexicons/README.md`, "Context conditions"). Read them with [`Lexicon::conditions`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conditions {
    /// 1-based line of the row in its file.
    pub line: usize,
    /// Patterns of which at least one must occur in the sentence; empty: no requirement.
    pub require: Vec<String>,
    /// Patterns none of which may occur in the sentence.
    pub forbid: Vec<String>,
}

impl Conditions {
    /// Whether the row has any condition.
    pub fn is_empty(&self) -> bool {
        self.require.is_empty() && self.forbid.is_empty()
    }
}

/// A loaded lexicon file, with its content hash for `run.json` and model files.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconFile {
    /// Path as given.
    pub path: String,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
    /// The conditions of the file's rows that have any, in line order. Kept here, by line,
    /// rather than on [`Entry`], so that code building entries by hand needs no change; a
    /// lexicon without files has no conditions.
    pub conditions: Vec<Conditions>,
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

/// The lexicon files compiled into the binary, by the relative path named in [`Entry::file`].
const BUNDLED_DE: (&str, &str) = ("lexicons/de/conflict.csv", include_str!("../../lexicons/de/conflict.csv"));
const BUNDLED_EN: (&str, &str) = ("lexicons/en/conflict.csv", include_str!("../../lexicons/en/conflict.csv"));

impl Lexicon {
    /// Reads and validates the files; every problem in every file is reported at once.
    pub fn load(paths: &[PathBuf]) -> Result<Lexicon, LexiconError> {
        let mut lexicon = Lexicon::default();
        let mut problems = Vec::new();
        for path in paths {
            let (file, parsed) = read_and_parse(path)?;
            lexicon.files.push(file);
            lexicon.entries.extend(parsed.entries);
            problems.extend(parsed.problems);
        }
        if problems.is_empty() {
            Ok(lexicon)
        } else {
            Err(LexiconError::Invalid(problems))
        }
    }

    /// The lexicon compiled into the binary for `lang` (`lexicons/<lang>/conflict.csv`).
    /// Rows with problems are left out (a test keeps the bundled files free of them).
    pub fn bundled(lang: Lang) -> Lexicon {
        let (path, text) = match lang {
            Lang::De => BUNDLED_DE,
            Lang::En => BUNDLED_EN,
        };
        let parsed = parse::parse(text, path);
        let file =
            LexiconFile { path: path.to_owned(), sha256: sha256_hex(text.as_bytes()), conditions: parsed.conditions };
        Lexicon { entries: parsed.entries, files: vec![file] }
    }

    /// Problems of the bundled lexicon of `lang` (empty unless the bundled file is broken).
    pub fn bundled_problems(lang: Lang) -> Vec<Problem> {
        let (path, text) = match lang {
            Lang::De => BUNDLED_DE,
            Lang::En => BUNDLED_EN,
        };
        parse::parse(text, path).problems
    }

    /// Number of exclusion entries.
    pub fn exclusion_count(&self) -> usize {
        self.entries.iter().filter(|e| e.exclusion).count()
    }

    /// The context conditions of entry `entry` (an index into [`Lexicon::entries`]), found
    /// by the entry's file and line; `None` when it has none.
    pub fn conditions(&self, entry: usize) -> Option<&Conditions> {
        let e = self.entries.get(entry)?;
        let file = self.files.iter().find(|f| f.path == e.file && !f.conditions.is_empty())?;
        let i = file.conditions.binary_search_by_key(&e.line, |c| c.line).ok()?;
        Some(&file.conditions[i])
    }

    /// Number of entries with context conditions.
    pub fn conditional_count(&self) -> usize {
        if self.files.iter().all(|f| f.conditions.is_empty()) {
            return 0;
        }
        (0..self.entries.len()).filter(|&i| self.conditions(i).is_some()).count()
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
    Ok(read_and_parse(path)?.1.problems)
}

/// Reads a file (any encoding `corpus::decode` understands) and parses it; the conditions
/// go to the file.
fn read_and_parse(path: &Path) -> Result<(LexiconFile, parse::Parsed), LexiconError> {
    let bytes = crate::corpus::read_regular_file(path, crate::corpus::MAX_INPUT_FILE_BYTES)
        .map_err(|source| LexiconError::Io { path: path.to_path_buf(), source })?;
    let decoded = crate::corpus::decode(&bytes).map_err(|e| LexiconError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    let name = path.display().to_string();
    let mut parsed = parse::parse(&decoded.text, &name);
    let conditions = std::mem::take(&mut parsed.conditions);
    Ok((LexiconFile { path: name, sha256: sha256_hex(&bytes), conditions }, parsed))
}

/// A match of a lexicon entry in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte span in the searched text.
    pub span: Range<usize>,
    /// Index into [`Lexicon::entries`].
    pub entry: usize,
}

/// A lexicon compiled into one automaton (see the module docs for the matching rules).
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: matcher::Automaton,
}

impl Matcher {
    /// Compiles the lexicon. Entries whose pattern cannot match (no letter or digit) are
    /// skipped; [`Lexicon::load`] never yields them.
    pub fn new(lexicon: &Lexicon) -> Matcher {
        Matcher { automaton: matcher::Automaton::new(lexicon) }
    }

    /// Appends the matches in `text` to `out` (not cleared): non-overlapping, sorted by
    /// start; overlaps resolved longest first, then earlier lexicon line; exclusions applied.
    /// Uses per-thread buffers, so it does not allocate once warm.
    pub fn find_into(&self, text: &str, out: &mut Vec<Hit>) {
        self.automaton.find_into(text, out);
    }

    /// Finds where the lexicon's literals occur in a whole document, once, for
    /// [`Matcher::find_in_span`]; `None` when the text needs the slower per-span search
    /// (letters whose lower case has another byte length, such as İ or ẞ).
    pub fn scan(&self, text: &str) -> Option<LiteralEnds> {
        self.automaton.scan(text)
    }

    /// Appends the matches in `&text[span]` to `out`, with offsets relative to
    /// `span.start`: the same as `find_into(&text[span], out)`, but faster when given the
    /// [`Matcher::scan`] of the whole `text` (one pass over all sentences of a document).
    pub fn find_in_span(&self, text: &str, span: Range<usize>, scanned: Option<&LiteralEnds>, out: &mut Vec<Hit>) {
        self.automaton.find_in_span(text, span, scanned, out);
    }

    /// Like [`Matcher::find_into`], with caller-owned buffers.
    pub fn find_with(&self, text: &str, scratch: &mut SearchBuffers, out: &mut Vec<Hit>) {
        self.automaton.find_with(text, scratch, out);
    }
}
