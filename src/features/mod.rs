//! Sentence features for the classifier: lexicon frame counts plus word uni- and bigrams.
//!
//! CONTRACT (used by model and pipeline): [`LexiconHit`] is what the features know about
//! each lexicon match of a sentence, made by [`LexiconHit::of_match`] wherever text is
//! scored or trained on; the model turns a sentence and its hits into features.
//!
//! Every feature is identified by a 64-bit key computed from the lower-cased text without
//! allocating, so scoring needs no per-call allocation. The key of a feature can also be
//! recomputed from its printable name (see [`key_of_name`]), which is what the model file
//! stores: `word`, `word other` (bigram), `t:word` (word near a `<t>…</t>` target) and
//! `frame=X`, `frame=X|quoted`, `frame=X|scare_quote`, `frame=X|negated` (lexicon counts).

mod hits;
mod keys;
mod tokens;

use std::ops::Range;

use crate::Lang;
pub use hits::{LexiconHit, OwnedHit};
use keys::{bigram_key, char_key, frame_key, frame_suffix, hash_range, target_key, word_key};
pub use keys::{frame_feature_names, key_of_name};
use tokens::{find_tokens, plain_ascii_end, word_keys_direct, Wide};

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

/// Reusable buffers for [`Extractor::keys_into`]; one per thread.
#[derive(Debug, Default)]
pub struct KeyBuffers {
    lower: String,
    tokens: Vec<Range<usize>>,
    word_keys: Vec<u64>,
    target: Option<Range<usize>>,
    name: String,
    bounds: Vec<usize>,
}

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
    fn tokenize(&self, sentence: &str, s: &mut KeyBuffers) {
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
        scratch: &mut KeyBuffers,
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
        s: &mut KeyBuffers,
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
        s: &KeyBuffers,
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
mod tests;
