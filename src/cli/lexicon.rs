//! `framing lexicon check FILE…` and `framing lexicon test FILE "text"`.

use std::path::PathBuf;

use super::Outcome;

/// Subcommands of `framing lexicon`.
#[derive(Debug, clap::Subcommand)]
pub enum LexiconCommand {
    /// List every problem in lexicon files as `file:line:column: message`; exit 2 on any.
    Check {
        /// Lexicon CSV files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show which entries of a lexicon match where in a text.
    Test {
        /// Lexicon CSV file.
        file: PathBuf,
        /// The text to search.
        text: String,
    },
}

/// Runs `framing lexicon …`.
pub fn run(cmd: LexiconCommand) -> anyhow::Result<Outcome> {
    let _ = cmd;
    anyhow::bail!("`framing lexicon` is not implemented yet") // STUB
}
