//! The direct search: one pass of the case-variant DFA over a whole text, recording where
//! literals end, stepped in four lanes so that the processor overlaps their table loads.

use crate::lexicon::dense::DenseDfa;

/// Where literals end in a text, found by [`crate::lexicon::Matcher::scan`]: sorted end
/// offsets, each with the DFA state reached there, which lists the literals ending there.
#[derive(Debug, Clone, Default)]
pub struct LiteralEnds {
    /// Byte offsets just past each literal end, ascending.
    pub(super) ends: Vec<usize>,
    /// The DFA state at each end, which lists the literals ending there.
    pub(super) states: Vec<u32>,
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
pub(super) fn scan_literal_ends(dfa: &DenseDfa, bytes: &[u8], out: &mut LiteralEnds) {
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
