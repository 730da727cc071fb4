//! `framing train` (not implemented yet).

use super::Outcome;

/// Arguments of `framing train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {}

/// Runs `framing train`.
pub fn run(args: TrainArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("`framing train` is not implemented yet")
}
