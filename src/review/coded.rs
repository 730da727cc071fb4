//! Coded sheets read back: every row checked ([`read_coded`]), the codes per item and coder,
//! the majority label per item ([`Item::decide`]) and the reliability matrix for `agree`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::sheet::{read_csv, read_sheet, read_xlsx_sheet, restore, Table};
use super::stats::Reliability;
use super::{columns as col, text_check, Problem, ReviewError, CODEBOOK_SHEET};

/// One coded row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The item (`review_id`).
    pub id: String,
    /// The sentence.
    pub text: String,
    /// Who coded it: the `coder` cell, else the file's stem.
    pub coder: String,
    /// The label; empty when not coded.
    pub label: String,
    /// Where it is: file, sheet, row.
    pub file: PathBuf,
    /// Sheet name.
    pub sheet: String,
    /// Spreadsheet row number.
    pub row: u32,
}

/// The rows of the sheets read, and their problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coded {
    /// Rows with a label.
    pub codes: Vec<Code>,
    /// Rows without a label (not coded; not an error).
    pub uncoded: usize,
    /// Every problem found, in file and row order.
    pub problems: Vec<Problem>,
    /// The allowed labels (given, or from the codebook sheets), in codebook order.
    pub labels: Vec<String>,
}

/// Labels from a codebook CSV (`label,description`) or the `codebook` sheet of a workbook.
pub fn codebook_labels(path: &Path) -> Result<Vec<String>, ReviewError> {
    let table = if super::sheet::is_xlsx(path) {
        match read_xlsx_sheet(path, CODEBOOK_SHEET)? {
            // The labels are the rows right under the header; the notes on how to code
            // follow after an empty row.
            Some(mut t) => {
                let n = t.rows.iter().enumerate().take_while(|(i, (row, _))| *row as usize == i + 2).count();
                t.rows.truncate(n);
                t
            }
            None => return Ok(Vec::new()),
        }
    } else {
        read_csv(path)?
    };
    let c = table.column("label").ok_or_else(|| ReviewError::Csv {
        path: path.to_path_buf(),
        message: format!("the codebook has no `label` column (columns: {})", table.header.join(", ")),
    })?;
    Ok(table.rows.iter().map(|(_, r)| Table::cell(r, Some(c)).trim().to_string()).filter(|l| !l.is_empty()).collect())
}

/// Reads and checks coded sheets. `labels` are the allowed labels; when empty, the
/// `codebook` sheets of the workbooks give them, and with no codebook any label is taken.
pub fn read_coded(paths: &[PathBuf], labels: &[String]) -> Result<Coded, ReviewError> {
    let mut allowed: Vec<String> = labels.to_vec();
    if allowed.is_empty() {
        for p in paths.iter().filter(|p| super::sheet::is_xlsx(p)) {
            for l in codebook_labels(p)? {
                if !allowed.contains(&l) {
                    allowed.push(l);
                }
            }
        }
    }
    let mut out = Coded { labels: allowed, ..Coded::default() };
    // (coder, id) → (label, file, sheet, row) of the first code, to find contradicting duplicates.
    let mut seen: BTreeMap<(String, String), (String, Problem)> = BTreeMap::new();
    for path in paths {
        let table = read_sheet(path)?;
        let problem =
            |row: u32, message: String| Problem { file: table.file.clone(), sheet: table.sheet.clone(), row, message };
        let need = |name: &str| {
            table.column(name).ok_or_else(|| {
                problem(
                    0,
                    format!("no `{name}` column (columns: {}); is this a review sheet?", table.header.join(", ")),
                )
            })
        };
        let (id_col, text_col, label_col) = match (need(col::REVIEW_ID), need(col::TEXT), need(col::LABEL)) {
            (Ok(i), Ok(t), Ok(l)) => (i, t, l),
            (i, t, l) => {
                out.problems.extend([i.err(), t.err(), l.err()].into_iter().flatten());
                continue;
            }
        };
        let coder_col = table.column(col::CODER);
        let check_col = table.column(col::TEXT_CHECK);
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for (row, cells) in &table.rows {
            let id = Table::cell(cells, Some(id_col)).trim().to_string();
            let text = restore(Table::cell(cells, Some(text_col))).to_string();
            let label = restore(Table::cell(cells, Some(label_col))).trim().to_string();
            if label.is_empty() {
                out.uncoded += 1;
                continue;
            }
            if id.is_empty() {
                out.problems.push(problem(*row, "a label on a row without review_id".into()));
                continue;
            }
            if !out.labels.is_empty() && !out.labels.contains(&label) {
                out.problems
                    .push(problem(*row, format!("unknown label `{label}` (allowed: {})", out.labels.join(", "))));
                continue;
            }
            let check = Table::cell(cells, check_col).trim();
            if !check.is_empty() && check != text_check(&text) {
                out.problems.push(problem(
                    *row,
                    "the text was edited after sampling; restore it (the label must refer to the sentence drawn)"
                        .into(),
                ));
                continue;
            }
            let coder = match Table::cell(cells, coder_col).trim() {
                "" => stem.clone(),
                c => c.to_string(),
            };
            let here = problem(*row, String::new());
            match seen.get(&(coder.clone(), id.clone())) {
                Some((first, at)) if *first != label => {
                    out.problems.push(problem(
                        *row,
                        format!(
                            "review_id {id} coded `{label}` here but `{first}` by {coder} at {}:{}:{}",
                            at.file.display(),
                            at.sheet,
                            at.row
                        ),
                    ));
                    continue;
                }
                // The same code twice (e.g. a sheet given twice): counted once.
                Some(_) => continue,
                None => {
                    seen.insert((coder.clone(), id.clone()), (label.clone(), here));
                }
            }
            out.codes.push(Code {
                id,
                text,
                coder,
                label,
                file: table.file.clone(),
                sheet: table.sheet.clone(),
                row: *row,
            });
        }
    }
    Ok(out)
}

/// One item with its codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `review_id`.
    pub id: String,
    /// The sentence.
    pub text: String,
    /// (coder, label), coders in name order.
    pub codes: Vec<(String, String)>,
}

/// What the codes of an item decide.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// One label has more codes than any other: it, and the share of codes that agree.
    Label(String, f64),
    /// Two or more labels tie for the most codes.
    Tie,
}

impl Item {
    /// The majority label, or a tie.
    pub fn decide(&self) -> Decision {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, l) in &self.codes {
            *counts.entry(l).or_default() += 1;
        }
        let best = counts.values().copied().max().unwrap_or(0);
        let winners: Vec<&&str> = counts.iter().filter(|(_, &n)| n == best).map(|(l, _)| l).collect();
        match winners.as_slice() {
            [one] => Decision::Label(one.to_string(), best as f64 / self.codes.len() as f64),
            _ => Decision::Tie,
        }
    }
}

/// The codes grouped per item, items in `review_id` order.
pub fn items(codes: &[Code]) -> Vec<Item> {
    let mut by_id: BTreeMap<&str, Item> = BTreeMap::new();
    for c in codes {
        let item =
            by_id.entry(&c.id).or_insert_with(|| Item { id: c.id.clone(), text: c.text.clone(), codes: Vec::new() });
        item.codes.push((c.coder.clone(), c.label.clone()));
    }
    let mut items: Vec<Item> = by_id.into_values().collect();
    for item in &mut items {
        item.codes.sort();
    }
    items
}

/// The reliability data matrix of coded rows: items × coders (in name order), labels
/// `labels` first, then any others in name order.
pub fn reliability(codes: &[Code], labels: &[String]) -> Reliability {
    let items = items(codes);
    let mut coders: Vec<String> = codes.iter().map(|c| c.coder.clone()).collect();
    coders.sort();
    coders.dedup();
    let mut all_labels: Vec<String> = labels.to_vec();
    let mut extra: Vec<String> = codes.iter().map(|c| c.label.clone()).filter(|l| !labels.contains(l)).collect();
    extra.sort();
    extra.dedup();
    all_labels.extend(extra);
    let codes = items
        .iter()
        .map(|item| {
            coders
                .iter()
                .map(|coder| {
                    item.codes
                        .iter()
                        .find(|(c, _)| c == coder)
                        .and_then(|(_, l)| all_labels.iter().position(|x| x == l))
                })
                .collect()
        })
        .collect();
    Reliability { labels: all_labels, coders, units: items.into_iter().map(|i| i.id).collect(), codes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(id: &str, coder: &str, label: &str) -> Code {
        Code {
            id: id.into(),
            text: format!("text {id}"),
            coder: coder.into(),
            label: label.into(),
            file: "x.csv".into(),
            sheet: "x".into(),
            row: 2,
        }
    }

    #[test]
    fn majority_wins_and_ties_are_ties() {
        let codes = [
            code("a", "anna", "neg"),
            code("a", "ben", "neg"),
            code("a", "cem", "pos"),
            code("b", "anna", "neg"),
            code("b", "ben", "pos"),
        ];
        let items = items(&codes);
        assert_eq!(items[0].decide(), Decision::Label("neg".into(), 2.0 / 3.0));
        assert_eq!(items[1].decide(), Decision::Tie);
        let r = reliability(&codes, &["pos".into(), "neg".into()]);
        assert_eq!(r.coders, vec!["anna", "ben", "cem"]);
        assert_eq!(r.codes[1], vec![Some(1), Some(0), None]);
    }
}
