//! Choosing among overlapping hits: exclusions first, then the longest hit, the earlier
//! lexicon entry, the leftmost start.

use std::ops::Range;

use crate::lexicon::Hit;

/// Drops inclusions overlapping exclusions, then picks non-overlapping hits by priority.
pub(super) fn resolve(candidates: &mut Vec<Hit>, exclusions: &mut Vec<Range<usize>>, out: &mut Vec<Hit>) {
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
