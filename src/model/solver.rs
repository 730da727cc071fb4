//! The fitting algorithms on sparse rows: multinomial logistic regression (L-BFGS on the
//! weighted, L2-regularised cross-entropy, as scikit-learn's `lbfgs` solver) and multinomial
//! naive Bayes. Both give a linear table (feature × label weights plus a bias per label).
//!
//! Why these are the default rather than linfa: linfa-logistic 0.8 fits dense matrices only
//! (rows × columns per pass) and ignores sample weights, and every linfa-bayes fit path
//! `dbg!`-dumps each class histogram to stderr. The algorithms are the same; here they run on
//! the sparse rows directly. `--algo linfa-logreg` / `linfa-nb` ([`super::linfa_fit`]) fit
//! with linfa, and its tests check that both reach the same optimum.

use rayon::prelude::*;

/// Sparse rows (CSR): row `i` is `indices/values[indptr[i]..indptr[i + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    /// Row starts, length rows + 1.
    pub indptr: Vec<usize>,
    /// Column of each stored value.
    pub indices: Vec<u32>,
    /// The values.
    pub values: Vec<f32>,
}

impl Csr {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// Appends a row.
    pub fn push_row(&mut self, row: &[(u32, f32)]) {
        if self.indptr.is_empty() {
            self.indptr.push(0);
        }
        for &(j, v) in row {
            self.indices.push(j);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    /// The entries of row `i`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.indptr[i]..self.indptr[i + 1];
        self.indices[r.clone()].iter().zip(&self.values[r]).map(|(&j, &v)| (j as usize, f64::from(v)))
    }
}

/// A fitted linear table: `weights[j * k + c]` and `bias[c]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// Row-major features × labels.
    pub weights: Vec<f64>,
    /// One per label.
    pub bias: Vec<f64>,
}

impl Linear {
    /// For a two-label table over `d` features: the log-odds of label 1 (weights, bias).
    pub fn binary_log_odds(&self, d: usize) -> (Vec<f64>, f64) {
        let w = (0..d).map(|j| self.weights[j * 2 + 1] - self.weights[j * 2]).collect();
        (w, self.bias[1] - self.bias[0])
    }
}

/// Log-sum-exp of `z` without overflow.
pub fn log_sum_exp(z: &[f64]) -> f64 {
    let m = maximum(z);
    if !m.is_finite() {
        return m;
    }
    m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// The largest value (NaNs ignored); -inf for none.
fn maximum(z: &[f64]) -> f64 {
    z.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
}

/// Softmax in place, stable for any finite input (shifts by the maximum first). One `exp`
/// per logit: going through [`log_sum_exp`] took two and a `ln`, a tenth of scoring time.
pub fn softmax_in_place(z: &mut [f64]) {
    let m = maximum(z);
    if !m.is_finite() {
        let n = z.len().max(1) as f64;
        z.iter_mut().for_each(|v| *v = 1.0 / n);
        return;
    }
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - m).exp();
        sum += *v;
    }
    // `sum` >= 1: the maximum contributes exp(0).
    z.iter_mut().for_each(|v| *v /= sum);
}

/// Logistic function, stable for large |x|.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Row chunks of the gradient (see [`fit_logreg`]).
const GRADIENT_CHUNKS: usize = 8;

/// Weighted cross-entropy of `rows` and its gradient, written into `grad` (overwritten).
#[allow(clippy::too_many_arguments)]
fn chunk_loss_grad(
    x: &Csr,
    y: &[usize],
    sample_weight: &[f64],
    rows: std::ops::Range<usize>,
    theta: &[f64],
    grad: &mut [f64],
    d: usize,
    k: usize,
    c_reg: f64,
) -> f64 {
    grad.iter_mut().for_each(|g| *g = 0.0);
    let (w, b) = theta.split_at(d * k);
    let (gw, gb) = grad.split_at_mut(d * k);
    let mut z = vec![0.0f64; k];
    let mut loss = 0.0;
    for i in rows {
        z.copy_from_slice(b);
        for (j, v) in x.row(i) {
            for (zc, wc) in z.iter_mut().zip(&w[j * k..j * k + k]) {
                *zc += v * wc;
            }
        }
        let lse = log_sum_exp(&z);
        let s = sample_weight[i] * c_reg;
        loss += s * (lse - z[y[i]]);
        for (label, zc) in z.iter_mut().enumerate() {
            *zc = s * ((*zc - lse).exp() - if label == y[i] { 1.0 } else { 0.0 });
        }
        for (j, v) in x.row(i) {
            for (gc, zc) in gw[j * k..j * k + k].iter_mut().zip(&z) {
                *gc += v * zc;
            }
        }
        for (gc, zc) in gb.iter_mut().zip(&z) {
            *gc += zc;
        }
    }
    loss
}

/// Fits multinomial logistic regression: minimises
/// `(C · Σ_i s_i · CE_i + ½‖W‖²) / n` (bias not penalised) with L-BFGS.
pub fn fit_logreg(
    x: &Csr,
    y: &[usize],
    sample_weight: &[f64],
    d: usize,
    k: usize,
    c_reg: f64,
    max_iter: usize,
) -> Linear {
    let theta = minimize_l2_penalized(x.rows(), d * k + k, d * k, max_iter, |rows, theta, g| {
        chunk_loss_grad(x, y, sample_weight, rows, theta, g, d, k, c_reg)
    });
    let (w, b) = theta.split_at(d * k);
    Linear { weights: w.to_vec(), bias: b.to_vec() }
}

/// Weighted binary logistic loss of `rows` and its gradient, written into `grad`
/// (overwritten; `theta` = d weights then the bias).
#[allow(clippy::too_many_arguments)]
fn chunk_binary_loss_grad(
    x: &Csr,
    y: &[bool],
    sample_weight: &[f64],
    rows: std::ops::Range<usize>,
    theta: &[f64],
    grad: &mut [f64],
    d: usize,
    c_reg: f64,
) -> f64 {
    grad.iter_mut().for_each(|g| *g = 0.0);
    let (w, b) = theta.split_at(d);
    let (gw, gb) = grad.split_at_mut(d);
    let mut loss = 0.0;
    for i in rows {
        let z = b[0] + x.row(i).map(|(j, v)| v * w[j]).sum::<f64>();
        let s = sample_weight[i] * c_reg;
        // log(1 + e^{-yz}) and its derivative σ(z) − y, both stable for large |z|.
        let yz = if y[i] { z } else { -z };
        loss += s * if yz > 0.0 { (-yz).exp().ln_1p() } else { -yz + yz.exp().ln_1p() };
        let r = s * (sigmoid(z) - if y[i] { 1.0 } else { 0.0 });
        for (j, v) in x.row(i) {
            gw[j] += v * r;
        }
        gb[0] += r;
    }
    loss
}

/// Fits binary logistic regression (scikit-learn's binary objective): minimises
/// `(C · Σ_i s_i · log(1 + e^{−y_i z_i}) + ½‖w‖²) / n` (bias not penalised) with L-BFGS.
/// Returns the weights of the log-odds of `true` and the bias. Half the parameters of a
/// two-label softmax, with the same optimum as one at `C / 2`.
pub fn fit_binary_logreg(
    x: &Csr,
    y: &[bool],
    sample_weight: &[f64],
    d: usize,
    c_reg: f64,
    max_iter: usize,
) -> (Vec<f64>, f64) {
    let mut theta = minimize_l2_penalized(x.rows(), d + 1, d, max_iter, |rows, theta, g| {
        chunk_binary_loss_grad(x, y, sample_weight, rows, theta, g, d, c_reg)
    });
    let bias = theta.pop().unwrap_or(0.0);
    (theta, bias)
}

/// Minimises `(Σ_chunks loss(rows) + ½‖θ[..penalized]‖²) / n` over `dim` parameters with
/// L-BFGS from zero, where `chunk_loss(rows, θ, grad)` returns the data loss of a range of
/// rows and writes its gradient. Rows are split into a fixed number of chunks whose partial
/// gradients are summed in chunk order: parallel, yet bit-identical whatever the number of
/// threads.
fn minimize_l2_penalized(
    rows: usize,
    dim: usize,
    penalized: usize,
    max_iter: usize,
    chunk_loss: impl Fn(std::ops::Range<usize>, &[f64], &mut [f64]) -> f64 + Sync,
) -> Vec<f64> {
    let n = rows.max(1) as f64;
    let chunk_rows = rows.div_ceil(GRADIENT_CHUNKS).max(1);
    let mut partial: Vec<Vec<f64>> = vec![vec![0.0; dim]; rows.div_ceil(chunk_rows)];
    let objective = |theta: &[f64], grad: &mut [f64]| -> f64 {
        let losses: Vec<f64> = partial
            .par_iter_mut()
            .enumerate()
            .map(|(chunk, g)| chunk_loss(chunk * chunk_rows..((chunk + 1) * chunk_rows).min(rows), theta, g))
            .collect();
        grad.iter_mut().for_each(|g| *g = 0.0);
        for g in &partial {
            grad.iter_mut().zip(g).for_each(|(a, b)| *a += b);
        }
        let loss: f64 = losses.iter().sum();
        let mut reg = 0.0;
        for (g, &wv) in grad[..penalized].iter_mut().zip(&theta[..penalized]) {
            *g += wv;
            reg += wv * wv;
        }
        grad.iter_mut().for_each(|g| *g /= n);
        (loss + 0.5 * reg) / n
    };
    lbfgs(objective, vec![0.0; dim], max_iter, 1e-6)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Limited-memory BFGS (m = 10) with a backtracking Armijo line search; stops when the
/// largest gradient component falls below `gtol` or the objective stops moving.
fn lbfgs(mut f: impl FnMut(&[f64], &mut [f64]) -> f64, mut x: Vec<f64>, max_iter: usize, gtol: f64) -> Vec<f64> {
    const M: usize = 10;
    let dim = x.len();
    let mut g = vec![0.0; dim];
    let mut fx = f(&x, &mut g);
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut rho: Vec<f64> = Vec::new();
    let mut x_new = vec![0.0; dim];
    let mut g_new = vec![0.0; dim];
    let mut alpha = [0.0; M];
    for _ in 0..max_iter {
        if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < gtol {
            break;
        }
        // Two-loop recursion: direction = -H·g.
        let mut q: Vec<f64> = g.clone();
        for i in (0..s_hist.len()).rev() {
            alpha[i] = rho[i] * dot(&s_hist[i], &q);
            q.iter_mut().zip(&y_hist[i]).for_each(|(qv, yv)| *qv -= alpha[i] * yv);
        }
        let gamma = match (s_hist.last(), y_hist.last()) {
            (Some(s), Some(y)) => dot(s, y) / dot(y, y).max(1e-300),
            _ => 1.0 / dot(&g, &g).sqrt().max(1e-12),
        };
        q.iter_mut().for_each(|v| *v *= gamma);
        for i in 0..s_hist.len() {
            let beta = rho[i] * dot(&y_hist[i], &q);
            q.iter_mut().zip(&s_hist[i]).for_each(|(qv, sv)| *qv += sv * (alpha[i] - beta));
        }
        let mut dir: Vec<f64> = q.iter().map(|v| -v).collect();
        let mut slope = dot(&g, &dir);
        if slope >= 0.0 {
            dir = g.iter().map(|v| -v).collect();
            slope = dot(&g, &dir);
            s_hist.clear();
            y_hist.clear();
            rho.clear();
        }
        let mut step = 1.0;
        let mut fx_new;
        let mut tries = 0;
        loop {
            for i in 0..dim {
                x_new[i] = x[i] + step * dir[i];
            }
            fx_new = f(&x_new, &mut g_new);
            if fx_new <= fx + 1e-4 * step * slope || tries >= 30 {
                break;
            }
            step *= 0.5;
            tries += 1;
        }
        if fx_new > fx {
            break;
        }
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let yv: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &yv);
        let converged = (fx - fx_new).abs() <= 1e-7 * fx.abs().max(1.0);
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        fx = fx_new;
        if sy > 1e-12 {
            if s_hist.len() == M {
                s_hist.remove(0);
                y_hist.remove(0);
                rho.remove(0);
            }
            s_hist.push(s);
            y_hist.push(yv);
            rho.push(1.0 / sy);
        }
        if converged {
            break;
        }
    }
    x
}

/// Fits multinomial naive Bayes on the (tf-idf) values: `log((N_cj + α) / (N_c + α·d))`
/// per feature and label, weighted by `sample_weight`; the bias is the log prior (uniform
/// when `uniform_prior`, else the weighted label shares).
pub fn fit_nb(
    x: &Csr,
    y: &[usize],
    sample_weight: &[f64],
    d: usize,
    k: usize,
    alpha: f64,
    uniform_prior: bool,
) -> Linear {
    let mut counts = vec![0.0f64; d * k];
    let mut prior = vec![0.0f64; k];
    for i in 0..x.rows() {
        prior[y[i]] += sample_weight[i];
        for (j, v) in x.row(i) {
            counts[j * k + y[i]] += v * sample_weight[i];
        }
    }
    let mut totals = vec![0.0f64; k];
    for j in 0..d {
        for c in 0..k {
            totals[c] += counts[j * k + c];
        }
    }
    let weights: Vec<f64> =
        (0..d * k).map(|i| ((counts[i] + alpha) / (totals[i % k] + alpha * d as f64)).ln()).collect();
    let sum: f64 = prior.iter().sum();
    let bias = prior
        .iter()
        .map(|&p| if uniform_prior { -(k as f64).ln() } else { (p / sum.max(1e-300)).max(1e-300).ln() })
        .collect();
    Linear { weights, bias }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_of_huge_logits_is_finite_and_sums_to_one() {
        let mut z = [1e308, -1e308, 1e308 - 1e292, 0.0];
        softmax_in_place(&mut z);
        assert!(z.iter().all(|v| v.is_finite()));
        assert!((z.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let mut small = [-1e5, -1e5 - (2.0f64).ln()];
        softmax_in_place(&mut small);
        // exp(0) : exp(-ln 2) = 2 : 1
        assert!((small[0] - 2.0 / 3.0).abs() < 1e-12 && (small[1] - 1.0 / 3.0).abs() < 1e-12);
        // scipy.special.softmax([1, 2, 3])
        let mut z = [1.0, 2.0, 3.0];
        softmax_in_place(&mut z);
        for (p, want) in z.iter().zip([0.09003057317038046, 0.24472847105479764, 0.6652409557748218]) {
            assert!((p - want).abs() < 1e-15, "{p} vs {want}");
        }
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
    }

    proptest::proptest! {
        #[test]
        fn softmax_is_a_distribution_for_any_finite_logits(z in proptest::collection::vec(-1e300f64..1e300, 1..12)) {
            let mut p = z.clone();
            softmax_in_place(&mut p);
            proptest::prop_assert!(p.iter().all(|v| v.is_finite() && *v >= 0.0));
            proptest::prop_assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            // The largest logit gets the largest probability.
            let top = p[crate::model::argmax(&z)];
            proptest::prop_assert!(p.iter().all(|&v| v <= top));
        }
    }

    #[test]
    fn binary_logreg_matches_the_two_label_softmax_at_half_c() {
        // Overlapping rows so the optimum is finite; scikit-learn's binary C = 1 equals a
        // two-label softmax at C = 0.5 (its penalty splits w = w_pos − w_neg in halves).
        let mut x = Csr::default();
        let rows: [&[(u32, f32)]; 6] =
            [&[(0, 1.0)], &[(0, 0.8), (1, 0.2)], &[(1, 0.5)], &[(1, 1.0)], &[(0, 0.3), (1, 0.6)], &[(0, 0.6)]];
        rows.iter().for_each(|r| x.push_row(r));
        let y = [true, true, false, false, false, true];
        let sw = [1.0, 2.0, 1.0, 0.5, 1.0, 1.0];
        let (w, b) = fit_binary_logreg(&x, &y, &sw, 2, 1.0, 500);
        let yi: Vec<usize> = y.iter().map(|&v| usize::from(v)).collect();
        let soft = fit_logreg(&x, &yi, &sw, 2, 2, 0.5, 500);
        for j in 0..2 {
            assert!((w[j] - (soft.weights[j * 2 + 1] - soft.weights[j * 2])).abs() < 1e-4, "{w:?} {soft:?}");
        }
        assert!((b - (soft.bias[1] - soft.bias[0])).abs() < 1e-4);
    }

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<crate::model::Model>();
    }

    #[test]
    fn logreg_separates_two_features_and_nb_matches_hand_counts() {
        let mut x = Csr::default();
        for _ in 0..5 {
            x.push_row(&[(0, 1.0)]);
            x.push_row(&[(1, 1.0)]);
        }
        let y: Vec<usize> = (0..10).map(|i| i % 2).collect();
        let lin = fit_logreg(&x, &y, &[1.0; 10], 2, 2, 10.0, 200);
        assert!(lin.weights[0] > lin.weights[1] + 2.0 && lin.weights[3] > lin.weights[2] + 2.0, "{lin:?}");
        let nb = fit_nb(&x, &y, &[1.0; 10], 2, 2, 1.0, false);
        // Class 0: feature 0 count 5, feature 1 count 0: log(6/7), log(1/7).
        assert!((nb.weights[0] - (6.0f64 / 7.0).ln()).abs() < 1e-12);
        assert!((nb.weights[2] - (1.0f64 / 7.0).ln()).abs() < 1e-12);
        assert!((nb.bias[0] - 0.5f64.ln()).abs() < 1e-12);
    }
}
