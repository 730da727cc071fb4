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
//! Results: inclusion hits overlapping any exclusion hit are dropped; the rest are chosen
//! greedily by priority — longer span (bytes of the original text) first, then the earlier
//! lexicon entry, then the leftmost start — skipping any hit that overlaps one already chosen;
//! the chosen hits are returned sorted by start.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::dense::DenseDfa;
use super::pattern::Pattern;
use super::{Hit, Lexicon};
use crate::text::lowercase_into;

/// A compiled lexicon entry.
#[derive(Debug, Clone)]
struct Compiled {
    entry: usize,
    exclusion: bool,
    pattern: Pattern,
    /// Index of the word whose literal is searched for.
    anchor_word: usize,
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
}

/// Reusable buffers for one search, so that searching allocates nothing once warm.
#[derive(Debug, Default)]
pub struct Scratch {
    lower: Vec<u8>,
    /// Checkpoints `(lower_pos, orig_pos)` after every character whose lower case has a
    /// different byte length; between them both texts advance in step.
    shifts: Vec<(usize, usize)>,
    word: String,
    other: String,
    candidates: Vec<Hit>,
    exclusions: Vec<Range<usize>>,
    ends: LiteralEnds,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with the thread's scratch buffers (fresh ones if they are in use, which a
/// re-entrant search on one thread would need; none does today).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        Err(_) => f(&mut Scratch::default()),
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
            compiled.push(Compiled { entry, exclusion: e.exclusion, pattern, anchor_word });
        }
        let direct = build_direct(&literals);
        Automaton { literals, ac: OnceLock::new(), direct, by_literal, compiled }
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

    pub(crate) fn find_with(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        if self.literals.is_empty() {
            return;
        }
        let mut ends = std::mem::take(&mut scratch.ends);
        match self.scan_into(text, &mut ends) {
            Some(dfa) => {
                let found = Found { dfa, ends: &ends.ends, states: &ends.states, offset: 0 };
                self.resolve_found(text, found, scratch, out);
            }
            None => self.find_lower_cased(text, scratch, out),
        }
        scratch.ends = ends;
    }

    /// [`Automaton::find_with`] for a text whose lower case changes byte lengths: searched
    /// lower-cased, candidates mapped back to the original text.
    fn find_lower_cased(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        let Some(ac) = self.lower_case_automaton() else { return };
        let Scratch { lower, shifts, word: anchor_buf, other, candidates, exclusions, .. } = scratch;
        candidates.clear();
        exclusions.clear();
        lower_into(text, lower, shifts);
        for m in ac.find_overlapping_iter(&lower[..]) {
            let at = to_original(shifts, m.start());
            let Some(word) = word_around(text, at) else { continue };
            lowercase_into(&text[word.clone()], anchor_buf);
            self.verify(m.pattern().as_usize(), text, word, anchor_buf, other, candidates, exclusions);
        }
        resolve(candidates, exclusions, out);
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
    fn resolve_found(&self, text: &str, found: Found<'_>, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        let Scratch { word: anchor_buf, other, candidates, exclusions, .. } = scratch;
        candidates.clear();
        exclusions.clear();
        self.verify_found(text, found, anchor_buf, other, candidates, exclusions);
        resolve(candidates, exclusions, out);
    }

    /// Verifies every literal occurrence that `found` lists in the words of `text` around
    /// the literal ends.
    fn verify_found(
        &self,
        text: &str,
        found: Found<'_>,
        anchor_buf: &mut String,
        other: &mut String,
        candidates: &mut Vec<Hit>,
        exclusions: &mut Vec<Range<usize>>,
    ) {
        let Found { dfa, ends, states, offset } = found;
        let mut j = 0;
        while j < ends.len() {
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
                        self.verify(literal, text, word.clone(), anchor_buf, other, candidates, exclusions);
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

    /// Verifies the patterns of one literal found in `word` (lower-cased in `anchor_buf`).
    #[allow(clippy::too_many_arguments)]
    fn verify(
        &self,
        literal: usize,
        text: &str,
        word: Range<usize>,
        anchor_buf: &str,
        other: &mut String,
        candidates: &mut Vec<Hit>,
        exclusions: &mut Vec<Range<usize>>,
    ) {
        {
            for &ci in &self.by_literal[literal] {
                let c = &self.compiled[ci as usize];
                if !c.pattern.words[c.anchor_word].matches(anchor_buf) {
                    continue;
                }
                let Some(span) = extend_phrase(c, text, word.clone(), other) else { continue };
                if c.exclusion {
                    exclusions.push(span);
                } else {
                    candidates.push(Hit { span, entry: c.entry });
                }
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

/// Where literals end in a text, found by [`crate::lexicon::Matcher::scan`]: sorted end
/// offsets, each with the DFA state reached there, which lists the literals ending there.
#[derive(Debug, Clone, Default)]
pub struct LiteralEnds {
    ends: Vec<usize>,
    states: Vec<u32>,
}

/// Texts shorter than this many bytes per lane are scanned in one lane.
const MIN_LANE_BYTES: usize = 64;

/// Fills `out` with every offset where at least one literal of `dfa` ends in `bytes`.
///
/// Why by hand: one DFA step per byte is a chain of dependent table loads, so a single scan
/// waits on memory latency. The text is cut at four spaces (no literal spans a space) into
/// lanes that are stepped in lockstep: four independent chains the processor overlaps.
// Indexing all lanes by one position is the point of the lockstep loop.
#[allow(clippy::needless_range_loop)]
fn scan_literal_ends(dfa: &DenseDfa, bytes: &[u8], out: &mut LiteralEnds) {
    const LANES: usize = 4;
    out.ends.clear();
    out.states.clear();
    let start = dfa.start();
    // Lane k covers cuts[k]..cuts[k + 1]; a short text is one lane (the others empty).
    let mut cuts = [bytes.len(); LANES + 1];
    cuts[0] = 0;
    if bytes.len() >= LANES * MIN_LANE_BYTES {
        for k in 1..LANES {
            let from = (bytes.len() * k / LANES).max(cuts[k - 1]);
            cuts[k] = bytes[from..].iter().position(|&b| b == b' ').map_or(bytes.len(), |i| from + i);
        }
    }
    let lanes: [&[u8]; LANES] = std::array::from_fn(|k| &bytes[cuts[k]..cuts[k + 1]]);
    // Sized for about one literal end per 32 bytes, so that the lanes seldom grow.
    let mut found: [Vec<(usize, u32)>; LANES] = std::array::from_fn(|k| Vec::with_capacity(lanes[k].len() / 32));
    let mut state = [start; LANES];
    let common = lanes.iter().map(|l| l.len()).min().unwrap_or(0);
    let columns: [&[u8]; LANES] = std::array::from_fn(|k| &lanes[k][..common]);
    let mut i = 0;
    while i < common {
        // Runs to the next column where a literal ends in some lane.
        i = dfa.step_lanes(columns, &mut state, i);
        for k in 0..LANES {
            if dfa.is_match(state[k]) {
                found[k].push((cuts[k] + i, state[k]));
            }
        }
    }
    for k in 0..LANES {
        let mut sid = state[k];
        for (i, &b) in lanes[k].iter().enumerate().skip(common) {
            sid = dfa.next(sid, b);
            if dfa.is_match(sid) {
                found[k].push((cuts[k] + i + 1, sid));
            }
        }
    }
    let total = found.iter().map(Vec::len).sum();
    out.ends.reserve(total);
    out.states.reserve(total);
    for (end, state) in found.into_iter().flatten() {
        out.ends.push(end);
        out.states.push(state);
    }
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

/// Most case variants generated per literal; beyond it the direct search is not built.
const MAX_VARIANTS: usize = 64;

/// The DFA over all case variants of the literals, for search in the original text; its
/// matches report the literal of the variant. `None` when a literal has more than
/// [`MAX_VARIANTS`] variants or the table would be too large (the lower-cased search is
/// used then).
fn build_direct(literals: &[String]) -> Option<DenseDfa> {
    // All variants' bytes in one buffer: (end in `bytes`, literal id) per variant.
    let mut bytes: Vec<u8> = Vec::new();
    let mut variants: Vec<(usize, u32)> = Vec::new();
    let mut letters: Vec<(char, Option<char>)> = Vec::new();
    for (id, literal) in literals.iter().enumerate() {
        letters.clear();
        letters.extend(literal.chars().map(|l| (l, same_length_upper(l))));
        let cased = letters.iter().filter(|(_, upper)| upper.is_some()).count();
        if cased > MAX_VARIANTS.ilog2() as usize {
            return None;
        }
        // Variant `mask`: the k-th letter that has an upper-case form takes it when bit k is set.
        for mask in 0..1u32 << cased {
            let mut k = 0;
            let mut utf8 = [0u8; 4];
            for &(lower, upper) in &letters {
                let c = match upper {
                    Some(u) => {
                        k += 1;
                        if mask >> (k - 1) & 1 == 1 {
                            u
                        } else {
                            lower
                        }
                    }
                    None => lower,
                };
                bytes.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            variants.push((bytes.len(), id as u32));
        }
    }
    let mut start = 0;
    let spans: Vec<(&[u8], u32)> = variants
        .iter()
        .map(|&(end, id)| {
            let span = (&bytes[start..end], id);
            start = end;
            span
        })
        .collect();
    DenseDfa::new(&spans)
}

/// The upper-case form of a non-ASCII lower-case letter when it is one character of the same
/// byte length that lower-cases back to it (Ä for ä; not ẞ for ß, which is longer).
fn same_length_upper(l: char) -> Option<char> {
    if l.is_ascii() {
        return None;
    }
    let mut up = l.to_uppercase();
    let u = up.next()?;
    let single = up.next().is_none();
    (single && u != l && u.len_utf8() == l.len_utf8() && single_lower(u) == Some(l)).then_some(u)
}

fn single_lower(c: char) -> Option<char> {
    let mut lw = c.to_lowercase();
    let l = lw.next()?;
    lw.next().is_none().then_some(l)
}

/// True when lower-casing `text` only swaps characters for same-length ones that are
/// [`same_length_upper`] pairs: then the variant automaton finds in `text` exactly what the
/// lower-case automaton would find in the lower-cased text, at the same offsets.
fn lowers_in_place(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Chunks of ASCII and Latin-1 (lead bytes C2, C3, and continuation bytes: most of a
        // German text) in one vectorisable fold; any other chunk is read to its end
        // character by character. A chunk starts on a character boundary, so its
        // continuation bytes belong to its own C2/C3 characters.
        if let Some(chunk) = bytes.get(i..i + 32) {
            if chunk.iter().fold(0, |acc, &b| acc.max(b)) < 0xc4 {
                i += 32;
                continue;
            }
        }
        let stop = (i + 32).min(bytes.len());
        while i < stop {
            let b = bytes[i];
            // ASCII; or the continuation bytes of a C2/C3 character that a fast chunk cut.
            if b < 0xc0 {
                i += 1;
                continue;
            }
            // Latin-1 letters and signs (lead bytes C2, C3: Ä ↔ ä keep their length) and
            // U+2000–U+20BF (punctuation, quotes, dashes, currency: no case) need no lookup.
            if b == 0xc2 || b == 0xc3 || (b == 0xe2 && bytes.get(i + 1).is_some_and(|&n| n <= 0x82)) {
                i += if b == 0xe2 { 3 } else { 2 };
                continue;
            }
            let Some(c) = text[i..].chars().next() else { return true };
            i += c.len_utf8();
            if !lowers_to_same_length(c) {
                return false;
            }
        }
    }
    true
}

/// Whether lower-casing `c` keeps its byte length and the variant automaton knows the pair.
fn lowers_to_same_length(c: char) -> bool {
    match single_lower(c) {
        Some(l) if l == c => true,
        Some(l) => same_length_upper(l) == Some(c),
        None => false,
    }
}

/// Lower-cases `text` into `lower`, recording where byte lengths diverge.
fn lower_into(text: &str, lower: &mut Vec<u8>, shifts: &mut Vec<(usize, usize)>) {
    lower.clear();
    shifts.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - i);
        if run > 0 {
            let from = lower.len();
            lower.extend_from_slice(&bytes[i..i + run]);
            lower[from..].make_ascii_lowercase();
            i += run;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let before = lower.len();
        let mut utf8 = [0u8; 4];
        for l in c.to_lowercase() {
            lower.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
        }
        i += c.len_utf8();
        if lower.len() - before != c.len_utf8() {
            shifts.push((lower.len(), i));
        }
    }
}

/// Maps a byte offset of the lower-cased text back to the original text.
fn to_original(shifts: &[(usize, usize)], pos: usize) -> usize {
    match shifts.partition_point(|&(l, _)| l <= pos) {
        0 => pos,
        k => {
            let (l, o) = shifts[k - 1];
            o + (pos - l)
        }
    }
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

/// Drops inclusions overlapping exclusions, then picks non-overlapping hits by priority.
fn resolve(candidates: &mut Vec<Hit>, exclusions: &mut Vec<Range<usize>>, out: &mut Vec<Hit>) {
    exclusions.sort_by_key(|r| (r.start, r.end));
    merge_overlapping(exclusions);
    candidates.retain(|h| !overlaps_any(exclusions, &h.span));
    candidates.sort_by(|a, b| {
        let (la, lb) = (a.span.end - a.span.start, b.span.end - b.span.start);
        lb.cmp(&la).then(a.entry.cmp(&b.entry)).then(a.span.start.cmp(&b.span.start))
    });
    candidates.dedup();
    if candidates.len() <= 1 {
        out.append(candidates);
        return;
    }
    // Keyed by start: chosen hits never overlap, so the one starting last before `hit`
    // ends is the only one that can overlap it. A map keeps this O(n log n) where sorted
    // insertion into a Vec was quadratic on huge unpunctuated texts.
    let mut by_start: std::collections::BTreeMap<usize, Hit> = std::collections::BTreeMap::new();
    for hit in candidates.drain(..) {
        if by_start.range(..hit.span.end).next_back().is_some_and(|(_, c)| c.span.end > hit.span.start) {
            continue;
        }
        by_start.insert(hit.span.start, hit);
    }
    out.extend(by_start.into_values());
}

fn merge_overlapping(ranges: &mut Vec<Range<usize>>) {
    let mut w = 0;
    for r in 0..ranges.len() {
        if w > 0 && ranges[r].start < ranges[w - 1].end {
            ranges[w - 1].end = ranges[w - 1].end.max(ranges[r].end);
        } else {
            ranges[w] = ranges[r].clone();
            w += 1;
        }
    }
    ranges.truncate(w);
}

/// True when `span` overlaps one of the sorted, disjoint `ranges`.
fn overlaps_any(ranges: &[Range<usize>], span: &Range<usize>) -> bool {
    let k = ranges.partition_point(|r| r.start < span.end);
    k > 0 && ranges[k - 1].end > span.start
}

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

    #[test]
    fn direct_search_only_where_lower_casing_keeps_lengths() {
        assert_eq!(same_length_upper('ä'), Some('Ä'));
        assert_eq!(same_length_upper('ß'), None); // ẞ is 3 bytes, ß 2
        assert_eq!(same_length_upper('a'), None); // ASCII: the automaton ignores ASCII case
        assert!(lowers_in_place("ÜBERFÄLLE „Straße“ – Öl"));
        assert!(!lowers_in_place("STRAẞE"));
        assert!(!lowers_in_place("İzmir"));
        assert!(!lowers_in_place("5 \u{212a}")); // Kelvin sign lower-cases to ASCII k
    }

    #[test]
    fn byte_shortcuts_of_lowers_in_place_agree_with_the_character_rule() {
        // Every character the shortcuts accept without a lookup: C2/C3 lead bytes and
        // U+2000–U+20BF.
        let shortcut = ('\u{80}'..='\u{ff}').chain('\u{2000}'..='\u{20bf}');
        for c in shortcut {
            assert!(lowers_to_same_length(c), "{c:?}");
        }
        let long = format!("{}İ", "a".repeat(40)); // the odd letter after an ASCII chunk
        assert!(!lowers_in_place(&long));
        assert!(lowers_in_place(&format!("{}Ärger €", "a".repeat(40))));
    }

    #[test]
    fn lower_casing_maps_offsets_back() {
        let text = "İstanbul ẞtraße Ärger";
        let mut lower = Vec::new();
        let mut shifts = Vec::new();
        lower_into(text, &mut lower, &mut shifts);
        let lower = String::from_utf8(lower).unwrap_or_default();
        assert_eq!(lower, "i\u{307}stanbul ßtraße ärger");
        // "stanbul" starts at byte 2 of the original (İ is 2 bytes) and 3 of the lower case.
        assert_eq!(to_original(&shifts, lower.find("stanbul").unwrap_or(0)), 2);
        assert_eq!(to_original(&shifts, lower.find("ärger").unwrap_or(0)), text.find("Ärger").unwrap_or(9));
        assert_eq!(to_original(&shifts, lower.find("traße").unwrap_or(0)), text.find("traße").unwrap_or(9));
    }
}
