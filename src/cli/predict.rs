//! `framing predict` (not implemented yet).

use super::Outcome;

/// Arguments of `framing predict`.
#[derive(Debug, clap::Args)]
pub struct PredictArgs {}

/// Runs `framing predict`.
pub fn run(args: PredictArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("`framing predict` is not implemented yet")
}
