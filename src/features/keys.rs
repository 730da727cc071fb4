//! Feature keys: the 64-bit hash of each feature, computed from the lower-cased text without
//! allocating, and the printable names a model file stores, from which the keys are recomputed.

use super::LexiconHit;
use crate::lexicon::voice::Voice;

/// Salt that separates `t:word` keys from plain `word` keys.
const TARGET_SALT: u64 = 0x9e37_79b9_7f4a_7c15;
const K1: u64 = 0x9fb2_1c65_1e98_df25;
const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// 64-bit hash of a byte string, eight bytes per step (a byte-wise hash such as FNV is the
/// bottleneck of scoring otherwise).
fn hash_bytes(bytes: &[u8]) -> u64 {
    hash_range(bytes, 0, bytes.len())
}

/// [`hash_bytes`] of `buf[start..end]`. When `buf` has 8 bytes beyond the last partial word,
/// that word is read whole and masked: a variable-length copy there dominated scoring time.
pub(super) fn hash_range(buf: &[u8], start: usize, end: usize) -> u64 {
    hash_words(buf, start, end, |word| word)
}

/// [`hash_range`] of the bytes as `transform` maps each word of eight read from `buf` (the
/// last one with the bytes past `end` zeroed): a byte-wise map such as lower-casing hashes
/// the mapped text without a copy of it, as long as it maps a zero byte to zero.
#[inline(always)]
pub(super) fn hash_words(buf: &[u8], start: usize, end: usize, transform: impl Fn(u64) -> u64) -> u64 {
    let mut h = 0x243f_6a88_85a3_08d3 ^ ((end - start) as u64).wrapping_mul(K1);
    let mut p = start;
    while p + 8 <= end {
        h = (h ^ transform(read_word(buf, p))).wrapping_mul(K1);
        h ^= h >> 32;
        p += 8;
    }
    let rest = end - p;
    if rest > 0 {
        let word = if p + 8 <= buf.len() {
            read_word(buf, p) & (u64::MAX >> (8 * (8 - rest)))
        } else {
            let mut w = [0u8; 8];
            w[..rest].copy_from_slice(&buf[p..end]);
            u64::from_le_bytes(w)
        };
        h = (h ^ transform(word)).wrapping_mul(K2);
        h ^= h >> 29;
    }
    h = h.wrapping_mul(K1);
    h ^ (h >> 32)
}

fn read_word(buf: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Key of one token (already lower-cased / stemmed).
pub(super) fn word_key(token: &str) -> u64 {
    hash_bytes(token.as_bytes())
}

/// Key of a bigram from its two word keys (order matters).
pub(super) fn bigram_key(a: u64, b: u64) -> u64 {
    let x = a.rotate_left(23) ^ b.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 29)
}

pub(super) fn char_key(gram: &str) -> u64 {
    (hash_bytes(gram.as_bytes()) ^ 0x5851_f42d_4c95_7f2d).wrapping_mul(K2)
}

pub(super) fn target_key(word: u64) -> u64 {
    (word ^ TARGET_SALT).wrapping_mul(0xc4ce_b9fe_1a85_ec53)
}

/// Which of the four lexicon columns of a frame a hit counts in.
pub(super) fn frame_suffix(hit: &LexiconHit<'_>) -> &'static str {
    if hit.negated {
        "|negated"
    } else {
        match hit.voice {
            Voice::Authorial => "",
            // Reported speech is someone else's words, as a quotation is: one column, so
            // models trained before `reported` existed read it as they read quotations.
            Voice::Quoted | Voice::Reported => "|quoted",
            Voice::ScareQuote => "|scare_quote",
        }
    }
}

/// Key of a lexicon feature; `buf` is scratch space for its name.
pub(super) fn frame_key(frame: &str, suffix: &str, buf: &mut String) -> u64 {
    buf.clear();
    buf.push_str("frame=");
    buf.push_str(frame);
    buf.push_str(suffix);
    hash_bytes(buf.as_bytes())
}

/// The key of a feature from its printable name, as written in model files.
pub fn key_of_name(name: &str) -> u64 {
    if name.starts_with("frame=") {
        return hash_bytes(name.as_bytes());
    }
    if let Some(gram) = name.strip_prefix("c:") {
        return char_key(gram);
    }
    if let Some(word) = name.strip_prefix("t:") {
        return target_key(word_key(word));
    }
    match name.split_once(' ') {
        Some((a, b)) => bigram_key(word_key(a), word_key(b)),
        None => word_key(name),
    }
}

/// The four lexicon feature names of a frame.
pub fn frame_feature_names(frame: &str) -> [String; 4] {
    ["", "|quoted", "|scare_quote", "|negated"].map(|s| format!("frame={frame}{s}"))
}
