//! Training: lexicon annotation of rows, vocabulary and idf, the fit, and cross-validation.

use std::collections::HashMap;

use rayon::prelude::*;

use super::cv::stratified_folds;
use super::file::{
    Algorithm, ClassWeight, CvFigures, FoldFigures, Hyper, HyperError, LabelCount, ModelFile, Term, FORMAT_VERSION,
};
use super::linfa_fit::{self, LinfaError};
use super::metrics::Report;
use super::solver::{fit_binary_logreg, fit_logreg, fit_nb, Csr, Linear};
pub use super::targets::{label_parts, parse_targets, targets_for_model, Targets};
use super::{Model, VecScratch, Vectorizer};
pub use crate::features::OwnedHit;
use crate::features::{Extractor, FeatureConfig, KeyBuffers, LexiconHit};
use crate::lexicon::voice::{Context, Quotations};
use crate::lexicon::{Hit, Lexicon, Matcher};
use crate::Lang;

/// Weights smaller than this (after centring) are dropped from the file: they move a
/// decision value by less than 1e-4 and would only make the file bigger.
const PRUNE_BELOW: f32 = 1e-4;

/// Everything that decides a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Fitting algorithm.
    pub algorithm: Algorithm,
    /// Settings.
    pub hyper: Hyper,
    /// Feature settings.
    pub features: FeatureConfig,
    /// One-vs-rest per label dimension.
    pub multi_label: bool,
    /// Language of the text.
    pub lang: Lang,
}

impl TrainConfig {
    /// Checks every setting once, before any data is read: [`Hyper::check`],
    /// [`FeatureConfig::check`] (a model the bounds refuse could not be loaded), and the
    /// number of cross-validation folds (1 leaves nothing to train on; 0 skips them).
    pub fn check(&self, folds: usize) -> Result<(), HyperError> {
        self.hyper.check()?;
        self.features.check().map_err(HyperError::Features)?;
        if folds == 1 {
            return Err(HyperError::Folds(folds));
        }
        Ok(())
    }
}

/// A training or evaluation sentence with its lexicon hits.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Text as given (may hold `<t>…</t>` target tags).
    pub text: String,
    /// Lexicon hits on the text without tags.
    pub hits: Vec<OwnedHit>,
}

impl Example {
    /// The hits in the form the features take.
    pub fn lexicon_hits(&self) -> Vec<LexiconHit<'_>> {
        self.hits.iter().map(OwnedHit::as_hit).collect()
    }
}

/// Strips `<t>`/`</t>` target tags.
pub fn strip_target_tags(text: &str) -> String {
    text.replace("<t>", "").replace("</t>", "")
}

/// Annotates texts with the lexicon: matches, their voice and negation.
pub fn annotate(lexicon: &Lexicon, lang: Lang, texts: &[String]) -> Vec<Example> {
    let matcher = Matcher::new(lexicon);
    texts.iter().map(|text| annotate_one(&matcher, lexicon, lang, text)).collect()
}

/// Annotates one text with an already compiled matcher of `lexicon`.
pub fn annotate_one(matcher: &Matcher, lexicon: &Lexicon, lang: Lang, text: &str) -> Example {
    let plain = strip_target_tags(text);
    let mut hits: Vec<Hit> = Vec::new();
    matcher.find_into(&plain, &mut hits);
    let quotes = Quotations::find(&plain);
    // The row is one sentence: the whole text is its sentence.
    let owned =
        hits.iter().map(|h| LexiconHit::of_match(lexicon, &Context::whole(&plain, &quotes, lang), h).into()).collect();
    Example { text: text.to_string(), hits: owned }
}

/// Vocabulary (names sorted) and idf (`ln((1 + n) / (1 + df)) + 1`, scikit-learn's smooth idf).
fn build_vocabulary(ext: &Extractor, examples: &[&Example], hyper: &Hyper) -> (Vec<String>, Vec<f32>) {
    let mut names: HashMap<u64, String> = HashMap::new();
    let mut df: HashMap<u64, usize> = HashMap::new();
    let mut scratch = KeyBuffers::default();
    let mut keys = Vec::new();
    for ex in examples {
        keys.clear();
        ext.keys_into(&ex.text, &ex.lexicon_hits(), &mut scratch, &mut keys, Some(&mut names));
        keys.sort_unstable();
        keys.dedup();
        for &k in &keys {
            *df.entry(k).or_insert(0) += 1;
        }
    }
    let mut kept: Vec<(&String, usize)> = df
        .iter()
        .filter(|(k, &d)| d >= hyper.min_df || names[k].starts_with("frame="))
        .map(|(k, &d)| (&names[k], d))
        .collect();
    if hyper.max_features > 0 && kept.len() > hyper.max_features {
        kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        kept.truncate(hyper.max_features);
    }
    kept.sort_by(|a, b| a.0.cmp(b.0));
    let n = examples.len() as f64;
    let idf = kept.iter().map(|&(_, d)| (((1.0 + n) / (1.0 + d as f64)).ln() + 1.0) as f32).collect();
    (kept.into_iter().map(|(n, _)| n.clone()).collect(), idf)
}

/// Row weights for balanced classes: `n / (k · n_c)`.
fn class_weights(y: &[usize], k: usize, mode: ClassWeight) -> Vec<f64> {
    let mut counts = vec![0usize; k];
    y.iter().for_each(|&c| counts[c] += 1);
    let n = y.len() as f64;
    y.iter()
        .map(|&c| match mode {
            ClassWeight::Balanced => n / (k as f64 * counts[c].max(1) as f64),
            ClassWeight::None => 1.0,
        })
        .collect()
}

/// A native single-label fit (`fit_table` sends the linfa algorithms to [`linfa_fit`]).
fn native_single(config: &TrainConfig, x: &Csr, y: &[usize], d: usize, k: usize) -> Linear {
    let sw = class_weights(y, k, config.hyper.class_weight);
    let balanced = config.hyper.class_weight == ClassWeight::Balanced;
    let h = &config.hyper;
    match config.algorithm {
        Algorithm::Nb => fit_nb(x, y, &sw, d, k, h.alpha, balanced),
        Algorithm::LogregNb => {
            let mut lin = fit_logreg(x, y, &sw, d, k, h.c, h.max_iter);
            let nb = fit_nb(x, y, &sw, d, k, h.alpha, balanced);
            lin.weights.iter_mut().zip(&nb.weights).for_each(|(w, n)| *w += h.nb_weight * n);
            lin.bias.iter_mut().zip(&nb.bias).for_each(|(b, n)| *b += h.nb_weight * n);
            lin
        }
        _ => fit_logreg(x, y, &sw, d, k, h.c, h.max_iter),
    }
}

/// A native binary fit: log-odds weights of `true` and the bias.
fn native_binary(config: &TrainConfig, x: &Csr, y: &[bool], d: usize) -> (Vec<f64>, f64) {
    let h = &config.hyper;
    let yc: Vec<usize> = y.iter().map(|&b| usize::from(b)).collect();
    let sw = class_weights(&yc, 2, h.class_weight);
    let balanced = h.class_weight == ClassWeight::Balanced;
    let nb_diff = || fit_nb(x, &yc, &sw, d, 2, h.alpha, balanced).binary_log_odds(d);
    match config.algorithm {
        Algorithm::Nb => nb_diff(),
        Algorithm::LogregNb => {
            let (mut w, mut b) = fit_binary_logreg(x, y, &sw, d, h.c, h.max_iter);
            let (nw, nb) = nb_diff();
            w.iter_mut().zip(&nw).for_each(|(a, n)| *a += h.nb_weight * n);
            b += h.nb_weight * nb;
            (w, b)
        }
        _ => fit_binary_logreg(x, y, &sw, d, h.c, h.max_iter),
    }
}

/// Membership of every row in dimension `c`.
fn dimension(y: &[Vec<bool>], c: usize) -> Vec<bool> {
    y.iter().map(|r| r[c]).collect()
}

/// The table of one-vs-rest fits: the log-odds weights and bias of dimension c in column c.
fn one_vs_rest_table(dims: Vec<(Vec<f64>, f64)>, d: usize, k: usize) -> Linear {
    let mut lin = Linear { weights: vec![0.0; d * k], bias: vec![0.0; k] };
    for (c, (w, b)) in dims.into_iter().enumerate() {
        for (j, wj) in w.into_iter().enumerate() {
            lin.weights[j * k + c] = wj;
        }
        lin.bias[c] = b;
    }
    lin
}

/// One linfa binary fit per dimension, one after another (each builds a dense matrix).
fn linfa_one_vs_rest(
    y: &[Vec<bool>],
    d: usize,
    k: usize,
    fit_dim: impl Fn(&[bool]) -> Result<(Vec<f64>, f64), LinfaError>,
) -> Result<Linear, LinfaError> {
    let dims = (0..k).map(|c| fit_dim(&dimension(y, c))).collect::<Result<Vec<_>, _>>()?;
    Ok(one_vs_rest_table(dims, d, k))
}

/// The native fit of the model `config.algorithm` names. One-vs-rest dimensions are fitted
/// in parallel; each fit is deterministic, so the table is too, for any thread count.
fn native_table(config: &TrainConfig, x: &Csr, y: &Targets, d: usize, k: usize) -> Linear {
    match y {
        Targets::Single(y) => native_single(config, x, y, d, k),
        Targets::Multi(y) => {
            let dims = (0..k).into_par_iter().map(|c| native_binary(config, x, &dimension(y, c), d)).collect();
            one_vs_rest_table(dims, d, k)
        }
    }
}

/// The fit `config.algorithm` names: linfa's, or the native one.
fn fit_table(config: &TrainConfig, x: &Csr, y: &Targets, d: usize, k: usize) -> Result<Linear, LinfaError> {
    let balanced = config.hyper.class_weight == ClassWeight::Balanced;
    let h = &config.hyper;
    match (config.algorithm, y) {
        (Algorithm::LinfaLogreg, Targets::Single(y)) => linfa_fit::fit_logreg(x, y, d, k, h.c, h.max_iter, balanced),
        (Algorithm::LinfaNb, Targets::Single(y)) => linfa_fit::fit_nb(x, y, d, k, h.alpha, balanced),
        (Algorithm::LinfaLogreg, Targets::Multi(y)) => {
            linfa_one_vs_rest(y, d, k, |yc| linfa_fit::fit_binary_logreg(x, yc, d, h.c, h.max_iter, balanced))
        }
        (Algorithm::LinfaNb, Targets::Multi(y)) => {
            linfa_one_vs_rest(y, d, k, |yc| linfa_fit::fit_binary_nb(x, yc, d, h.alpha, balanced))
        }
        _ => Ok(native_table(config, x, y, d, k)),
    }
}

/// The training matrix: vocabulary, idf and the vectorised rows.
struct Design {
    names: Vec<String>,
    idf: Vec<f32>,
    x: Csr,
}

/// Effective settings: when `max_features` is 0 the linfa algorithms keep
/// [`linfa_fit::DEFAULT_LINFA_FEATURES`] features, or fewer (a multiple of 100) so that their
/// dense matrix, rows repeated for balanced weights included, stays within
/// [`linfa_fit::DENSE_BYTES_CAP`].
fn effective(config: &TrainConfig, y: &Targets, k: usize) -> TrainConfig {
    let mut config = config.clone();
    if config.algorithm.is_linfa() && config.hyper.max_features == 0 {
        let rows = dense_rows(&config, y, k).max(1);
        let fitting = (linfa_fit::DENSE_BYTES_CAP / 8 / rows) / 100 * 100;
        config.hyper.max_features = fitting.clamp(100, linfa_fit::DEFAULT_LINFA_FEATURES);
    }
    config
}

/// Rows of the largest dense matrix a linfa fit builds (repetition for balanced logistic
/// regression; naive Bayes counts each row once).
fn dense_rows(config: &TrainConfig, y: &Targets, k: usize) -> usize {
    let balanced = config.algorithm == Algorithm::LinfaLogreg && config.hyper.class_weight == ClassWeight::Balanced;
    let repeated = |y: &[usize], k: usize| {
        let rep = linfa_fit::replication(y, k, balanced);
        y.iter().map(|&c| rep[c]).sum::<usize>()
    };
    match y {
        Targets::Single(y) => repeated(y, k),
        Targets::Multi(y) => {
            (0..k).map(|c| repeated(&y.iter().map(|r| usize::from(r[c])).collect::<Vec<_>>(), 2)).max().unwrap_or(0)
        }
    }
}

fn design(config: &TrainConfig, examples: &[Example]) -> Design {
    let ext = Extractor::new(config.features.clone());
    let refs: Vec<&Example> = examples.iter().collect();
    let (names, idf) = build_vocabulary(&ext, &refs, &config.hyper);
    let vectorizer = Vectorizer::new(ext, &names, idf.clone());
    let mut x = Csr::default();
    let mut s = VecScratch::default();
    for ex in examples {
        vectorizer.vectorize(&ex.text, &ex.lexicon_hits(), &mut s);
        x.push_row(&s.vector);
    }
    Design { names, idf, x }
}

/// Fits on `examples` and returns the model file (provenance fields `lexicon_sha256`,
/// `training_data_sha256`, `cv`, `created_utc` left for the caller). Native algorithms
/// always fit; a linfa fit that cannot run (dense matrix over
/// [`linfa_fit::DENSE_BYTES_CAP`], a linfa error, stderr not silenceable) is an error, never
/// silently replaced by another algorithm.
pub fn fit(
    config: &TrainConfig,
    labels: &[String],
    frames: &[String],
    examples: &[Example],
    y: &Targets,
) -> Result<ModelFile, LinfaError> {
    let config = effective(config, y, labels.len());
    let design = design(&config, examples);
    let lin = fit_table(&config, &design.x, y, design.names.len(), labels.len())?;
    Ok(assemble(&config, labels, frames, examples.len(), y, design, lin))
}

/// The model file of a fitted table.
fn assemble(
    config: &TrainConfig,
    labels: &[String],
    frames: &[String],
    rows: usize,
    y: &Targets,
    design: Design,
    lin: Linear,
) -> ModelFile {
    let k = labels.len();
    let terms = design
        .names
        .into_iter()
        .zip(design.idf)
        .enumerate()
        .map(|(j, (name, idf))| {
            let row = &lin.weights[j * k..j * k + k];
            // Softmax ignores a shift common to all labels: centring makes weights comparable
            // (explain) and lets features that favour no label be pruned.
            let centre = if config.multi_label { 0.0 } else { row.iter().sum::<f64>() / k as f64 };
            let w: Vec<f32> = row.iter().map(|v| (v - centre) as f32).collect();
            let w = if w.iter().all(|v| v.abs() < PRUNE_BELOW) { Vec::new() } else { w };
            Term { name, idf, w }
        })
        .collect();
    let label_counts = labels
        .iter()
        .enumerate()
        .map(|(c, l)| LabelCount {
            label: l.clone(),
            rows: match y {
                Targets::Single(y) => y.iter().filter(|&&v| v == c).count(),
                Targets::Multi(y) => y.iter().filter(|r| r[c]).count(),
            },
        })
        .collect();
    ModelFile {
        format_version: FORMAT_VERSION,
        framing_version: env!("CARGO_PKG_VERSION").to_string(),
        algorithm: config.algorithm,
        hyper: config.hyper.clone(),
        lang: config.lang,
        multi_label: config.multi_label,
        labels: labels.to_vec(),
        features: config.features.clone(),
        frames: frames.to_vec(),
        lexicon_sha256: String::new(),
        training_data_sha256: String::new(),
        training_rows: rows,
        label_counts,
        cv: None,
        created_utc: String::new(),
        bias: lin.bias,
        terms,
    }
}

/// Predictions of a model for examples: label index per row, or membership per dimension.
pub fn predict(model: &Model, examples: &[Example]) -> Targets {
    let scores: Vec<_> = examples.iter().map(|ex| model.score(&ex.text, &ex.lexicon_hits())).collect();
    if model.is_multi_label() {
        Targets::Multi(scores.iter().map(|s| s.probs.iter().map(|&p| p >= 0.5).collect()).collect())
    } else {
        Targets::Single(scores.iter().map(|s| s.best).collect())
    }
}

/// Metrics of predictions against gold.
pub fn report(labels: &[String], gold: &Targets, predicted: &Targets) -> Report {
    match (gold, predicted) {
        (Targets::Single(g), Targets::Single(p)) => Report::new(labels, g, p),
        (Targets::Multi(g), Targets::Multi(p)) => Report::multi_label(labels, g, p),
        _ => Report::new(labels, &[], &[]),
    }
}

/// Stratified k-fold cross-validation: per-fold figures and the report of all held-out
/// predictions pooled.
pub fn cross_validate(
    config: &TrainConfig,
    labels: &[String],
    frames: &[String],
    examples: &[Example],
    y: &Targets,
    folds: usize,
) -> Result<(CvFigures, Report), LinfaError> {
    let (strata, n_strata) = y.strata(labels.len());
    let fold_of = stratified_folds(&strata, n_strata, folds, config.hyper.seed);
    let mut pooled_gold: Vec<usize> = Vec::new();
    let mut pooled_pred: Vec<usize> = Vec::new();
    let mut pooled_gold_m: Vec<Vec<bool>> = Vec::new();
    let mut pooled_pred_m: Vec<Vec<bool>> = Vec::new();
    let mut per_fold = Vec::new();
    for f in 0..folds {
        let train_rows: Vec<usize> = (0..y.rows()).filter(|&i| fold_of[i] != f).collect();
        let test_rows: Vec<usize> = (0..y.rows()).filter(|&i| fold_of[i] == f).collect();
        if test_rows.is_empty() || train_rows.is_empty() {
            continue;
        }
        let train_ex: Vec<Example> = train_rows.iter().map(|&i| examples[i].clone()).collect();
        let test_ex: Vec<Example> = test_rows.iter().map(|&i| examples[i].clone()).collect();
        let file = fit(config, labels, frames, &train_ex, &y.subset(&train_rows))?;
        let Ok(model) = Model::from_file(file, "cv", String::new()) else { continue };
        let gold = y.subset(&test_rows);
        let pred = predict(&model, &test_ex);
        let r = report(labels, &gold, &pred);
        per_fold.push(FoldFigures { fold: f + 1, macro_f1: r.macro_avg.f1, accuracy: r.accuracy });
        match (gold, pred) {
            (Targets::Single(g), Targets::Single(p)) => {
                pooled_gold.extend(g);
                pooled_pred.extend(p);
            }
            (Targets::Multi(g), Targets::Multi(p)) => {
                pooled_gold_m.extend(g);
                pooled_pred_m.extend(p);
            }
            _ => {}
        }
    }
    let n = per_fold.len().max(1) as f64;
    let figures = CvFigures {
        folds,
        macro_f1: per_fold.iter().map(|f| f.macro_f1).sum::<f64>() / n,
        accuracy: per_fold.iter().map(|f| f.accuracy).sum::<f64>() / n,
        per_fold,
    };
    let pooled = match y {
        Targets::Single(_) => Report::new(labels, &pooled_gold, &pooled_pred),
        Targets::Multi(_) => Report::multi_label(labels, &pooled_gold_m, &pooled_pred_m),
    };
    Ok((figures, pooled))
}

/// sha256 identifying a lexicon: over its files' hashes, one per line (no files: over its
/// entries `pattern,frame` lines, so the bundled lexicon has a stable identity too).
pub fn lexicon_sha256(lexicon: &Lexicon) -> String {
    let mut text = String::new();
    if lexicon.files.is_empty() {
        for e in &lexicon.entries {
            text.push_str(&format!("{}{},{}\n", if e.exclusion { "!" } else { "" }, e.pattern, e.frame));
        }
    } else {
        for f in &lexicon.files {
            text.push_str(&f.sha256);
            text.push('\n');
        }
    }
    crate::hash::sha256_hex(text.as_bytes())
}
