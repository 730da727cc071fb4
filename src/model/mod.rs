//! Sentence classifier: training, evaluation and scoring of linear models saved as JSON.
//!
//! CONTRACT (used by pipeline and cli): [`Model::load`] reads and checks a model file;
//! [`Model::score`] gives label probabilities for one sentence.
//!
//! Scoring is a sparse dot product: the sentence's feature keys are looked up in the
//! vocabulary, weighted by sublinear tf × idf, L2-normalised and multiplied with the
//! per-label weight table; a stable softmax (or a sigmoid per label with multi-label models)
//! gives the probabilities. All buffers are thread-local, so concurrent scoring allocates
//! only the returned probabilities.

pub mod cv;
pub mod data;
pub mod file;
pub mod linfa_fit;
pub mod metrics;
pub mod solver;
pub mod train;

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::features::{key_of_name, Extractor, LexiconHit, Scratch};
pub use file::ModelFile;

/// The default German model, relative to the repository root (see models/README.md for why).
pub const DEFAULT_DE_MODEL: &str = "models/de-sentiment-gerntsa.json";

/// Why a model could not be loaded, trained or used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid model.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

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
    features: Scratch,
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

thread_local! {
    static SCRATCH: RefCell<VecScratch> = RefCell::new(VecScratch::default());
}

/// A trained sentence classifier.
#[derive(Debug, Clone)]
pub struct Model {
    labels: Vec<String>,
    name: String,
    sha256: String,
    vectorizer: Vectorizer,
    /// Row-major features × labels.
    weights: Vec<f32>,
    bias: Vec<f64>,
    file: ModelFile,
}

/// Probabilities of one sentence, in the order of [`Model::labels`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Index of the predicted label.
    pub best: usize,
    /// One probability per label, summing to 1 (multi-label models: one independent
    /// probability per dimension).
    pub probs: Vec<f64>,
}

fn invalid(path: &Path, message: impl Into<String>) -> ModelError {
    ModelError::Invalid { path: path.to_path_buf(), message: message.into() }
}

/// Hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Model {
    /// Reads and checks a model file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let meta = std::fs::metadata(path).map_err(|source| ModelError::Io { path: path.to_path_buf(), source })?;
        // A model is a few MB; refuse to parse something huge rather than exhaust memory.
        if meta.len() > 512 * 1024 * 1024 {
            return Err(invalid(path, format!("{} bytes is too large for a model file", meta.len())));
        }
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io { path: path.to_path_buf(), source })?;
        let file: ModelFile = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(path, format!("not a framing model file (JSON): {e}")))?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Model::from_file(file, &name, sha256_hex(&bytes)).map_err(|m| invalid(path, m))
    }

    /// The default model for a language, compiled into the binary so an installed `framing`
    /// works anywhere; `None` where no default exists (English: BABE's licence forbids
    /// shipping a derived model).
    pub fn bundled(lang: crate::Lang) -> Option<Result<Model, ModelError>> {
        let (path, bytes): (&str, &[u8]) = match lang {
            crate::Lang::De => (DEFAULT_DE_MODEL, include_bytes!("../../models/de-sentiment-gerntsa.json")),
            crate::Lang::En => return None,
        };
        let parsed = serde_json::from_slice::<ModelFile>(bytes)
            .map_err(|e| e.to_string())
            .and_then(|file| Model::from_file(file, "de-sentiment-gerntsa", sha256_hex(bytes)));
        Some(parsed.map_err(|m| invalid(Path::new(path), m)))
    }

    /// Builds a model from its file form, checking versions and shapes.
    pub fn from_file(file: ModelFile, name: &str, sha256: String) -> Result<Model, String> {
        if file.format_version != file::FORMAT_VERSION {
            return Err(format!(
                "model format version {} is not supported (this framing reads version {})",
                file.format_version,
                file::FORMAT_VERSION
            ));
        }
        let k = file.labels.len();
        if k < 2 && !file.multi_label || k == 0 {
            return Err(format!("a model needs at least 2 labels, this one has {k}"));
        }
        if file.bias.len() != k || file.bias.iter().any(|b| !b.is_finite()) {
            return Err(format!("bias has {} finite values, expected {k}", file.bias.len()));
        }
        let mut weights = vec![0.0f32; file.terms.len() * k];
        let mut names = Vec::with_capacity(file.terms.len());
        let mut idf = Vec::with_capacity(file.terms.len());
        for (j, t) in file.terms.iter().enumerate() {
            if !t.w.is_empty() && t.w.len() != k {
                return Err(format!("term {} (`{}`) has {} weights, expected {k} or 0", j + 1, t.name, t.w.len()));
            }
            if !t.idf.is_finite() || t.w.iter().any(|w| !w.is_finite()) {
                return Err(format!("term {} (`{}`) has a non-finite number", j + 1, t.name));
            }
            weights[j * k..j * k + t.w.len()].copy_from_slice(&t.w);
            names.push(t.name.clone());
            idf.push(t.idf);
        }
        let vectorizer = Vectorizer::new(Extractor::new(file.features.clone()), &names, idf);
        if vectorizer.index.len() != names.len() {
            return Err("the vocabulary has duplicate terms".into());
        }
        Ok(Model {
            labels: file.labels.clone(),
            name: name.to_string(),
            sha256,
            vectorizer,
            weights,
            bias: file.bias.clone(),
            file,
        })
    }

    /// Writes the model as JSON (temp file beside it, then rename) and returns its sha256.
    pub fn save(file: &ModelFile, path: &Path) -> Result<String, ModelError> {
        let json = serde_json::to_vec(file).map_err(|e| invalid(path, format!("cannot serialise: {e}")))?;
        write_atomic(path, &json).map_err(|source| ModelError::Io { path: path.to_path_buf(), source })?;
        Ok(sha256_hex(&json))
    }

    /// Label names, in the order of [`Scores::probs`].
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The model's name (file stem) and a short hash, for report rows: `NAME@0123456789ab`.
    pub fn version(&self) -> String {
        format!("{}@{}", self.name, &self.sha256[..self.sha256.len().min(12)])
    }

    /// Hex sha256 of the model file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Everything the file says (settings, provenance, figures).
    pub fn file(&self) -> &ModelFile {
        &self.file
    }

    /// Whether labels are independent dimensions (one-vs-rest).
    pub fn is_multi_label(&self) -> bool {
        self.file.multi_label
    }

    /// Language of the training text.
    pub fn lang(&self) -> crate::Lang {
        self.file.lang
    }

    /// Writes the per-label decision values (bias + x·W) into `out` (length = labels).
    fn logits_into(&self, s: &VecScratch, out: &mut [f64]) {
        let k = self.labels.len();
        out.copy_from_slice(&self.bias);
        if let [a, b, c] = out {
            // Three labels (the bundled model's): one bounds check per feature, not three.
            // The same products, summed in the same order as the general loop.
            for &(j, v) in &s.vector {
                let j = j as usize * 3;
                // Always there: `weights` has 3 per term and `j` indexes a term.
                let Some(&[wa, wb, wc]) = self.weights.get(j..j + 3) else { continue };
                *a += f64::from(v * wa);
                *b += f64::from(v * wb);
                *c += f64::from(v * wc);
            }
            return;
        }
        for &(j, v) in &s.vector {
            let w = &self.weights[j as usize * k..j as usize * k + k];
            for (o, &wv) in out.iter_mut().zip(w) {
                *o += f64::from(v * wv);
            }
        }
    }

    fn probabilities(&self, mut logits: Vec<f64>) -> Scores {
        if self.file.multi_label {
            logits.iter_mut().for_each(|z| *z = solver::sigmoid(*z));
        } else {
            solver::softmax_in_place(&mut logits);
        }
        let best = argmax(&logits);
        Scores { best, probs: logits }
    }

    /// Scores one sentence given its lexicon hits.
    pub fn score(&self, sentence: &str, hits: &[LexiconHit<'_>]) -> Scores {
        let mut logits = vec![0.0; self.labels.len()];
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            self.vectorizer.vectorize(sentence, hits, &mut s);
            self.logits_into(&s, &mut logits);
        });
        self.probabilities(logits)
    }

    /// The `k` features that push most toward the predicted label, with their contribution
    /// to its decision value, largest first. Exact: for softmax models the contribution of feature j is
    /// `x_j · (w_j[best] − mean_c w_j[c])` (softmax ignores a common shift), for multi-label
    /// models `x_j · w_j[best]`.
    pub fn explain(&self, sentence: &str, hits: &[LexiconHit<'_>], k: usize) -> Vec<(String, f64)> {
        let n = self.labels.len();
        let mut logits = vec![0.0; n];
        let mut contrib: Vec<(usize, f64)> = Vec::new();
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            self.vectorizer.vectorize(sentence, hits, &mut s);
            self.logits_into(&s, &mut logits);
            let best = self.probabilities(logits.clone()).best;
            for &(j, v) in &s.vector {
                let w = &self.weights[j as usize * n..j as usize * n + n];
                let centre =
                    if self.file.multi_label { 0.0 } else { w.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64 };
                contrib.push((j as usize, f64::from(v) * (f64::from(w[best]) - centre)));
            }
        });
        contrib.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        contrib.truncate(k);
        contrib.into_iter().map(|(j, c)| (self.file.terms[j].name.clone(), c)).collect()
    }
}

/// Index of the largest value (first on ties).
pub fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Writes `bytes` to a temp file beside `path`, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
