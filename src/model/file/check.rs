//! The checks a model file passes before anything is allocated from it, and the checks of
//! training settings before any data is read: every bound, with an error that names the field.

use super::{Hyper, ModelFile, FORMAT_VERSION, MAX_LABELS, MAX_WEIGHTS};
use crate::features::{FeatureError, MAX_CHAR_NGRAM, MAX_TARGET_WINDOW};

/// Largest idf a model may hold (training writes 1 + ln((1 + n) / (1 + df)), under 50 for
/// any corpus).
const MAX_IDF: f64 = 1000.0;
/// Largest weight or bias a model may hold in size (fitted ones are below 100).
const MAX_WEIGHT: f64 = 1e6;

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
    /// A number far outside what training writes, which would overflow scoring to NaN.
    #[error("{field} {value}: expected {expected}")]
    OutOfRange {
        /// The field, e.g. `terms[3].idf`.
        field: String,
        /// Its value.
        value: f64,
        /// The range, in words.
        expected: &'static str,
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
        // Training writes idf = 1 + ln((1 + n) / (1 + df)) ≥ 1, far below 1,000 for any
        // number of rows, and weights and biases of moderate size. Larger values overflow the
        // f32 products of scoring to infinity and the normalisation to NaN (found by fuzzing:
        // an idf of 3e38 gave NaN probabilities).
        let within = |field: &dyn Fn() -> String, value: f64, max: f64, expected: &'static str| {
            finite(field, value)?;
            if value.abs() <= max {
                Ok(())
            } else {
                Err(ModelFileError::OutOfRange { field: field(), value, expected })
            }
        };
        for (i, &b) in self.bias.iter().enumerate() {
            within(&|| format!("bias[{i}]"), b, MAX_WEIGHT, "at most 1e6 in size")?;
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
            let idf = f64::from(t.idf);
            within(&|| format!("terms[{index}].idf"), idf, MAX_IDF, "a number from 0 to 1000")?;
            if idf < 0.0 {
                let field = format!("terms[{index}].idf");
                return Err(ModelFileError::OutOfRange { field, value: idf, expected: "a number from 0 to 1000" });
            }
            for (j, &w) in t.w.iter().enumerate() {
                within(&|| format!("terms[{index}].w[{j}]"), f64::from(w), MAX_WEIGHT, "at most 1e6 in size")?;
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
