//! Classification metrics named as scikit-learn's `classification_report` names them, and
//! the CSV files of an evaluation folder (`metrics.csv`, `confusion.csv`, `folds.csv`).

use super::file::CvFigures;
use crate::report::CsvRow;

/// Precision, recall, F1 and support of one label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMetrics {
    /// Label name.
    pub label: String,
    /// tp / (tp + fp); 0 when nothing was predicted as the label (scikit-learn's zero_division=0).
    pub precision: f64,
    /// tp / (tp + fn); 0 when the label never occurs.
    pub recall: f64,
    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub f1: f64,
    /// Gold count.
    pub support: usize,
}

/// Per-label figures, averages, accuracy and the confusion matrix of one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Labels in model order.
    pub labels: Vec<String>,
    /// `confusion[gold][predicted]` counts (multi-label: per dimension `tp, fp, fn, tn`).
    pub confusion: Vec<Vec<usize>>,
    /// Column names of `confusion.csv` after the first (the labels; multi-label: tp, fp, fn, tn).
    pub confusion_columns: Vec<String>,
    /// Name of the first column of `confusion.csv` (`gold`; multi-label: `label`).
    pub confusion_row_header: String,
    /// One row per label.
    pub per_label: Vec<LabelMetrics>,
    /// Unweighted mean of the per-label figures.
    pub macro_avg: LabelMetrics,
    /// Support-weighted mean of the per-label figures.
    pub weighted_avg: LabelMetrics,
    /// Share of correct predictions.
    pub accuracy: f64,
    /// Number of items.
    pub total: usize,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

impl Report {
    /// Computes the report from gold and predicted label indices into `labels`.
    pub fn new(labels: &[String], gold: &[usize], predicted: &[usize]) -> Report {
        let k = labels.len();
        let mut confusion = vec![vec![0usize; k]; k];
        for (&g, &p) in gold.iter().zip(predicted) {
            if g < k && p < k {
                confusion[g][p] += 1;
            }
        }
        Report::from_confusion(labels, confusion)
    }

    /// Computes the report from a confusion matrix (`[gold][predicted]`).
    pub fn from_confusion(labels: &[String], confusion: Vec<Vec<usize>>) -> Report {
        let k = labels.len();
        let total: usize = confusion.iter().flatten().sum();
        let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
        let per_label: Vec<LabelMetrics> = (0..k)
            .map(|i| {
                let tp = confusion[i][i];
                let support: usize = confusion[i].iter().sum();
                let predicted: usize = confusion.iter().map(|row| row[i]).sum();
                let precision = ratio(tp, predicted);
                let recall = ratio(tp, support);
                LabelMetrics { label: labels[i].clone(), precision, recall, f1: harmonic(precision, recall), support }
            })
            .collect();
        let (macro_avg, weighted_avg) = averages(&per_label, total);
        Report {
            labels: labels.to_vec(),
            confusion,
            confusion_columns: labels.to_vec(),
            confusion_row_header: "gold".into(),
            per_label,
            macro_avg,
            weighted_avg,
            accuracy: ratio(correct, total),
            total,
        }
    }

    /// Metrics of label sets: each label is a binary dimension (precision, recall, F1 of
    /// its positives); accuracy is the share of rows whose whole set is right.
    pub fn multi_label(labels: &[String], gold: &[Vec<bool>], predicted: &[Vec<bool>]) -> Report {
        let k = labels.len();
        let mut confusion = vec![vec![0usize; 4]; k];
        let mut exact = 0;
        for (g, p) in gold.iter().zip(predicted) {
            if g == p {
                exact += 1;
            }
            for (d, row) in confusion.iter_mut().enumerate() {
                let cell = match (g.get(d).copied().unwrap_or(false), p.get(d).copied().unwrap_or(false)) {
                    (true, true) => 0,
                    (false, true) => 1,
                    (true, false) => 2,
                    (false, false) => 3,
                };
                row[cell] += 1;
            }
        }
        let total = gold.len();
        let per_label: Vec<LabelMetrics> = (0..k)
            .map(|d| {
                let (tp, fp, fneg) = (confusion[d][0], confusion[d][1], confusion[d][2]);
                let precision = ratio(tp, tp + fp);
                let recall = ratio(tp, tp + fneg);
                LabelMetrics {
                    label: labels[d].clone(),
                    precision,
                    recall,
                    f1: harmonic(precision, recall),
                    support: tp + fneg,
                }
            })
            .collect();
        let support: usize = per_label.iter().map(|m| m.support).sum();
        let (macro_avg, weighted_avg) = averages(&per_label, support);
        Report {
            labels: labels.to_vec(),
            confusion,
            confusion_columns: ["tp", "fp", "fn", "tn"].map(String::from).to_vec(),
            confusion_row_header: "label".into(),
            per_label,
            macro_avg,
            weighted_avg,
            accuracy: ratio(exact, total),
            total,
        }
    }

    /// `metrics.csv` content: label,precision,recall,f1,support rows, the two averages, and
    /// `accuracy` (f1 column = accuracy, precision/recall empty, support = total).
    pub fn metrics_csv(&self) -> String {
        let mut out = Vec::new();
        CsvRow::record(&mut out, ["label", "precision", "recall", "f1", "support"]);
        for m in self.per_label.iter().chain([&self.macro_avg, &self.weighted_avg]) {
            CsvRow::new(&mut out)
                .field(&m.label)
                .field(four_decimals(m.precision))
                .field(four_decimals(m.recall))
                .field(four_decimals(m.f1))
                .int(m.support as u64)
                .end();
        }
        CsvRow::new(&mut out)
            .field("accuracy")
            .field("")
            .field("")
            .field(four_decimals(self.accuracy))
            .int(self.total as u64)
            .end();
        csv_text(out)
    }

    /// `confusion.csv` content: first column `gold`, one column per predicted label.
    pub fn confusion_csv(&self) -> String {
        let mut out = Vec::new();
        CsvRow::record(&mut out, std::iter::once(&self.confusion_row_header).chain(&self.confusion_columns));
        for (l, row) in self.labels.iter().zip(&self.confusion) {
            let mut record = CsvRow::new(&mut out);
            record.field(l);
            for &c in row {
                record.int(c as u64);
            }
            record.end();
        }
        csv_text(out)
    }

    /// A human-readable table like scikit-learn's `classification_report`.
    pub fn table(&self) -> String {
        let width = self.labels.iter().map(|l| l.len()).max().unwrap_or(0).max(12);
        let mut out = format!("{:>width$}  precision  recall  f1-score  support\n", "");
        for m in &self.per_label {
            out.push_str(&format!(
                "{:>width$}  {:>9.3}  {:>6.3}  {:>8.3}  {:>7}\n",
                m.label, m.precision, m.recall, m.f1, m.support
            ));
        }
        out.push_str(&format!(
            "{:>width$}  {:>9}  {:>6}  {:>8.3}  {:>7}\n",
            "accuracy", "", "", self.accuracy, self.total
        ));
        for m in [&self.macro_avg, &self.weighted_avg] {
            out.push_str(&format!(
                "{:>width$}  {:>9.3}  {:>6.3}  {:>8.3}  {:>7}\n",
                m.label, m.precision, m.recall, m.f1, m.support
            ));
        }
        out
    }
}

/// `folds.csv` content: fold,macro_f1,accuracy, one row per cross-validation fold.
pub fn folds_csv(figures: &CvFigures) -> String {
    let mut out = Vec::new();
    CsvRow::record(&mut out, ["fold", "macro_f1", "accuracy"]);
    for f in &figures.per_fold {
        CsvRow::new(&mut out)
            .int(f.fold as u64)
            .field(four_decimals(f.macro_f1))
            .field(four_decimals(f.accuracy))
            .end();
    }
    csv_text(out)
}

/// A figure of the evaluation files: four decimals, as scikit-learn's reports round them.
fn four_decimals(x: f64) -> String {
    format!("{x:.4}")
}

/// The text of CSV records written by [`CsvRow`] from UTF-8 fields.
fn csv_text(bytes: Vec<u8>) -> String {
    // CsvRow copies the fields' bytes whole and adds only ASCII, so the text stays UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// scikit-learn's `macro avg` (unweighted mean over labels) and `weighted avg` (mean
/// weighted by support) rows.
fn averages(per_label: &[LabelMetrics], support: usize) -> (LabelMetrics, LabelMetrics) {
    let k = per_label.len().max(1) as f64;
    let mean = |f: fn(&LabelMetrics) -> f64| per_label.iter().map(f).sum::<f64>() / k;
    let wmean = |f: fn(&LabelMetrics) -> f64| {
        per_label.iter().map(|m| f(m) * m.support as f64).sum::<f64>() / support.max(1) as f64
    };
    let row = |label: &str, avg: &dyn Fn(fn(&LabelMetrics) -> f64) -> f64| LabelMetrics {
        label: label.into(),
        precision: avg(|m| m.precision),
        recall: avg(|m| m.recall),
        f1: avg(|m| m.f1),
        support,
    };
    (row("macro avg", &mean), row("weighted avg", &wmean))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file::FoldFigures;

    #[test]
    fn folds_csv_has_a_row_per_fold_with_four_decimals() {
        let fold = |fold, macro_f1, accuracy| FoldFigures { fold, macro_f1, accuracy };
        let figures = CvFigures {
            folds: 2,
            macro_f1: 0.5,
            accuracy: 0.6,
            per_fold: vec![fold(1, 0.123456, 1.0), fold(2, 0.876544, 0.2)],
        };
        assert_eq!(folds_csv(&figures), "fold,macro_f1,accuracy\n1,0.1235,1.0000\n2,0.8765,0.2000\n");
    }

    #[test]
    fn labels_with_commas_and_quotes_are_quoted_as_rfc_4180_says() {
        let labels = ["a,b".to_string(), "say \"x\"".to_string()];
        let r = Report::from_confusion(&labels, vec![vec![1, 0], vec![0, 1]]);
        assert_eq!(
            r.metrics_csv(),
            "label,precision,recall,f1,support\n\
             \"a,b\",1.0000,1.0000,1.0000,1\n\
             \"say \"\"x\"\"\",1.0000,1.0000,1.0000,1\n\
             macro avg,1.0000,1.0000,1.0000,2\n\
             weighted avg,1.0000,1.0000,1.0000,2\n\
             accuracy,,,1.0000,2\n"
        );
        assert_eq!(r.confusion_csv(), "gold,\"a,b\",\"say \"\"x\"\"\"\n\"a,b\",1,0\n\"say \"\"x\"\"\",0,1\n");
    }
}
