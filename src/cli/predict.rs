//! `framing predict`: label the sentences of a text, or the rows of a CSV, with a model.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::evaluate::load_model_and_lexicon;
use super::Outcome;
use crate::lexicon::{Lexicon, Matcher};
use crate::model::data::{column, read_records};
use crate::model::train::annotate_one;
use crate::model::{check_target, write_atomic, write_error, Existing, Model};
use crate::report::CsvRow;
use crate::segment::Segmenter;
use crate::text::collapse_whitespace;

/// Features listed per row with `--explain`.
const EXPLAIN_TOP: usize = 5;

/// Arguments of `framing predict`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing predict --model models/de-sentiment-gerntsa.json article.txt\n  \
    echo 'Die Regierung hat versagt.' | framing predict --model models/de-sentiment-gerntsa.json -\n  \
    framing predict --model mine.json --data rows.csv --text-col text --out rows.scored.csv --explain\n  \
    framing predict --model mine.json --data rows.csv --out rows.scored.csv --force\n\n\
    Text input prints CSV sentence_id,text,label,confidence,p_<label>…; --data writes the rows \
    back with label,confidence,p_<label>… (and explain) appended; the label column is \
    predicted_label when the input has a label column already. An existing --out file is \
    refused unless --force, which replaces it.")]
pub struct PredictArgs {
    /// The model.
    #[arg(long)]
    pub model: PathBuf,
    /// Text file to segment and score; `-` or nothing reads standard input.
    #[arg(conflicts_with = "data")]
    pub file: Option<PathBuf>,
    /// CSV whose rows are scored as given (one sentence per row).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Column of --data holding the sentence.
    #[arg(long, default_value = "text")]
    pub text_col: String,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Add a column `explain` with the features that pushed most toward the label.
    #[arg(long)]
    pub explain: bool,
    /// Lexicon files (default: the bundled lexicon of the model's language).
    #[arg(long, num_args = 1..)]
    pub lexicon: Vec<PathBuf>,
}

/// `label,confidence,p_<label>…[,explain]` header fields.
/// The label column is `predicted_label` when the input already has a `label` column.
fn score_header(model: &Model, explain: bool, existing: &[String]) -> Vec<String> {
    let label = if existing.iter().any(|h| h == "label") { "predicted_label" } else { "label" };
    let mut h = vec![label.to_string(), "confidence".to_string()];
    h.extend(model.labels().iter().map(|l| format!("p_{l}")));
    if explain {
        h.push("explain".into());
    }
    h
}

/// The score fields of one sentence (multi-label: the label set, `none` when empty).
fn score_fields(model: &Model, lex: &(Lexicon, Matcher), sentence: &str, explain: bool) -> Vec<String> {
    let example = annotate_one(&lex.1, &lex.0, model.lang(), sentence);
    let hits = example.lexicon_hits();
    let scores = model.score(sentence, &hits);
    let label = if model.is_multi_label() {
        let set: Vec<&str> =
            model.labels().iter().zip(&scores.probs).filter(|(_, &p)| p >= 0.5).map(|(l, _)| l.as_str()).collect();
        if set.is_empty() {
            "none".to_string()
        } else {
            set.join("|")
        }
    } else {
        model.labels()[scores.best].clone()
    };
    let mut out = vec![label, format!("{:.4}", scores.probs[scores.best])];
    out.extend(scores.probs.iter().map(|p| format!("{p:.4}")));
    if explain {
        let parts: Vec<String> =
            model.explain(sentence, &hits, EXPLAIN_TOP).iter().map(|(f, c)| format!("{f}:{c:+.2}")).collect();
        out.push(parts.join(";"));
    }
    out
}

/// Runs `framing predict`.
pub fn run(args: PredictArgs) -> anyhow::Result<Outcome> {
    let existing = Existing::from_force(args.force);
    if let Some(p) = &args.out {
        // Before scoring: the output file is written only at the end.
        check_target(p, existing)?;
    }
    let (model, lexicon) = load_model_and_lexicon(&args.model, &args.lexicon)?;
    let matcher = Matcher::new(&lexicon);
    let lexicon = (lexicon, matcher);
    let mut csv = Vec::new();
    if let Some(data) = &args.data {
        let (header, records) = read_records(data)?;
        let ti = column(data, &header, &args.text_col)?;
        let mut h = header.clone();
        h.extend(score_header(&model, args.explain, &header));
        CsvRow::record(&mut csv, &h);
        for (_, mut rec) in records {
            let text = rec.get(ti).cloned().unwrap_or_default();
            rec.extend(score_fields(&model, &lexicon, &text, args.explain));
            CsvRow::record(&mut csv, &rec);
        }
    } else {
        let text = read_input(args.file.as_deref())?;
        let segmenter = Segmenter::new(model.lang());
        let mut h = vec!["sentence_id".to_string(), "text".to_string()];
        h.extend(score_header(&model, args.explain, &[]));
        CsvRow::record(&mut csv, &h);
        for (i, span) in segmenter.split(&text).into_iter().enumerate() {
            let sentence = collapse_whitespace(&text[span]).into_owned();
            let mut row = vec![(i + 1).to_string(), sentence.clone()];
            row.extend(score_fields(&model, &lexicon, &sentence, args.explain));
            CsvRow::record(&mut csv, &row);
        }
    }
    match &args.out {
        Some(p) => write_atomic(p, &csv, existing).map_err(|e| write_error(p, e))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&csv)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Clean)
}

fn read_input(file: Option<&std::path::Path>) -> anyhow::Result<String> {
    match file {
        Some(p) if p.as_os_str() != "-" => {
            let doc = crate::corpus::read_text_file(p).with_context(|| format!("cannot read {}", p.display()))?;
            Ok(doc.text)
        }
        _ => Ok(crate::corpus::read_stdin_text()?.text),
    }
}
