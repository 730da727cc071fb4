//! `framing evaluate` (not implemented yet).

use super::Outcome;

/// Arguments of `framing evaluate`.
#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {}

/// Runs `framing evaluate`.
pub fn run(args: EvaluateArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("`framing evaluate` is not implemented yet")
}
