//! The research wing: comparing groups of a report (outlets, months) with honest
//! statistics (`framing compare`) and one page to look at (`framing summarize`).
//!
//! - [`stats`]: Wilson intervals, chi-square tests, Benjamini–Hochberg, cluster-robust
//!   ratio intervals, weighted log-odds;
//! - [`aggregate`]: streams report folders into per-group, per-document aggregates;
//! - [`compare`]: the comparison tables and their CSV files.

pub mod aggregate;
pub mod compare;
pub mod stats;

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
}

/// The default output folder: `REPORT/compare-BY/` of the first report.
pub fn default_out(report: &Path, by: &GroupBy) -> PathBuf {
    report.join(format!("compare-{}", by.name()))
}

/// Reads the reports, computes the comparison and writes its files atomically; returns
/// the aggregates and tables (for the summary printed by the CLI).
pub fn run_compare(config: &CompareConfig) -> Result<(Aggregates, Comparison), ResearchError> {
    let agg = aggregate::read(&config.reports, &config.by, ReadOptions { words: config.all_words })?;
    let comparison = compare::compare(&agg, config.min_docs);
    // The reports are not passed as inputs to protect: the default folder lies inside one,
    // and the layout's marker already keeps --force to earlier comparisons.
    let dir = ReportDir::create_as(&config.out, config.force, &[], &guard::COMPARISON)?;
    compare::write(&comparison, !agg.labels.is_empty(), &dir.path(""))?;
    dir.commit()?;
    Ok((agg, comparison))
}
