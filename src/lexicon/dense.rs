//! The DFA of the literals: an Aho-Corasick automaton over their case variants, built
//! straight into the dense rows that the scan steps by hand.
//!
//! A row has exactly one entry per byte class (ASCII case folded, and one class for every
//! byte in no literal), and the match states come first, so that "a literal ends here" is one
//! comparison. The rows are built the textbook way: a trie of the literals, its states
//! numbered by depth, then in that order each missing transition is copied from the row of
//! the state's failure link, which is shallower and so complete by then. (Going through aho-corasick's NFA instead, following
//! failure links for every state and class, was most of the set-up time of a 10,000-row
//! lexicon; aho-corasick's own DFA pads rows to 128 classes where the benchmark lexicon
//! needs 35.)

/// A trie transition not (yet) there.
const NONE: u32 = u32::MAX;

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
    /// Match row number `r` → the literals ending there: `outputs[output_starts[r]..output_starts[r + 1]]`.
    output_starts: Vec<u32>,
    /// Literal ids, grouped by match row.
    outputs: Vec<u32>,
}

impl DenseDfa {
    /// The DFA that finds every occurrence of every literal (standard Aho-Corasick
    /// semantics, ASCII case ignored). `literals` pairs the bytes of each string searched
    /// for with the literal id its matches report (several strings, such as the case
    /// variants of one literal, may share an id). `None` when the table would not fit
    /// 32-bit offsets.
    pub(super) fn new(literals: &[(&[u8], u32)]) -> Option<DenseDfa> {
        let (classes, stride) = byte_classes(literals)?;
        let Trie { mut rows, ends } = Trie::build(literals, &classes, stride)?;
        let links = Links::fill(&mut rows, stride);
        let n = links.fail.len();
        let outputs_by_state = Outputs::collect(&links, ends);
        // Match states first, each group by depth.
        let (mut order, others): (Vec<u32>, Vec<u32>) =
            (0..n as u32).partition(|&s| !outputs_by_state.of(s as usize).is_empty());
        let matches = order.len();
        order.extend(others);
        let mut offset_of = vec![0u32; n];
        for (row, &s) in order.iter().enumerate() {
            // Fits: `Trie::build` checked that every row offset fits 32 bits.
            offset_of[s as usize] = (row * stride) as u32;
        }
        let table = renumber_rows(rows, stride, &offset_of);
        let mut output_starts = Vec::with_capacity(matches + 1);
        let mut outputs = Vec::new();
        for &s in &order[..matches] {
            output_starts.push(outputs.len() as u32);
            outputs.extend_from_slice(outputs_by_state.of(s as usize));
        }
        output_starts.push(outputs.len() as u32);
        Some(DenseDfa {
            classes,
            table,
            stride,
            start: offset_of[0],
            // Fits: matches × stride ≤ rows × stride.
            match_limit: (matches * stride) as u32,
            output_starts,
            outputs,
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

    /// The ids of the literals that end on entering `state` (empty unless it is a match
    /// state).
    pub(super) fn ending(&self, state: u32) -> &[u32] {
        if !self.is_match(state) {
            return &[];
        }
        let row = state as usize / self.stride;
        &self.outputs[self.output_starts[row] as usize..self.output_starts[row + 1] as usize]
    }

    /// Number of states (rows).
    #[cfg(test)]
    fn states(&self) -> usize {
        self.table.len() / self.stride
    }
}

/// The byte classes of `literals` and their number: bytes in no literal share class 0, and
/// an ASCII letter shares the class of its lower case. `None` beyond 256 classes (which
/// cannot happen: the lower-case ASCII letters fold the upper ones away).
fn byte_classes(literals: &[(&[u8], u32)]) -> Option<([u8; 256], usize)> {
    let mut in_literal = [false; 256];
    for &(literal, _) in literals {
        for &b in literal {
            in_literal[usize::from(b.to_ascii_lowercase())] = true;
        }
    }
    let mut classes = [0u8; 256];
    let mut stride = 1;
    for b in 0..=255u8 {
        if in_literal[usize::from(b)] && !b.is_ascii_uppercase() {
            classes[usize::from(b)] = u8::try_from(stride).ok()?;
            stride += 1;
        }
    }
    for b in b'A'..=b'Z' {
        classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
    }
    Some((classes, stride))
}

/// Moves the rows of `rows` (one of `stride` entries per state, entries being states) to
/// the offsets `offset_of` gives their states, and writes each entry as its state's offset:
/// in place, row by row along the cycles of the renumbering, so the table is never held
/// twice.
fn renumber_rows(mut rows: Vec<u32>, stride: usize, offset_of: &[u32]) -> Vec<u32> {
    for entry in rows.iter_mut() {
        *entry = offset_of[*entry as usize];
    }
    let mut placed = vec![false; offset_of.len()];
    let mut carried = vec![0u32; stride];
    for first in 0..offset_of.len() {
        if placed[first] {
            continue;
        }
        // Carry the row of `first` to its place, the row found there to its own, and so on
        // until the cycle closes at `first`'s old place.
        carried.copy_from_slice(&rows[first * stride..(first + 1) * stride]);
        let mut state = first;
        loop {
            placed[state] = true;
            let to = offset_of[state] as usize / stride;
            let row = &mut rows[to * stride..(to + 1) * stride];
            if to == first {
                row.copy_from_slice(&carried);
                break;
            }
            row.swap_with_slice(&mut carried);
            state = to;
        }
    }
    rows
}

/// The trie of the literals over byte classes: one row of `stride` child states per state
/// (the root is state 0), [`NONE`] where there is no child.
struct Trie {
    rows: Vec<u32>,
    /// `(state, literal id)` for each literal, at the state its last byte reaches.
    ends: Vec<(u32, u32)>,
}

impl Trie {
    /// `None` when the rows' offsets would not fit 32 bits. States are numbered by depth
    /// (all literals take their first byte, then their second, …): a state's failure link,
    /// being shallower, has a lower number, and the rows of one depth lie together.
    fn build(literals: &[(&[u8], u32)], classes: &[u8; 256], stride: usize) -> Option<Trie> {
        // Room for the most states the literals can make (one per byte, and the root), so
        // the rows are not copied as they grow; memory not reached is never touched. (Should
        // the reservation fail, they grow as needed.)
        let most_states = 1 + literals.iter().map(|(l, _)| l.len()).sum::<usize>();
        let mut rows = Vec::new();
        let _ = rows.try_reserve_exact(most_states.saturating_mul(stride).min(u32::MAX as usize));
        rows.resize(stride, NONE);
        // The state each literal has reached.
        let mut reached = vec![0u32; literals.len()];
        let longest = literals.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        for depth in 0..longest {
            for (state, &(literal, _)) in reached.iter_mut().zip(literals) {
                let Some(&b) = literal.get(depth) else { continue };
                let slot = *state as usize * stride + usize::from(classes[usize::from(b)]);
                *state = match rows[slot] {
                    NONE => {
                        let new = rows.len() / stride;
                        // Every row offset, up to that of the last row's end, must fit.
                        u32::try_from((new + 1).checked_mul(stride)?).ok()?;
                        rows[slot] = new as u32;
                        rows.resize(rows.len() + stride, NONE);
                        new as u32
                    }
                    child => child,
                };
            }
        }
        let ends = reached.iter().zip(literals).map(|(&state, &(_, id))| (state, id)).collect();
        Some(Trie { rows, ends })
    }
}

/// The failure links, found while the trie's rows are completed into DFA rows.
struct Links {
    /// State → the state of its longest proper suffix that is in the trie.
    fail: Vec<u32>,
}

impl Links {
    /// Completes `rows` in place: a missing transition of a state goes where its failure
    /// link's does. States are numbered by depth (see [`Trie::build`]), so taken in order,
    /// each one's failure link is complete before it.
    fn fill(rows: &mut [u32], stride: usize) -> Links {
        let n = rows.len() / stride;
        let mut fail = vec![0u32; n];
        for slot in rows.iter_mut().take(stride) {
            if *slot == NONE {
                *slot = 0;
            }
        }
        for state in 1..n {
            let link = fail[state] as usize;
            for class in 0..stride {
                let via_link = rows[link * stride + class];
                let slot = &mut rows[state * stride + class];
                match *slot {
                    NONE => *slot = via_link,
                    child => fail[child as usize] = via_link,
                }
            }
        }
        Links { fail }
    }
}

/// The literals that end in each state: its own, then those of its failure link.
struct Outputs {
    /// State → range in `ids`.
    ranges: Vec<(u32, u32)>,
    ids: Vec<u32>,
}

impl Outputs {
    fn collect(links: &Links, mut ends: Vec<(u32, u32)>) -> Outputs {
        let n = links.fail.len();
        ends.sort_unstable();
        let mut own = ends.as_slice();
        let mut own_by_state: Vec<&[(u32, u32)]> = vec![&[]; n];
        while let Some(&(state, _)) = own.first() {
            let len = own.iter().take_while(|e| e.0 == state).count();
            own_by_state[state as usize] = &own[..len];
            own = &own[len..];
        }
        let mut out = Outputs { ranges: vec![(0, 0); n], ids: Vec::new() };
        // By depth: a state's failure link has its outputs already.
        for state in 0..n as u32 {
            let start = out.ids.len() as u32;
            out.ids.extend(own_by_state[state as usize].iter().map(|&(_, id)| id));
            if state != 0 {
                let (a, b) = out.ranges[links.fail[state as usize] as usize];
                out.ids.extend_from_within(a as usize..b as usize);
            }
            out.ranges[state as usize] = (start, out.ids.len() as u32);
        }
        out
    }

    fn of(&self, state: usize) -> &[u32] {
        let (a, b) = self.ranges[state];
        &self.ids[a as usize..b as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::automaton::Automaton;
    use aho_corasick::dfa::DFA;
    use aho_corasick::{Anchored, MatchKind};

    fn dense(literals: &[&str]) -> DenseDfa {
        let pairs: Vec<(&[u8], u32)> = literals.iter().zip(0..).map(|(l, id)| (l.as_bytes(), id)).collect();
        DenseDfa::new(&pairs).unwrap_or_else(|| panic!("fits"))
    }

    /// Steps the dense DFA and aho-corasick's own DFA over `text` (the reference): after
    /// every byte, the same literals must end. Returns the positions where some did.
    fn agree(literals: &[&str], text: &[u8]) -> usize {
        let reference = DFA::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(literals)
            .unwrap_or_else(|e| panic!("{e}"));
        let dense = dense(literals);
        let (mut a, mut b) = (reference.start_state(Anchored::No).unwrap_or_else(|e| panic!("{e}")), dense.start());
        let mut positions = 0;
        for (i, &byte) in text.iter().enumerate() {
            a = reference.next_state(Anchored::No, a, byte);
            b = dense.next(b, byte);
            let mut expected: Vec<u32> = if reference.is_match(a) {
                (0..reference.match_len(a)).map(|k| reference.match_pattern(a, k).as_u32()).collect()
            } else {
                Vec::new()
            };
            let mut ending = dense.ending(b).to_vec();
            expected.sort_unstable();
            ending.sort_unstable();
            assert_eq!(dense.is_match(b), reference.is_match(a), "after byte {i} ({byte:#x}) of {text:?}");
            assert_eq!(ending, expected, "after byte {i} ({byte:#x}) of {text:?}");
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
        assert_eq!(agree(&literals, text.as_bytes()), 8);
        // Every byte value, also those in no literal and the unused upper-case letters.
        let all: String = (0..=127u8).map(char::from).chain("äöüßÄÖÜ€„“".chars()).collect();
        agree(&literals, all.as_bytes());
        agree(&["a", "aa", "aaa", "ab"], b"aaaabaaab AAAB");
    }

    #[test]
    fn strings_of_one_literal_report_its_id() {
        // Two case variants of one literal, and a third literal inside the first.
        let pairs: [(&[u8], u32); 3] = [("ärger".as_bytes(), 7), ("Ärger".as_bytes(), 7), (b"rger", 2)];
        let dense = DenseDfa::new(&pairs).unwrap_or_else(|| panic!("fits"));
        let mut state = dense.start();
        let mut ends = Vec::new();
        for &b in "ÄRGER, ärger".as_bytes() {
            state = dense.next(state, b);
            ends.push(dense.ending(state).to_vec());
        }
        // The last bytes of "ÄRGER" (Ä is two bytes) and of "ärger" are bytes 5 and 13;
        // each ends both the variant (own state first) and "rger" (its failure link's).
        assert_eq!(ends[5], [7, 2]);
        assert_eq!(ends[13], [7, 2]);
        assert_eq!(ends.iter().filter(|e| !e.is_empty()).count(), 2);
    }

    #[test]
    fn rows_hold_one_entry_per_folded_class() {
        let dense = dense(&["ab", "Ba", "cä"]);
        // Classes: other, a, b, c, 0xA4 and 0xC3 (the two bytes of ä).
        assert_eq!(dense.stride, 6);
        assert_eq!(dense.classes[usize::from(b'A')], dense.classes[usize::from(b'a')]);
        assert_eq!(dense.classes[usize::from(b'z')], 0);
        // States: start, a, ab, b, ba, c, c + 0xC3, cä.
        assert_eq!(dense.states(), 8);
        assert_eq!(dense.table.len(), 8 * 6);
    }

    proptest::proptest! {
        /// Any literals (overlapping, nested, sharing prefixes and suffixes, in any ASCII
        /// case, with multi-byte letters) against aho-corasick's DFA on any text.
        #[test]
        fn agrees_with_the_reference_dfa(
            literals in proptest::collection::btree_set("[abAB\\-ä]{1,4}", 1..12),
            text in "[abcAB \\-äÄö]{0,60}",
        ) {
            let literals: Vec<&str> = literals.iter().map(String::as_str).collect();
            agree(&literals, text.as_bytes());
        }
    }
}
