//! `framing summarize REPORT…`: one self-contained HTML page to look at.

use std::path::PathBuf;

use super::Outcome;
use crate::research::{self, SummaryConfig, SUMMARY_FILE};

/// Arguments of `framing summarize`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing summarize reports/corpus                  # writes reports/corpus/summary.html\n  \
    framing summarize reports/corpus --by year --out slides/by-year.html\n\n\
    The page holds its CSS and SVG charts inline: no script, font or image is fetched, so it\n\
    opens offline and prints. Its numbers are those of `framing compare` with the same --by.")]
pub struct SummarizeArgs {
    /// The reports, how to group them, and the smallest group to read.
    #[command(flatten)]
    pub groups: super::compare::Groups,
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
    let out = args.out.clone().unwrap_or_else(|| args.groups.reports[0].join(SUMMARY_FILE));
    let config = SummaryConfig {
        reports: args.groups.reports,
        by: args.groups.by,
        min_docs: args.groups.min_docs,
        out: out.clone(),
        command: std::env::args().collect(),
    };
    let agg = research::run_summarize(&config)?;
    if !args.quiet {
        eprintln!("framing: summary of {} groups by {} -> {}", agg.groups.len(), config.by.name(), out.display());
    }
    Ok(Outcome::Clean)
}
