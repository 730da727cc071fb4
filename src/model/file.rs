//! The model file: JSON with everything predict needs to rebuild the training features and
//! everything a reader needs to know where the model came from.

use crate::features::{FeatureConfig, FeatureError, MAX_CHAR_NGRAM, MAX_TARGET_WINDOW};
use crate::Lang;

/// Bumped when the layout changes incompatibly.
pub const FORMAT_VERSION: u32 = 1;

/// Most labels a model may have (a label costs a weight per term and a column per report).
pub const MAX_LABELS: usize = 1000;

/// Most weights (terms × labels) a model may have: the dense table of 2^28 `f32` is 1 GB.
pub const MAX_WEIGHTS: usize = 1 << 28;

/// Fitting algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Multinomial logistic regression (one-vs-rest binary per dimension with multi-label).
    Logreg,
    /// Multinomial naive Bayes.
    Nb,
    /// Both, as a product of experts: logistic-regression logits plus `nb_weight` × naive
    /// Bayes log-likelihoods (still one linear table, so scoring costs the same).
    #[value(name = "logreg-nb")]
    #[serde(rename = "logreg-nb")]
    LogregNb,
    /// Multinomial logistic regression fitted by linfa-logistic on a dense copy of the
    /// features (at most 5,000 unless `--max-features`, fewer when the matrix would pass 512 MB;
    /// balanced weights by repeating rows).
    /// The same objective as `logreg`, slower: for checking the native solver.
    #[value(name = "linfa-logreg")]
    #[serde(rename = "linfa-logreg")]
    LinfaLogreg,
    /// Multinomial naive Bayes fitted by linfa-bayes on a dense copy of the features (at most
    /// 5,000 unless `--max-features`; unweighted counts, uniform prior when balanced).
    #[value(name = "linfa-nb")]
    #[serde(rename = "linfa-nb")]
    LinfaNb,
}

impl Algorithm {
    /// Fitted by a linfa crate on a dense matrix.
    pub fn is_linfa(self) -> bool {
        matches!(self, Algorithm::LinfaLogreg | Algorithm::LinfaNb)
    }
}

/// How labels are weighted in the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Each label weighs `n / (labels · n_label)`, as scikit-learn's `balanced`.
    Balanced,
    /// Every row weighs 1.
    None,
}

/// Fitting and vocabulary settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hyper {
    /// Inverse L2 strength of logistic regression (scikit-learn's C).
    pub c: f64,
    /// Additive smoothing of naive Bayes.
    pub alpha: f64,
    /// L-BFGS iterations at most.
    pub max_iter: usize,
    /// Class weighting.
    pub class_weight: ClassWeight,
    /// Seed of the fold shuffling.
    pub seed: u64,
    /// Features seen in fewer training rows are dropped (lexicon features are always kept).
    pub min_df: usize,
    /// Keep at most this many features, most frequent first (0: no cap).
    pub max_features: usize,
    /// Weight of the naive Bayes part of `logreg-nb`.
    #[serde(default)]
    pub nb_weight: f64,
}

impl Default for Hyper {
    fn default() -> Self {
        Hyper {
            c: 1.0,
            alpha: 0.1,
            max_iter: 300,
            class_weight: ClassWeight::Balanced,
            seed: 13,
            min_df: 2,
            max_features: 0,
            nb_weight: 0.5,
        }
    }
}

/// A training setting out of its range, with the value given. Every setting is checked once,
/// before any data is read (linfa's habit), so a run never trains for minutes and then writes
/// a useless model. The message names the `framing train` option that sets it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HyperError {
    /// The inverse regularisation strength is not a positive number.
    #[error("--c {0}: expected a finite number > 0")]
    C(f64),
    /// The naive Bayes smoothing is not a positive number.
    #[error("--alpha {0}: expected a finite number > 0")]
    Alpha(f64),
    /// No solver iteration: every weight would stay 0 and every label get the same probability.
    #[error("--max-iter {0}: expected at least 1 (with 0 iterations every label gets the same probability)")]
    MaxIter(usize),
    /// The naive Bayes weight of `logreg-nb` is negative or not a number.
    #[error("--nb-weight {0}: expected a finite number ≥ 0")]
    NbWeight(f64),
    /// A document-frequency floor of 0.
    #[error("--min-df {0}: expected at least 1")]
    MinDf(usize),
    /// One cross-validation fold leaves no row to train on.
    #[error("--folds {0}: expected 0 (no cross-validation) or at least 2")]
    Folds(usize),
    /// A feature setting out of its range.
    #[error("{}", feature_option_message(.0))]
    Features(FeatureError),
}

/// A [`FeatureError`] in the words of the `framing train` option that sets the field.
fn feature_option_message(e: &FeatureError) -> String {
    match e {
        FeatureError::CharNgrams(lo, hi) => {
            format!("--char-ngrams {lo}-{hi}: expected MIN-MAX with 1 ≤ MIN ≤ MAX ≤ {MAX_CHAR_NGRAM}")
        }
        FeatureError::TargetWindow(w) => format!("--target-window {w}: expected at most {MAX_TARGET_WINDOW}"),
        // No option sets it (`framing train` always uses 2): the field's own words.
        FeatureError::MinTokenChars(_) => e.to_string(),
    }
}

impl Hyper {
    /// Checks every setting against its range; the first one out of it is the error.
    pub fn check(&self) -> Result<(), HyperError> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.c) {
            return Err(HyperError::C(self.c));
        }
        if !positive(self.alpha) {
            return Err(HyperError::Alpha(self.alpha));
        }
        if self.max_iter == 0 {
            return Err(HyperError::MaxIter(self.max_iter));
        }
        if !(self.nb_weight.is_finite() && self.nb_weight >= 0.0) {
            return Err(HyperError::NbWeight(self.nb_weight));
        }
        if self.min_df == 0 {
            return Err(HyperError::MinDf(self.min_df));
        }
        Ok(())
    }
}

/// Why the contents of a model file cannot be a model; the message names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelFileError {
    /// Another layout.
    #[error("format_version {0}: not supported (this framing reads version {FORMAT_VERSION})")]
    FormatVersion(u32),
    /// Too few or too many labels.
    #[error("labels: {found} labels, expected {min} to {MAX_LABELS}")]
    LabelCount {
        /// Labels in the file.
        found: usize,
        /// Fewest allowed (1 for multi-label models, else 2).
        min: usize,
    },
    /// An empty label name.
    #[error("labels[{0}]: empty label name")]
    EmptyLabel(usize),
    /// A label given twice (its probability columns would be ambiguous).
    #[error("labels[{index}] `{name}`: the same as labels[{first}]")]
    DuplicateLabel {
        /// Index of the repeat.
        index: usize,
        /// Index of the first.
        first: usize,
        /// The label.
        name: String,
    },
    /// Not one bias per label.
    #[error("bias: {found} values, expected {expected} (one per label)")]
    BiasCount {
        /// Values in the file.
        found: usize,
        /// Labels.
        expected: usize,
    },
    /// Infinity or NaN where a number is needed.
    #[error("{field} {value}: expected a finite number")]
    NotFinite {
        /// The field, e.g. `terms[3].idf`.
        field: String,
        /// Its value.
        value: f64,
    },
    /// A feature setting out of its range.
    #[error("features.{0}")]
    Features(#[from] FeatureError),
    /// A term whose weights are neither one per label nor none.
    #[error("terms[{index}] `{name}`: {found} weights, expected {expected} (one per label) or 0")]
    TermWeights {
        /// Index of the term.
        index: usize,
        /// Its name.
        name: String,
        /// Weights in the file.
        found: usize,
        /// Labels.
        expected: usize,
    },
    /// Two terms with the same feature key (the first would never be scored).
    #[error("terms[{index}] `{name}`: the same feature as terms[{first}] `{first_name}`")]
    DuplicateTerm {
        /// Index of the repeat.
        index: usize,
        /// Its name.
        name: String,
        /// Index of the first.
        first: usize,
        /// The first one's name.
        first_name: String,
    },
    /// The weight table would be too large to hold.
    #[error("terms × labels: {terms} × {labels} weights, more than the {MAX_WEIGHTS} a model may have")]
    TooManyWeights {
        /// Terms.
        terms: usize,
        /// Labels.
        labels: usize,
    },
    /// The weight table would be larger than the file that describes it.
    #[error(
        "terms × labels: {terms} × {labels} = {weights} weights, more than a file of {bytes} bytes \
         can hold (a weight takes at least 2 bytes)"
    )]
    LargerThanFile {
        /// Terms.
        terms: usize,
        /// Labels.
        labels: usize,
        /// Their product.
        weights: usize,
        /// Size of the file.
        bytes: usize,
    },
}

impl ModelFile {
    /// Checks every field against its bounds and against the other fields, before anything
    /// is allocated from them: a model file is input like any other, and a hostile or broken
    /// one must be a clear error, not an hour of scoring or an aborted process.
    pub fn check(&self) -> Result<(), ModelFileError> {
        if self.format_version != FORMAT_VERSION {
            return Err(ModelFileError::FormatVersion(self.format_version));
        }
        let k = self.labels.len();
        let min = if self.multi_label { 1 } else { 2 };
        if !(min..=MAX_LABELS).contains(&k) {
            return Err(ModelFileError::LabelCount { found: k, min });
        }
        let mut seen = std::collections::HashMap::with_capacity(k);
        for (index, label) in self.labels.iter().enumerate() {
            if label.is_empty() {
                return Err(ModelFileError::EmptyLabel(index));
            }
            if let Some(&first) = seen.get(label.as_str()) {
                return Err(ModelFileError::DuplicateLabel { index, first, name: label.clone() });
            }
            seen.insert(label.as_str(), index);
        }
        if self.bias.len() != k {
            return Err(ModelFileError::BiasCount { found: self.bias.len(), expected: k });
        }
        let finite = |field: &dyn Fn() -> String, value: f64| {
            if value.is_finite() {
                Ok(())
            } else {
                Err(ModelFileError::NotFinite { field: field(), value })
            }
        };
        for (i, &b) in self.bias.iter().enumerate() {
            finite(&|| format!("bias[{i}]"), b)?;
        }
        let h = &self.hyper;
        for (name, value) in [("c", h.c), ("alpha", h.alpha), ("nb_weight", h.nb_weight)] {
            finite(&|| format!("hyper.{name}"), value)?;
        }
        self.features.check()?;
        let terms = self.terms.len();
        if terms.checked_mul(k).is_none_or(|w| w > MAX_WEIGHTS) {
            return Err(ModelFileError::TooManyWeights { terms, labels: k });
        }
        for (index, t) in self.terms.iter().enumerate() {
            if !t.w.is_empty() && t.w.len() != k {
                let (name, found) = (t.name.clone(), t.w.len());
                return Err(ModelFileError::TermWeights { index, name, found, expected: k });
            }
            finite(&|| format!("terms[{index}].idf"), f64::from(t.idf))?;
            for (j, &w) in t.w.iter().enumerate() {
                finite(&|| format!("terms[{index}].w[{j}]"), f64::from(w))?;
            }
        }
        Ok(())
    }

    /// Checks that the weight table (terms × labels, allocated whole) is no larger than a
    /// file of `bytes` bytes could describe. Each weight takes at least 2 bytes of JSON (`0,`)
    /// and each term about 20 even without weights, so an honest file is always larger than
    /// its table has cells; a file that is not claims a table it does not hold, e.g.
    /// thousands of labels over a long list of terms without weights.
    pub fn check_size(&self, bytes: usize) -> Result<(), ModelFileError> {
        let (terms, labels) = (self.terms.len(), self.labels.len());
        match terms.checked_mul(labels) {
            Some(weights) if weights <= bytes => Ok(()),
            Some(weights) => Err(ModelFileError::LargerThanFile { terms, labels, weights, bytes }),
            None => Err(ModelFileError::TooManyWeights { terms, labels }),
        }
    }
}

/// Macro-F1 and accuracy of one cross-validation fold.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FoldFigures {
    /// 1-based fold number.
    pub fold: usize,
    /// Macro-averaged F1 on the held-out fold.
    pub macro_f1: f64,
    /// Accuracy on the held-out fold.
    pub accuracy: f64,
}

/// Cross-validation summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CvFigures {
    /// Number of folds.
    pub folds: usize,
    /// Mean macro-F1 over the folds.
    pub macro_f1: f64,
    /// Mean accuracy over the folds.
    pub accuracy: f64,
    /// Per fold.
    pub per_fold: Vec<FoldFigures>,
}

/// Training rows of one label.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelCount {
    /// Label.
    pub label: String,
    /// Rows.
    pub rows: usize,
}

/// One feature of the vocabulary with its idf and per-label weights.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Term {
    /// Printable name (see `features::key_of_name`).
    pub name: String,
    /// Inverse document frequency learned at training.
    pub idf: f32,
    /// One weight per label; empty when all were pruned to zero.
    #[serde(default)]
    pub w: Vec<f32>,
}

/// The serialised model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelFile {
    /// Layout version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// `framing` version that wrote it.
    pub framing_version: String,
    /// Fitting algorithm.
    pub algorithm: Algorithm,
    /// Settings.
    pub hyper: Hyper,
    /// Language of the training text (segmentation, lexicon).
    pub lang: Lang,
    /// One-vs-rest per label (labels are dimensions, probabilities independent).
    pub multi_label: bool,
    /// Label names in output order.
    pub labels: Vec<String>,
    /// Feature settings.
    pub features: FeatureConfig,
    /// Lexicon frames known at training.
    pub frames: Vec<String>,
    /// sha256 of the lexicon files' hashes concatenated (empty lexicon: sha256 of "").
    pub lexicon_sha256: String,
    /// sha256 of the training file.
    pub training_data_sha256: String,
    /// Training rows.
    pub training_rows: usize,
    /// Rows per label (per dimension with multi-label).
    pub label_counts: Vec<LabelCount>,
    /// Cross-validation figures (None when skipped).
    pub cv: Option<CvFigures>,
    /// Creation time, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_utc: String,
    /// Bias per label.
    pub bias: Vec<f64>,
    /// Vocabulary with weights.
    pub terms: Vec<Term>,
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch (proleptic Gregorian calendar).
pub fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Now, as [`utc_timestamp`].
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    utc_timestamp(secs)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The smallest valid model, shaped like the bundled one: two labels, two words with
    /// weights and a lexicon feature whose weights were all pruned.
    pub(crate) const MINIMAL: &str = r#"{"format_version":1,"framing_version":"0.1.0","algorithm":"logreg",
        "hyper":{"c":1.0,"alpha":0.1,"max_iter":300,"class_weight":"balanced","seed":13,"min_df":2,
            "max_features":0,"nb_weight":0.5},
        "lang":"de","multi_label":false,"labels":["negative","positive"],
        "features":{"min_token_chars":2,"bigrams":true,"stem":null,"target_window":3,"sublinear_tf":true,
            "char_ngrams":[0,0]},
        "frames":["conflict"],"lexicon_sha256":"","training_data_sha256":"","training_rows":4,
        "label_counts":[{"label":"negative","rows":2},{"label":"positive","rows":2}],
        "cv":null,"created_utc":"2026-01-01T00:00:00Z","bias":[0.5,-0.5],
        "terms":[{"name":"gut","idf":1.5,"w":[-1.0,1.0]},{"name":"schlecht","idf":1.5,"w":[1.0,-1.0]},
            {"name":"frame=conflict","idf":2.0}]}"#;

    /// [`MINIMAL`] as JSON with `edit` applied.
    pub(crate) fn minimal_with(edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
        edit(&mut v);
        v
    }

    /// The message of [`ModelFile::check`] on [`MINIMAL`] with `edit` applied (`ok` when it passes).
    fn check_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let file: ModelFile = serde_json::from_value(minimal_with(edit)).unwrap_or_else(|e| panic!("{e}"));
        file.check().map_or_else(|e| e.to_string(), |()| "ok".into())
    }

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("l{i}")).collect()
    }

    #[test]
    fn the_minimal_model_passes() {
        assert_eq!(check_with(|_| {}), "ok");
        let file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.check_size(MINIMAL.len()), Ok(()));
    }

    #[test]
    fn format_version_must_be_this_one() {
        assert_eq!(
            check_with(|v| v["format_version"] = 2.into()),
            "format_version 2: not supported (this framing reads version 1)"
        );
    }

    #[test]
    fn labels_are_two_to_a_thousand_non_empty_and_unique() {
        let set = |labels: Vec<String>, multi: bool| {
            move |v: &mut serde_json::Value| {
                v["bias"] = serde_json::json!(vec![0.0; labels.len()]);
                v["terms"] = serde_json::json!([]);
                v["labels"] = serde_json::json!(labels);
                v["multi_label"] = multi.into();
            }
        };
        assert_eq!(check_with(set(labels(1), false)), "labels: 1 labels, expected 2 to 1000");
        assert_eq!(check_with(set(labels(1), true)), "ok");
        assert_eq!(check_with(set(labels(0), true)), "labels: 0 labels, expected 1 to 1000");
        assert_eq!(check_with(set(labels(1000), false)), "ok");
        assert_eq!(check_with(set(labels(1001), false)), "labels: 1001 labels, expected 2 to 1000");
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(check_with(set(names(&["a", ""]), false)), "labels[1]: empty label name");
        assert_eq!(check_with(set(names(&["a", "b", "a"]), false)), "labels[2] `a`: the same as labels[0]");
    }

    #[test]
    fn one_finite_bias_per_label() {
        assert_eq!(check_with(|v| v["bias"] = serde_json::json!([0.0])), "bias: 1 values, expected 2 (one per label)");
        // JSON has no infinity for f64; a model built in memory can.
        let mut file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
        file.bias[1] = f64::INFINITY;
        assert_eq!(file.check().map_err(|e| e.to_string()), Err("bias[1] inf: expected a finite number".into()));
    }

    #[test]
    fn hyper_values_are_finite() {
        for (field, message) in
            [("c", "hyper.c NaN"), ("alpha", "hyper.alpha NaN"), ("nb_weight", "hyper.nb_weight NaN")]
        {
            let mut file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
            match field {
                "c" => file.hyper.c = f64::NAN,
                "alpha" => file.hyper.alpha = f64::NAN,
                _ => file.hyper.nb_weight = f64::NAN,
            }
            assert_eq!(file.check().map_err(|e| e.to_string()), Err(format!("{message}: expected a finite number")));
        }
    }

    #[test]
    fn feature_settings_are_bounded() {
        let set = |field: &'static str, value: serde_json::Value| {
            move |v: &mut serde_json::Value| v["features"][field] = value
        };
        assert_eq!(
            check_with(set("char_ngrams", serde_json::json!([1, 100_000]))),
            "features.char_ngrams [1, 100000]: expected [0, 0] or 1 ≤ min ≤ max ≤ 10"
        );
        assert_eq!(check_with(set("char_ngrams", serde_json::json!([3, 5]))), "ok");
        assert_eq!(check_with(set("target_window", 51.into())), "features.target_window 51: expected at most 50");
        assert_eq!(check_with(set("min_token_chars", 21.into())), "features.min_token_chars 21: expected at most 20");
    }

    #[test]
    fn terms_have_one_finite_weight_per_label_or_none() {
        assert_eq!(
            check_with(|v| v["terms"][0]["w"] = serde_json::json!([1.0])),
            "terms[0] `gut`: 1 weights, expected 2 (one per label) or 0"
        );
        // 1e39 is beyond f32: it parses as infinity.
        assert_eq!(check_with(|v| v["terms"][2]["idf"] = 1e39.into()), "terms[2].idf inf: expected a finite number");
        assert_eq!(
            check_with(|v| v["terms"][1]["w"] = serde_json::json!([1.0, -1e39])),
            "terms[1].w[1] -inf: expected a finite number"
        );
    }

    #[test]
    fn the_weight_table_is_bounded_and_no_larger_than_the_file() {
        let file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
        // 3 terms × 2 labels.
        assert_eq!(file.check_size(6), Ok(()));
        assert_eq!(
            file.check_size(5).map_err(|e| e.to_string()),
            Err("terms × labels: 3 × 2 = 6 weights, more than a file of 5 bytes can hold (a weight takes at least \
                 2 bytes)"
                .into())
        );
        // One term past 2^28 weights with 1000 labels (the terms carry no weights, so this
        // holds only ~15 MB of terms in memory).
        let mut big = file.clone();
        big.labels = labels(1000);
        big.bias = vec![0.0; 1000];
        let terms = MAX_WEIGHTS / 1000 + 1;
        big.terms = vec![Term { name: String::new(), idf: 1.0, w: Vec::new() }; terms];
        assert_eq!(
            big.check().map_err(|e| e.to_string()),
            Err("terms × labels: 268436 × 1000 weights, more than the 268435456 a model may have".into())
        );
        big.terms.truncate(terms - 1);
        assert_eq!(big.check(), Ok(()));
    }

    #[test]
    fn every_hyper_parameter_is_checked_with_its_value() {
        let check = |edit: fn(&mut Hyper)| {
            let mut h = Hyper::default();
            edit(&mut h);
            h.check().map_err(|e| e.to_string())
        };
        assert_eq!(check(|_| {}), Ok(()));
        assert_eq!(check(|h| h.c = 0.0), Err("--c 0: expected a finite number > 0".into()));
        assert_eq!(check(|h| h.c = f64::INFINITY), Err("--c inf: expected a finite number > 0".into()));
        assert_eq!(check(|h| h.alpha = -0.5), Err("--alpha -0.5: expected a finite number > 0".into()));
        assert_eq!(
            check(|h| h.max_iter = 0),
            Err("--max-iter 0: expected at least 1 (with 0 iterations every label gets the same probability)".into())
        );
        assert_eq!(check(|h| h.max_iter = 1), Ok(()));
        assert_eq!(check(|h| h.nb_weight = -1.0), Err("--nb-weight -1: expected a finite number ≥ 0".into()));
        assert_eq!(check(|h| h.nb_weight = f64::NAN), Err("--nb-weight NaN: expected a finite number ≥ 0".into()));
        assert_eq!(check(|h| h.nb_weight = 0.0), Ok(()));
        assert_eq!(check(|h| h.min_df = 0), Err("--min-df 0: expected at least 1".into()));
        assert_eq!(check(|h| h.min_df = 1), Ok(()));
        assert_eq!(Hyper { c: -1.0, ..Hyper::default() }.check(), Err(HyperError::C(-1.0)));
    }

    #[test]
    fn feature_errors_name_the_train_option() {
        let message = |e: FeatureError| HyperError::Features(e).to_string();
        assert_eq!(
            message(FeatureError::CharNgrams(1, 100_000)),
            "--char-ngrams 1-100000: expected MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 10"
        );
        assert_eq!(message(FeatureError::TargetWindow(51)), "--target-window 51: expected at most 50");
        assert_eq!(message(FeatureError::MinTokenChars(21)), "min_token_chars 21: expected at most 20");
        assert_eq!(HyperError::Folds(1).to_string(), "--folds 1: expected 0 (no cross-validation) or at least 2");
    }

    #[test]
    fn timestamps_match_known_dates() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        // `date -u -d @951782400` = 2000-02-29 00:00:00 (a leap day).
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        // `date -u -d @1764067455` = 2025-11-25 10:44:15.
        assert_eq!(utc_timestamp(1_764_067_455), "2025-11-25T10:44:15Z");
    }
}
