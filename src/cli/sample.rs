//! `framing sample`: draw sentences of a report into review sheets (.xlsx or .csv).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Outcome;
use crate::model::{check_target, write_atomic, write_error, Existing};
use crate::report::files;
use crate::report::run::RunInfo;
use crate::review::sample::{draw, split_for_coders, By, SampleConfig, Strategy};
use crate::review::sheet::{csv_bytes, is_xlsx, read_csv, read_sheet, CsvFlavour, Table};
use crate::review::xlsx::{group_lines, review_cells, review_header, review_workbook, About, CodebookEntry};

/// Arguments of `framing sample`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing sample reports/corpus --n 200 --out review.xlsx\n  \
    framing sample reports/corpus --n 100 --by source --coders anna,ben --overlap 0.2 --out review.xlsx\n  \
    framing sample reports/corpus --strategy uncertain --exclude review-*.xlsx --out round2.xlsx\n  \
    framing sample reports/corpus --strategy random --labels pro,contra,neutral --out review.csv --excel\n\n\
    Reads the report in one pass, keeping at most --n sentences per group in memory. \
    --coders writes one sheet per coder (review-anna.xlsx, …): the --overlap share is coded by \
    every coder (for `framing agree`), the rest is split between them, and each sheet is \
    shuffled on its own. The same report, options and seed give byte-identical sheets.")]
pub struct SampleArgs {
    /// Report folder of `framing analyze`.
    pub report: PathBuf,
    /// Sentences to draw.
    #[arg(long, default_value_t = 200)]
    pub n: usize,
    /// The sheet to write: .xlsx, or .csv.
    #[arg(long, default_value = "review.xlsx")]
    pub out: PathBuf,
    /// How sentences are chosen.
    #[arg(long, value_enum, default_value_t = Strategy::Stratified)]
    pub strategy: Strategy,
    /// Groups of a stratified sample.
    #[arg(long, value_enum, default_value_t = By::Frame)]
    pub by: By,
    /// Seed of the draw and the shuffles.
    #[arg(long, default_value_t = 20)]
    pub seed: u64,
    /// Only sentences with a lexicon match (always so with --by frame or term).
    #[arg(long)]
    pub only_matched: bool,
    /// Coded sheets or labeled CSVs of earlier rounds: their sentences are not drawn again.
    #[arg(long, num_args = 1..)]
    pub exclude: Vec<PathBuf>,
    /// Labels of the drop-down, comma-separated (default: the model's labels in run.json).
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
    /// Codebook CSV (`label,description`).
    #[arg(long, conflicts_with = "labels")]
    pub codebook: Option<PathBuf>,
    /// Coders, comma-separated: one sheet each.
    #[arg(long, value_delimiter = ',')]
    pub coders: Vec<String>,
    /// Share of the sample every coder codes (0 to 1).
    #[arg(long, default_value_t = 0.2)]
    pub overlap: f64,
    /// CSV for a German Excel: UTF-8 with BOM, `;`, CRLF.
    #[arg(long)]
    pub excel: bool,
    /// Replace existing sheets.
    #[arg(long)]
    pub force: bool,
}

/// `review.xlsx` → `review-anna.xlsx`.
fn coder_path(out: &Path, coder: &str) -> PathBuf {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "review".into());
    let ext = out.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    out.with_file_name(format!("{stem}-{coder}{ext}"))
}

/// The codebook: `--codebook`, `--labels`, or the model's labels from run.json.
fn codebook(args: &SampleArgs, run: Option<&RunInfo>) -> anyhow::Result<Vec<CodebookEntry>> {
    if let Some(path) = &args.codebook {
        let table = read_csv(path)?;
        let (Some(l), d) = (table.column("label"), table.column("description")) else {
            anyhow::bail!("{}: a codebook needs a `label` column (and `description`)", path.display());
        };
        let entries: Vec<CodebookEntry> = table
            .rows
            .iter()
            .map(|(_, r)| CodebookEntry {
                label: Table::cell(r, Some(l)).trim().to_string(),
                description: Table::cell(r, d).to_string(),
            })
            .filter(|e| !e.label.is_empty())
            .collect();
        if entries.is_empty() {
            anyhow::bail!("{}: the codebook lists no labels", path.display());
        }
        return Ok(entries);
    }
    let labels: Vec<String> = if !args.labels.is_empty() {
        args.labels.iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
    } else {
        run.and_then(|r| r.model.as_ref()).map(|m| m.labels.clone()).unwrap_or_default()
    };
    if labels.is_empty() {
        anyhow::bail!(
            "no labels to code: the report has no model; give them with --labels a,b,c or --codebook codebook.csv (columns label,description)"
        );
    }
    Ok(labels.into_iter().map(|label| CodebookEntry { label, description: String::new() }).collect())
}

/// The review ids of earlier sheets (`review_id`) or labeled CSVs (`id`).
fn excluded_ids(paths: &[PathBuf]) -> anyhow::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    for p in paths {
        let table = read_sheet(p)?;
        let Some(c) = table.column("review_id").or_else(|| table.column("id")) else {
            anyhow::bail!("{}: no review_id (or id) column to exclude by", p.display());
        };
        ids.extend(table.rows.iter().map(|(_, r)| Table::cell(r, Some(c)).trim().to_string()));
    }
    Ok(ids)
}

/// Runs `framing sample`.
pub fn run(args: SampleArgs) -> anyhow::Result<Outcome> {
    if args.n == 0 {
        anyhow::bail!("--n must be at least 1");
    }
    if !(0.0..=1.0).contains(&args.overlap) {
        anyhow::bail!("--overlap must be between 0 and 1");
    }
    let existing = Existing::from_force(args.force);
    let outs: Vec<PathBuf> = if args.coders.is_empty() {
        vec![args.out.clone()]
    } else {
        args.coders.iter().map(|c| coder_path(&args.out, c)).collect()
    };
    for p in &outs {
        check_target(p, existing)?;
    }
    let run_path = args.report.join(files::RUN);
    let run: Option<RunInfo> = match std::fs::read(&run_path) {
        Ok(bytes) => {
            Some(serde_json::from_slice(&bytes).with_context(|| format!("{}: not a run.json", run_path.display()))?)
        }
        Err(_) => None,
    };
    let codebook = codebook(&args, run.as_ref())?;
    let only_matched =
        args.only_matched || (args.strategy == Strategy::Stratified && matches!(args.by, By::Frame | By::Term));
    let config = SampleConfig {
        n: args.n,
        strategy: args.strategy,
        by: args.by,
        seed: args.seed,
        only_matched,
        exclude: excluded_ids(&args.exclude)?,
    };
    let sample = draw(&args.report, &config)?;
    let with_model = !sample.model_labels.is_empty();
    let sheets = split_for_coders(&sample.rows, &args.coders, args.overlap, args.seed);
    let mut about: About = vec![
        // `framing`, not the path the binary was started by: the same options give the same
        // sheet on every machine.
        (
            "command line".into(),
            std::iter::once("framing".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" "),
        ),
        ("framing version".into(), env!("CARGO_PKG_VERSION").into()),
        ("report".into(), args.report.display().to_string()),
        ("strategy".into(), format!("{:?}", args.strategy).to_lowercase()),
        (
            "groups by".into(),
            if args.strategy == Strategy::Stratified { format!("{:?}", args.by).to_lowercase() } else { "-".into() },
        ),
        ("seed".into(), args.seed.to_string()),
        ("only matched sentences".into(), only_matched.to_string()),
        ("sentences read".into(), sample.sentences.to_string()),
        ("excluded (earlier rounds)".into(), sample.excluded.to_string()),
        ("drawn".into(), sample.rows.len().to_string()),
        ("codebook".into(), codebook.iter().map(|e| e.label.as_str()).collect::<Vec<_>>().join(", ")),
    ];
    if !args.coders.is_empty() {
        about.push(("coders".into(), args.coders.join(", ")));
        about.push(("overlap (coded by every coder)".into(), format!("{}", args.overlap)));
    }
    if let Some(run) = &run {
        for l in &run.lexicons {
            about.push((format!("lexicon {}", l.path), format!("sha256 {}", l.sha256)));
        }
        if let Some(m) = &run.model {
            about.push((format!("model {}", m.version), format!("sha256 {}", m.sha256)));
        }
    }
    about.extend(group_lines(&sample));
    let coders: Vec<Option<&str>> =
        if args.coders.is_empty() { vec![None] } else { args.coders.iter().map(|c| Some(c.as_str())).collect() };
    for ((rows, coder), out) in sheets.iter().zip(coders).zip(&outs) {
        let bytes = if is_xlsx(out) {
            review_workbook(rows, coder, with_model, &codebook, &about)?
        } else {
            let header: Vec<String> =
                review_header(with_model, coder.is_some()).into_iter().map(String::from).collect();
            let cells: Vec<Vec<String>> = rows.iter().map(|r| review_cells(r, with_model, coder)).collect();
            csv_bytes(if args.excel { CsvFlavour::Excel } else { CsvFlavour::Plain }, &header, &cells)?
        };
        write_atomic(out, &bytes, existing).map_err(|e| write_error(out, e)).context("cannot write the sheet")?;
    }
    let groups: Vec<String> =
        sample.groups.iter().map(|g| format!("{} {}/{}", g.group, g.drawn, g.available)).collect();
    println!(
        "sample: {} of {} sentences ({} excluded), strategy {}, seed {}; drawn/available per group: {}",
        sample.rows.len(),
        sample.sentences,
        sample.excluded,
        format!("{:?}", args.strategy).to_lowercase(),
        args.seed,
        groups.join(", ")
    );
    for out in &outs {
        println!("written to {}", out.display());
    }
    Ok(Outcome::Clean)
}
