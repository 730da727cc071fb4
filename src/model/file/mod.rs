//! The model file: JSON with everything predict needs to rebuild the training features and
//! everything a reader needs to know where the model came from.

mod check;

use crate::features::FeatureConfig;
use crate::Lang;
pub use check::{HyperError, ModelFileError};

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
    /// sha256 of the lexicon files' sha256 hashes, each followed by a line break (see
    /// `model::train::lexicon_sha256`); empty when not recorded.
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
pub(crate) mod tests;
