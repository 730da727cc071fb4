//! `framing compare REPORT…`: groups of a report compared with intervals and tests.

use std::path::PathBuf;

use super::Outcome;
use crate::research::{self, CompareConfig, GroupBy};

/// Arguments of `framing compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing analyze examples/corpus --force && framing compare reports/corpus\n  \
    framing compare reports/corpus --by month              # into reports/corpus/compare-month/\n  \
    framing compare reports/corpus --by source,month --min-docs 5\n  \
    framing compare parts/1 parts/2 parts/3 --out cmp/     # several reports as one\n  \
    framing compare reports/corpus --terms all             # keyness over every word too\n  \
    framing compare reports/corpus --boot 2000 --seed 7    # plus a document bootstrap\n\n\
    Writes compare_frames.csv, compare_voice.csv, compare_terms.csv, compare_stance.csv and,\n\
    for scored reports, compare_labels.csv. Intervals are 95 %: Wilson for shares; for rates\n\
    per 1,000 tokens and means, a cluster-robust (linearised) standard error with documents\n\
    as clusters. The chi-square test per frame is on groups x (sentences with / without the\n\
    frame); q is its Benjamini-Hochberg adjusted p across frames.")]
pub struct CompareArgs {
    /// The reports, how to group them, and the smallest group to read.
    #[command(flatten)]
    pub groups: super::compare::Groups,
    /// Distinctive terms: `loaded` (lexicon entries and surface forms) or `all` (also every
    /// word of sentences.csv).
    #[arg(long, value_name = "WHICH", default_value = "loaded", value_parser = ["loaded", "all"])]
    pub terms: String,
    /// Output folder [default: REPORT/compare-BY/ of the first report].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Replace an earlier comparison at the output folder.
    #[arg(long)]
    pub force: bool,
    /// Add a seeded document bootstrap of the per-1k rates with N resamples
    /// (columns per_1k_boot_low, per_1k_boot_high), to compare with the cluster-robust interval.
    #[arg(long, value_name = "N")]
    pub boot: Option<u32>,
    /// Seed of the bootstrap (the same seed gives the same intervals everywhere).
    #[arg(long, value_name = "S", default_value_t = 1, requires = "boot")]
    pub seed: u64,
    /// Difference threshold for the printed summary: frames with q below it are reported.
    #[arg(long, value_name = "Q", default_value_t = 0.05)]
    pub alpha: f64,
    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The reports a comparison reads and how it groups them (`compare` and `summarize`).
#[derive(Debug, clap::Args)]
pub struct Groups {
    /// Report folders written by `framing analyze` (or `merge`); several are read as one.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Group documents by source, month, year, source,month or any documents.csv column.
    #[arg(long, default_value = "source", value_parser = GroupBy::parse)]
    pub by: GroupBy,
    /// Groups with fewer documents are flagged small (`small = true`, marked on the page):
    /// too small to read.
    #[arg(long, value_name = "N", default_value_t = research::DEFAULT_MIN_DOCS)]
    pub min_docs: u64,
}

/// Runs `framing compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<Outcome> {
    let out = args.out.clone().unwrap_or_else(|| research::default_out(&args.groups.reports[0], &args.groups.by));
    let config = CompareConfig {
        reports: args.groups.reports,
        by: args.groups.by,
        min_docs: args.groups.min_docs,
        all_words: args.terms == "all",
        out: out.clone(),
        force: args.force,
        boot: args.boot.map(|replicates| research::compare::Boot { replicates, seed: args.seed }),
    };
    let (agg, comparison) = research::run_compare(&config)?;
    if !args.quiet {
        let plural = |n: u64, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
        let groups: Vec<String> =
            agg.groups.iter().map(|g| format!("{} ({})", g.name, plural(g.documents(), "document"))).collect();
        eprintln!(
            "framing: compared {} by {}: {}",
            plural(agg.groups.len() as u64, "group"),
            config.by.name(),
            groups.join(", ")
        );
        for line in research::compare::summary_lines(&comparison, args.alpha) {
            eprintln!("  {line}");
        }
        eprintln!("framing: wrote {}", out.display());
    }
    Ok(Outcome::Clean)
}
