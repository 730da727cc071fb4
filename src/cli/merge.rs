//! `framing merge OUT PART…`: combine partial reports of `analyze --shard K/N`.

use std::path::PathBuf;

use super::Outcome;

/// Arguments of `framing merge`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    for k in 1 2 3 4; do framing analyze news/ --shard $k/4 -o parts/$k; done\n  \
    framing merge reports/news parts/1 parts/2 parts/3 parts/4\n  \
    framing merge reports/news-partial parts/1 parts/3 --allow-partial\n\n\
    The merged report is byte-identical to `framing analyze news/` (run.json aside); its \
    summary.html shows the same charts, numbers and examples (its method box names the merge's \
    command line); --no-summary leaves the page out. A shard missing from the parts is an error (exit 2) \
    unless --allow-partial; a shard given twice or parts of different N always are.")]
pub struct MergeArgs {
    /// Directory for the merged report.
    pub out: PathBuf,
    /// Partial report directories written by `analyze --shard K/N`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Replace an existing non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Merge even when some shards of N are missing (warns; the report covers only the parts).
    #[arg(long)]
    pub allow_partial: bool,
    /// Do not write summary.html (the page `analyze` writes) into the merged report.
    #[arg(long)]
    pub no_summary: bool,
    /// No summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `framing merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<Outcome> {
    let command_line = std::env::args().collect();
    let summary = crate::merge::merge_reports(
        &args.parts,
        &args.out,
        args.force,
        args.allow_partial,
        !args.no_summary,
        command_line,
    )?;
    if !summary.missing_shards.is_empty() {
        let not_given = crate::merge::shards_not_given(&summary.missing_shards, summary.shard_count);
        eprintln!("framing: warning: {not_given}; the merged report is partial");
    }
    let c = &summary.counts;
    if !args.quiet {
        eprintln!(
            "framing: merged {} parts: {} documents ({} skipped), {} sentences, {} matches -> {}",
            args.parts.len(),
            c.documents_ok,
            c.documents_skipped,
            c.sentences,
            c.matches,
            summary.out.display()
        );
    }
    if let Some(e) = &summary.summary_error {
        eprintln!("framing: warning: summary.html was not written ({e}); the merged report is complete");
    }
    Ok(if c.documents_skipped == 0 && c.documents_repaired == 0 { Outcome::Clean } else { Outcome::Skipped })
}
