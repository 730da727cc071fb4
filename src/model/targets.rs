//! Gold labels of labeled rows: single labels, label sets (`a|b`, one-vs-rest) or powerset
//! classes, checked against the model's labels when evaluating.

use std::path::Path;

use super::data::{DataError, Row};
use super::file::MAX_LABELS;

/// Gold labels: one index per row, or a set of dimensions per row.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// Label index per row.
    Single(Vec<usize>),
    /// `[row][dimension]` membership.
    Multi(Vec<Vec<bool>>),
}

impl Targets {
    /// Number of rows.
    pub(super) fn rows(&self) -> usize {
        match self {
            Targets::Single(y) => y.len(),
            Targets::Multi(y) => y.len(),
        }
    }

    /// Label used to stratify folds (multi-label: the rarest present dimension, or none).
    pub(super) fn strata(&self, k: usize) -> (Vec<usize>, usize) {
        match self {
            Targets::Single(y) => (y.clone(), k),
            Targets::Multi(y) => {
                let freq: Vec<usize> = (0..k).map(|d| y.iter().filter(|r| r[d]).count()).collect();
                let s = y
                    .iter()
                    .map(|r| (0..k).filter(|&d| r[d]).min_by_key(|&d| freq[d]).map(|d| d + 1).unwrap_or(0))
                    .collect();
                (s, k + 1)
            }
        }
    }

    /// The targets of `rows`, in that order.
    pub(super) fn subset(&self, rows: &[usize]) -> Targets {
        match self {
            Targets::Single(y) => Targets::Single(rows.iter().map(|&i| y[i]).collect()),
            Targets::Multi(y) => Targets::Multi(rows.iter().map(|&i| y[i].clone()).collect()),
        }
    }
}

/// Labels and targets of labeled rows. Rows with `a|b` labels are refused (naming the line)
/// unless `multi_label` (sets over the `|`-separated parts, `none` = empty) or `powerset`
/// (every label string is one class).
pub fn parse_targets(
    path: &Path,
    rows: &[Row],
    multi_label: bool,
    powerset: bool,
) -> Result<(Vec<String>, Targets), DataError> {
    if multi_label {
        let mut dims: Vec<String> = rows.iter().flat_map(|r| label_parts(&r.label)).map(String::from).collect();
        dims.sort();
        dims.dedup();
        if dims.is_empty() {
            return Err(DataError::File {
                path: path.to_path_buf(),
                message: "no row has any label (all `none`)".into(),
            });
        }
        check_label_count(path, dims.len())?;
        let y = rows.iter().map(|r| label_set(&dims, &r.label)).collect();
        return Ok((dims, Targets::Multi(y)));
    }
    if !powerset {
        if let Some(r) = rows.iter().find(|r| r.label.contains('|')) {
            return Err(DataError::Row {
                path: path.to_path_buf(),
                line: r.line,
                message: format!(
                    "label `{}` is a label set; use --multi-label (one-vs-rest per label) or --powerset (each set one class)",
                    r.label
                ),
            });
        }
    }
    let mut labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    labels.sort();
    labels.dedup();
    if labels.len() < 2 {
        return Err(DataError::File {
            path: path.to_path_buf(),
            message: format!("only one label ({}): a classifier needs at least two", labels.join("")),
        });
    }
    check_label_count(path, labels.len())?;
    let y = rows.iter().map(|r| labels.binary_search(&r.label).unwrap_or(0)).collect();
    Ok((labels, Targets::Single(y)))
}

/// Refuses more labels than a model file may have, before the fit rather than at loading.
fn check_label_count(path: &Path, n: usize) -> Result<(), DataError> {
    if n > MAX_LABELS {
        let message = format!("{n} labels, more than the {MAX_LABELS} a model may have");
        return Err(DataError::File { path: path.to_path_buf(), message });
    }
    Ok(())
}

/// The parts of a label set (`none` and empty parts dropped).
pub fn label_parts(label: &str) -> impl Iterator<Item = &str> {
    label.split('|').map(str::trim).filter(|p| !p.is_empty() && *p != "none")
}

fn label_set(dims: &[String], label: &str) -> Vec<bool> {
    let parts: Vec<&str> = label_parts(label).collect();
    dims.iter().map(|d| parts.contains(&d.as_str())).collect()
}

/// Gold targets of evaluation rows against a model's labels; unknown labels are errors
/// naming the line.
pub fn targets_for_model(
    path: &Path,
    rows: &[Row],
    labels: &[String],
    multi_label: bool,
) -> Result<Targets, DataError> {
    let unknown = |r: &Row, what: &str| DataError::Row {
        path: path.to_path_buf(),
        line: r.line,
        message: format!("label `{what}` is not one of the model's labels ({})", labels.join(", ")),
    };
    if multi_label {
        let mut y = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(p) = label_parts(&r.label).find(|p| !labels.iter().any(|l| l == p)) {
                return Err(unknown(r, p));
            }
            y.push(label_set(labels, &r.label));
        }
        return Ok(Targets::Multi(y));
    }
    let mut y = Vec::with_capacity(rows.len());
    for r in rows {
        match labels.iter().position(|l| *l == r.label) {
            Some(i) => y.push(i),
            None => return Err(unknown(r, &r.label)),
        }
    }
    Ok(Targets::Single(y))
}
