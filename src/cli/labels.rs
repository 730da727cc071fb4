//! `framing labels import`: coded review sheets into a labeled CSV that `framing train` takes.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Outcome;
use crate::model::{check_target, write_atomic, write_error, Existing};
use crate::review::coded::{codebook_labels, items, read_coded, Decision};
use crate::review::sheet::{csv_bytes, read_sheet, restore, CsvFlavour, Table};

/// Subcommands of `framing labels`.
#[derive(Debug, clap::Subcommand)]
pub enum LabelsCommand {
    /// Read coded review sheets into labeled.csv for `framing train`.
    Import(ImportArgs),
}

/// Arguments of `framing labels import`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing labels import review-anna.xlsx review-ben.xlsx --out labeled.csv\n  \
    framing labels import coded/*.csv --labels negative,neutral,positive --out labeled.csv\n  \
    framing labels import review-*.xlsx --adjudicated adjudicated.csv --out labeled.csv --force\n\n\
    Every row of every sheet is checked; problems are listed as file:sheet:row: message \
    (the row number the spreadsheet shows) and end the run with exit 2. An empty label means \
    not coded. Writes id,text,label,coders,agreement: one row per item, the majority label \
    where coders disagree; ties go to conflicts.csv (beside --out; just its header when there \
    are none) with each coder's code side by side and an empty `label` column: fill it in, \
    save it as adjudicated.csv and import again with --adjudicated adjudicated.csv --force.")]
pub struct ImportArgs {
    /// Coded sheets (.xlsx or .csv).
    #[arg(required = true)]
    pub sheets: Vec<PathBuf>,
    /// The labeled CSV to write.
    #[arg(long, default_value = "labeled.csv")]
    pub out: PathBuf,
    /// Allowed labels, comma-separated (default: the codebook sheets of the workbooks).
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
    /// Codebook CSV (`label,description`) with the allowed labels.
    #[arg(long, conflicts_with = "labels")]
    pub codebook: Option<PathBuf>,
    /// A conflicts.csv with its `label` column filled in: those labels decide the ties.
    #[arg(long)]
    pub adjudicated: Option<PathBuf>,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `framing labels …`.
pub fn run(cmd: LabelsCommand) -> anyhow::Result<Outcome> {
    match cmd {
        LabelsCommand::Import(args) => import(args),
    }
}

/// The allowed labels of `--labels` or `--codebook` (empty: take them from the sheets).
pub fn allowed_labels(labels: &[String], codebook: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = labels.iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    if let Some(path) = codebook {
        out = codebook_labels(path)?;
        if out.is_empty() {
            anyhow::bail!("{}: the codebook lists no labels", path.display());
        }
    }
    Ok(out)
}

/// `conflicts.csv` beside the output.
fn conflicts_path(out: &Path) -> PathBuf {
    out.with_file_name("conflicts.csv")
}

/// Runs `framing labels import`.
fn import(args: ImportArgs) -> anyhow::Result<Outcome> {
    let existing = Existing::from_force(args.force);
    let conflicts_out = conflicts_path(&args.out);
    check_target(&args.out, existing)?;
    check_target(&conflicts_out, existing)?;
    if let Some(adjudicated) = &args.adjudicated {
        // Read first and then replaced by the ties still open, the decisions would be gone.
        let same = std::fs::canonicalize(adjudicated).ok().zip(std::fs::canonicalize(&conflicts_out).ok());
        if same.is_some_and(|(a, b)| a == b) {
            anyhow::bail!(
                "--adjudicated {} is the conflicts.csv this run writes; save the decided conflicts under another name (e.g. adjudicated.csv)",
                adjudicated.display()
            );
        }
    }
    let labels = allowed_labels(&args.labels, args.codebook.as_deref())?;
    let coded = read_coded(&args.sheets, &labels)?;
    let adjudicated = match &args.adjudicated {
        Some(p) => read_adjudicated(p, &coded.labels)?,
        None => Default::default(),
    };
    if !coded.problems.is_empty() {
        for p in &coded.problems {
            eprintln!("{p}");
        }
        anyhow::bail!("{} problem(s) in the sheets; nothing written; fix them and run again", coded.problems.len());
    }
    let items = items(&coded.codes);
    let mut coders: Vec<String> = coded.codes.iter().map(|c| c.coder.clone()).collect();
    coders.sort();
    coders.dedup();
    let mut rows = Vec::new();
    let mut conflicts = Vec::new();
    let (mut agreed, mut majority, mut settled) = (0usize, 0usize, 0usize);
    for item in &items {
        let names = item.codes.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(";");
        let share =
            |label: &str| item.codes.iter().filter(|(_, l)| l == label).count() as f64 / item.codes.len() as f64;
        let agreement = |label: &str| if item.codes.len() > 1 { format!("{:.3}", share(label)) } else { String::new() };
        match (item.decide(), adjudicated.get(&item.id)) {
            (_, Some(label)) => {
                settled += 1;
                rows.push(vec![item.id.clone(), item.text.clone(), label.clone(), names, agreement(label)]);
            }
            (Decision::Label(label, s), None) => {
                if item.codes.len() > 1 && s == 1.0 {
                    agreed += 1;
                } else if item.codes.len() > 1 {
                    majority += 1;
                }
                let a = agreement(&label);
                rows.push(vec![item.id.clone(), item.text.clone(), label, names, a]);
            }
            (Decision::Tie, None) => {
                let mut row = vec![item.id.clone(), item.text.clone()];
                row.extend(
                    coders.iter().map(|c| {
                        item.codes.iter().find(|(who, _)| who == c).map(|(_, l)| l.clone()).unwrap_or_default()
                    }),
                );
                row.push(String::new());
                conflicts.push(row);
            }
        }
    }
    let header = ["id", "text", "label", "coders", "agreement"].map(String::from).to_vec();
    let bytes = csv_bytes(CsvFlavour::Data, &header, &rows)?;
    write_atomic(&args.out, &bytes, existing).map_err(|e| write_error(&args.out, e)).context("cannot write")?;
    // Always written (just the header when every item is decided), so a conflicts.csv
    // beside labeled.csv always belongs to it.
    let mut header = vec!["review_id".to_string(), "text".to_string()];
    header.extend(coders.iter().cloned());
    header.push("label".into());
    let bytes = csv_bytes(CsvFlavour::Plain, &header, &conflicts)?;
    write_atomic(&conflicts_out, &bytes, existing)
        .map_err(|e| write_error(&conflicts_out, e))
        .context("cannot write")?;
    println!(
        "{} items, {} codes ({} rows not coded), {} agreed, {} by majority, {} adjudicated, {} conflicting{} -> {}",
        items.len(),
        coded.codes.len(),
        coded.uncoded,
        agreed,
        majority,
        settled,
        conflicts.len(),
        if conflicts.is_empty() { String::new() } else { format!(" (left out, see {})", conflicts_out.display()) },
        args.out.display()
    );
    Ok(Outcome::Clean)
}

/// The filled-in `label` column of a conflicts.csv: review_id → label.
fn read_adjudicated(path: &Path, labels: &[String]) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let table = read_sheet(path)?;
    let (Some(id_col), Some(label_col)) = (table.column("review_id"), table.column("label")) else {
        anyhow::bail!("{}: needs columns review_id and label (a conflicts.csv with labels filled in)", path.display());
    };
    let mut out = std::collections::BTreeMap::new();
    let mut bad = Vec::new();
    for (row, cells) in &table.rows {
        let label = restore(Table::cell(cells, Some(label_col))).trim().to_string();
        if label.is_empty() {
            continue;
        }
        if !labels.is_empty() && !labels.contains(&label) {
            bad.push(format!(
                "{}:{}:{row}: unknown label `{label}` (allowed: {})",
                path.display(),
                table.sheet,
                labels.join(", ")
            ));
            continue;
        }
        out.insert(Table::cell(cells, Some(id_col)).trim().to_string(), label);
    }
    if !bad.is_empty() {
        for b in &bad {
            eprintln!("{b}");
        }
        anyhow::bail!("{} problem(s) in {}", bad.len(), path.display());
    }
    Ok(out)
}
