//! The DFA of the literals, made from aho-corasick's NFA for the scan that steps it by hand.
//!
//! aho-corasick's own DFA pads each row of its transition table to a power of two of its
//! byte classes, and it keeps an ASCII letter and its other case in classes of their own even
//! when it ignores ASCII case: for the benchmark lexicon that is 128 entries per row where 35
//! suffice, an 809 KB table of which the rows prose walks through spread over many cache
//! lines, and for a 10,000-row lexicon most of the set-up time goes into computing them. Here
//! a row has exactly one entry per class (ASCII case folded), and the match states come
//! first, so that "a literal ends here" is one comparison.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::noncontiguous::NFA;
use aho_corasick::Anchored;

/// Marks a state of the automaton not yet reached while the rows are numbered.
const UNSEEN: u32 = u32::MAX;

/// The transitions of an ASCII-case-insensitive Aho-Corasick automaton, in dense rows.
#[derive(Debug, Clone)]
pub(super) struct DenseDfa {
    /// Byte → class: one per distinct byte of the literals (an ASCII letter shares its class
    /// with its other case), and class 0 for every byte in no literal.
    classes: [u8; 256],
    /// Row-major, one row of `stride` entries per state; entries are next states as row
    /// offsets (row number × `stride`), so a step is one addition and one load.
    table: Vec<u32>,
    stride: usize,
    start: u32,
    /// States below this offset are the match states.
    match_limit: u32,
    /// Row number → the state of the automaton (which lists the literals ending there).
    states: Vec<StateID>,
}

impl DenseDfa {
    /// The DFA of `nfa` (unanchored, standard match semantics), built over `literals` with
    /// ASCII case ignored and no prefilter: every state it reaches from the start, with the
    /// transitions it follows for each byte (failure links included). `None` when the table
    /// would not fit 32-bit offsets.
    pub(super) fn new<'a>(nfa: &NFA, literals: impl IntoIterator<Item = &'a [u8]>) -> Option<DenseDfa> {
        let mut in_literal = [false; 256];
        for literal in literals {
            for &b in literal {
                in_literal[usize::from(b.to_ascii_lowercase())] = true;
            }
        }
        // Bytes in no literal act alike in every state (they lead where an unknown byte
        // leads from there), as do the two cases of an ASCII letter.
        let mut classes = [0u8; 256];
        let mut representative = vec![None];
        for b in 0..=255u8 {
            if b.is_ascii_uppercase() {
                continue;
            }
            if in_literal[usize::from(b)] {
                classes[usize::from(b)] = u8::try_from(representative.len()).ok()?;
                representative.push(Some(b));
            } else if representative[0].is_none() {
                representative[0] = Some(b);
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        let stride = representative.len();

        let start = nfa.start_state(Anchored::No).ok()?;
        let Walk { reached, next_states, mut row_of } = Walk::over(nfa, start, &representative);
        // Match states first, each group in the order reached.
        let (mut order, others): (Vec<usize>, Vec<usize>) = (0..reached.len()).partition(|&k| nfa.is_match(reached[k]));
        let matches = order.len();
        order.extend(others);
        u32::try_from(reached.len().checked_mul(stride)?).ok()?;
        for (row, &k) in order.iter().enumerate() {
            // Fits: row × stride < rows × stride, checked above.
            row_of[reached[k].as_usize()] = (row * stride) as u32;
        }
        let mut table = Vec::with_capacity(order.len() * stride);
        for &k in &order {
            table.extend(next_states[k * stride..(k + 1) * stride].iter().map(|&to| row_of[to.as_usize()]));
        }
        let states = order.iter().map(|&k| reached[k]).collect();
        Some(DenseDfa {
            classes,
            table,
            stride,
            start: row_of[start.as_usize()],
            // Fits: matches × stride ≤ rows.
            match_limit: (matches * stride) as u32,
            states,
        })
    }

    /// The start state of an unanchored search.
    pub(super) fn start(&self) -> u32 {
        self.start
    }

    /// The state after reading `byte` in `state`.
    #[inline(always)]
    pub(super) fn next(&self, state: u32, byte: u8) -> u32 {
        self.table[state as usize + usize::from(self.classes[usize::from(byte)])]
    }

    /// Whether a literal ends on entering `state`.
    #[inline(always)]
    pub(super) fn is_match(&self, state: u32) -> bool {
        state < self.match_limit
    }

    /// Steps four lanes in lockstep from column `from` of `columns` (equally long), one
    /// byte of each per column, until a literal ends in some lane or the columns end;
    /// returns the column after the last one stepped.
    ///
    /// A loop of its own: with nothing but the four states and positions live, the states
    /// stay in registers (written inline in the scan, two were kept on the stack, which
    /// lengthened the chain of dependent loads each step waits on).
    #[inline(never)]
    pub(super) fn step_lanes(&self, columns: [&[u8]; 4], states: &mut [u32; 4], from: usize) -> usize {
        let [a, b, c, d] = columns;
        let n = a.len().min(b.len()).min(c.len()).min(d.len());
        let [mut s0, mut s1, mut s2, mut s3] = *states;
        let mut i = from;
        while i < n {
            s0 = self.next(s0, a[i]);
            s1 = self.next(s1, b[i]);
            s2 = self.next(s2, c[i]);
            s3 = self.next(s3, d[i]);
            i += 1;
            // `|`, not `||`: one branch for the four tests.
            if self.is_match(s0) | self.is_match(s1) | self.is_match(s2) | self.is_match(s3) {
                break;
            }
        }
        *states = [s0, s1, s2, s3];
        i
    }

    /// The state of the automaton that `state` stands for.
    pub(super) fn automaton_state(&self, state: u32) -> StateID {
        self.states[state as usize / self.stride]
    }
}

/// The states reachable from the start of an NFA, in breadth-first order.
struct Walk {
    reached: Vec<StateID>,
    /// Per reached state, the next state for each class's representative byte.
    next_states: Vec<StateID>,
    /// Indexed by state id (the NFA's ids are indices of its states: no hashing needed):
    /// whether, and later which row, a state got.
    row_of: Vec<u32>,
}

impl Walk {
    /// Walks `nfa` from `start`, stepping each state by one byte of each class (`None`: a
    /// class without bytes, never looked up, which goes to the start).
    fn over(nfa: &NFA, start: StateID, representative: &[Option<u8>]) -> Walk {
        let mut walk = Walk { reached: Vec::new(), next_states: Vec::new(), row_of: Vec::new() };
        walk.reach(start);
        let mut k = 0;
        while k < walk.reached.len() {
            let state = walk.reached[k];
            for byte in representative {
                let to = byte.map_or(start, |b| nfa.next_state(Anchored::No, state, b));
                walk.reach(to);
                walk.next_states.push(to);
            }
            k += 1;
        }
        walk
    }

    fn reach(&mut self, state: StateID) {
        let id = state.as_usize();
        if id >= self.row_of.len() {
            self.row_of.resize(id + 1, UNSEEN);
        }
        if self.row_of[id] == UNSEEN {
            self.row_of[id] = 0;
            self.reached.push(state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::dfa::DFA;
    use aho_corasick::MatchKind;

    fn nfa(literals: &[&str]) -> NFA {
        aho_corasick::nfa::noncontiguous::Builder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(literals)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The literals ending in `state` of `automaton`, sorted.
    fn ending(automaton: &impl Automaton, state: StateID) -> Vec<usize> {
        if !automaton.is_match(state) {
            return Vec::new();
        }
        let mut ids: Vec<usize> =
            (0..automaton.match_len(state)).map(|k| automaton.match_pattern(state, k).as_usize()).collect();
        ids.sort_unstable();
        ids
    }

    /// Steps the dense DFA and aho-corasick's own DFA over `text` (the reference): after
    /// every byte, the same literals must end. Returns the positions where some did.
    fn agree(literals: &[&str], text: &str) -> usize {
        let nfa = nfa(literals);
        let reference = DFA::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(literals)
            .unwrap_or_else(|e| panic!("{e}"));
        let dense = DenseDfa::new(&nfa, literals.iter().map(|l| l.as_bytes())).unwrap_or_else(|| panic!("fits"));
        let (mut a, mut b) = (reference.start_state(Anchored::No).unwrap_or_else(|e| panic!("{e}")), dense.start());
        let mut positions = 0;
        for &byte in text.as_bytes() {
            a = reference.next_state(Anchored::No, a, byte);
            b = dense.next(b, byte);
            assert_eq!(dense.is_match(b), reference.is_match(a), "after {byte:#x} in {text:?}");
            assert_eq!(ending(&nfa, dense.automaton_state(b)), ending(&reference, a), "after {byte:#x} in {text:?}");
            positions += usize::from(dense.is_match(b));
        }
        positions
    }

    #[test]
    fn ends_literals_where_the_reference_dfa_does() {
        let literals = ["besatzun", "befreiu", "ärger", "Ärger", "he", "she", "hers", "x-y"];
        // Positions where literals end: BESATZUN, Ärger, ÄRGER (the ASCII letters in any
        // case), she (with he), he and hers in "hers", x-y, Befreiu: 8.
        let text = "Die BESATZUNG, der Ärger und ÄRGER: she hers – x-y, Befreiun";
        assert_eq!(agree(&literals, text), 8);
        // Every byte value, also those in no literal and the unused upper-case letters.
        let all: String = (0..=127u8).map(char::from).chain("äöüßÄÖÜ€„“".chars()).collect();
        agree(&literals, &all);
        agree(&["a", "aa", "aaa", "ab"], "aaaabaaab AAAB");
    }

    #[test]
    fn rows_hold_one_entry_per_folded_class() {
        let literals = ["ab", "Ba", "cä"];
        let dense = DenseDfa::new(&nfa(&literals), literals.iter().map(|l| l.as_bytes())).unwrap_or_else(|| panic!());
        // Classes: other, a, b, c, 0xA4 and 0xC3 (the two bytes of ä).
        assert_eq!(dense.stride, 6);
        assert_eq!(dense.classes[usize::from(b'A')], dense.classes[usize::from(b'a')]);
        assert_eq!(dense.classes[usize::from(b'z')], 0);
        // States: start, a, ab, b, ba, c, c + 0xC3, cä.
        assert_eq!(dense.states.len(), 8);
        assert_eq!(dense.table.len(), 8 * 6);
    }
}
