//! Sentence features for the classifier: lexicon frame counts plus word uni- and bigrams.
//!
//! CONTRACT (used by model and pipeline): [`LexiconHit`] is what the pipeline knows about
//! each lexicon match of a sentence; the model turns a sentence and its hits into features.
//!
//! Every feature is identified by a 64-bit key computed from the lower-cased text without
//! allocating, so scoring needs no per-call allocation. The key of a feature can also be
//! recomputed from its printable name (see [`key_of_name`]), which is what the model file
//! stores: `word`, `word other` (bigram), `t:word` (word near a `<t>…</t>` target) and
//! `frame=X`, `frame=X|quoted`, `frame=X|scare_quote`, `frame=X|negated` (lexicon counts).

use std::ops::Range;

use crate::lexicon::voice::Voice;
use crate::Lang;

/// One lexicon match in a sentence, as the features see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexiconHit<'a> {
    /// Frame of the matched entry.
    pub frame: &'a str,
    /// Who says it.
    pub voice: Voice,
    /// Whether a negator precedes it.
    pub negated: bool,
}

/// How sentences become feature keys; stored in the model file so predict rebuilds exactly
/// the training features.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeatureConfig {
    /// Shortest token kept, in characters (scikit-learn's default pattern keeps 2+).
    pub min_token_chars: usize,
    /// Add bigrams of adjacent tokens.
    pub bigrams: bool,
    /// Snowball-stem tokens in this language (None: no stemming).
    pub stem: Option<Lang>,
    /// Words at most this many tokens away from a `<t>…</t>` target also count as `t:word`
    /// (0: no target features).
    pub target_window: usize,
    /// `1 + ln(tf)` instead of raw counts.
    pub sublinear_tf: bool,
    /// Character n-grams of each word padded with spaces (scikit-learn's `char_wb`), lengths
    /// `min..=max`; `[0, 0]` is off. They catch German compounds and inflections, at several
    /// times the scoring cost.
    #[serde(default)]
    pub char_ngrams: [usize; 2],
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            min_token_chars: 2,
            bigrams: true,
            stem: None,
            target_window: 3,
            sublinear_tf: true,
            char_ngrams: [0, 0],
        }
    }
}

/// Longest character n-gram: scoring makes `max - min + 1` n-grams per character of every
/// word, so a model file asking for `[1, 100000]` would take minutes per document. Ten is
/// well past what helps (the bundled models use 4).
pub const MAX_CHAR_NGRAM: usize = 10;

/// Widest `target_window`: a window wider than a sentence adds nothing.
pub const MAX_TARGET_WINDOW: usize = 50;

/// Largest `min_token_chars` (`framing train` always uses 2); a longer minimum drops nearly
/// every word.
pub const MAX_MIN_TOKEN_CHARS: usize = 20;

/// A feature setting out of its range; the message names the field as the model file does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeatureError {
    /// `char_ngrams` is neither off nor a short range.
    #[error("char_ngrams [{0}, {1}]: expected [0, 0] or 1 ≤ min ≤ max ≤ {MAX_CHAR_NGRAM}")]
    CharNgrams(usize, usize),
    /// `target_window` is too wide.
    #[error("target_window {0}: expected at most {MAX_TARGET_WINDOW}")]
    TargetWindow(usize),
    /// `min_token_chars` is too large.
    #[error("min_token_chars {0}: expected at most {MAX_MIN_TOKEN_CHARS}")]
    MinTokenChars(usize),
}

impl FeatureConfig {
    /// Checks every setting against the bounds above, so that neither a model file nor a
    /// training run can make scoring arbitrarily slow.
    pub fn check(&self) -> Result<(), FeatureError> {
        let [lo, hi] = self.char_ngrams;
        if [lo, hi] != [0, 0] && !(1 <= lo && lo <= hi && hi <= MAX_CHAR_NGRAM) {
            return Err(FeatureError::CharNgrams(lo, hi));
        }
        if self.target_window > MAX_TARGET_WINDOW {
            return Err(FeatureError::TargetWindow(self.target_window));
        }
        if self.min_token_chars > MAX_MIN_TOKEN_CHARS {
            return Err(FeatureError::MinTokenChars(self.min_token_chars));
        }
        Ok(())
    }
}

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
fn hash_range(buf: &[u8], start: usize, end: usize) -> u64 {
    hash_words(buf, start, end, |word| word)
}

/// [`hash_range`] of the bytes as `transform` maps each word of eight read from `buf` (the
/// last one with the bytes past `end` zeroed): a byte-wise map such as lower-casing hashes
/// the mapped text without a copy of it, as long as it maps a zero byte to zero.
#[inline(always)]
fn hash_words(buf: &[u8], start: usize, end: usize, transform: impl Fn(u64) -> u64) -> u64 {
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
fn word_key(token: &str) -> u64 {
    hash_bytes(token.as_bytes())
}

/// Key of a bigram from its two word keys (order matters).
fn bigram_key(a: u64, b: u64) -> u64 {
    let x = a.rotate_left(23) ^ b.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 29)
}

fn char_key(gram: &str) -> u64 {
    (hash_bytes(gram.as_bytes()) ^ 0x5851_f42d_4c95_7f2d).wrapping_mul(K2)
}

fn target_key(word: u64) -> u64 {
    (word ^ TARGET_SALT).wrapping_mul(0xc4ce_b9fe_1a85_ec53)
}

/// Which of the four lexicon columns of a frame a hit counts in.
fn frame_suffix(hit: &LexiconHit<'_>) -> &'static str {
    if hit.negated {
        "|negated"
    } else {
        match hit.voice {
            Voice::Authorial => "",
            Voice::Quoted => "|quoted",
            Voice::ScareQuote => "|scare_quote",
        }
    }
}

/// Key of a lexicon feature; `buf` is scratch space for its name.
fn frame_key(frame: &str, suffix: &str, buf: &mut String) -> u64 {
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

/// Reusable buffers for [`Extractor::keys_into`]; one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    lower: String,
    tokens: Vec<Range<usize>>,
    word_keys: Vec<u64>,
    target: Option<Range<usize>>,
    name: String,
    bounds: Vec<usize>,
}

/// Appends to `tokens` the runs of alphanumeric characters (and `_`) of the lower-cased
/// `lower` that have at least `min_chars` characters. ASCII is skipped and read a run at a
/// time in tight loops over a byte table; only other characters are classified one by one.
fn find_tokens(lower: &str, min_chars: usize, tokens: &mut Vec<Range<usize>>) {
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
enum Wide {
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
    fn at(s: &str, i: usize) -> (Wide, usize) {
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

/// The word keys of `sentence` into `s.word_keys`, as [`Extractor::tokenize`] and
/// [`hash_range`] of each token give them, but read from the sentence itself: ASCII words
/// are lower-cased word by word as they are hashed, other words are lower-cased into
/// `s.name`. Covers sentences of ASCII, Latin-1 and characters that are their own lower
/// case (General Punctuation among them), without `<` (which may open a target tag).
/// Returns `false` for any other sentence, which then needs the full tokenizer.
fn word_keys_direct(sentence: &str, min_chars: usize, s: &mut Scratch) -> bool {
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
fn word_run(bytes: &[u8], from: usize) -> usize {
    crate::text::run_where(bytes, from, word_lanes, |b| ASCII_WORD[usize::from(b)])
}

/// The length of the run from `from` of ASCII bytes that are neither word bytes nor `<`
/// (which may open a target tag).
#[inline(always)]
fn gap_run(bytes: &[u8], from: usize) -> usize {
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
fn plain_ascii_end(bytes: &[u8], from: usize) -> usize {
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
const LATIN1: [(char, bool); 128] = {
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

/// Turns sentences into feature keys.
#[derive(Debug, Clone)]
pub struct Extractor {
    config: FeatureConfig,
    stemmer: Option<StemmerBox>,
}

/// rust-stemmers' `Stemmer` is neither Debug nor Clone; it is cheap to rebuild.
struct StemmerBox(rust_stemmers::Stemmer, Lang);

impl Clone for StemmerBox {
    fn clone(&self) -> Self {
        StemmerBox(make_stemmer(self.1), self.1)
    }
}

impl std::fmt::Debug for StemmerBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stemmer({})", self.1)
    }
}

fn make_stemmer(lang: Lang) -> rust_stemmers::Stemmer {
    match lang {
        Lang::De => rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::German),
        Lang::En => rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
    }
}

impl Extractor {
    /// An extractor for `config`.
    pub fn new(config: FeatureConfig) -> Extractor {
        let stemmer = config.stem.map(|lang| StemmerBox(make_stemmer(lang), lang));
        Extractor { config, stemmer }
    }

    /// The configuration.
    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// Lower-cases the sentence into the scratch buffer (dropping `<t>`/`</t>` tags and
    /// remembering the target's span), then records the token spans ([`find_tokens`]).
    /// ASCII runs are copied whole and lower-cased in place, Latin-1 (German umlauts, ß) goes
    /// by table, other characters through `char`.
    fn tokenize(&self, sentence: &str, s: &mut Scratch) {
        s.lower.clear();
        s.tokens.clear();
        s.target = None;
        let mut target_start = None;
        let bytes = sentence.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'<' && bytes[i..].starts_with(b"<t>") {
                target_start = Some(s.lower.len());
                s.lower.push(' ');
                i += 3;
            } else if b == b'<' && bytes[i..].starts_with(b"</t>") {
                if let Some(start) = target_start.take() {
                    s.target = Some(start..s.lower.len());
                }
                s.lower.push(' ');
                i += 4;
            } else if b < 0x80 {
                // The byte at `i` belongs to the run even when it is a `<` that opens no tag.
                let end = plain_ascii_end(bytes, i + 1);
                let start = s.lower.len();
                s.lower.push_str(&sentence[i..end]);
                s.lower[start..].make_ascii_lowercase();
                i = end;
            } else {
                let (wide, len) = Wide::at(sentence, i);
                match wide {
                    Wide::Latin1(lower, _) => s.lower.push(lower),
                    Wide::Punctuation => s.lower.push_str(&sentence[i..i + len]),
                    Wide::Other(c) => s.lower.extend(c.to_lowercase()),
                }
                i += len;
            }
        }
        find_tokens(&s.lower, self.config.min_token_chars, &mut s.tokens);
        // Padding lets the hash read whole words past a token's end (see `hash_range`).
        s.lower.push_str("        ");
    }

    /// Whether word keys may come from [`word_keys_direct`]: it neither stems nor makes
    /// character n-grams.
    fn reads_words_directly(&self) -> bool {
        self.stemmer.is_none() && self.char_ngram_lengths().is_none()
    }

    /// The character n-gram lengths `lo..=hi`, `None` when they are off.
    fn char_ngram_lengths(&self) -> Option<(usize, usize)> {
        let [lo, hi] = self.config.char_ngrams;
        (lo > 0 && hi >= lo).then_some((lo, hi))
    }

    fn token_key(&self, lower: &str, span: &Range<usize>) -> u64 {
        match &self.stemmer {
            Some(st) => word_key(&st.0.stem(&lower[span.clone()])),
            None => hash_range(lower.as_bytes(), span.start, span.end),
        }
    }

    fn token_name(&self, token: &str) -> String {
        match &self.stemmer {
            Some(st) => st.0.stem(token).into_owned(),
            None => token.to_string(),
        }
    }

    /// Appends the feature keys of a sentence (repeated keys repeat) to `out`; when `names`
    /// is given, also records each key's printable name (training builds its vocabulary so).
    pub fn keys_into(
        &self,
        sentence: &str,
        hits: &[LexiconHit<'_>],
        scratch: &mut Scratch,
        out: &mut Vec<u64>,
        mut names: Option<&mut std::collections::HashMap<u64, String>>,
    ) {
        // Read directly, a sentence has no target tag and no character n-grams are made, so
        // `scratch.tokens` (left from another sentence) is not looked at below.
        let direct = names.is_none()
            && self.reads_words_directly()
            && word_keys_direct(sentence, self.config.min_token_chars, scratch);
        if direct {
            out.extend_from_slice(&scratch.word_keys);
        } else {
            scratch.word_keys.clear();
            self.tokenize(sentence, scratch);
            for t in &scratch.tokens {
                let k = self.token_key(&scratch.lower, t);
                scratch.word_keys.push(k);
                out.push(k);
                if let Some(n) = names.as_deref_mut() {
                    n.entry(k).or_insert_with(|| self.token_name(&scratch.lower[t.clone()]));
                }
            }
        }
        if self.config.bigrams {
            for (i, w) in scratch.word_keys.windows(2).enumerate() {
                let k = bigram_key(w[0], w[1]);
                out.push(k);
                if let Some(n) = names.as_deref_mut() {
                    n.entry(k).or_insert_with(|| {
                        let a = self.token_name(&scratch.lower[scratch.tokens[i].clone()]);
                        let b = self.token_name(&scratch.lower[scratch.tokens[i + 1].clone()]);
                        format!("{a} {b}")
                    });
                }
            }
        }
        if !direct {
            self.target_keys(scratch, out, names.as_deref_mut());
            self.char_keys(scratch, out, names.as_deref_mut());
        }
        for hit in hits {
            let suffix = frame_suffix(hit);
            let k = frame_key(hit.frame, suffix, &mut scratch.name);
            out.push(k);
            if let Some(n) = names.as_deref_mut() {
                n.entry(k).or_insert_with(|| format!("frame={}{}", hit.frame, suffix));
            }
        }
    }

    /// Character n-grams of the space-padded words.
    fn char_keys(
        &self,
        s: &mut Scratch,
        out: &mut Vec<u64>,
        mut names: Option<&mut std::collections::HashMap<u64, String>>,
    ) {
        let Some((lo, hi)) = self.char_ngram_lengths() else { return };
        for t in &s.tokens {
            s.name.clear();
            s.name.push(' ');
            s.name.push_str(&s.lower[t.clone()]);
            s.name.push(' ');
            s.bounds.clear();
            s.bounds.extend(s.name.char_indices().map(|(i, _)| i));
            s.bounds.push(s.name.len());
            let chars = s.bounds.len() - 1;
            for n in lo..=hi.min(chars) {
                for start in 0..=chars - n {
                    let gram = &s.name[s.bounds[start]..s.bounds[start + n]];
                    let k = char_key(gram);
                    out.push(k);
                    if let Some(m) = names.as_deref_mut() {
                        m.entry(k).or_insert_with(|| format!("c:{gram}"));
                    }
                }
            }
        }
    }

    /// Words within the window around the target (not the target words themselves).
    fn target_keys(
        &self,
        s: &Scratch,
        out: &mut Vec<u64>,
        mut names: Option<&mut std::collections::HashMap<u64, String>>,
    ) {
        let (Some(target), w) = (&s.target, self.config.target_window) else { return };
        if w == 0 {
            return;
        }
        let inside = |t: &Range<usize>| t.start >= target.start && t.end <= target.end;
        let Some(first) = s.tokens.iter().position(inside) else { return };
        let last = s.tokens.iter().rposition(inside).unwrap_or(first);
        let lo = first.saturating_sub(w);
        let hi = (last + w).min(s.tokens.len().saturating_sub(1));
        for i in (lo..first).chain(last + 1..=hi) {
            let k = target_key(s.word_keys[i]);
            out.push(k);
            if let Some(n) = names.as_deref_mut() {
                n.entry(k).or_insert_with(|| format!("t:{}", self.token_name(&s.lower[s.tokens[i].clone()])));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    proptest::proptest! {
        /// The chunked search ends ASCII runs where a byte-by-byte search does, wherever the
        /// stop byte falls relative to the 16-byte chunks.
        #[test]
        fn ascii_run_end_equals_a_plain_search(
            bytes in proptest::collection::vec(proptest::prop_oneof![16 => 0u8..0x80, 1 => 0x80u8..=0xff, 1 => proptest::strategy::Just(0x80u8), 1 => proptest::strategy::Just(0x7fu8), 1 => proptest::strategy::Just(b'<')], 0..80),
            from in 0usize..80,
        ) {
            let from = from.min(bytes.len());
            let plain = bytes[from..].iter().position(|&c| c >= 0x80 || c == b'<').map_or(bytes.len(), |p| from + p);
            proptest::prop_assert_eq!(plain_ascii_end(&bytes, from), plain);
        }
    }

    proptest::proptest! {
        /// Tokens are the runs of alphanumeric characters (and `_`) of the lower-cased
        /// sentence with at least `min_token_chars` characters, as the standard library's
        /// Unicode classes split them.
        #[test]
        fn tokens_are_long_enough_alphanumeric_runs(sentence in "[a-zA-Z0-9_ .,;!?-]{0,30}|[aÄé_ ,„“3ΩБ\u{2009}x]{0,40}|[\u{80}-\u{ff}İẞΣa ]{0,30}|[\u{2000}-\u{2050}a1 ]{0,30}") {
            let ex = Extractor::new(FeatureConfig::default());
            let mut scratch = Scratch::default();
            ex.tokenize(&sentence, &mut scratch);
            let lower = scratch.lower.trim_end_matches(' ').to_string();
            // Each character lower-cased on its own (Σ stays σ at a word's end).
            let lowered: String = sentence.chars().flat_map(char::to_lowercase).collect();
            proptest::prop_assert_eq!(&lower, lowered.trim_end_matches(' '));
            let got: Vec<&str> = scratch.tokens.iter().map(|t| &scratch.lower[t.clone()]).collect();
            let reference: Vec<&str> = lower
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| w.chars().count() >= 2)
                .collect();
            proptest::prop_assert_eq!(got, reference);
        }
    }

    proptest::proptest! {
        /// The eight-at-a-time runs of word bytes and of gaps end where byte scans end them,
        /// with every byte that the case fold or a borrow could confuse.
        #[test]
        fn word_and_gap_runs_equal_byte_scans(
            bytes in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'z', b'A', b'Z', b'0', b'9', b'_', b'`', b'{', b'@', b'[', b'/', b':', b'^', b'<', b'=',
                b';', b' ', 0x7F, 0x00, 0x80, 0xC1, 0xC3, 0xE1, 0xFF, 0xDA, 0xFA, 0xDF, 0xB0, b'm', b'm',
            ]), 0..40),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
            let words = bytes[from..].iter().position(|b| !is_word(b)).unwrap_or(bytes.len() - from);
            proptest::prop_assert_eq!(word_run(&bytes, from), words);
            let gap = bytes[from..].iter().position(|b| !b.is_ascii() || is_word(b) || *b == b'<').unwrap_or(bytes.len() - from);
            proptest::prop_assert_eq!(gap_run(&bytes, from), gap);
        }
    }

    proptest::proptest! {
        /// Scoring reads word keys off the sentence; training (which records names) always
        /// lower-cases a copy first. Both must give the same keys, in the same order.
        #[test]
        fn direct_word_keys_equal_those_of_the_lower_cased_copy(
            sentence in "[a-zA-Z0-9_ .,;!?-]{0,40}|[aÄé_ ,„“3ΩωБб€\u{2009}xÜ]{0,40}|[\u{80}-\u{ff}İẞΣσa <>t/]{0,30}|[\u{2000}-\u{2050}a1 ]{0,30}|(Die |Müller |„Zitat“ |<t>Ziel</t> |MASKENPFLICHT |ist, ){0,8}",
            min_token_chars in 1usize..4,
        ) {
            let ex = Extractor::new(FeatureConfig { min_token_chars, ..FeatureConfig::default() });
            let hits = [LexiconHit { frame: "occupation", voice: Voice::Authorial, negated: true }];
            let (mut direct, mut copied) = (Vec::new(), Vec::new());
            ex.keys_into(&sentence, &hits, &mut Scratch::default(), &mut direct, None);
            ex.keys_into(&sentence, &hits, &mut Scratch::default(), &mut copied, Some(&mut HashMap::new()));
            proptest::prop_assert_eq!(direct, copied);
        }
    }

    #[test]
    fn usual_sentences_are_read_directly_and_the_others_are_not() {
        let direct = |s: &str| word_keys_direct(s, 2, &mut Scratch::default());
        assert!(direct("Die Besatzer zogen am 25. November ab, sagte Müller „heute“ – für 8 €."));
        assert!(direct("ω und б sind klein, ß auch"), "their own lower case");
        assert!(!direct("ΩМИР sind Großbuchstaben"), "Ω lower-cases to ω");
        assert!(!direct("İstanbul"), "İ lower-cases to two characters");
        assert!(!direct("Die <t>Maskenpflicht</t> gilt"), "target tags");
        assert!(!direct("a < b"));
    }

    #[test]
    fn latin1_table_agrees_with_the_standard_library() {
        for (i, &(lower, is_word)) in LATIN1.iter().enumerate() {
            let c = char::from_u32(0x80 + i as u32).expect("Latin-1 code point");
            let expected: Vec<char> = c.to_lowercase().collect();
            assert_eq!(vec![lower], expected, "{c:?}");
            assert_eq!(is_word, lower.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn general_punctuation_is_no_word_and_its_own_lower_case() {
        for c in '\u{2000}'..='\u{203f}' {
            assert!(!c.is_alphanumeric(), "{c:?}");
            assert_eq!(c.to_lowercase().collect::<Vec<_>>(), vec![c], "{c:?}");
            assert!(matches!(Wide::at(c.encode_utf8(&mut [0u8; 4]), 0), (Wide::Punctuation, 3)), "{c:?}");
        }
        assert!(matches!(Wide::at("\u{2040}", 0), (Wide::Other('\u{2040}'), 3)));
    }

    #[test]
    fn target_tags_become_spaces_and_mark_the_span() {
        let ex = Extractor::new(FeatureConfig::default());
        let mut scratch = Scratch::default();
        ex.tokenize("Über <t>die Größe</t>!", &mut scratch);
        assert_eq!(scratch.lower.trim_end(), "über  die größe !");
        let target = scratch.target.clone().expect("target");
        assert_eq!(&scratch.lower[target], " die größe");
        let tokens: Vec<&str> = scratch.tokens.iter().map(|t| &scratch.lower[t.clone()]).collect();
        assert_eq!(tokens, ["über", "die", "größe"]);
    }

    fn names(sentence: &str, hits: &[LexiconHit<'_>]) -> Vec<String> {
        let ex = Extractor::new(FeatureConfig::default());
        let mut keys = Vec::new();
        let mut map = HashMap::new();
        ex.keys_into(sentence, hits, &mut Scratch::default(), &mut keys, Some(&mut map));
        keys.iter().map(|k| map[k].clone()).collect()
    }

    #[test]
    fn words_bigrams_targets_and_frames_with_names_that_give_back_the_keys() {
        let hits = [LexiconHit { frame: "occupation", voice: Voice::Quoted, negated: false }];
        let got = names("Die <t>Maskenpflicht</t> ist ÜBERFLÜSSIG, sagt er.", &hits);
        assert_eq!(
            got,
            [
                "die",
                "maskenpflicht",
                "ist",
                "überflüssig",
                "sagt",
                "er",
                "die maskenpflicht",
                "maskenpflicht ist",
                "ist überflüssig",
                "überflüssig sagt",
                "sagt er",
                "t:die",
                "t:ist",
                "t:überflüssig",
                "t:sagt",
                "frame=occupation|quoted"
            ]
        );
        let ex = Extractor::new(FeatureConfig::default());
        let mut keys = Vec::new();
        ex.keys_into(
            "Die <t>Maskenpflicht</t> ist ÜBERFLÜSSIG, sagt er.",
            &hits,
            &mut Scratch::default(),
            &mut keys,
            None,
        );
        let from_names: Vec<u64> = got.iter().map(|n| key_of_name(n)).collect();
        assert_eq!(keys, from_names);
    }

    #[test]
    fn char_ngrams_pad_each_word_like_scikit_learn_char_wb() {
        let ex = Extractor::new(FeatureConfig { bigrams: false, char_ngrams: [4, 4], ..FeatureConfig::default() });
        let mut keys = Vec::new();
        let mut map = HashMap::new();
        ex.keys_into("Öl ist", &[], &mut Scratch::default(), &mut keys, Some(&mut map));
        let got: Vec<&str> = keys.iter().map(|k| map[k].as_str()).collect();
        // char_wb n=4 of " öl " and " ist ": " öl ", " ist", "ist ".
        assert_eq!(got, ["öl", "ist", "c: öl ", "c: ist", "c:ist "]);
        let from_names: Vec<u64> = got.iter().map(|n| key_of_name(n)).collect();
        assert_eq!(keys, from_names);
    }

    #[test]
    fn single_letters_are_dropped_like_scikit_learn() {
        assert_eq!(names("a b cd", &[]), ["cd"]);
    }

    #[test]
    fn feature_settings_are_checked_against_their_bounds() {
        let with = |char_ngrams, target_window, min_token_chars| {
            FeatureConfig { char_ngrams, target_window, min_token_chars, ..FeatureConfig::default() }.check()
        };
        for ok in [[0, 0], [1, 1], [4, 4], [3, 5], [1, 10], [10, 10]] {
            assert_eq!(with(ok, 3, 2), Ok(()), "{ok:?}");
        }
        for bad in [[1, 100_000], [0, 4], [5, 3], [4, 0], [11, 11], [1, 11]] {
            assert_eq!(with(bad, 3, 2), Err(FeatureError::CharNgrams(bad[0], bad[1])), "{bad:?}");
        }
        assert_eq!(
            FeatureError::CharNgrams(1, 100_000).to_string(),
            "char_ngrams [1, 100000]: expected [0, 0] or 1 ≤ min ≤ max ≤ 10"
        );
        assert_eq!(with([0, 0], 50, 2), Ok(()));
        assert_eq!(with([0, 0], 51, 2), Err(FeatureError::TargetWindow(51)));
        assert_eq!(FeatureError::TargetWindow(51).to_string(), "target_window 51: expected at most 50");
        assert_eq!(with([0, 0], 3, 20), Ok(()));
        assert_eq!(with([0, 0], 3, 21), Err(FeatureError::MinTokenChars(21)));
        assert_eq!(FeatureError::MinTokenChars(21).to_string(), "min_token_chars 21: expected at most 20");
    }
}
