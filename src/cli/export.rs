//! `framing export`: a report folder as one workbook that opens correctly by double-click.

use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::model::{check_target, write_error, Existing};
use crate::review::export::{export, MAX_DATA_ROWS};

/// Arguments of `framing export`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing export reports/corpus --xlsx report.xlsx\n  \
    framing export reports/corpus --xlsx reports/corpus.xlsx --force\n\n\
    One sheet per report file (documents, terms, matches, sentences, errors) and an `about` \
    sheet from run.json: numbers as numbers and dates as dates (no locale involved), every \
    text as a string cell (never a formula, even `=== Stimmen ===` or `+++ Eilmeldung +++`), \
    matched terms bold and coloured by voice in the sentences, frozen headers, autofilter. \
    A sheet past 1,048,576 rows is cut; the `about` sheet says how many rows are left out \
    and where the full CSV is.")]
pub struct ExportArgs {
    /// Report folder of `framing analyze`.
    pub report: PathBuf,
    /// The workbook to write.
    #[arg(long)]
    pub xlsx: PathBuf,
    /// Replace an existing workbook.
    #[arg(long)]
    pub force: bool,
    /// Data rows per sheet at most (for tests: lowers the format's limit).
    #[arg(long, hide = true, default_value_t = MAX_DATA_ROWS)]
    pub max_rows: u32,
}

/// Runs `framing export`.
pub fn run(args: ExportArgs) -> anyhow::Result<Outcome> {
    let existing = Existing::from_force(args.force);
    check_target(&args.xlsx, existing)?;
    let mut exported = export(&args.report, args.max_rows)?;
    exported.save(&args.xlsx, existing).map_err(|e| write_error(&args.xlsx, e)).context("cannot write the workbook")?;
    let sheets: Vec<String> = exported.rows.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("export: {} rows per sheet -> {}", sheets.join(", "), args.xlsx.display());
    for cut in &exported.cuts {
        eprintln!(
            "framing: warning: sheet {} cut after {} rows, {} left out (see the about sheet)",
            cut.sheet, cut.written, cut.left_out
        );
    }
    Ok(Outcome::Clean)
}
