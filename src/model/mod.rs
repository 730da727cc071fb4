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

mod targets;

mod vectorize;
mod write;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::features::{key_of_name, Extractor, LexiconHit};
use crate::hash::sha256_hex;
pub use file::{ModelFile, ModelFileError};
pub use vectorize::{VecScratch, Vectorizer};
pub use write::{check_target, write_atomic, write_atomic_with, write_error, Existing};

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
    /// The file to write exists and replacing it was not asked for.
    #[error("{path}: exists (use --force to replace it)")]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The path is a folder, device or FIFO: neither read as a model nor replaced by a file.
    #[error("{path}: not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
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
    /// Function words of the model's language, summed into one entry by [`Model::explain`].
    function_words: std::collections::HashSet<&'static str>,
}

/// The name of [`Model::explain`]'s entry for the predicted label's bias.
pub const EXPLAIN_BIAS: &str = "(bias)";
/// The name of [`Model::explain`]'s entry for the function words' summed contribution.
pub const EXPLAIN_FUNCTION_WORDS: &str = "(function words)";

/// The words of a language that [`Model::explain`] does not list one by one.
fn function_words(lang: crate::Lang) -> std::collections::HashSet<&'static str> {
    let list = match lang {
        crate::Lang::De => include_str!("data/function_words_de.txt"),
        crate::Lang::En => include_str!("data/function_words_en.txt"),
    };
    list.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect()
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

/// Largest model file read: the bundled models are under 2 MB; a file this large would need
/// several GB to parse.
pub const MAX_MODEL_BYTES: u64 = 512 * 1024 * 1024;

impl Model {
    /// Reads and checks a model file: a regular file of at most [`MAX_MODEL_BYTES`] whose
    /// every field passes [`ModelFile::check`] and [`ModelFile::check_size`].
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let io = |source| ModelError::Io { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        // A device such as /dev/zero never ends and a FIFO blocks on open: only a regular
        // file has a length to trust.
        if !meta.is_file() {
            return Err(ModelError::NotAFile { path: path.to_path_buf() });
        }
        let too_large = |len: u64| invalid(path, format!("{len} bytes is too large for a model file (at most 512 MB)"));
        if meta.len() > MAX_MODEL_BYTES {
            return Err(too_large(meta.len()));
        }
        // The file may grow between the check and the read: read one byte past the limit at most.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        std::fs::File::open(path).and_then(|f| f.take(MAX_MODEL_BYTES + 1).read_to_end(&mut bytes)).map_err(io)?;
        if bytes.len() as u64 > MAX_MODEL_BYTES {
            return Err(too_large(bytes.len() as u64));
        }
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Model::from_bytes(&bytes, &name).map_err(|m| invalid(path, m))
    }

    /// Parses and checks the bytes of a model file.
    fn from_bytes(bytes: &[u8], name: &str) -> Result<Model, String> {
        let file: ModelFile =
            serde_json::from_slice(bytes).map_err(|e| format!("not a framing model file (JSON): {e}"))?;
        file.check().map_err(|e| e.to_string())?;
        file.check_size(bytes.len()).map_err(|e| e.to_string())?;
        Model::build(file, name, sha256_hex(bytes)).map_err(|e| e.to_string())
    }

    /// The default model for a language, compiled into the binary so an installed `framing`
    /// works anywhere; `None` where no default exists (English: BABE's licence forbids
    /// shipping a derived model).
    pub fn bundled(lang: crate::Lang) -> Option<Result<Model, ModelError>> {
        let (path, bytes): (&str, &[u8]) = match lang {
            crate::Lang::De => (DEFAULT_DE_MODEL, include_bytes!("../../models/de-sentiment-gerntsa.json")),
            crate::Lang::En => return None,
        };
        Some(Model::from_bytes(bytes, "de-sentiment-gerntsa").map_err(|m| invalid(Path::new(path), m)))
    }

    /// Builds a model from its file form after [`ModelFile::check`].
    pub fn from_file(file: ModelFile, name: &str, sha256: String) -> Result<Model, ModelFileError> {
        file.check()?;
        Model::build(file, name, sha256)
    }

    /// Builds a checked model: the weight table is within [`file::MAX_WEIGHTS`], every term
    /// has 0 or k weights.
    fn build(file: ModelFile, name: &str, sha256: String) -> Result<Model, ModelFileError> {
        let k = file.labels.len();
        let mut weights = vec![0.0f32; file.terms.len() * k];
        let mut names = Vec::with_capacity(file.terms.len());
        let mut idf = Vec::with_capacity(file.terms.len());
        for (j, t) in file.terms.iter().enumerate() {
            weights[j * k..j * k + t.w.len()].copy_from_slice(&t.w);
            names.push(t.name.clone());
            idf.push(t.idf);
        }
        let vectorizer = Vectorizer::new(Extractor::new(file.features.clone()), &names, idf);
        // Only when the index came out shorter: the happy path hashes each name once.
        if let Some(e) = (vectorizer.distinct_keys() != names.len()).then(|| first_duplicate(&names)).flatten() {
            return Err(e);
        }
        Ok(Model {
            labels: file.labels.clone(),
            name: name.to_string(),
            sha256,
            vectorizer,
            weights,
            bias: file.bias.clone(),
            function_words: function_words(file.lang),
            file,
        })
    }

    /// Writes the model as JSON (see [`write_atomic`]) and returns its sha256; an existing
    /// file is kept and refused as [`ModelError::Exists`] unless `existing` is
    /// [`Existing::Replace`].
    pub fn save(file: &ModelFile, path: &Path, existing: Existing) -> Result<String, ModelError> {
        let json = serde_json::to_vec(file).map_err(|e| invalid(path, format!("cannot serialise: {e}")))?;
        write_atomic(path, &json, existing).map_err(|e| write_error(path, e))?;
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

    /// Why the sentence got its label: the predicted label's bias (centred on the mean over
    /// labels), then the summed contribution of the function words ("der", "the", "of the":
    /// they count in the score, but listing them one by one tells a researcher nothing), then
    /// the `k` content features that pushed most towards the label, each with its
    /// contribution to that label's decision value (centred on the mean over labels, so
    /// features that raise every label equally count 0: softmax ignores a common shift;
    /// multi-label models are not centred). With `k` = all features, the entries add up to
    /// the label's centred decision value.
    pub fn explain(&self, sentence: &str, hits: &[LexiconHit<'_>], k: usize) -> Vec<(String, f64)> {
        let n = self.labels.len();
        let mut logits = vec![0.0; n];
        let mut contrib: Vec<(usize, f64)> = Vec::new();
        let mut best = 0;
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            self.vectorizer.vectorize(sentence, hits, &mut s);
            self.logits_into(&s, &mut logits);
            best = self.probabilities(logits.clone()).best;
            for &(j, v) in &s.vector {
                let w = &self.weights[j as usize * n..j as usize * n + n];
                contrib.push((
                    j as usize,
                    f64::from(v) * (f64::from(w[best]) - self.centre(w.iter().map(|&x| f64::from(x)))),
                ));
            }
        });
        let bias = self.bias[best] - self.centre(self.bias.iter().copied());
        let (function, mut content): (Vec<_>, Vec<_>) =
            contrib.into_iter().partition(|&(j, _)| self.is_function_feature(&self.file.terms[j].name));
        content.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        content.truncate(k);
        let mut out = vec![(EXPLAIN_BIAS.to_string(), bias)];
        if !function.is_empty() {
            out.push((EXPLAIN_FUNCTION_WORDS.to_string(), function.iter().map(|&(_, c)| c).sum()));
        }
        out.extend(content.into_iter().map(|(j, c)| (self.file.terms[j].name.clone(), c)));
        out
    }

    /// The mean of a label's values that [`Model::explain`] subtracts (0 for multi-label
    /// models, whose labels are scored independently).
    fn centre(&self, values: impl Iterator<Item = f64>) -> f64 {
        if self.file.multi_label {
            return 0.0;
        }
        let (sum, count) = values.fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
        sum / count.max(1) as f64
    }

    /// Whether a feature is made of function words only ("der", "of the", "t:the").
    fn is_function_feature(&self, name: &str) -> bool {
        let words = name.strip_prefix("t:").unwrap_or(name);
        !words.contains('=') && !name.starts_with("c:") && words.split(' ').all(|w| self.function_words.contains(w))
    }
}

/// The first term whose feature key an earlier term has already (the vocabulary's index
/// keeps one term per key, so the earlier one would never be scored).
fn first_duplicate(names: &[String]) -> Option<ModelFileError> {
    let mut seen: HashMap<u64, usize> = HashMap::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        if let Some(first) = seen.insert(key_of_name(name), index) {
            let first_name = names[first].clone();
            return Some(ModelFileError::DuplicateTerm { index, name: name.clone(), first, first_name });
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::file::tests::{minimal_with, MINIMAL};
    use super::*;

    /// Writes `json` to `model.json` in a fresh directory and loads it.
    fn load_json(json: &[u8]) -> (tempfile::TempDir, PathBuf, Result<Model, ModelError>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("model.json");
        std::fs::write(&path, json).unwrap_or_else(|e| panic!("{e}"));
        let loaded = Model::load(&path);
        (dir, path, loaded)
    }

    fn message(r: Result<Model, ModelError>) -> String {
        match r {
            Err(e) => e.to_string(),
            Ok(m) => format!("loaded {}", m.labels().join(",")),
        }
    }

    #[test]
    fn a_minimal_model_loads_and_scores() {
        let (_dir, _path, loaded) = load_json(MINIMAL.as_bytes());
        let model = loaded.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(model.labels(), ["negative", "positive"]);
        let s = model.score("Das ist gut.", &[]);
        assert_eq!(s.best, 1);
        // Only `gut` is known: its vector is (1.0), logits 0.5 - 1 and -0.5 + 1.
        let expected = 1.0 / (1.0 + (-1.0f64).exp());
        assert!((s.probs[1] - expected).abs() < 1e-12, "{:?}", s.probs);
    }

    #[test]
    fn violations_name_the_file_and_the_field() {
        let hostile = minimal_with(|v| v["features"]["char_ngrams"] = serde_json::json!([1, 100_000]));
        let (_dir, path, loaded) = load_json(&serde_json::to_vec(&hostile).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(
            message(loaded),
            format!("{}: features.char_ngrams [1, 100000]: expected [0, 0] or 1 ≤ min ≤ max ≤ 10", path.display())
        );
    }

    #[test]
    fn a_table_larger_than_the_file_is_refused_before_it_is_allocated() {
        // 1000 labels over 3000 terms without weights: 3,000,000 weights claimed by a file
        // of about 80 KB.
        let labels: Vec<String> = (0..1000).map(|i| format!("l{i}")).collect();
        let terms: Vec<serde_json::Value> =
            (0..3000).map(|i| serde_json::json!({"name": format!("w{i}"), "idf": 1.0})).collect();
        let hostile = minimal_with(|v| {
            v["bias"] = serde_json::json!(vec![0.0; labels.len()]);
            v["labels"] = serde_json::json!(labels);
            v["terms"] = serde_json::json!(terms);
        });
        let json = serde_json::to_vec(&hostile).unwrap_or_else(|e| panic!("{e}"));
        let (_dir, path, loaded) = load_json(&json);
        assert_eq!(
            message(loaded),
            format!(
                "{}: terms × labels: 3000 × 1000 = 3000000 weights, more than a file of {} bytes can hold \
                 (a weight takes at least 2 bytes)",
                path.display(),
                json.len()
            )
        );
    }

    #[test]
    fn duplicate_terms_are_named() {
        let twice = minimal_with(|v| v["terms"][2]["name"] = "gut".into());
        let (_dir, path, loaded) = load_json(&serde_json::to_vec(&twice).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(message(loaded), format!("{}: terms[2] `gut`: the same feature as terms[0] `gut`", path.display()));
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(message(Model::load(dir.path())), format!("{}: not a regular file", dir.path().display()));
        #[cfg(unix)]
        assert_eq!(message(Model::load(Path::new("/dev/zero"))), "/dev/zero: not a regular file");
    }

    #[test]
    fn the_bundled_model_passes_every_check() {
        let model = Model::bundled(crate::Lang::De).map(|r| r.map(|m| m.labels().to_vec()));
        assert_eq!(
            model.map(|r| r.map_err(|e| e.to_string())),
            Some(Ok(vec!["negative".to_string(), "neutral".into(), "positive".into()]))
        );
    }
}
