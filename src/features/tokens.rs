//! Cutting a sentence into tokens: the lower-cased copy with its token spans, and the direct
//! path that hashes the words of usual sentences without a copy.

use std::ops::Range;

use super::keys::{hash_range, hash_words};
use super::KeyBuffers;

/// Appends to `tokens` the runs of alphanumeric characters (and `_`) of the lower-cased
/// `lower` that have at least `min_chars` characters. ASCII is skipped and read a run at a
/// time in tight loops over a byte table; only other characters are classified one by one.
pub(super) fn find_tokens(lower: &str, min_chars: usize, tokens: &mut Vec<Range<usize>>) {
    let bytes = lower.as_bytes();
    let is_word_at = |i: usize| -> (bool, usize) {
        let (wide, len) = Wide::at(lower, i);
        let is_word = match wide {
            Wide::Latin1(_, is_word) => is_word,
            Wide::Punctuation => false,
            Wide::Other(c) => c.is_alphanumeric(),
        };
        (is_word, len)
    };
    let mut i = 0;
    while i < bytes.len() {
        // To the next word character: past ASCII non-word bytes, then non-ASCII ones.
        i += bytes[i..].iter().position(|&b| b >= 0x80 || ASCII_WORD[usize::from(b)]).unwrap_or(bytes.len() - i);
        if i >= bytes.len() {
            break;
        }
        if bytes[i] >= 0x80 {
            let (is_word, len) = is_word_at(i);
            if !is_word {
                i += len;
                continue;
            }
        }
        let start = i;
        let mut chars = 0;
        loop {
            let ascii = word_run(bytes, i);
            chars += ascii;
            i += ascii;
            if i < bytes.len() && bytes[i] >= 0x80 {
                let (is_word, len) = is_word_at(i);
                if is_word {
                    chars += 1;
                    i += len;
                    continue;
                }
            }
            break;
        }
        if chars >= min_chars {
            tokens.push(start..i);
        }
    }
}

/// ASCII letters, digits and `_`: the word bytes of [`find_tokens`] (bytes from 0x80 on are
/// not, so that the ASCII loops stop at every other character).
const WORD_RANGES: &[(u8, u8)] = &[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9'), (b'_', b'_')];

/// [`WORD_RANGES`] as a byte table.
const ASCII_WORD: [bool; 256] = crate::text::ascii_set(WORD_RANGES);

/// A non-ASCII character, as the tokenizer tells them apart.
pub(super) enum Wide {
    /// U+0080..U+00FF: its lower case and whether it is alphanumeric ([`LATIN1`]).
    Latin1(char, bool),
    /// U+2000..U+203F (spaces, dashes, quotation marks, …): none is a letter or digit and
    /// each is its own lower case (a test checks the block against the standard library),
    /// which spares German quotes the Unicode tables.
    Punctuation,
    /// Any other character.
    Other(char),
}

impl Wide {
    /// The character starting at byte `i` of `s` (not ASCII), and its length in bytes.
    pub(super) fn at(s: &str, i: usize) -> (Wide, usize) {
        let bytes = s.as_bytes();
        match bytes[i] {
            // U+0080..U+00FF: two bytes, 1100001x 10xxxxxx.
            lead @ (0xc2 | 0xc3) if i + 1 < bytes.len() => {
                let (lower, is_word) = LATIN1[usize::from((lead & 1) << 6 | (bytes[i + 1] & 0x3f))];
                (Wide::Latin1(lower, is_word), 2)
            }
            0xe2 if bytes.get(i + 1) == Some(&0x80) && i + 2 < bytes.len() => (Wide::Punctuation, 3),
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                (Wide::Other(c), c.len_utf8())
            }
        }
    }
}

/// The word keys of `sentence` into `s.word_keys`, as [`Extractor::tokenize`](super::Extractor::tokenize) and
/// [`hash_range`] of each token give them, but read from the sentence itself: ASCII words
/// are lower-cased word by word as they are hashed, other words are lower-cased into
/// `s.name`. Covers sentences of ASCII, Latin-1 and characters that are their own lower
/// case (General Punctuation among them), without `<` (which may open a target tag).
/// Returns `false` for any other sentence, which then needs the full tokenizer.
pub(super) fn word_keys_direct(sentence: &str, min_chars: usize, s: &mut KeyBuffers) -> bool {
    s.word_keys.clear();
    let bytes = sentence.as_bytes();
    // A non-ASCII character: its lower case (`None`: not its own length or class there)
    // and whether it is a word character.
    let wide = |i: usize| -> Option<(Wide, usize, bool)> {
        let (wide, len) = Wide::at(sentence, i);
        let is_word = match wide {
            Wide::Latin1(_, is_word) => is_word,
            Wide::Punctuation => false,
            Wide::Other(c) => {
                let mut lower = c.to_lowercase();
                if lower.next() != Some(c) || lower.next().is_some() {
                    return None;
                }
                c.is_alphanumeric()
            }
        };
        Some((wide, len, is_word))
    };
    let mut i = 0;
    while i < bytes.len() {
        i += gap_run(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        if b == b'<' {
            return false;
        }
        if b >= 0x80 {
            let Some((_, len, is_word)) = wide(i) else { return false };
            if !is_word {
                i += len;
                continue;
            }
        }
        let start = i;
        let mut chars = 0;
        // Once the word meets a non-ASCII letter, it is lower-cased into `s.name` as it goes.
        let mut copied = false;
        loop {
            let run = word_run(bytes, i);
            if copied {
                s.name.push_str(&sentence[i..i + run]);
            }
            chars += run;
            i += run;
            if i < bytes.len() && bytes[i] >= 0x80 {
                let Some((wide, len, is_word)) = wide(i) else { return false };
                if is_word {
                    if !copied {
                        s.name.clear();
                        s.name.push_str(&sentence[start..i]);
                        copied = true;
                    }
                    match wide {
                        Wide::Latin1(lower, _) => s.name.push(lower),
                        _ => s.name.push_str(&sentence[i..i + len]),
                    }
                    chars += 1;
                    i += len;
                    continue;
                }
            }
            break;
        }
        if chars < min_chars {
            continue;
        }
        let key = if copied {
            s.name.make_ascii_lowercase();
            hash_range(s.name.as_bytes(), 0, s.name.len())
        } else {
            hash_words(bytes, start, i, crate::text::ascii_lowercase_word)
        };
        s.word_keys.push(key);
    }
    true
}

/// The word bytes of a `u64` (see [`WORD_RANGES`]), marked by the top bit of their lane.
/// Setting 0x20 in every byte maps exactly the capitals and small letters into `a..=z`, so
/// three range tests do for four ranges.
#[inline(always)]
fn word_lanes(word: u64) -> u64 {
    let folded = word | u64::from_le_bytes([0x20; 8]);
    crate::text::ascii_in_ranges(folded, &[(b'a', b'z')])
        | crate::text::ascii_in_ranges(word, &[(b'0', b'9'), (b'_', b'_')])
}

/// The length of the run of word bytes (ASCII letters, digits, `_`) from `from`.
#[inline(always)]
pub(super) fn word_run(bytes: &[u8], from: usize) -> usize {
    crate::text::run_where(bytes, from, word_lanes, |b| ASCII_WORD[usize::from(b)])
}

/// The length of the run from `from` of ASCII bytes that are neither word bytes nor `<`
/// (which may open a target tag).
#[inline(always)]
pub(super) fn gap_run(bytes: &[u8], from: usize) -> usize {
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let stops = |word: u64| word_lanes(word) | crate::text::ascii_in_ranges(word, &[(b'<', b'<')]) | (word & HIGH);
    crate::text::run_where(
        bytes,
        from,
        |word| !stops(word) & HIGH,
        |b| b < 0x80 && !ASCII_WORD[usize::from(b)] && b != b'<',
    )
}

/// Where the run of ASCII bytes other than `<` starting at `from` ends: at the first byte
/// that is not ASCII or is a `<`, or at the end of `bytes`.
pub(super) fn plain_ascii_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    // Sixteen bytes at a time first: the fold compiles to vector compares.
    while let Some(chunk) = bytes.get(i..i + 16) {
        if chunk.iter().fold(false, |stop, &c| stop | (c >= 0x80) | (c == b'<')) {
            break;
        }
        i += 16;
    }
    bytes[i..].iter().position(|&c| c >= 0x80 || c == b'<').map_or(bytes.len(), |p| i + p)
}

/// Lower case and "is alphanumeric" of U+0080..U+00FF, indexed by code point − 0x80: of
/// the symbols only ª ² ³ µ ¹ º ¼ ½ ¾ count; of the letters all but × and ÷, and À..Þ lower
/// to à..þ. A test checks every entry against the standard library.
pub(super) const LATIN1: [(char, bool); 128] = {
    let mut table = [(' ', false); 128];
    let mut i = 0;
    while i < 128 {
        let cp = 0x80 + i as u32;
        let letter = cp >= 0xc0 && cp != 0xd7 && cp != 0xf7;
        let lower = if cp >= 0xc0 && cp <= 0xde && cp != 0xd7 { cp + 0x20 } else { cp };
        let is_word = letter || matches!(cp, 0xaa | 0xb2 | 0xb3 | 0xb5 | 0xb9 | 0xba | 0xbc | 0xbd | 0xbe);
        table[i] = match char::from_u32(lower) {
            Some(c) => (c, is_word),
            None => (' ', false),
        };
        i += 1;
    }
    table
};
