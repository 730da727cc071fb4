//! `framing summarize REPORT…`: one self-contained HTML page to look at.

use std::path::PathBuf;

use super::Outcome;
use crate::research::{self, GroupBy, SummaryConfig, SUMMARY_FILE};

/// Arguments of `framing summarize`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing summarize reports/corpus                  # writes reports/corpus/summary.html\n  \
    framing summarize reports/corpus --by year --out slides/by-year.html\n\n\
    The page holds its CSS and SVG charts inline: no script, font or image is fetched, so it\n\
    opens offline and prints. Its numbers are those of `framing compare` with the same --by.")]
pub struct SummarizeArgs {
    /// Report folders written by `framing analyze` (or `merge`); several are read as one.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Group documents by source, month, year, source,month or any documents.csv column.
    #[arg(long, default_value = "source", value_parser = GroupBy::parse)]
    pub by: GroupBy,
    /// Groups with fewer documents are marked as too small to read.
    #[arg(long, value_name = "N", default_value_t = research::DEFAULT_MIN_DOCS)]
    pub min_docs: u64,
    /// The page to write [default: REPORT/summary.html of the first report]; an existing
    /// file is replaced only if it is an earlier summary page.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// No line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `framing summarize`.
pub fn run(args: SummarizeArgs) -> anyhow::Result<Outcome> {
    let out = args.out.clone().unwrap_or_else(|| args.reports[0].join(SUMMARY_FILE));
    let config = SummaryConfig {
        reports: args.reports,
        by: args.by,
        min_docs: args.min_docs,
        out: out.clone(),
        command: std::env::args().collect(),
    };
    let agg = research::run_summarize(&config)?;
    if !args.quiet {
        eprintln!("framing: summary of {} groups by {} -> {}", agg.groups.len(), config.by.name(), out.display());
    }
    Ok(Outcome::Clean)
}
