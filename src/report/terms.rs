//! `terms.csv`: per lexicon entry, matches and documents counted over the run; tallies
//! add up in any order, so workers count and the writer only merges.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use super::{CsvRow, MatchRow, TERMS_HEADER};
use crate::lexicon::voice::Voice;
use crate::lexicon::Lexicon;

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
    pub(super) fn add_match_with(&mut self, surface: &str, voice: Voice, negated: bool, lower: &mut String) {
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
/// serialized by [`CsvRow`] (quoted as [`super::csv_writer`] quotes) and written in blocks.
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
