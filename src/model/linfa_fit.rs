//! Fits with the linfa crates (`--algo linfa-logreg`, `--algo linfa-nb`), returning the same
//! linear table as the native solvers, so scoring, explain and the model file do not change.
//!
//! linfa fits dense `Array2<f64>` matrices: the kept features of the sparse rows are copied
//! into one (rows × features × 8 bytes, refused above [`DENSE_BYTES_CAP`]).
//!
//! - linfa-logreg: `MultiLogisticRegression` (single-label) or `LogisticRegression` (one per
//!   dimension with multi-label). linfa minimises `Σ_i CE_i + α/2 ‖W‖²` (a sum over rows,
//!   bias not penalised); scikit-learn and [`super::solver::fit_logreg`] minimise
//!   `C Σ_i s_i CE_i + ½‖W‖²`, the same optimum when `α = 1 / C` with unit weights. linfa has
//!   no sample weights, so balanced class weights are emulated by repeating the rows of each
//!   label an integer number of times (≈ `max_c n_c / n_c`, see [`replication`]) and
//!   rescaling `α` so the repeated objective equals the weighted one up to the rounding.
//! - linfa-nb: `MultinomialNb`. Its fitted fields are private, so the per-label feature
//!   log-probabilities and log priors are read back through `joint_log_likelihood` on unit
//!   rows. Its fit prints every class histogram with `dbg!`; stderr is pointed at
//!   `/dev/null` for the duration (see [`StderrSilenced`]). linfa counts rows unweighted;
//!   with balanced class weights the prior is uniform (as the native naive Bayes).

use linfa::prelude::*;
use linfa_bayes::NaiveBayes;
use ndarray::{Array1, Array2};

use super::solver::{Csr, Linear};

/// Features kept for the linfa algorithms when `--max-features` is 0: the dense matrix costs
/// rows × features, and linfa-logistic's passes are dense.
pub const DEFAULT_LINFA_FEATURES: usize = 5_000;

/// Largest dense matrix built for linfa, in bytes.
pub const DENSE_BYTES_CAP: usize = 512 << 20;

/// Largest repetition of one label's rows when emulating balanced weights.
pub const MAX_REPLICATION: usize = 100;

/// Why a linfa fit failed.
#[derive(Debug, thiserror::Error)]
pub enum LinfaError {
    /// The dense matrix would be too large.
    #[error(
        "linfa needs a dense matrix of {rows} rows × {features} features × 8 bytes = {mb} MB, more than \
         the {cap_mb} MB allowed: pass --max-features N with a smaller N (e.g. {suggest})"
    )]
    TooLarge {
        /// Rows (after repetition for balanced weights).
        rows: usize,
        /// Features.
        features: usize,
        /// Size in MB.
        mb: usize,
        /// The cap in MB.
        cap_mb: usize,
        /// A feature count that fits.
        suggest: usize,
    },
    /// linfa-logistic refused or failed.
    #[error("linfa-logistic: {0}")]
    Logistic(String),
    /// linfa-bayes refused or failed.
    #[error("linfa-bayes: {0}")]
    Bayes(String),
    /// stderr could not be silenced, so the naive Bayes fit was not run (its debug dump would
    /// have reached the terminal).
    #[error("cannot silence linfa-bayes' debug output on stderr: {0}")]
    Silence(String),
}

/// How many times each label's rows are repeated: 1 each without balancing, else
/// `round(max_c n_c / n_c)` capped at [`MAX_REPLICATION`] (labels without rows: 0).
pub fn replication(y: &[usize], k: usize, balanced: bool) -> Vec<usize> {
    let mut counts = vec![0usize; k];
    y.iter().for_each(|&c| counts[c] += 1);
    let max = counts.iter().copied().max().unwrap_or(0) as f64;
    counts
        .iter()
        .map(|&n| match (n, balanced) {
            (0, _) => 0,
            (_, false) => 1,
            (n, true) => ((max / n as f64).round() as usize).clamp(1, MAX_REPLICATION),
        })
        .collect()
}

/// linfa's `α` for scikit-learn's `C` given the repetition. Balanced weights
/// `s_c = n / (k n_c)` sum to n over the rows; with `u = n / Σ_i r_i` (repeated rows)
/// `C Σ s CE + ½‖W‖² ≈ C u (Σ r CE + ‖W‖² / (2 C u))`, so `α = 1 / (C u)`.
fn alpha_for(y: &[usize], rep: &[usize], balanced: bool, c: f64) -> f64 {
    if !balanced {
        return 1.0 / c;
    }
    let repeated: usize = y.iter().map(|&l| rep[l]).sum();
    1.0 / (c * y.len() as f64 / repeated.max(1) as f64)
}

/// The rows of the dense matrix: each row index repeated per its label's factor.
fn repeated_rows(y: &[usize], rep: &[usize]) -> Vec<usize> {
    (0..y.len()).flat_map(|i| std::iter::repeat_n(i, rep[y[i]])).collect()
}

/// Dense copy of the given rows of `x` (`d` columns), within [`DENSE_BYTES_CAP`].
fn dense(x: &Csr, rows: &[usize], d: usize) -> Result<Array2<f64>, LinfaError> {
    let bytes = rows.len().saturating_mul(d).saturating_mul(8);
    if bytes > DENSE_BYTES_CAP {
        return Err(LinfaError::TooLarge {
            rows: rows.len(),
            features: d,
            mb: bytes >> 20,
            cap_mb: DENSE_BYTES_CAP >> 20,
            suggest: (DENSE_BYTES_CAP / 8 / rows.len().max(1) / 100 * 100).max(100),
        });
    }
    let mut m = Array2::<f64>::zeros((rows.len(), d));
    for (r, &i) in rows.iter().enumerate() {
        for (j, v) in x.row(i) {
            m[[r, j]] = v;
        }
    }
    Ok(m)
}

/// linfa-logistic's L-BFGS stops when ‖∇‖₂ falls below this; its objective is a sum over
/// rows, so the tolerance grows with them (1e-6 per row, as the native solver's mean).
fn gradient_tolerance(rows: usize) -> f64 {
    1e-6 * rows.max(1) as f64
}

/// Bias given to a label absent from the training rows (probability ≈ 0).
const ABSENT_BIAS: f64 = -30.0;

/// Multinomial logistic regression with linfa-logistic: `weights[j * k + c]`, `bias[c]`.
pub fn fit_logreg(
    x: &Csr,
    y: &[usize],
    d: usize,
    k: usize,
    c: f64,
    max_iter: usize,
    balanced: bool,
) -> Result<Linear, LinfaError> {
    let rep = replication(y, k, balanced);
    let rows = repeated_rows(y, &rep);
    let records = dense(x, &rows, d)?;
    let targets: Array1<usize> = rows.iter().map(|&i| y[i]).collect();
    let present = rep.iter().filter(|&&r| r > 0).count();
    if present < 2 {
        return Ok(constant_table(y, d, k));
    }
    let dataset = Dataset::new(records, targets);
    let fitted = linfa_logistic::MultiLogisticRegression::default()
        .alpha(alpha_for(y, &rep, balanced, c))
        .max_iterations(max_iter as u64)
        .gradient_tolerance(gradient_tolerance(rows.len()))
        .fit(&dataset)
        .map_err(|e| LinfaError::Logistic(e.to_string()))?;
    let (params, intercept) = (fitted.params(), fitted.intercept());
    let mut lin = Linear { weights: vec![0.0; d * k], bias: vec![ABSENT_BIAS; k] };
    // linfa's columns are the labels present, in sorted order.
    for (col, &label) in fitted.classes().iter().enumerate() {
        lin.bias[label] = intercept[col];
        for j in 0..d {
            lin.weights[j * k + label] = params[[j, col]];
        }
    }
    Ok(lin)
}

/// A table for rows that all carry one label: that label certain.
fn constant_table(y: &[usize], d: usize, k: usize) -> Linear {
    let mut bias = vec![ABSENT_BIAS; k];
    if let Some(&only) = y.first() {
        bias[only] = 0.0;
    }
    Linear { weights: vec![0.0; d * k], bias }
}

/// A dimension whose rows are all in or all out: no weights, the smoothed log-odds of the
/// rows as bias.
fn constant_log_odds(y: &[bool], d: usize) -> (Vec<f64>, f64) {
    let pos = y.iter().filter(|&&b| b).count() as f64;
    (vec![0.0; d], ((pos + 0.5) / (y.len() as f64 - pos + 0.5)).ln())
}

/// Binary logistic regression with linfa-logistic for one dimension: weights of the log-odds
/// of `true` (length `d`) and the bias.
pub fn fit_binary_logreg(
    x: &Csr,
    y: &[bool],
    d: usize,
    c: f64,
    max_iter: usize,
    balanced: bool,
) -> Result<(Vec<f64>, f64), LinfaError> {
    let yi: Vec<usize> = y.iter().map(|&b| usize::from(b)).collect();
    let rep = replication(&yi, 2, balanced);
    if rep.contains(&0) {
        return Ok(constant_log_odds(y, d));
    }
    let rows = repeated_rows(&yi, &rep);
    let records = dense(x, &rows, d)?;
    let targets: Array1<bool> = rows.iter().map(|&i| y[i]).collect();
    let dataset = Dataset::new(records, targets);
    let fitted = linfa_logistic::LogisticRegression::default()
        .alpha(alpha_for(&yi, &rep, balanced, c))
        .max_iterations(max_iter as u64)
        .gradient_tolerance(gradient_tolerance(rows.len()))
        .fit(&dataset)
        .map_err(|e| LinfaError::Logistic(e.to_string()))?;
    // linfa models the log-odds of its `pos` class (the more frequent one).
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    Ok((fitted.params().iter().map(|w| sign * w).collect(), sign * fitted.intercept()))
}

/// Unit rows read back per call of `joint_log_likelihood` (bounds the probe matrix).
const PROBE_BLOCK: usize = 512;

/// Multinomial naive Bayes with linfa-bayes: `weights[j * k + c] = log p(j | c)` and
/// `bias[c]` the log prior (uniform when `uniform_prior`).
pub fn fit_nb(x: &Csr, y: &[usize], d: usize, k: usize, alpha: f64, uniform_prior: bool) -> Result<Linear, LinfaError> {
    let rows: Vec<usize> = (0..y.len()).collect();
    let records = dense(x, &rows, d)?;
    let dataset = Dataset::new(records, y.iter().copied().collect::<Array1<usize>>());
    let params = linfa_bayes::MultinomialNbParams::new().alpha(alpha);
    let fitted = {
        let _quiet = StderrSilenced::new()?;
        params.fit(&dataset).map_err(|e| LinfaError::Bayes(e.to_string()))?
    };
    let mut lin = Linear { weights: vec![0.0; d * k], bias: vec![ABSENT_BIAS; k] };
    // Row 0 of each probe is zero (joint log-likelihood = log prior); row 1 + b is the unit
    // vector of feature `start + b` (log prior + log p(feature | label)).
    for start in (0..d.max(1)).step_by(PROBE_BLOCK) {
        let end = (start + PROBE_BLOCK).min(d);
        let mut probe = Array2::<f64>::zeros((1 + end - start, d));
        for j in start..end {
            probe[[1 + j - start, j]] = 1.0;
        }
        for (&label, jll) in fitted.joint_log_likelihood(probe.view()) {
            lin.bias[label] = jll[0];
            for j in start..end {
                lin.weights[j * k + label] = jll[1 + j - start] - jll[0];
            }
        }
    }
    if uniform_prior {
        let present = lin.bias.iter().filter(|&&b| b != ABSENT_BIAS).count().max(1) as f64;
        lin.bias.iter_mut().filter(|b| **b != ABSENT_BIAS).for_each(|b| *b = -present.ln());
    }
    Ok(lin)
}

/// Binary naive Bayes for one dimension: log-odds weights of `true` and the bias.
pub fn fit_binary_nb(
    x: &Csr,
    y: &[bool],
    d: usize,
    alpha: f64,
    uniform_prior: bool,
) -> Result<(Vec<f64>, f64), LinfaError> {
    if !(y.contains(&true) && y.contains(&false)) {
        return Ok(constant_log_odds(y, d));
    }
    let yi: Vec<usize> = y.iter().map(|&b| usize::from(b)).collect();
    Ok(fit_nb(x, &yi, d, 2, alpha, uniform_prior)?.binary_log_odds(d))
}

/// While alive, the process's stderr (fd 2) goes to `/dev/null`; dropping it (also while
/// unwinding from a panic) restores the original stderr. Held under a process-wide lock so
/// concurrent fits cannot interleave their redirections.
///
/// Safe code only (the crate forbids `unsafe`): rustix's `dup` and `dup2_stderr` take
/// borrowed descriptors, so no descriptor can be used after it was closed.
pub struct StderrSilenced {
    #[cfg(unix)]
    saved: std::os::fd::OwnedFd,
    _lock: std::sync::MutexGuard<'static, ()>,
}

static SILENCE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl StderrSilenced {
    /// Redirects stderr to `/dev/null`; errors (and redirects nothing) when that is impossible.
    #[cfg(unix)]
    pub fn new() -> Result<StderrSilenced, LinfaError> {
        use std::io::Write;
        use std::os::fd::AsFd;
        let lock = SILENCE_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = std::io::stderr().flush();
        let err = |e: std::io::Error| LinfaError::Silence(e.to_string());
        let null = std::fs::OpenOptions::new().write(true).open("/dev/null").map_err(err)?;
        let saved = rustix::io::dup(std::io::stderr().as_fd()).map_err(|e| err(e.into()))?;
        rustix::stdio::dup2_stderr(null.as_fd()).map_err(|e| err(e.into()))?;
        Ok(StderrSilenced { saved, _lock: lock })
    }

    /// Not available off Unix: the fit is refused rather than letting the dump through.
    #[cfg(not(unix))]
    pub fn new() -> Result<StderrSilenced, LinfaError> {
        Err(LinfaError::Silence("only supported on Unix".into()))
    }
}

impl Drop for StderrSilenced {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            // Nothing sensible is left to do if restoring fails; stderr stays silenced.
            let _ = rustix::stdio::dup2_stderr(self.saved.as_fd());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::solver;

    /// A small fixed problem: 3 labels, 4 features, 12 rows with overlapping features.
    fn problem() -> (Csr, Vec<usize>) {
        let rows: [&[(u32, f32)]; 12] = [
            &[(0, 1.0), (1, 0.5)],
            &[(0, 0.8), (3, 0.3)],
            &[(0, 0.6), (2, 0.2)],
            &[(1, 0.9)],
            &[(1, 1.0), (2, 0.4)],
            &[(1, 0.7), (0, 0.3)],
            &[(2, 1.0)],
            &[(2, 0.8), (3, 0.6)],
            &[(3, 1.0), (0, 0.2)],
            &[(2, 0.5), (3, 0.5)],
            &[(0, 0.4), (1, 0.4)],
            &[(3, 0.9)],
        ];
        let y = vec![0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 2];
        let mut x = Csr::default();
        rows.iter().for_each(|r| x.push_row(r));
        (x, y)
    }

    fn probs(lin: &Linear, x: &Csr, i: usize, k: usize) -> Vec<f64> {
        let mut z = lin.bias.clone();
        for (j, v) in x.row(i) {
            z.iter_mut().zip(&lin.weights[j * k..j * k + k]).for_each(|(zc, w)| *zc += v * w);
        }
        solver::softmax_in_place(&mut z);
        z
    }

    #[test]
    fn linfa_logistic_and_the_native_solver_reach_the_same_optimum() {
        let (x, y) = problem();
        let native = solver::fit_logreg(&x, &y, &[1.0; 12], 4, 3, 2.0, 1000);
        let linfa = fit_logreg(&x, &y, 4, 3, 2.0, 1000, false).unwrap();
        for i in 0..12 {
            let (p, q) = (probs(&native, &x, i, 3), probs(&linfa, &x, i, 3));
            for c in 0..3 {
                assert!((p[c] - q[c]).abs() < 1e-3, "row {i}: native {p:?} linfa {q:?}");
            }
        }
        // Softmax weights are defined up to a shift per feature: compare centred weights.
        for j in 0..4 {
            let centre = |l: &Linear| l.weights[j * 3..j * 3 + 3].iter().sum::<f64>() / 3.0;
            let (a, b) = (centre(&native), centre(&linfa));
            for c in 0..3 {
                let (wa, wb) = (native.weights[j * 3 + c] - a, linfa.weights[j * 3 + c] - b);
                assert!((wa - wb).abs() < 1e-3, "feature {j} label {c}: {wa} vs {wb}");
            }
        }
    }

    #[test]
    fn balanced_replication_matches_weighted_native_fit() {
        // Labels 0: 4 rows, 1: 2 rows, 2: 1 row → repeated 1, 2, 4 times: exactly balanced.
        let mut x = Csr::default();
        let rows: [&[(u32, f32)]; 7] = [
            &[(0, 1.0)],
            &[(0, 0.7), (1, 0.3)],
            &[(2, 0.4)],
            &[(0, 0.5)],
            &[(1, 1.0)],
            &[(1, 0.6), (2, 0.2)],
            &[(2, 1.0)],
        ];
        rows.iter().for_each(|r| x.push_row(r));
        let y = vec![0, 0, 0, 0, 1, 1, 2];
        assert_eq!(replication(&y, 3, true), [1, 2, 4]);
        // scikit-learn's balanced weights n / (k n_c) = 7/12, 7/6, 7/3.
        let sw: Vec<f64> = y.iter().map(|&c| 7.0 / (3.0 * [4.0, 2.0, 1.0][c])).collect();
        let native = solver::fit_logreg(&x, &y, &sw, 3, 3, 1.0, 1000);
        let linfa = fit_logreg(&x, &y, 3, 3, 1.0, 1000, true).unwrap();
        for i in 0..7 {
            let (p, q) = (probs(&native, &x, i, 3), probs(&linfa, &x, i, 3));
            for c in 0..3 {
                assert!((p[c] - q[c]).abs() < 1e-3, "row {i}: native {p:?} linfa {q:?}");
            }
        }
    }

    #[test]
    fn binary_linfa_logistic_matches_scikit_learn_c() {
        // One feature, rows x = 1 (true) and x = 0 (false), 2 each, C = 1. The binary objective
        // Σ log(1 + e^{-y(wx+b)}) + w²/2 equals the native two-label softmax at C/2 (its
        // penalty splits w = w_pos − w_neg in halves, see train::fit_multi).
        let mut x = Csr::default();
        for r in [[(0u32, 1.0f32)], [(0, 1.0)], [(0, 0.0)], [(0, 0.0)]] {
            x.push_row(&r);
        }
        let y = [true, true, false, false];
        let (w, b) = fit_binary_logreg(&x, &y, 1, 1.0, 1000, false).unwrap();
        let yi: Vec<usize> = y.iter().map(|&v| usize::from(v)).collect();
        let native = solver::fit_logreg(&x, &yi, &[1.0; 4], 1, 2, 0.5, 1000);
        let (nw, nb) = (native.weights[1] - native.weights[0], native.bias[1] - native.bias[0]);
        assert!((w[0] - nw).abs() < 1e-3 && (b - nb).abs() < 1e-3, "linfa ({}, {b}) native ({nw}, {nb})", w[0]);
    }

    #[test]
    fn linfa_bayes_gives_the_native_log_probabilities_and_priors() {
        let (x, y) = problem();
        let native = solver::fit_nb(&x, &y, &[1.0; 12], 4, 3, 0.5, false);
        let linfa = fit_nb(&x, &y, 4, 3, 0.5, false).unwrap();
        for (a, b) in native.weights.iter().zip(&linfa.weights).chain(native.bias.iter().zip(&linfa.bias)) {
            assert!((a - b).abs() < 1e-9, "native {native:?}\nlinfa {linfa:?}");
        }
        // Hand check: label 1 rows hold feature 1 with 0.9 + 1.0 + 0.7 = 2.6 of a total 3.3;
        // log((2.6 + 0.5) / (3.3 + 4 · 0.5)); prior 3/12.
        assert!((linfa.weights[3 + 1] - (3.1f64 / 5.3).ln()).abs() < 1e-6);
        assert!((linfa.bias[1] - 0.25f64.ln()).abs() < 1e-12);
        let uniform = fit_nb(&x, &y, 4, 3, 0.5, true).unwrap();
        assert!(uniform.bias.iter().all(|b| (b + 3f64.ln()).abs() < 1e-12));
    }

    #[test]
    fn a_matrix_over_the_cap_is_refused_with_advice() {
        let mut x = Csr::default();
        x.push_row(&[(0, 1.0)]);
        let err = dense(&x, &vec![0; 1000], 70_000).unwrap_err().to_string();
        assert_eq!(
            err,
            "linfa needs a dense matrix of 1000 rows × 70000 features × 8 bytes = 534 MB, more than the 512 MB \
             allowed: pass --max-features N with a smaller N (e.g. 67100)"
        );
    }
}
