//! `framing agree`: agreement between coders of review sheets, printed and as agreement.csv.

use std::path::PathBuf;

use std::io::Write as _;

use anyhow::Context;

use super::Outcome;
use crate::model::{check_target, write_atomic, write_error, Existing};
use crate::review::coded::{read_coded, reliability};
use crate::review::sheet::{csv_bytes, CsvFlavour};
use crate::review::stats::{Agreement, Reliability};

/// Arguments of `framing agree`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing agree review-anna.xlsx review-ben.xlsx\n  \
    framing agree coded/*.csv --labels negative,neutral,positive --boot 5000 --seed 7\n\n\
    Items are matched across sheets by review_id; each sheet's `coder` column (or its file \
    name) says who coded it. Prints percent agreement, Cohen's kappa (two coders), Fleiss' \
    kappa (items every coder coded), Krippendorff's alpha (nominal, missing codes allowed) \
    with a bootstrap 95% interval (Hayes & Krippendorff 2007), per-label agreement and the \
    coder × coder confusion tables, and writes them to agreement.csv. Items coded by fewer \
    than two coders are listed and left out.")]
pub struct AgreeArgs {
    /// Coded sheets (.xlsx or .csv), one or more per coder.
    #[arg(required = true)]
    pub sheets: Vec<PathBuf>,
    /// Allowed labels, comma-separated (default: the codebook sheets of the workbooks).
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
    /// Codebook CSV (`label,description`) with the allowed labels.
    #[arg(long, conflicts_with = "labels")]
    pub codebook: Option<PathBuf>,
    /// Bootstrap samples for the interval of alpha (0: none).
    #[arg(long, default_value_t = 1000)]
    pub boot: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the figures.
    #[arg(long, default_value = "agreement.csv")]
    pub out: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

/// Runs `framing agree`.
pub fn run(args: AgreeArgs) -> anyhow::Result<Outcome> {
    let existing = Existing::from_force(args.force);
    check_target(&args.out, existing)?;
    let labels = super::labels::allowed_labels(&args.labels, args.codebook.as_deref())?;
    let coded = read_coded(&args.sheets, &labels)?;
    if !coded.problems.is_empty() {
        for p in &coded.problems {
            eprintln!("{p}");
        }
        anyhow::bail!("{} problem(s) in the sheets; fix them and run again", coded.problems.len());
    }
    let r = reliability(&coded.codes, &coded.labels);
    if r.coders.len() < 2 {
        anyhow::bail!("the sheets hold the codes of {} coder(s); agreement needs two or more", r.coders.len());
    }
    let a = r.agreement(args.boot, args.seed);
    // A reader that stops early (`| head`) is no error: agreement.csv is still written.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), table(&r, &a, args.boot).as_bytes());
    let (header, rows) = agreement_rows(&r, &a);
    let bytes = csv_bytes(CsvFlavour::Plain, &header, &rows)?;
    write_atomic(&args.out, &bytes, existing).map_err(|e| write_error(&args.out, e)).context("cannot write")?;
    let _ = writeln!(std::io::stdout().lock(), "written to {}", args.out.display());
    Ok(Outcome::Clean)
}

/// A figure with three decimals, or `n/a`.
fn fig(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.3}"),
        _ => "n/a".into(),
    }
}

/// The readable table printed on stdout.
fn table(r: &Reliability, a: &Agreement, boot: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} coders ({}), {} items coded by two or more, {} codes",
        r.coders.len(),
        r.coders.join(", "),
        a.units_pairable,
        a.values
    );
    let _ = writeln!(s, "percent agreement     {}", fig(Some(a.percent_agreement)));
    if r.coders.len() == 2 {
        let _ = writeln!(s, "Cohen's kappa         {}", fig(a.cohen_kappa));
    }
    let _ =
        writeln!(s, "Fleiss' kappa         {}  ({} items coded by every coder)", fig(a.fleiss_kappa), a.fleiss_units);
    let interval = match a.alpha_interval {
        Some(i) => format!("  95% CI [{:.3}, {:.3}] ({boot} bootstrap samples)", i.low, i.high),
        None => String::new(),
    };
    let _ = writeln!(s, "Krippendorff's alpha  {}{interval}", fig(a.alpha));
    let _ = writeln!(s, "per label (share of a label's pairings with itself):");
    for l in &a.per_label {
        let _ = writeln!(s, "  {:<20} {}  ({} values)", l.label, fig(Some(l.agreement)), l.values);
    }
    for (i, ca) in r.coders.iter().enumerate() {
        for (j, cb) in r.coders.iter().enumerate().skip(i + 1) {
            let _ = writeln!(s, "confusion: rows {ca}, columns {cb}");
            let width = r.labels.iter().map(|l| l.chars().count()).max().unwrap_or(1).max(5);
            let _ = write!(s, "  {:<width$}", "");
            for l in &r.labels {
                let _ = write!(s, " {l:>width$}");
            }
            s.push('\n');
            for (li, l) in r.labels.iter().enumerate() {
                let _ = write!(s, "  {l:<width$}");
                for n in &a.confusion[i][j][li] {
                    let _ = write!(s, " {n:>width$}");
                }
                s.push('\n');
            }
        }
    }
    if !a.units_left_out.is_empty() {
        let _ = writeln!(
            s,
            "left out, coded by fewer than two coders ({}): {}",
            a.units_left_out.len(),
            a.units_left_out.join(", ")
        );
    }
    s
}

/// `agreement.csv`: one figure a row (`measure,label,coder_a,coder_b,label_a,label_b,value,n`).
fn agreement_rows(r: &Reliability, a: &Agreement) -> (Vec<String>, Vec<Vec<String>>) {
    let header =
        ["measure", "label", "coder_a", "coder_b", "label_a", "label_b", "value", "n"].map(String::from).to_vec();
    let num = |v: Option<f64>| match v {
        Some(v) if v.is_finite() => format!("{v:.6}"),
        _ => String::new(),
    };
    let figure = |measure: &str, v: Option<f64>, n: usize| {
        vec![
            measure.into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            num(v),
            n.to_string(),
        ]
    };
    let mut rows = vec![
        figure("percent_agreement", Some(a.percent_agreement), a.units_pairable),
        figure("cohen_kappa", a.cohen_kappa, a.units_pairable),
        figure("fleiss_kappa", a.fleiss_kappa, a.fleiss_units),
        figure("krippendorff_alpha_nominal", a.alpha, a.values),
        figure("alpha_ci95_low", a.alpha_interval.map(|i| i.low), a.values),
        figure("alpha_ci95_high", a.alpha_interval.map(|i| i.high), a.values),
    ];
    for l in &a.per_label {
        let mut row = figure("label_agreement", Some(l.agreement), 0);
        row[1] = l.label.clone();
        row[7] = format!("{}", l.values);
        rows.push(row);
    }
    for (i, ca) in r.coders.iter().enumerate() {
        for (j, cb) in r.coders.iter().enumerate().skip(i + 1) {
            for (li, la) in r.labels.iter().enumerate() {
                for (lj, lb) in r.labels.iter().enumerate() {
                    let n = a.confusion[i][j][li][lj];
                    rows.push(vec![
                        "confusion".into(),
                        String::new(),
                        ca.clone(),
                        cb.clone(),
                        la.clone(),
                        lb.clone(),
                        n.to_string(),
                        n.to_string(),
                    ]);
                }
            }
        }
    }
    for id in &a.units_left_out {
        let mut row = figure("left_out", None, 0);
        row[1] = id.clone();
        rows.push(row);
    }
    (header, rows)
}
