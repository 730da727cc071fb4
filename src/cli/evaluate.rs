//! `framing evaluate`: metrics of a model on held-out labeled sentences.

use std::path::PathBuf;

use super::train::{eval_dir, write_report};
use super::{load_lexicon, Outcome};
use crate::model::data::read_labeled;
use crate::model::train::{annotate, lexicon_sha256, predict, report, targets_for_model};
use crate::model::Model;
use crate::output::guard::EVALUATION;
use crate::output::ReportDir;

/// Arguments of `framing evaluate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing evaluate --model models/de-sentiment-gerntsa.json --data ../shared/data/labeled/gerntsa/test.csv\n  \
    framing evaluate --model mine.json --data test.csv --out results/\n  \
    framing evaluate --model mine.json --data test.csv --force\n\n\
    Writes metrics.csv and confusion.csv to --out (default NAME.eval/<data stem>/ beside the model). \
    An existing non-empty output folder is refused unless --force, which replaces it.")]
pub struct EvaluateArgs {
    /// The model.
    #[arg(long)]
    pub model: PathBuf,
    /// Labeled CSV with the model's labels.
    #[arg(long)]
    pub data: PathBuf,
    /// Column holding the sentence.
    #[arg(long, default_value = "text")]
    pub text_col: String,
    /// Column holding the label.
    #[arg(long, default_value = "label")]
    pub label_col: String,
    /// Lexicon files (default: the bundled lexicon of the model's language).
    #[arg(long, num_args = 1..)]
    pub lexicon: Vec<PathBuf>,
    /// Output directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing non-empty output directory.
    #[arg(long)]
    pub force: bool,
}

/// Loads a model and its lexicon, warning on stderr when the lexicon differs from training.
pub fn load_model_and_lexicon(
    model_path: &std::path::Path,
    lexicon: &[PathBuf],
) -> anyhow::Result<(Model, crate::lexicon::Lexicon)> {
    let model = Model::load(model_path)?;
    let lexicon = load_lexicon(lexicon, model.lang())?;
    let sha = lexicon_sha256(&lexicon);
    if !model.file().lexicon_sha256.is_empty() && sha != model.file().lexicon_sha256 {
        eprintln!(
            "framing: warning: {}: the lexicon differs from the one the model was trained with \
             (sha256 {} vs {}); frame features may be off",
            model_path.display(),
            &sha[..12],
            &model.file().lexicon_sha256[..model.file().lexicon_sha256.len().min(12)]
        );
    }
    Ok((model, lexicon))
}

/// Runs `framing evaluate`.
pub fn run(args: EvaluateArgs) -> anyhow::Result<Outcome> {
    let dir = args.out.clone().unwrap_or_else(|| {
        let stem = args.data.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "data".into());
        eval_dir(&args.model).join(stem)
    });
    let (model, lexicon) = load_model_and_lexicon(&args.model, &args.lexicon)?;
    let rows = read_labeled(&args.data, &args.text_col, &args.label_col)?;
    let gold = targets_for_model(&args.data, &rows, model.labels(), model.is_multi_label())?;
    // Before scoring: an existing evaluation is refused without --force, and replaced whole
    // with it (the folder appears complete or not at all).
    let inputs = [args.data.clone(), args.model.clone()];
    let out = ReportDir::create_as(&dir, args.force, &inputs, &EVALUATION)?;
    let texts: Vec<String> = rows.iter().map(|r| r.text.clone()).collect();
    let examples = annotate(&lexicon, model.lang(), &texts);
    let predicted = predict(&model, &examples);
    let rep = report(model.labels(), &gold, &predicted);
    write_report(&out, &rep)?;
    let dir = out.commit()?;
    println!("{} on {} ({} rows):", model.version(), args.data.display(), rows.len());
    print!("{}", rep.table());
    println!("evaluation written to {}", dir.display());
    Ok(Outcome::Clean)
}
