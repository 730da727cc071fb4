//! `framing merge` (not implemented yet).

use super::Outcome;

/// Arguments of `framing merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {}

/// Runs `framing merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("`framing merge` is not implemented yet")
}
