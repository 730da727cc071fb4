//! The tf-idf vector of a sentence over a model's vocabulary: feature keys looked up in an
//! index, counted, weighted by idf and L2-normalised.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::features::{key_of_name, Extractor, KeyBuffers, LexiconHit};

/// Feature keys are already well-mixed 64-bit hashes: hashing them again is wasted time.
#[derive(Debug, Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type KeyMap = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// Turns a sentence into its L2-normalised tf-idf vector over a fixed vocabulary.
#[derive(Debug, Clone)]
pub struct Vectorizer {
    extractor: Extractor,
    index: KeyMap,
    idf: Vec<f32>,
}

/// Thread-local buffers of [`Vectorizer::vectorize`].
#[derive(Debug, Default)]
pub struct VecScratch {
    features: KeyBuffers,
    keys: Vec<u64>,
    idx: Vec<u32>,
    /// The last vector: (feature, value) sorted by feature.
    pub vector: Vec<(u32, f32)>,
}

impl Vectorizer {
    /// A vectorizer over `names` (feature names) with their `idf`.
    pub fn new(extractor: Extractor, names: &[String], idf: Vec<f32>) -> Vectorizer {
        let mut index = KeyMap::default();
        index.reserve(names.len());
        for (i, n) in names.iter().enumerate() {
            index.insert(key_of_name(n), i as u32);
        }
        Vectorizer { extractor, index, idf }
    }

    /// Number of features.
    pub fn dim(&self) -> usize {
        self.idf.len()
    }

    /// Number of distinct feature keys: fewer than [`Vectorizer::dim`] when two names share
    /// a key, and the later one took the index.
    pub(super) fn distinct_keys(&self) -> usize {
        self.index.len()
    }

    /// Fills `s.vector` with the sentence's vector (sorted by feature; unknown keys dropped).
    pub fn vectorize(&self, sentence: &str, hits: &[LexiconHit<'_>], s: &mut VecScratch) {
        s.keys.clear();
        self.extractor.keys_into(sentence, hits, &mut s.features, &mut s.keys, None);
        s.idx.clear();
        s.idx.extend(s.keys.iter().filter_map(|k| self.index.get(k).copied()));
        s.idx.sort_unstable();
        s.vector.clear();
        let sublinear = self.extractor.config().sublinear_tf;
        let mut norm = 0.0f32;
        let mut i = 0;
        while i < s.idx.len() {
            let j = s.idx[i];
            let mut run = 1;
            while i + run < s.idx.len() && s.idx[i + run] == j {
                run += 1;
            }
            // Most features occur once: skip the logarithm then.
            let tf = if run == 1 {
                1.0
            } else if sublinear {
                1.0 + (run as f32).ln()
            } else {
                run as f32
            };
            let v = tf * self.idf[j as usize];
            norm += v * v;
            s.vector.push((j, v));
            i += run;
        }
        if norm > 0.0 {
            let inv = 1.0 / norm.sqrt();
            s.vector.iter_mut().for_each(|e| e.1 *= inv);
        }
    }
}
