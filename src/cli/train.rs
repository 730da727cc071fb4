//! `framing train`: cross-validate, then fit a sentence classifier on all rows and save it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use super::{load_lexicon, Outcome};
use crate::features::FeatureConfig;
use crate::hash::sha256_hex;
use crate::model::data::read_labeled;
use crate::model::file::{now_utc, Algorithm, ClassWeight, Hyper};
use crate::model::metrics::{folds_csv, Report};
use crate::model::train::{annotate, cross_validate, fit, lexicon_sha256, parse_targets, TrainConfig};
use crate::model::{check_target, Existing, Model};
use crate::output::guard::CROSS_VALIDATION;
use crate::output::ReportDir;
use crate::Lang;

/// Arguments of `framing train`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing train --data labeled.csv --model models/de-mine.json\n  \
    framing train --data ../shared/data/labeled/gerntsa/train.csv --model models/de-sentiment-gerntsa.json --force\n  \
    framing train --data popbert/train.csv --model pop.json --multi-label --folds 0\n  \
    framing train --data babe/train.csv --model /tmp/babe.json --lang en --algo nb\n  \
    framing train --data gerntsa/train.csv --model /tmp/g.json --algo linfa-logreg --max-features 3000\n\n\
    Writes the model and, beside it, NAME.eval/ with metrics.csv, confusion.csv (pooled \
    cross-validation predictions) and folds.csv. An existing model file or non-empty NAME.eval/ \
    is refused before training starts unless --force, which replaces them.")]
pub struct TrainArgs {
    /// Labeled CSV (header row; UTF-8).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model (JSON).
    #[arg(long)]
    pub model: PathBuf,
    /// Column holding the sentence.
    #[arg(long, default_value = "text")]
    pub text_col: String,
    /// Column holding the label.
    #[arg(long, default_value = "label")]
    pub label_col: String,
    /// Fitting algorithm. `logreg` (default) is the best and fastest; `nb` fits in one pass;
    /// `linfa-logreg` / `linfa-nb` fit the same models with the linfa crates on a dense matrix
    /// (5,000 most frequent features unless --max-features; slower, for checking or comparing).
    #[arg(long, value_enum, default_value_t = Algorithm::Logreg)]
    pub algo: Algorithm,
    /// Cross-validation folds before the final fit (0 skips; otherwise at least 2).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed of the fold shuffling.
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Lexicon files for the frame features (default: the bundled lexicon of --lang).
    #[arg(long, num_args = 1..)]
    pub lexicon: Vec<PathBuf>,
    /// Language of the text (stemming, bundled lexicon, negators).
    #[arg(long, value_enum, default_value_t = Lang::De)]
    pub lang: Lang,
    /// Class weighting (balanced keeps minority labels from being ignored).
    #[arg(long, value_enum, default_value_t = ClassWeight::Balanced)]
    pub class_weight: ClassWeight,
    /// Labels like `a|b` are sets: one-vs-rest per label.
    #[arg(long, conflicts_with = "powerset")]
    pub multi_label: bool,
    /// Labels like `a|b` are classes of their own.
    #[arg(long)]
    pub powerset: bool,
    /// Inverse regularisation strength of logistic regression.
    #[arg(long, default_value_t = 1.0)]
    pub c: f64,
    /// Smoothing of naive Bayes.
    #[arg(long, default_value_t = 0.1)]
    pub alpha: f64,
    /// Weight of naive Bayes in `--algo logreg-nb`.
    #[arg(long, default_value_t = 0.5)]
    pub nb_weight: f64,
    /// Features seen in fewer rows are dropped.
    #[arg(long, default_value_t = 2)]
    pub min_df: usize,
    /// Keep at most this many features, most frequent first (0: all; for linfa-* 5,000, or fewer to keep the dense matrix within 512 MB).
    #[arg(long, default_value_t = 0)]
    pub max_features: usize,
    /// Snowball-stem words.
    #[arg(long)]
    pub stem: bool,
    /// Words this close to a `<t>…</t>` target also count as target context (0: off; at most 50).
    #[arg(long, default_value_t = 3)]
    pub target_window: usize,
    /// Add character n-grams of words, e.g. `3-5`, lengths 1 to 10 (slower scoring; off by default).
    #[arg(long, value_parser = parse_range)]
    pub char_ngrams: Option<[usize; 2]>,
    /// L-BFGS iterations at most (at least 1).
    #[arg(long, default_value_t = 300)]
    pub max_iter: usize,
    /// Replace an existing model file and its NAME.eval/ folder.
    #[arg(long)]
    pub force: bool,
}

/// `MIN-MAX` (or one number) as an inclusive range of n-gram lengths.
fn parse_range(s: &str) -> Result<[usize; 2], String> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: usize = a.trim().parse().map_err(|_| format!("`{s}` is not MIN-MAX, e.g. 3-5"))?;
    let b: usize = b.trim().parse().map_err(|_| format!("`{s}` is not MIN-MAX, e.g. 3-5"))?;
    if a == 0 || b < a {
        return Err(format!("`{s}`: need 1 <= MIN <= MAX"));
    }
    Ok([a, b])
}

/// `NAME.eval/` beside the model file.
pub fn eval_dir(model: &Path) -> PathBuf {
    let stem = model.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    model.with_file_name(format!("{stem}.eval"))
}

/// Writes metrics.csv and confusion.csv of a report into `dir` (committed by the caller).
pub fn write_report(dir: &ReportDir, report: &Report) -> anyhow::Result<()> {
    for (name, content) in [("metrics.csv", report.metrics_csv()), ("confusion.csv", report.confusion_csv())] {
        let p = dir.path(name);
        std::fs::write(&p, content).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

/// Runs `framing train`.
pub fn run(args: TrainArgs) -> anyhow::Result<Outcome> {
    let config = TrainConfig {
        algorithm: args.algo,
        hyper: Hyper {
            c: args.c,
            alpha: args.alpha,
            max_iter: args.max_iter,
            class_weight: args.class_weight,
            seed: args.seed,
            min_df: args.min_df,
            max_features: args.max_features,
            nb_weight: args.nb_weight,
        },
        features: FeatureConfig {
            stem: args.stem.then_some(args.lang),
            target_window: args.target_window,
            char_ngrams: args.char_ngrams.unwrap_or([0, 0]),
            ..FeatureConfig::default()
        },
        multi_label: args.multi_label,
        lang: args.lang,
    };
    // Before reading anything: a bad setting or an existing model is an error now, not
    // after minutes of fitting.
    config.check(args.folds)?;
    let existing = Existing::from_force(args.force);
    check_target(&args.model, existing)?;
    let eval = (args.folds > 0).then(|| eval_dir(&args.model));
    if let Some(dir) = eval.as_ref().filter(|d| d.exists()) {
        // Checked now, created again after the fit (which checks again): an interrupted or
        // failed run leaves nothing behind.
        drop(ReportDir::create_as(dir, args.force, &[], &CROSS_VALIDATION)?);
    }
    let rows = read_labeled(&args.data, &args.text_col, &args.label_col)?;
    let (labels, targets) = parse_targets(&args.data, &rows, args.multi_label, args.powerset)?;
    let data_bytes = std::fs::read(&args.data).with_context(|| format!("cannot read {}", args.data.display()))?;
    let lexicon = load_lexicon(&args.lexicon, args.lang)?;
    let texts: Vec<String> = rows.iter().map(|r| r.text.clone()).collect();
    let examples = annotate(&lexicon, args.lang, &texts);
    let frames = lexicon.frames();
    let cv = if args.folds == 0 {
        None
    } else {
        let started = Instant::now();
        let (figures, pooled) = cross_validate(&config, &labels, &frames, &examples, &targets, args.folds)?;
        eprintln!("{}-fold cross-validation in {:.2} s", args.folds, started.elapsed().as_secs_f64());
        Some((figures, pooled))
    };
    let started = Instant::now();
    let mut file = fit(&config, &labels, &frames, &examples, &targets)?;
    let fit_secs = started.elapsed().as_secs_f64();
    file.lexicon_sha256 = lexicon_sha256(&lexicon);
    file.training_data_sha256 = sha256_hex(&data_bytes);
    file.created_utc = now_utc();
    file.cv = cv.as_ref().map(|(f, _)| f.clone());
    let sha = Model::save(&file, &args.model, existing)?;
    println!(
        "model: {} ({} rows, {} labels, {} features, fit {:.2} s, sha256 {})",
        args.model.display(),
        rows.len(),
        labels.len(),
        file.terms.len(),
        fit_secs,
        &sha[..12]
    );
    if let (Some((figures, pooled)), Some(dir)) = (cv, eval) {
        println!("cross-validation ({} folds, pooled held-out predictions):", args.folds);
        print!("{}", pooled.table());
        println!("mean over folds: macro-F1 {:.3}, accuracy {:.3}", figures.macro_f1, figures.accuracy);
        let dir = ReportDir::create_as(&dir, args.force, &[], &CROSS_VALIDATION)?;
        write_report(&dir, &pooled)?;
        let p = dir.path("folds.csv");
        std::fs::write(&p, folds_csv(&figures)).with_context(|| format!("cannot write {}", p.display()))?;
        println!("evaluation written to {}", dir.commit()?.display());
    }
    Ok(Outcome::Clean)
}
