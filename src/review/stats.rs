//! Agreement statistics on a reliability data matrix (units × coders, a code or none):
//! percent agreement, Cohen's kappa, Fleiss' kappa, Krippendorff's alpha (nominal) with a
//! bootstrap interval, per-label agreement and the coder × coder confusion table.
//!
//! Everything is computed from counts, so the figures do not depend on the order of units
//! or coders, and the tests check them against published worked examples.

use crate::model::cv::SplitMix64;

/// Codes of units by coders: `codes[unit][coder]` is the index of a label in `labels`, or
/// `None` when that coder did not code the unit (Krippendorff's missing value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reliability {
    /// Label names; codes index into them.
    pub labels: Vec<String>,
    /// Coder names, in column order.
    pub coders: Vec<String>,
    /// Unit ids (review ids), in row order.
    pub units: Vec<String>,
    /// One row per unit, one cell per coder.
    pub codes: Vec<Vec<Option<usize>>>,
}

/// A bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Agreement on one label: how often coders agree when one of them used it.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelAgreement {
    /// The label.
    pub label: String,
    /// Pairable values with this label (its margin in the coincidence matrix).
    pub values: f64,
    /// Share of this label's pairings that pair it with itself (`o_cc / n_c`): the
    /// specific agreement on the label.
    pub agreement: f64,
}

/// The figures of `framing agree`.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Units coded by two coders or more (the ones the figures use).
    pub units_pairable: usize,
    /// Ids of units coded by fewer than two coders, left out.
    pub units_left_out: Vec<String>,
    /// Pairable values (codes in pairable units).
    pub values: usize,
    /// Share of agreeing pairs of codes within units.
    pub percent_agreement: f64,
    /// Cohen's kappa, when there are exactly two coders (over units both coded).
    pub cohen_kappa: Option<f64>,
    /// Fleiss' kappa over units coded by every coder (`None` with fewer than two coders or
    /// no such unit).
    pub fleiss_kappa: Option<f64>,
    /// Units Fleiss' kappa uses.
    pub fleiss_units: usize,
    /// Krippendorff's alpha, nominal.
    pub alpha: Option<f64>,
    /// Bootstrap 95% interval of alpha (Hayes & Krippendorff 2007).
    pub alpha_interval: Option<Interval>,
    /// Per-label agreement.
    pub per_label: Vec<LabelAgreement>,
    /// `confusion[a][b][i][j]`: units coder `a` coded label `i` and coder `b` label `j`.
    pub confusion: Vec<Vec<Vec<Vec<u64>>>>,
}

impl Reliability {
    /// Codes of the units coded by at least two coders.
    fn pairable(&self) -> impl Iterator<Item = Vec<usize>> + '_ {
        self.codes.iter().map(|row| row.iter().flatten().copied().collect::<Vec<usize>>()).filter(|v| v.len() >= 2)
    }

    /// Krippendorff's coincidence matrix: `o[c][k]` sums, over units, the ordered pairs of
    /// values (c, k) from different coders, each weighted by 1/(m_u − 1).
    pub fn coincidences(&self) -> Vec<Vec<f64>> {
        let q = self.labels.len();
        let mut o = vec![vec![0.0; q]; q];
        for values in self.pairable() {
            let w = 1.0 / (values.len() as f64 - 1.0);
            for (i, &c) in values.iter().enumerate() {
                for (j, &k) in values.iter().enumerate() {
                    if i != j {
                        o[c][k] += w;
                    }
                }
            }
        }
        o
    }

    /// Krippendorff's alpha for nominal data: 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
    /// `None` when the expected disagreement is zero (one label used throughout).
    pub fn alpha(&self) -> Option<f64> {
        let o = self.coincidences();
        let (observed, expected, n) = disagreements(&o);
        if n < 2.0 || expected == 0.0 {
            return None;
        }
        Some(1.0 - (n - 1.0) * observed / expected)
    }

    /// Share of agreeing pairs among all pairs of codes within units (for two coders:
    /// the share of units both coded the same).
    pub fn percent_agreement(&self) -> Option<f64> {
        let (mut agree, mut pairs) = (0u64, 0u64);
        for values in self.pairable() {
            for i in 0..values.len() {
                for j in i + 1..values.len() {
                    pairs += 1;
                    agree += u64::from(values[i] == values[j]);
                }
            }
        }
        (pairs > 0).then(|| agree as f64 / pairs as f64)
    }

    /// `table[i][j]`: units coder `a` coded label `i` and coder `b` label `j`.
    pub fn confusion(&self, a: usize, b: usize) -> Vec<Vec<u64>> {
        let q = self.labels.len();
        let mut t = vec![vec![0u64; q]; q];
        for row in &self.codes {
            if let (Some(Some(i)), Some(Some(j))) = (row.get(a), row.get(b)) {
                t[*i][*j] += 1;
            }
        }
        t
    }

    /// Cohen's kappa of coders `a` and `b` over the units both coded.
    pub fn cohen_kappa(&self, a: usize, b: usize) -> Option<f64> {
        cohen_from_table(&self.confusion(a, b))
    }

    /// Fleiss' kappa over the units every coder coded, and how many units that is.
    pub fn fleiss_kappa(&self) -> (Option<f64>, usize) {
        let q = self.labels.len();
        let m = self.coders.len();
        if m < 2 {
            return (None, 0);
        }
        let counts: Vec<Vec<u64>> = self
            .codes
            .iter()
            .filter(|row| row.iter().all(Option::is_some))
            .map(|row| {
                let mut c = vec![0u64; q];
                for code in row.iter().flatten() {
                    c[*code] += 1;
                }
                c
            })
            .collect();
        (fleiss_from_counts(&counts), counts.len())
    }

    /// Per-label specific agreement from the coincidence matrix.
    pub fn per_label(&self) -> Vec<LabelAgreement> {
        let o = self.coincidences();
        self.labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let n_c: f64 = o[c].iter().sum();
                LabelAgreement {
                    label: label.clone(),
                    values: n_c,
                    agreement: if n_c > 0.0 { o[c][c] / n_c } else { f64::NAN },
                }
            })
            .collect()
    }

    /// The bootstrap 95% interval of alpha after Hayes & Krippendorff (2007): the pairs of
    /// values within units are drawn with replacement as often as there are pairs, each
    /// weighted by 2/(m_u − 1) as in the coincidence matrix, and the expected disagreement
    /// of the data is held fixed; the interval is the 2.5th and 97.5th percentile of the
    /// `samples` alphas (each capped below at −1). Implemented from the published
    /// description; the tests check determinism and that the interval brackets alpha, not
    /// figures of their KALPHA macro.
    pub fn alpha_interval(&self, samples: usize, seed: u64) -> Option<Interval> {
        let o = self.coincidences();
        let (_, expected, n) = disagreements(&o);
        if samples == 0 || n < 2.0 || expected == 0.0 {
            return None;
        }
        // Each unordered pair of values in a unit: its weight and whether it disagrees.
        let mut pairs: Vec<(f64, bool)> = Vec::new();
        for values in self.pairable() {
            let w = 2.0 / (values.len() as f64 - 1.0);
            for i in 0..values.len() {
                for j in i + 1..values.len() {
                    pairs.push((w, values[i] != values[j]));
                }
            }
        }
        let mut rng = SplitMix64::new(seed);
        let mut alphas: Vec<f64> = (0..samples)
            .map(|_| {
                let mut observed = 0.0;
                for _ in 0..pairs.len() {
                    let (w, differ) = pairs[rng.below(pairs.len())];
                    if differ {
                        observed += w;
                    }
                }
                (1.0 - (n - 1.0) * observed / expected).max(-1.0)
            })
            .collect();
        alphas.sort_by(f64::total_cmp);
        Some(Interval { low: percentile(&alphas, 0.025), high: percentile(&alphas, 0.975) })
    }

    /// All figures; `boot` bootstrap samples (0: no interval) seeded with `seed`.
    pub fn agreement(&self, boot: usize, seed: u64) -> Agreement {
        let units_left_out = self
            .codes
            .iter()
            .zip(&self.units)
            .filter(|(row, _)| row.iter().flatten().count() < 2)
            .map(|(_, id)| id.clone())
            .collect();
        let (fleiss_kappa, fleiss_units) = self.fleiss_kappa();
        let m = self.coders.len();
        let confusion =
            (0..m).map(|a| (0..m).map(|b| if a == b { Vec::new() } else { self.confusion(a, b) }).collect()).collect();
        Agreement {
            units_pairable: self.pairable().count(),
            units_left_out,
            values: self.pairable().map(|v| v.len()).sum(),
            percent_agreement: self.percent_agreement().unwrap_or(f64::NAN),
            cohen_kappa: if m == 2 { self.cohen_kappa(0, 1) } else { None },
            fleiss_kappa,
            fleiss_units,
            alpha: self.alpha(),
            alpha_interval: self.alpha_interval(boot, seed),
            per_label: self.per_label(),
            confusion,
        }
    }
}

/// Observed disagreement Σ_{c≠k} o_ck, expected Σ_{c≠k} n_c n_k, and n, of a nominal
/// coincidence matrix.
fn disagreements(o: &[Vec<f64>]) -> (f64, f64, f64) {
    let n_c: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let n: f64 = n_c.iter().sum();
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..o.len() {
        for k in 0..o.len() {
            if c != k {
                observed += o[c][k];
                expected += n_c[c] * n_c[k];
            }
        }
    }
    (observed, expected, n)
}

/// Linear-interpolated percentile `p` (0..1) of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Cohen's kappa of a square contingency table (rows coder A, columns coder B):
/// (p_o − p_e) / (1 − p_e). `None` without data or when p_e = 1.
pub fn cohen_from_table(t: &[Vec<u64>]) -> Option<f64> {
    let total: u64 = t.iter().flatten().sum();
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p_o = (0..t.len()).map(|i| t[i][i]).sum::<u64>() as f64 / n;
    let p_e: f64 = (0..t.len())
        .map(|i| {
            let row: u64 = t[i].iter().sum();
            let col: u64 = t.iter().map(|r| r[i]).sum();
            (row as f64 / n) * (col as f64 / n)
        })
        .sum();
    (p_e < 1.0).then(|| (p_o - p_e) / (1.0 - p_e))
}

/// Fleiss' kappa from per-subject category counts (every subject rated by the same number
/// of raters, at least two). `None` without subjects or when chance agreement is 1.
pub fn fleiss_from_counts(counts: &[Vec<u64>]) -> Option<f64> {
    let first = counts.first()?;
    let raters: u64 = first.iter().sum();
    if raters < 2 || counts.iter().any(|c| c.iter().sum::<u64>() != raters) {
        return None;
    }
    let (n_subj, r) = (counts.len() as f64, raters as f64);
    let p_bar =
        counts.iter().map(|c| (c.iter().map(|&x| (x * x) as f64).sum::<f64>() - r) / (r * (r - 1.0))).sum::<f64>()
            / n_subj;
    let p_e: f64 = (0..first.len())
        .map(|j| {
            let p_j = counts.iter().map(|c| c[j]).sum::<u64>() as f64 / (n_subj * r);
            p_j * p_j
        })
        .sum();
    (p_e < 1.0).then(|| (p_bar - p_e) / (1.0 - p_e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reliability matrix from rows of coders (as the literature prints them: one line per
    /// coder, units across), 0 meaning missing, codes 1.. mapped to labels "1"….
    fn from_coder_rows(rows: &[&[usize]], n_labels: usize) -> Reliability {
        let n_units = rows[0].len();
        Reliability {
            labels: (1..=n_labels).map(|l| l.to_string()).collect(),
            coders: (0..rows.len()).map(|c| format!("c{c}")).collect(),
            units: (1..=n_units).map(|u| u.to_string()).collect(),
            codes: (0..n_units).map(|u| rows.iter().map(|r| (r[u] > 0).then(|| r[u] - 1)).collect()).collect(),
        }
    }

    /// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
    /// for Communication, University of Pennsylvania, section C (nominal data, any number of
    /// observers, missing data): 4 observers × 12 units, alpha = 0.743.
    /// Checked independently: `python3 -c "import krippendorff,numpy as np; n=np.nan;
    /// print(krippendorff.alpha(reliability_data=[[1,2,3,3,2,1,4,1,2,n,n,n],
    /// [1,2,3,3,2,2,4,1,2,5,n,3],[n,3,3,3,2,3,4,2,2,5,1,n],[1,2,3,3,2,4,4,1,2,5,1,n]],
    /// level_of_measurement='nominal'))"` → 0.743421052631579.
    fn krippendorff_2011() -> Reliability {
        from_coder_rows(
            &[
                &[1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
                &[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
                &[0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
                &[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
            ],
            5,
        )
    }

    #[test]
    fn alpha_of_krippendorffs_worked_example_is_0_743() {
        let r = krippendorff_2011();
        let alpha = r.alpha().expect("alpha");
        assert!((alpha - 0.743_421_052_631_579).abs() < 1e-12, "{alpha}");
        // His coincidence matrix margins: n_1..n_5 = 9, 13, 10, 5, 3 (n = 40); unit 12
        // (one value) is not pairable.
        let margins: Vec<f64> = r.coincidences().iter().map(|row| row.iter().sum()).collect();
        for (m, want) in margins.iter().zip([9.0, 13.0, 10.0, 5.0, 3.0]) {
            assert!((m - want).abs() < 1e-9, "{margins:?}");
        }
        let a = r.agreement(0, 1);
        assert_eq!(a.units_left_out, vec!["12".to_string()]);
        assert_eq!(a.units_pairable, 11);
        assert_eq!(a.values, 40);
    }

    #[test]
    fn the_bootstrap_interval_brackets_alpha_and_is_deterministic() {
        let r = krippendorff_2011();
        let i = r.alpha_interval(2000, 7).expect("interval");
        assert_eq!(Some(i), r.alpha_interval(2000, 7));
        assert!(i.low < 0.743 && 0.743 < i.high && i.high <= 1.0, "{i:?}");
        assert!(i.low > 0.3, "{i:?}");
    }

    /// Cohen's kappa, the two-reader example of Wikipedia's "Cohen's kappa" article (after
    /// Cohen 1960): 50 proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15;
    /// p_o = 0.7, p_e = 0.5, kappa = 0.4. Checked: `sklearn.metrics.cohen_kappa_score` on
    /// the 50 pairs → 0.4.
    #[test]
    fn cohen_kappa_of_the_textbook_table_is_0_4() {
        let k = cohen_from_table(&[vec![20, 5], vec![10, 15]]).expect("kappa");
        assert!((k - 0.4).abs() < 1e-12, "{k}");
        // The same through a reliability matrix of two coders.
        let mut codes = Vec::new();
        for (a, b, n) in [(0, 0, 20), (0, 1, 5), (1, 0, 10), (1, 1, 15)] {
            codes.extend(std::iter::repeat_n(vec![Some(a), Some(b)], n));
        }
        let r = Reliability {
            labels: vec!["yes".into(), "no".into()],
            coders: vec!["a".into(), "b".into()],
            units: (0..50).map(|u| u.to_string()).collect(),
            codes,
        };
        let a = r.agreement(0, 1);
        assert!((a.cohen_kappa.expect("kappa") - 0.4).abs() < 1e-12);
        assert!((a.percent_agreement - 0.7).abs() < 1e-12);
        assert_eq!(a.confusion[0][1], vec![vec![20, 5], vec![10, 15]]);
        assert_eq!(a.confusion[1][0], vec![vec![20, 10], vec![5, 15]]);
    }

    /// Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    /// Psychological Bulletin 76(5), 378–382, table 1: 30 patients, 6 psychiatrists, 5
    /// diagnoses; kappa = .430. The table as R's irr package ships it (`data(diagnoses)`;
    /// `kappam.fleiss(diagnoses)` → 0.4302445); checked with statsmodels:
    /// `fleiss_kappa(aggregate_raters(diagnoses)[0])` → 0.43024452006014074. Cohen's kappa of
    /// raters 1 and 2 (`irr::kappa2`, `sklearn cohen_kappa_score`) → 0.6511627906976745.
    #[test]
    fn fleiss_kappa_of_fleiss_1971_is_0_430() {
        let diagnoses: [[usize; 6]; 30] = [
            [4, 4, 4, 4, 4, 4],
            [2, 2, 2, 5, 5, 5],
            [2, 3, 3, 3, 3, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 2, 2, 4, 4, 4],
            [1, 1, 3, 3, 3, 3],
            [3, 3, 3, 3, 5, 5],
            [1, 1, 3, 3, 3, 4],
            [1, 1, 4, 4, 4, 4],
            [5, 5, 5, 5, 5, 5],
            [1, 4, 4, 4, 4, 4],
            [1, 2, 4, 4, 4, 4],
            [2, 2, 2, 3, 3, 3],
            [1, 4, 4, 4, 4, 4],
            [2, 2, 4, 4, 4, 5],
            [3, 3, 3, 3, 3, 5],
            [1, 1, 1, 4, 5, 5],
            [1, 1, 1, 1, 1, 2],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 5, 5, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 4, 4, 4, 4, 4],
            [2, 2, 4, 5, 5, 5],
            [1, 1, 4, 4, 4, 4],
            [1, 4, 4, 4, 4, 5],
            [2, 2, 2, 2, 2, 4],
            [1, 1, 1, 1, 5, 5],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 5],
        ];
        let r = Reliability {
            labels: (1..=5).map(|l| l.to_string()).collect(),
            coders: (1..=6).map(|c| format!("rater{c}")).collect(),
            units: (1..=30).map(|u| u.to_string()).collect(),
            codes: diagnoses.iter().map(|row| row.iter().map(|&d| Some(d - 1)).collect()).collect(),
        };
        let (k, units) = r.fleiss_kappa();
        assert_eq!(units, 30);
        assert!((k.expect("kappa") - 0.430_244_520_060_140_74).abs() < 1e-12);
        let c = r.cohen_kappa(0, 1).expect("kappa");
        assert!((c - 0.651_162_790_697_674_5).abs() < 1e-12, "{c}");
    }

    #[test]
    fn perfect_agreement_has_alpha_one_and_a_point_interval() {
        let r = from_coder_rows(&[&[1, 2, 1, 2, 0], &[1, 2, 1, 2, 2]], 2);
        assert_eq!(r.alpha(), Some(1.0));
        assert_eq!(r.alpha_interval(200, 1), Some(Interval { low: 1.0, high: 1.0 }));
        assert_eq!(r.cohen_kappa(0, 1), Some(1.0));
    }

    #[test]
    fn one_label_throughout_has_no_alpha_or_kappa() {
        let r = from_coder_rows(&[&[1, 1, 1], &[1, 1, 1]], 2);
        assert_eq!(r.alpha(), None);
        assert_eq!(r.cohen_kappa(0, 1), None);
        assert_eq!(r.percent_agreement(), Some(1.0));
    }
}
