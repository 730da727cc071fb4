//! One Aho-Corasick pass per text over the anchor literals of all patterns, then
//! verification of whole words and phrase neighbours around each candidate.
//!
//! Each pattern is searched by its longest literal part (its *anchor*), or by the first
//! [`MAX_LITERAL_BYTES`] of a longer one (the word is verified whole anyway). The usual text
//! lower-cases without changing byte lengths (ASCII, Ä/ä, typographic punctuation): it is
//! scanned directly with one DFA over every case variant of the literals, stepped by hand in
//! four lanes ([`Automaton::scan`]), which records each literal end with the automaton's
//! state there (the state lists the literals ending there). The words around those ends are then
//! verified, for a whole text or for one sentence of a scanned document
//! ([`Automaton::find_in_span`]) with the same results as searching the sentence alone.
//!
//! A text whose lower case changes byte lengths (İ, ẞ) is lower-cased into a reusable buffer
//! and searched with an automaton over the lower-cased literals, built on first use; a
//! candidate found there is mapped back to the original text, where the enclosing word (a
//! run of alphanumeric characters) and, for phrases, the neighbouring words and gaps are
//! checked. Spans are therefore always byte offsets into the original text.
//!
//! Results follow the exclusion and overlap rules of `lexicons/README.md` ("Pattern
//! language"), applied in `resolve.rs`. Rows with context conditions ("Context conditions"
//! there) are verified like any other; their matches are set aside and judged once per
//! searched text, which is the sentence, by one more search ([`ConditionSearch`]) that
//! verifies only the condition patterns those matches name, before exclusions and overlaps:
//! a text without such a match pays nothing for conditions.

mod case;
mod resolve;
mod scan;

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::dense::DenseDfa;
use super::pattern::Pattern;
use super::{Entry, Hit, Lexicon};
use crate::text::lowercase_into;
use case::{build_direct, lower_into, lowers_in_place, to_original};
use resolve::resolve;
use scan::scan_literal_ends;
pub use scan::LiteralEnds;

/// A compiled lexicon entry.
#[derive(Debug, Clone)]
struct Compiled {
    entry: usize,
    exclusion: bool,
    pattern: Pattern,
    /// Index of the word whose literal is searched for.
    anchor_word: usize,
    /// Index into [`ConditionSearch::sets`] when the row has context conditions.
    condition: Option<u32>,
}

/// The context conditions of a lexicon, compiled: one automaton over every distinct
/// condition pattern, searched for all their occurrences in a sentence that has a match of
/// a conditional row.
#[derive(Debug, Clone)]
struct ConditionSearch {
    /// Its entries are the distinct condition patterns; an entry index is a pattern id.
    automaton: Automaton,
    /// Per conditional row, the pattern ids it requires and forbids.
    sets: Vec<ConditionSet>,
}

#[derive(Debug, Clone, Default)]
struct ConditionSet {
    require: Vec<u32>,
    forbid: Vec<u32>,
}

impl ConditionSet {
    /// Whether a sentence in which the patterns `present` (sorted ids) occur meets the set.
    fn holds(&self, present: &[u32]) -> bool {
        let occurs = |id: &u32| present.binary_search(id).is_ok();
        (self.require.is_empty() || self.require.iter().any(occurs)) && !self.forbid.iter().any(occurs)
    }
}

impl ConditionSearch {
    /// The conditions of `lexicon`'s rows; `None` when no row has any. `sets` of the result
    /// follow `conditional`'s order: `conditional` lists the entry indices with conditions.
    fn new(lexicon: &Lexicon) -> Option<(ConditionSearch, Vec<usize>)> {
        if lexicon.files.iter().all(|f| f.conditions.is_empty()) {
            return None;
        }
        let mut ids: crate::text::WordMap<String, u32> = Default::default();
        let mut patterns: Vec<Entry> = Vec::new();
        let mut sets = Vec::new();
        let mut conditional = Vec::new();
        for entry in 0..lexicon.entries.len() {
            let Some(conditions) = lexicon.conditions(entry) else { continue };
            let mut ids_of = |list: &[String]| -> Vec<u32> {
                let mut out: Vec<u32> = list
                    .iter()
                    .filter(|p| Pattern::compile(p).is_some_and(|c| c.anchor().is_some()))
                    .map(|p| {
                        *ids.entry(super::pattern::normalise(p)).or_insert_with(|| {
                            patterns.push(Entry::bare_pattern(p, patterns.len()));
                            (patterns.len() - 1) as u32
                        })
                    })
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            };
            let set = ConditionSet { require: ids_of(&conditions.require), forbid: ids_of(&conditions.forbid) };
            sets.push(set);
            conditional.push(entry);
        }
        let automaton = Automaton::new(&Lexicon { entries: patterns, files: Vec::new() });
        Some((ConditionSearch { automaton, sets }, conditional))
    }
}

/// Which compiled patterns a search verifies: all of them (the lexicon's own search, where
/// the test compiles away) or only the condition patterns that a sentence's conditional
/// matches need ([`Needed`]), so that literal occurrences of the others cost no verification.
trait Keep: Copy {
    /// True when every pattern is verified.
    const ALL: bool;
    /// Whether the pattern of entry `entry` is verified.
    fn keep(self, entry: usize) -> bool;
}

#[derive(Clone, Copy)]
struct All;

impl Keep for All {
    const ALL: bool = true;
    #[inline(always)]
    fn keep(self, _: usize) -> bool {
        true
    }
}

/// The condition patterns (entry = pattern id) marked in the slice.
#[derive(Clone, Copy)]
struct Needed<'a>(&'a [bool]);

impl Keep for Needed<'_> {
    const ALL: bool = false;
    #[inline]
    fn keep(self, entry: usize) -> bool {
        self.0.get(entry).copied().unwrap_or(false)
    }
}

/// The automaton and the patterns behind each of its literals.
#[derive(Debug, Clone)]
pub(crate) struct Automaton {
    /// The distinct anchor literals, lower-cased.
    literals: Vec<String>,
    /// Over the lower-cased literals, searched in the lower-cased text; built on first use,
    /// as only texts whose lower case changes byte lengths (İ, ẞ) need it.
    ac: OnceLock<Option<AhoCorasick>>,
    /// The search over every case variant of the literals (ASCII case-insensitive, plus
    /// upper-case forms of non-ASCII letters such as Ä for ä): a DFA stepped by hand over
    /// the original text when lower-casing would change nothing but letter case (see
    /// [`lowers_in_place`]); saves the copy. Its matches report literal ids.
    direct: Option<DenseDfa>,
    /// Literal id → indices into `compiled`.
    by_literal: Vec<Vec<u32>>,
    compiled: Vec<Compiled>,
    /// The rows' context conditions; `None` when no row has any.
    conditions: Option<Box<ConditionSearch>>,
}

/// The matches of one text before exclusions and overlaps are resolved.
#[derive(Debug, Default)]
struct Collected {
    hits: Vec<Hit>,
    exclusions: Vec<Range<usize>>,
    /// Matches of rows with conditions, not judged yet: the span and the index into
    /// `compiled`.
    conditional: Vec<(Range<usize>, u32)>,
}

impl Collected {
    fn clear(&mut self) {
        self.hits.clear();
        self.exclusions.clear();
        self.conditional.clear();
    }
}

/// Reusable buffers for one search, so that searching allocates nothing once warm.
#[derive(Debug, Default)]
pub struct SearchBuffers {
    lower: Vec<u8>,
    /// Checkpoints `(lower_pos, orig_pos)` after every character whose lower case has a
    /// different byte length; between them both texts advance in step.
    shifts: Vec<(usize, usize)>,
    word: String,
    other: String,
    collected: Collected,
    ends: LiteralEnds,
    /// Sorted ids of the condition patterns that occur in the text.
    present: Vec<u32>,
    /// By condition pattern id: needed by a conditional match of the current text (all
    /// false between searches).
    needed: Vec<bool>,
    /// For the search of the condition patterns, allocated on first use.
    conditions: Option<Box<SearchBuffers>>,
}

thread_local! {
    static SCRATCH: RefCell<SearchBuffers> = RefCell::new(SearchBuffers::default());
}

/// Runs `f` with the thread's scratch buffers (fresh ones if they are in use, which a
/// re-entrant search on one thread would need; none does today).
fn with_scratch<R>(f: impl FnOnce(&mut SearchBuffers) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        Err(_) => f(&mut SearchBuffers::default()),
    })
}

impl Automaton {
    pub(crate) fn new(lexicon: &Lexicon) -> Automaton {
        // At most one literal per entry.
        let n = lexicon.entries.len();
        let mut literals: Vec<String> = Vec::with_capacity(n);
        let mut ids: crate::text::WordMap<String, usize> =
            crate::text::WordMap::with_capacity_and_hasher(n, Default::default());
        let mut by_literal: Vec<Vec<u32>> = Vec::with_capacity(n);
        let mut compiled = Vec::with_capacity(n);
        let (conditions, conditional) = match ConditionSearch::new(lexicon) {
            Some((search, conditional)) => (Some(Box::new(search)), conditional),
            None => (None, Vec::new()),
        };
        for (entry, e) in lexicon.entries.iter().enumerate() {
            let Some(pattern) = Pattern::compile(&e.pattern) else { continue };
            let Some((anchor_word, literal)) = pattern.anchor() else { continue };
            let literal = anchor_prefix(literal);
            let id = match ids.get(literal) {
                Some(&id) => id,
                None => {
                    ids.insert(literal.to_owned(), literals.len());
                    literals.push(literal.to_owned());
                    by_literal.push(Vec::new());
                    literals.len() - 1
                }
            };
            by_literal[id].push(compiled.len() as u32);
            // `conditional` is sorted: the set of an entry is where the entry is listed.
            let condition = conditional.binary_search(&entry).ok().map(|k| k as u32);
            compiled.push(Compiled { entry, exclusion: e.exclusion, pattern, anchor_word, condition });
        }
        let direct = build_direct(&literals);
        Automaton { literals, ac: OnceLock::new(), direct, by_literal, compiled, conditions }
    }

    /// The automaton over the lower-cased literals, built on first use.
    fn lower_case_automaton(&self) -> Option<&AhoCorasick> {
        self.ac
            .get_or_init(|| {
                // Standard semantics: every occurrence of every literal is a candidate. A DFA:
                // one table lookup per byte; falls back to the builder's choice if the DFA
                // would be too large.
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&self.literals)
                    .or_else(|_| AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&self.literals))
                    .ok()
            })
            .as_ref()
    }

    /// Appends the resolved hits of `text` to `out`, using the thread's scratch buffers.
    pub(crate) fn find_into(&self, text: &str, out: &mut Vec<Hit>) {
        with_scratch(|scratch| self.find_with(text, scratch, out));
    }

    pub(crate) fn find_with(&self, text: &str, scratch: &mut SearchBuffers, out: &mut Vec<Hit>) {
        if self.literals.is_empty() {
            return;
        }
        self.collect(text, scratch, All);
        self.settle(text, scratch, out);
    }

    /// Every match of every row `keep` accepts in `text` into `scratch.collected`, before
    /// conditions, exclusions and overlaps.
    fn collect<K: Keep>(&self, text: &str, scratch: &mut SearchBuffers, keep: K) {
        scratch.collected.clear();
        if self.literals.is_empty() {
            return;
        }
        let mut ends = std::mem::take(&mut scratch.ends);
        match self.scan_into(text, &mut ends) {
            Some(dfa) => {
                let found = Found { dfa, ends: &ends.ends, states: &ends.states, offset: 0 };
                let SearchBuffers { word, other, collected, .. } = scratch;
                self.verify_found(text, found, word, other, collected, keep);
            }
            None => self.collect_lower_cased(text, scratch, keep),
        }
        scratch.ends = ends;
    }

    /// [`Automaton::collect`] for a text whose lower case changes byte lengths: searched
    /// lower-cased, candidates mapped back to the original text.
    fn collect_lower_cased<K: Keep>(&self, text: &str, scratch: &mut SearchBuffers, keep: K) {
        let Some(ac) = self.lower_case_automaton() else { return };
        let SearchBuffers { lower, shifts, word: anchor_buf, other, collected, .. } = scratch;
        lower_into(text, lower, shifts);
        for m in ac.find_overlapping_iter(&lower[..]) {
            if !K::ALL && !self.literal_kept(m.pattern().as_usize(), keep) {
                continue;
            }
            let at = to_original(shifts, m.start());
            let Some(word) = word_around(text, at) else { continue };
            lowercase_into(&text[word.clone()], anchor_buf);
            self.verify(m.pattern().as_usize(), text, word, anchor_buf, other, collected, keep);
        }
    }

    /// Whether `keep` accepts a pattern searched by `literal`.
    fn literal_kept<K: Keep>(&self, literal: usize, keep: K) -> bool {
        self.by_literal[literal].iter().any(|&ci| keep.keep(self.compiled[ci as usize].entry))
    }

    /// Judges the conditional matches collected in `text` (the sentence), then resolves
    /// exclusions and overlaps into `out`.
    fn settle(&self, text: &str, scratch: &mut SearchBuffers, out: &mut Vec<Hit>) {
        if !scratch.collected.conditional.is_empty() {
            self.judge_conditions(text, scratch);
        }
        let Collected { hits, exclusions, .. } = &mut scratch.collected;
        resolve(hits, exclusions, out);
    }

    /// Keeps the conditional matches whose row's conditions hold in `text`, as hits or
    /// exclusions; one search for the condition patterns they name serves every match in
    /// the text.
    fn judge_conditions(&self, text: &str, scratch: &mut SearchBuffers) {
        let Some(search) = &self.conditions else { return };
        let needed = &mut scratch.needed;
        needed.resize(search.automaton.compiled.len().max(needed.len()), false);
        self.mark_needed(search, &scratch.collected.conditional, needed, true);
        let mut inner = scratch.conditions.take().unwrap_or_default();
        search.automaton.collect(text, &mut inner, Needed(needed));
        self.mark_needed(search, &scratch.collected.conditional, needed, false);
        let present = &mut scratch.present;
        present.clear();
        // Condition patterns have no conditions and no exclusions: every occurrence is a hit.
        present.extend(inner.collected.hits.iter().map(|h| h.entry as u32));
        present.sort_unstable();
        present.dedup();
        scratch.conditions = Some(inner);
        let Collected { hits, exclusions, conditional } = &mut scratch.collected;
        for (span, ci) in conditional.drain(..) {
            let c = &self.compiled[ci as usize];
            let Some(set) = c.condition.and_then(|k| search.sets.get(k as usize)) else { continue };
            if !set.holds(present) {
                continue;
            }
            if c.exclusion {
                exclusions.push(span);
            } else {
                hits.push(Hit { span, entry: c.entry });
            }
        }
    }

    /// Sets `needed` to `value` for every pattern the conditions of the `conditional`
    /// matches name.
    fn mark_needed(
        &self,
        search: &ConditionSearch,
        conditional: &[(Range<usize>, u32)],
        needed: &mut [bool],
        value: bool,
    ) {
        for k in conditional.iter().filter_map(|&(_, ci)| self.compiled[ci as usize].condition) {
            let set = &search.sets[k as usize];
            for &id in set.require.iter().chain(&set.forbid) {
                needed[id as usize] = value;
            }
        }
    }

    /// Scans `text` into `ends` when the direct search can (see [`lowers_in_place`]) and
    /// returns its automaton, which lists the literals of the states in `ends`; `None` when
    /// `text` needs the lower-cased search.
    fn scan_into(&self, text: &str, ends: &mut LiteralEnds) -> Option<&DenseDfa> {
        let direct = self.direct.as_ref().filter(|_| lowers_in_place(text))?;
        scan_literal_ends(direct, text.as_bytes(), ends);
        Some(direct)
    }

    /// Verifies the literal occurrences `found` lists in `text` and appends the resolved hits.
    fn resolve_found(&self, text: &str, found: Found<'_>, scratch: &mut SearchBuffers, out: &mut Vec<Hit>) {
        scratch.collected.clear();
        let SearchBuffers { word: anchor_buf, other, collected, .. } = scratch;
        self.verify_found(text, found, anchor_buf, other, collected, All);
        self.settle(text, scratch, out);
    }

    /// Verifies every literal occurrence that `found` lists in the words of `text` around
    /// the literal ends (of the patterns `keep` accepts).
    fn verify_found<K: Keep>(
        &self,
        text: &str,
        found: Found<'_>,
        anchor_buf: &mut String,
        other: &mut String,
        collected: &mut Collected,
        keep: K,
    ) {
        let Found { dfa, ends, states, offset } = found;
        let mut j = 0;
        while j < ends.len() {
            if !K::ALL && !dfa.ending(states[j]).iter().any(|&l| self.literal_kept(l as usize, keep)) {
                j += 1;
                continue;
            }
            let Some(word) = word_around(text, ends[j] - 1 - offset) else {
                j += 1;
                continue;
            };
            let (word_start, word_end) = (offset + word.start, offset + word.end);
            lowercase_into(&text[word.clone()], anchor_buf);
            // Every literal occurrence inside the word, in the order an overlapping search
            // of the word reports them: by end, then as the automaton's state lists them.
            while j < ends.len() && ends[j] <= word_end {
                for &literal in dfa.ending(states[j]) {
                    let literal = literal as usize;
                    // Case variants have the byte length of their literal.
                    if ends[j] - self.literals[literal].len() >= word_start {
                        self.verify(literal, text, word.clone(), anchor_buf, other, collected, keep);
                    }
                }
                j += 1;
            }
        }
    }

    /// Where literals end in `text` (sorted byte offsets, one per position), found in one
    /// pass over a whole document; `None` when `text` needs the lower-cased search (then
    /// [`Automaton::find_in_span`] searches each span on its own).
    pub(crate) fn scan(&self, text: &str) -> Option<LiteralEnds> {
        let mut ends = LiteralEnds::default();
        self.scan_into(text, &mut ends)?;
        Some(ends)
    }

    /// The hits of `&text[span]` (offsets relative to `span.start`), exactly as
    /// [`Automaton::find_with`] on that slice would find them, using a [`Automaton::scan`]
    /// of the whole `text` when there is one.
    pub(crate) fn find_in_span(
        &self,
        text: &str,
        span: Range<usize>,
        scanned: Option<&LiteralEnds>,
        out: &mut Vec<Hit>,
    ) {
        let (Some(LiteralEnds { ends, states }), Some(dfa)) = (scanned, &self.direct) else {
            return self.find_into(&text[span], out);
        };
        let sentence = &text[span.clone()];
        let first = ends.partition_point(|&e| e <= span.start);
        let last = ends.partition_point(|&e| e <= span.end);
        // A literal that ends inside the span may start before it: an occurrence must then lie
        // inside the word cut at the span, which is what searching the sentence alone would see.
        let found = Found { dfa, ends: &ends[first..last], states: &states[first..last], offset: span.start };
        with_scratch(|scratch| self.resolve_found(sentence, found, scratch, out));
    }

    /// Verifies the patterns (those `keep` accepts) of one literal found in `word`
    /// (lower-cased in `anchor_buf`).
    #[allow(clippy::too_many_arguments)]
    fn verify<K: Keep>(
        &self,
        literal: usize,
        text: &str,
        word: Range<usize>,
        anchor_buf: &str,
        other: &mut String,
        collected: &mut Collected,
        keep: K,
    ) {
        for &ci in &self.by_literal[literal] {
            let c = &self.compiled[ci as usize];
            if !K::ALL && !keep.keep(c.entry) {
                continue;
            }
            if !c.pattern.words[c.anchor_word].matches(anchor_buf) {
                continue;
            }
            let Some(span) = extend_phrase(c, text, word.clone(), other) else { continue };
            if c.condition.is_some() {
                collected.conditional.push((span, ci));
            } else if c.exclusion {
                collected.exclusions.push(span);
            } else {
                collected.hits.push(Hit { span, entry: c.entry });
            }
        }
    }
}

/// Literal ends of a scan within one text, whose byte 0 is at `offset` of the scanned text.
#[derive(Clone, Copy)]
struct Found<'a> {
    dfa: &'a DenseDfa,
    ends: &'a [usize],
    states: &'a [u32],
    offset: usize,
}

/// Checks the words before and after the anchor word; returns the phrase span.
fn extend_phrase(c: &Compiled, text: &str, anchor: Range<usize>, buf: &mut String) -> Option<Range<usize>> {
    let words = &c.pattern.words;
    let mut start = anchor.start;
    for k in (0..c.anchor_word).rev() {
        let gap_start = text[..start].trim_end_matches(|ch: char| !ch.is_alphanumeric()).len();
        if !c.pattern.gaps[k].matches(&text[gap_start..start]) {
            return None;
        }
        let word_start = text[..gap_start].trim_end_matches(char::is_alphanumeric).len();
        if word_start == gap_start {
            return None;
        }
        lowercase_into(&text[word_start..gap_start], buf);
        if !words[k].matches(buf) {
            return None;
        }
        start = word_start;
    }
    let mut end = anchor.end;
    for (k, glob) in words.iter().enumerate().skip(c.anchor_word + 1) {
        let word_start = end + text[end..].find(char::is_alphanumeric)?;
        if !c.pattern.gaps[k - 1].matches(&text[end..word_start]) {
            return None;
        }
        let word_end = text[word_start..].find(|ch: char| !ch.is_alphanumeric()).map_or(text.len(), |i| word_start + i);
        lowercase_into(&text[word_start..word_end], buf);
        if !glob.matches(buf) {
            return None;
        }
        end = word_end;
    }
    Some(start..end)
}

/// Longest literal searched for (bytes): a longer anchor is searched by its prefix.
const MAX_LITERAL_BYTES: usize = 8;

/// The part of an anchor that is searched for: at most [`MAX_LITERAL_BYTES`], cut at a
/// character boundary. Every candidate is verified against its whole word, so a prefix finds
/// the same hits; it keeps the automaton of a large lexicon small (anchors sharing a prefix
/// share its states), which makes it faster to build and to search.
fn anchor_prefix(anchor: &str) -> &str {
    &anchor[..crate::text::floor_char_boundary(anchor, MAX_LITERAL_BYTES)]
}

/// The word (maximal alphanumeric run) containing or starting at byte `at`, if any.
/// ASCII is classified eight bytes at a time or by table, the rest by
/// [`crate::text::is_alphanumeric`] (every literal hit asks; its word is mostly ASCII and
/// umlauts).
fn word_around(text: &str, at: usize) -> Option<Range<usize>> {
    let at = crate::text::floor_char_boundary(text, at);
    let bytes = text.as_bytes();
    let mut end = at;
    loop {
        end += crate::text::ascii_run(bytes, end, crate::text::ASCII_ALPHANUMERICS);
        match text[end..].chars().next() {
            Some(c) if !c.is_ascii() && crate::text::is_alphanumeric(c) => end += c.len_utf8(),
            _ => break,
        }
    }
    if end == at {
        return None;
    }
    let mut start = at;
    loop {
        start = bytes[..start].iter().rposition(|&b| !ASCII_ALNUM[usize::from(b)]).map_or(0, |i| i + 1);
        match text[..start].chars().next_back() {
            Some(c) if !c.is_ascii() && crate::text::is_alphanumeric(c) => start -= c.len_utf8(),
            _ => break,
        }
    }
    Some(start..end)
}

/// The ASCII letters and digits (bytes of other characters are not in the set).
const ASCII_ALNUM: [bool; 256] = crate::text::ascii_set(crate::text::ASCII_ALPHANUMERICS);

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Against the plain definition by `char` searches.
        #[test]
        fn words_around_are_the_alphanumeric_runs(text in "[a-zA-Z0-9äöüßÄ×µ²Ωк \\-,.„“]{0,30}", at in 0usize..40) {
            let plain = |text: &str, at: usize| {
                let at = crate::text::floor_char_boundary(text, at);
                let end = text[at..].find(|c: char| !c.is_alphanumeric()).map_or(text.len(), |i| at + i);
                (end > at).then(|| text[..at].trim_end_matches(char::is_alphanumeric).len()..end)
            };
            proptest::prop_assert_eq!(super::word_around(&text, at), plain(&text, at));
        }
    }

    #[test]
    fn long_anchors_are_searched_by_a_prefix_cut_at_a_character() {
        assert_eq!(MAX_LITERAL_BYTES, 8);
        assert_eq!(anchor_prefix("besatzung"), "besatzun");
        assert_eq!(anchor_prefix("befreit"), "befreit");
        // "panzerf" is 7 bytes; the ä takes bytes 8 and 9.
        assert_eq!(anchor_prefix("panzerfäuste"), "panzerf");
        // g r ö ß e r: 1 + 1 + 2 + 2 + 1 + 1 bytes.
        assert_eq!(anchor_prefix("größere"), "größer");
        assert_eq!(anchor_prefix(""), "");
    }
}
