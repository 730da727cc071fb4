//! `framing analyze CORPUS`: the end-to-end pipeline into CSV reports.

use std::path::PathBuf;

use super::Outcome;

/// Arguments of `framing analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Corpus directory.
    pub corpus: PathBuf,
}

/// Runs `framing analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("`framing analyze` is not implemented yet") // STUB
}
