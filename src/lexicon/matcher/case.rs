//! Letter case: the case variants of the literals that let the DFA search the original text,
//! the test of whether a text allows that, and otherwise the lower-cased copy whose offsets
//! are mapped back to the original.

use crate::lexicon::dense::DenseDfa;

/// Most case variants generated per literal; beyond it the direct search is not built.
const MAX_VARIANTS: usize = 64;

/// The DFA over all case variants of the literals, for search in the original text; its
/// matches report the literal of the variant. `None` when a literal has more than
/// [`MAX_VARIANTS`] variants or the table would be too large (the lower-cased search is
/// used then).
pub(super) fn build_direct(literals: &[String]) -> Option<DenseDfa> {
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
pub(super) fn lowers_in_place(text: &str) -> bool {
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
pub(super) fn lower_into(text: &str, lower: &mut Vec<u8>, shifts: &mut Vec<(usize, usize)>) {
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
pub(super) fn to_original(shifts: &[(usize, usize)], pos: usize) -> usize {
    match shifts.partition_point(|&(l, _)| l <= pos) {
        0 => pos,
        k => {
            let (l, o) = shifts[k - 1];
            o + (pos - l)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
