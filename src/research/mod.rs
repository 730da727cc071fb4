//! The research wing: comparing groups of a report (outlets, months) with honest
//! statistics (`framing compare`) and one page to look at (`framing summarize`).
//!
//! - [`stats`]: Wilson intervals, chi-square tests, Benjamini–Hochberg, cluster-robust
//!   ratio intervals, weighted log-odds;
//! - [`aggregate`]: streams report folders into per-group, per-document aggregates;
//! - [`compare`]: the comparison tables and their CSV files;
//! - [`charts`] and [`summary`]: the summary page.

pub mod aggregate;
pub mod charts;
pub mod compare;
pub mod stats;
pub mod summary;

use std::path::{Path, PathBuf};

pub use aggregate::{Aggregates, GroupBy, ReadOptions};
pub use compare::Comparison;

use crate::output::{guard, ReportDir};

/// File name of the summary page.
pub const SUMMARY_FILE: &str = "summary.html";

/// Why a comparison or summary failed.
#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A report file is malformed.
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A folder is not a usable framing report.
    #[error("{path}: {message}")]
    Report {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A chart or the page could not be drawn.
    #[error("summary page: {0}")]
    Render(String),
    /// The output folder cannot be used.
    #[error(transparent)]
    Output(#[from] crate::Error),
}

/// What `framing compare` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareConfig {
    /// Report folders to read.
    pub reports: Vec<PathBuf>,
    /// How to group documents.
    pub by: GroupBy,
    /// Groups with fewer documents are flagged `small`.
    pub min_docs: u64,
    /// Count every word of the sentences too (`--terms all`).
    pub all_words: bool,
    /// Output folder.
    pub out: PathBuf,
    /// Replace an earlier comparison there.
    pub force: bool,
    /// Add bootstrap intervals of the per-1k rates.
    pub boot: Option<compare::Boot>,
}

/// The default output folder: `REPORT/compare-BY/` of the first report.
pub fn default_out(report: &Path, by: &GroupBy) -> PathBuf {
    report.join(format!("compare-{}", by.name()))
}

/// Reads the reports, computes the comparison and writes its files atomically; returns
/// the aggregates and tables (for the summary printed by the CLI).
pub fn run_compare(config: &CompareConfig) -> Result<(Aggregates, Comparison), ResearchError> {
    let agg = aggregate::read(
        &config.reports,
        &config.by,
        ReadOptions { words: config.all_words, surfaces: true, documents: config.boot.is_some() },
    )?;
    let comparison = compare::compare(&agg, config.min_docs, config.boot);
    // The reports are not passed as inputs to protect: the default folder lies inside one,
    // and the layout's marker already keeps --force to earlier comparisons.
    let dir = ReportDir::create_as(&config.out, config.force, &[], &guard::COMPARISON)?;
    compare::write(&comparison, !agg.labels.is_empty(), &dir.path(""))?;
    dir.commit()?;
    Ok((agg, comparison))
}

/// What `framing summarize` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryConfig {
    /// Report folders to read.
    pub reports: Vec<PathBuf>,
    /// How to group documents.
    pub by: GroupBy,
    /// Groups with fewer documents are marked small.
    pub min_docs: u64,
    /// The page to write.
    pub out: PathBuf,
    /// This process's command line, for the method box.
    pub command: Vec<String>,
}

/// Marker of a page this command wrote: only such a file is replaced.
const SUMMARY_MARKER: &str = "<title>framing summary:";

/// Reads the reports, computes the comparison and writes the summary page to
/// `config.out` (replacing an earlier summary only, through a temporary file and a rename,
/// so a reader never sees half a page). Returns the aggregates.
pub fn run_summarize(config: &SummaryConfig) -> Result<Aggregates, ResearchError> {
    let agg = aggregate::read(&config.reports, &config.by, ReadOptions::default())?;
    let comparison = compare::compare(&agg, config.min_docs, None);
    let title = config
        .reports
        .iter()
        .map(|r| r.file_name().map_or_else(|| r.display().to_string(), |n| n.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" + ");
    let html = summary::render(&agg, &comparison, config.min_docs, &title, &config.command)?;
    write_page(&config.out, &html)?;
    Ok(agg)
}

/// Writes `html` to `path` atomically, replacing only an earlier summary page.
pub fn write_page(path: &Path, html: &str) -> Result<(), ResearchError> {
    let io = |p: &Path, source: std::io::Error| ResearchError::Io { path: p.to_path_buf(), source };
    match std::fs::read(path) {
        Ok(old) if !old.windows(SUMMARY_MARKER.len()).any(|w| w == SUMMARY_MARKER.as_bytes()) => {
            return Err(ResearchError::Report {
                path: path.to_path_buf(),
                message: "exists and is not a framing summary page; it is not replaced (choose another --out)".into(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(path, e)),
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| SUMMARY_FILE.into());
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp).map_err(|e| io(&temp, e))?;
        std::io::Write::write_all(&mut file, html.as_bytes()).map_err(|e| io(&temp, e))?;
        file.sync_all().map_err(|e| io(&temp, e))?;
        std::fs::rename(&temp, path).map_err(|e| io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Writes the summary page of one report, grouped by source with the default `--min-docs`,
/// as `analyze` does: reads the report in `dir`, names it `shown_as` on the page (the run
/// writes into a temporary folder), and writes `page`.
pub fn summarize_report(dir: &Path, shown_as: &Path, page: &Path, command: &[String]) -> Result<(), ResearchError> {
    let agg = aggregate::read(&[dir.to_path_buf()], &GroupBy::Source, ReadOptions::default())?;
    write_summary(agg, shown_as, page, command)
}

/// Writes the summary page of the report a run has just written into `dir`, from the
/// matches `tally` counted as they were written (see [`summarize_report`] for the rest).
pub fn summarize_run(
    dir: &Path,
    shown_as: &Path,
    page: &Path,
    command: &[String],
    tally: aggregate::RunTally,
) -> Result<(), ResearchError> {
    write_summary(aggregate::read_with_tally(dir, tally)?, shown_as, page, command)
}

/// The page of one report's aggregates, by source, named `shown_as`.
fn write_summary(mut agg: Aggregates, shown_as: &Path, page: &Path, command: &[String]) -> Result<(), ResearchError> {
    agg.reports = vec![shown_as.to_path_buf()];
    let comparison = compare::compare(&agg, DEFAULT_MIN_DOCS, None);
    let title =
        shown_as.file_name().map_or_else(|| shown_as.display().to_string(), |n| n.to_string_lossy().into_owned());
    let html = summary::render(&agg, &comparison, DEFAULT_MIN_DOCS, &title, command)?;
    write_page(page, &html)
}

/// Groups with fewer documents are flagged small unless `--min-docs` says otherwise.
pub const DEFAULT_MIN_DOCS: u64 = 20;
