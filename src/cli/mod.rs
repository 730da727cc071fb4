//! Command-line interface: parses arguments once into validated configs, runs the
//! subcommand, and is the only place that turns errors into messages and exit codes.
//!
//! Exit codes: 0 all inputs read; 1 some inputs skipped (listed in `errors.csv` or on
//! stderr); 2 fatal error (bad lexicon, bad model, unwritable output, bad arguments).

pub mod agree;
pub mod analyze;
pub mod compare;
pub mod evaluate;
pub mod export;
pub mod labels;
pub mod lexicon;
pub mod merge;
pub mod predict;
pub mod sample;
pub mod segment;
pub mod summarize;
pub mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::lexicon::{Lexicon, LexiconError};
use crate::Lang;

/// How a subcommand ended, when it did not fail fatally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was read (exit 0).
    Clean,
    /// Some inputs were skipped and listed (exit 1).
    Skipped,
}

/// Exit code for fatal errors.
pub const EXIT_FATAL: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "framing",
    version,
    about = "Stance and framing analysis of news text",
    long_about = "Stance and framing analysis of news text: sentences, loaded terms and who \
                  says them, and a sentence classifier, as CSV reports.\n\n\
                  Exit codes: 0 ok, 1 some inputs skipped (listed), 2 fatal error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyze a corpus directory into CSV reports.
    Analyze(analyze::AnalyzeArgs),
    /// Split text into sentences, one per line.
    Segment(segment::SegmentArgs),
    /// Check a lexicon file or test it on a text.
    #[command(subcommand)]
    Lexicon(lexicon::LexiconCommand),
    /// Train a sentence classifier on labeled sentences.
    Train(train::TrainArgs),
    /// Evaluate a model on held-out labeled sentences.
    Evaluate(evaluate::EvaluateArgs),
    /// Score sentences of a text or rows of a CSV with a model.
    Predict(predict::PredictArgs),
    /// Merge partial reports written by `analyze --shard K/N` into one.
    Merge(merge::MergeArgs),
    /// Draw sentences of a report into review sheets (.xlsx or .csv) for coders.
    Sample(sample::SampleArgs),
    /// Read coded review sheets into training data.
    #[command(subcommand)]
    Labels(labels::LabelsCommand),
    /// Agreement between coders of review sheets (kappa, Krippendorff's alpha).
    Agree(agree::AgreeArgs),
    /// Write a report folder as one .xlsx workbook that spreadsheets open correctly.
    Export(export::ExportArgs),
    /// Compare groups of a report (outlets, months) with intervals and tests.
    Compare(compare::CompareArgs),
    /// Write one self-contained HTML page summarising a report.
    Summarize(summarize::SummarizeArgs),
}

/// Parses the process arguments, runs the subcommand and maps the result to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = crate::output::cleanup::remove_on_signals() {
        eprintln!("framing: warning: cannot watch for Ctrl-C ({e}); an interrupted run leaves its temporary folder to the next run");
    }
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Segment(args) => segment::run(args),
        Command::Lexicon(cmd) => lexicon::run(cmd),
        Command::Train(args) => train::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Labels(cmd) => labels::run(cmd),
        Command::Agree(args) => agree::run(args),
        Command::Export(args) => export::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Summarize(args) => summarize::run(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Skipped) => ExitCode::from(1),
        Err(err) => {
            eprintln!("framing: error: {}", error_message(&err));
            ExitCode::from(EXIT_FATAL)
        }
    }
}

/// Loads the lexicon files given, or the bundled lexicon of `lang` when there are none: the
/// one loader of every command. A lexicon with problems prints each of them on stderr (as
/// `file:line:column: message`, all at once, so one run shows everything to fix) and fails.
pub fn load_lexicon(paths: &[PathBuf], lang: Lang) -> anyhow::Result<Lexicon> {
    if paths.is_empty() {
        return Ok(Lexicon::bundled(lang));
    }
    match Lexicon::load(paths) {
        Ok(lexicon) => Ok(lexicon),
        Err(LexiconError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("{p}");
            }
            let files: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            anyhow::bail!(
                "{} problem(s) in lexicon {}; fix them (see `framing lexicon check`)",
                problems.len(),
                files.into_iter().collect::<Vec<_>>().join(", ")
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// An error and its causes on one line, each said once: library errors already end with
/// their cause (`path: No such file or directory`), which the chain would repeat.
pub fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.ends_with(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_os_error_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let err = anyhow::Error::from(crate::Error::io("lexicons/x.csv", io));
        assert_eq!(error_message(&err), "lexicons/x.csv: No such file or directory");
        let err = err.context("cannot load the lexicon");
        assert_eq!(error_message(&err), "cannot load the lexicon: lexicons/x.csv: No such file or directory");
    }
}
