//! `framing analyze CORPUS`: the end-to-end pipeline into CSV reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{load_lexicon, Outcome};
use crate::corpus::{self, MetaTable};
use crate::lexicon::Lexicon;
use crate::model::Model;
use crate::pipeline::{self, AnalyzeConfig, Analyzer, AutoLexicons, Shard};
use crate::Lang;

/// Arguments of `framing analyze`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    framing analyze examples/corpus                      # reports in reports/corpus/\n  \
    framing analyze news/ -o out/ --lexicon my.csv --lexicon extra.csv -j 8\n  \
    framing analyze news/ --meta meta.csv --ext txt,md,text --force\n  \
    framing analyze news/ --shard 3/8 -o parts/3         # combine parts with `framing merge`\n  \
    cat docs.jsonl | framing analyze --jsonl -           # JSON lines in, one JSON per sentence out\n\n\
    Outputs: sentences.csv, matches.csv, documents.csv, terms.csv, errors.csv, run.json and\n\
    summary.html (one page to look at; --no-summary skips it).\n\
    Exit codes: 0 all documents read; 1 some skipped (listed in errors.csv); 2 fatal error.")]
pub struct AnalyzeArgs {
    /// Corpus directory (searched recursively).
    pub corpus: PathBuf,
    /// Report directory [default: reports/CORPUS_FOLDER_NAME].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Lexicon CSV file; repeat for several [default: the bundled lexicon for --lang].
    #[arg(long = "lexicon", value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,
    /// Language rules (segmentation, voice, negation, bundled lexicon and model). `auto`
    /// identifies each document's language and analyses German and English documents each
    /// with their own rules (others with the German ones); the model scores only documents
    /// in its own language.
    #[arg(long, value_enum, default_value_t = LangChoice::De)]
    pub lang: LangChoice,
    /// File extensions to read, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "txt,md")]
    pub ext: Vec<String>,
    /// CSV with per-document metadata: doc_id plus any of source, date, title, url.
    #[arg(long, value_name = "CSV")]
    pub meta: Option<PathBuf>,
    /// Threads [default: all cores]. With 1, one thread analyses and writes in turn; with
    /// more, that many analyse while another appends the finished rows to the reports.
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,
    /// Replace an earlier framing report at --out. Only a folder that holds a framing report
    /// and nothing else is replaced, never the corpus, a folder around or inside it, the
    /// home folder or `/`.
    #[arg(long)]
    pub force: bool,
    /// Largest document in MB (10^6 bytes): a larger file, or a longer --jsonl line, is
    /// skipped and listed, so one huge input cannot exhaust memory.
    #[arg(long, value_name = "MB", default_value_t = 64)]
    pub max_doc_mb: u64,
    /// Follow symbolic links that lead out of the corpus folder (by default they are not
    /// followed, and listed in errors.csv).
    #[arg(long)]
    pub follow: bool,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Sentence classifier model (JSON written by `framing train`) [default: the bundled
    /// model for --lang, if any: models/de-sentiment-gerntsa.json for German, which scores
    /// the sentiment of a sentence towards its topic (negative, neutral, positive), not its
    /// framing: train your own on coded sentences for that].
    #[arg(long, value_name = "FILE", conflicts_with = "no_model")]
    pub model: Option<PathBuf>,
    /// Do not score sentences with a model.
    #[arg(long)]
    pub no_model: bool,
    /// Add an `explain` column: why each sentence got its label (the label's bias, the
    /// function words' summed share, and the five words or features that pushed most).
    #[arg(long)]
    pub explain: bool,
    /// Analyse only shard K of N (a stable hash of doc_id decides); see `framing merge`.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, conflicts_with = "jsonl")]
    pub shard: Option<Shard>,
    /// Streaming mode: CORPUS is a file of JSON documents, one per line (`-` for stdin):
    /// {"id", "text", "date", "source", "title", "url"}; one JSON object per sentence goes
    /// to stdout.
    #[arg(long, conflicts_with_all = ["out", "meta", "force"])]
    pub jsonl: bool,
    /// Also write the report as one workbook, report.xlsx, beside the CSVs (as `framing
    /// export` does).
    #[arg(long, conflicts_with = "jsonl")]
    pub xlsx: bool,
    /// Do not write summary.html (the one-page overview by source; see `framing summarize`).
    #[arg(long)]
    pub no_summary: bool,
}

/// `--lang`: one language's rules for every document, or each document's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangChoice {
    /// German.
    De,
    /// English.
    En,
    /// Each document in the language identified in it (German or English).
    Auto,
}

impl LangChoice {
    /// The main language: the only one, or German for `auto`.
    pub fn main(self) -> Lang {
        match self {
            LangChoice::De | LangChoice::Auto => Lang::De,
            LangChoice::En => Lang::En,
        }
    }
}

/// The languages `--lang auto` has rules for, the main one first.
const AUTO_LANGS: [Lang; 2] = [Lang::De, Lang::En];

/// Runs `framing analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    if args.jsonl {
        return run_jsonl(&args);
    }
    let cfg = configure(&args)?;
    let quiet = args.quiet;
    let bar = progress_bar(&cfg, quiet);
    let on_progress = |bytes: u64, docs: u64| {
        if let Some(bar) = &bar {
            bar.set_position(bytes);
            bar.set_message(format!("{docs} documents"));
        }
    };
    let summary = pipeline::run(&cfg, &on_progress)?;
    if args.xlsx {
        // Written into the folder this run has just made (and --force allowed to replace).
        let mut exported = crate::review::export::export(&summary.out, crate::review::export::MAX_DATA_ROWS)?;
        let path = summary.out.join(crate::report::files::XLSX);
        exported
            .save(&path, crate::model::Existing::Replace)
            .with_context(|| format!("cannot write {}", path.display()))?;
        for cut in &exported.cuts {
            eprintln!(
                "framing: warning: report.xlsx: sheet {} cut after {} rows, {} left out (see its about sheet)",
                cut.sheet, cut.written, cut.left_out
            );
        }
    }
    for note in &summary.recovered {
        eprintln!("framing: {note}");
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !quiet {
        let c = &summary.counts;
        let mb = c.bytes as f64 / 1e6;
        let repaired =
            if c.documents_repaired > 0 { format!(", {} repaired", c.documents_repaired) } else { String::new() };
        eprintln!(
            "framing: {} documents ({} skipped{repaired}), {} sentences, {} matches, {:.1} MB in {:.2} s ({:.1} MB/s) -> {}",
            c.documents_ok,
            c.documents_skipped,
            c.sentences,
            c.matches,
            mb,
            summary.elapsed_secs,
            mb / summary.elapsed_secs.max(1e-9),
            summary.out.display()
        );
        warn_other_languages(&c.languages, args.lang);
        for s in &summary.skipped {
            let verb = if s.kind == "repaired" { "repaired" } else { "skipped" };
            eprintln!("framing: {verb} {}: {}: {}", s.path, s.kind, s.message);
        }
    }
    if let Some(e) = &summary.summary_error {
        eprintln!("framing: warning: summary.html was not written ({e}); the reports are complete");
    }
    let not_read = describe_not_read(&summary.not_read.by_extension, &cfg.extensions);
    if !quiet || summary.counts.documents_ok == 0 && summary.not_read.kept_out == 0 {
        if let Some(not_read) = &not_read {
            eprintln!("framing: {not_read}");
        }
    }
    // A shard with none of the corpus's documents is no mistake when other shards have some.
    let no_documents = summary.counts.documents_ok == 0 && summary.not_read.kept_out == 0;
    if no_documents {
        let wanted: Vec<String> = cfg.extensions.iter().map(|e| format!(".{e}")).collect();
        eprintln!(
            "framing: no documents were read: {} has no {} files{}",
            cfg.corpus.display(),
            wanted.join(" or "),
            if not_read.is_some() { " (see --ext)" } else { "" }
        );
    }
    if let Some(first) = summary.unknown_meta_ids.first() {
        eprintln!(
            "framing: warning: {} doc_id(s) in the metadata file are not in the corpus, e.g. `{first}`",
            summary.unknown_meta_ids.len()
        );
    }
    exit_without_freeing(cfg);
    Ok(if summary.skipped.is_empty() && !no_documents { Outcome::Clean } else { Outcome::Skipped })
}

/// `.docx ×3, .pdf ×2 not read (not in --ext txt,md)`, the most common first, or `None`.
fn describe_not_read(not_read: &std::collections::BTreeMap<String, u64>, extensions: &[String]) -> Option<String> {
    if not_read.is_empty() {
        return None;
    }
    let mut by_count: Vec<(String, u64)> = not_read.clone().into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    const SHOWN: usize = 8;
    let mut parts: Vec<String> = by_count.iter().take(SHOWN).map(|(ext, n)| format!("{ext} ×{n}")).collect();
    if by_count.len() > SHOWN {
        let rest: u64 = by_count[SHOWN..].iter().map(|(_, n)| n).sum();
        parts.push(format!("{rest} other file(s)"));
    }
    Some(format!("{} not read (not in --ext {})", parts.join(", "), extensions.join(",")))
}

/// Leaves `stages` (lexicon, automaton, model) for the operating system to reclaim when the
/// process exits, which it does right after the caller returns: freeing them allocation by
/// allocation took 23 M instructions for a 10,000-row lexicon. Nothing in them
/// holds a file or anything else that must be released.
fn exit_without_freeing<T>(stages: T) {
    std::mem::forget(stages);
}

/// `analyze --jsonl`: JSON documents in, JSON sentences out.
fn run_jsonl(args: &AnalyzeArgs) -> anyhow::Result<Outcome> {
    let analyzer = build_analyzer(args)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(thread_count(args.threads)?).build()?;
    // Not the locked handles: one of the pool's threads reads and writes (see `stream`).
    let output = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let max_line = usize::try_from(max_doc_bytes(args.max_doc_mb)?).unwrap_or(usize::MAX);
    let (summary, name) = if args.corpus.as_os_str() == "-" {
        let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
        (crate::jsonl::stream(&analyzer, &pool, input, output, "standard input", max_line)?, "stdin".to_string())
    } else {
        let file =
            std::fs::File::open(&args.corpus).with_context(|| format!("{}: cannot open", args.corpus.display()))?;
        let name = args.corpus.display().to_string();
        let input = std::io::BufReader::new(file);
        (crate::jsonl::stream(&analyzer, &pool, input, output, &name, max_line)?, name)
    };
    for bad in &summary.bad_lines {
        eprintln!("framing: {name}:{}: skipped: {}", bad.line, bad.message);
    }
    if !args.quiet {
        eprintln!(
            "framing: {} documents ({} lines skipped), {} sentences",
            summary.documents,
            summary.bad_lines.len(),
            summary.sentences
        );
    }
    exit_without_freeing(analyzer);
    Ok(if summary.bad_lines.is_empty() { Outcome::Clean } else { Outcome::Skipped })
}

/// Says how many documents look written in another language than the rules they got, and
/// with `--lang auto` how many got each language's rules.
fn warn_other_languages(languages: &std::collections::BTreeMap<String, u64>, choice: LangChoice) {
    let name = |code: &str| match code {
        "de" => "German".to_string(),
        "en" => "English".to_string(),
        other => format!("language {other}"),
    };
    if choice == LangChoice::Auto {
        let counts: Vec<String> = languages
            .iter()
            .map(|(code, n)| format!("{n} {}", if code.is_empty() { "undetermined".to_string() } else { name(code) }))
            .collect();
        eprintln!("framing: documents by language: {} (see the `lang` column of documents.csv)", counts.join(", "));
        return;
    }
    let main = choice.main();
    let others: Vec<(&String, &u64)> =
        languages.iter().filter(|(code, _)| !code.is_empty() && code.as_str() != main.code()).collect();
    if others.is_empty() {
        return;
    }
    let listed: Vec<String> = others.iter().map(|(code, n)| format!("{n} {}", name(code))).collect();
    eprintln!(
        "framing: warning: {} document(s) look written in another language than --lang {main} ({}): they were \
         analysed with the {} rules, lexicon and model; `--lang auto` analyses German and English documents \
         each in its own language (the `lang` column of documents.csv names each document's)",
        others.iter().map(|(_, n)| **n).sum::<u64>(),
        listed.join(", "),
        name(main.code())
    );
}

/// Loads lexicon and model: the stages every mode needs.
fn build_analyzer(args: &AnalyzeArgs) -> anyhow::Result<Analyzer> {
    let main = args.lang.main();
    let model = match (&args.model, args.no_model) {
        (Some(path), _) => Some(Model::load(path)?),
        (None, true) => None,
        (None, false) => Model::bundled(main).transpose()?,
    };
    if args.explain && model.is_none() {
        anyhow::bail!("--explain needs a model (--model FILE)");
    }
    if args.lang == LangChoice::Auto {
        let lexicons = if args.lexicons.is_empty() {
            AutoLexicons::PerLanguage(AUTO_LANGS.iter().map(|&l| Lexicon::bundled(l)).collect())
        } else {
            AutoLexicons::Shared(load_lexicon(&args.lexicons, main)?)
        };
        return Ok(Analyzer::auto(&AUTO_LANGS, lexicons, model, args.explain));
    }
    let lang = main;
    let lexicon = load_lexicon(&args.lexicons, lang)?;
    if let Some(m) = &model {
        if m.lang() != lang {
            eprintln!(
                "framing: warning: model {} was trained on --lang {} text, the corpus is --lang {}",
                m.version(),
                m.lang(),
                lang
            );
        }
        let expected = &m.file().lexicon_sha256;
        if !expected.is_empty() && *expected != crate::model::train::lexicon_sha256(&lexicon) {
            eprintln!(
                "framing: warning: model {} was trained with another lexicon; its lexicon features may not mean the same",
                m.version()
            );
        }
    }
    Ok(Analyzer::new(lang, lexicon, model, args.explain))
}

/// Threads to use: all cores by default; more than [`THREADS_PER_CORE`] per core only adds
/// start-up time (100,000 threads took minutes to create), so a larger `-j` is capped.
pub fn thread_count(requested: Option<usize>) -> anyhow::Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(match requested {
        Some(0) => anyhow::bail!("-j/--threads must be at least 1"),
        Some(n) if n > THREADS_PER_CORE * cores => {
            let cap = THREADS_PER_CORE * cores;
            eprintln!("framing: warning: -j {n} is more than {THREADS_PER_CORE} threads per core; using {cap}");
            cap
        }
        Some(n) => n,
        None => cores,
    })
}

/// The most threads per core `-j` gets: past the cores, more threads only wait.
pub const THREADS_PER_CORE: usize = 4;

/// `--max-doc-mb` in bytes.
fn max_doc_bytes(mb: u64) -> anyhow::Result<u64> {
    if mb == 0 {
        anyhow::bail!("--max-doc-mb must be at least 1");
    }
    Ok(mb.saturating_mul(1_000_000))
}

/// Validates the arguments into a config: lexicon, model and metadata are loaded and the
/// output path decided before any document is read, so setup errors are fatal and early.
pub fn configure(args: &AnalyzeArgs) -> anyhow::Result<AnalyzeConfig> {
    let threads = thread_count(args.threads)?;
    let ext: Vec<String> = args.ext.iter().map(|e| e.trim().trim_start_matches('.').to_string()).collect();
    // The corpus is walked as the run goes; only its root is checked here, so setup errors
    // come before any report is started.
    corpus::check_root(&args.corpus)?;
    let analyzer = build_analyzer(args)?;
    let meta = args.meta.as_deref().map(MetaTable::load).transpose()?;
    let out = match &args.out {
        Some(out) => out.clone(),
        None => default_out(&args.corpus)?,
    };
    Ok(AnalyzeConfig {
        corpus: args.corpus.clone(),
        extensions: ext,
        meta,
        analyzer,
        out,
        force: args.force,
        threads,
        max_doc_bytes: max_doc_bytes(args.max_doc_mb)?,
        follow: args.follow,
        shard: args.shard,
        command_line: std::env::args().collect(),
        summary: !args.no_summary,
    })
}

/// `reports/<corpus folder name>`.
fn default_out(corpus: &Path) -> anyhow::Result<PathBuf> {
    let canonical = corpus.canonicalize().with_context(|| format!("{}: cannot resolve path", corpus.display()))?;
    let name = canonical.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "corpus".into());
    Ok(Path::new("reports").join(name))
}

fn progress_bar(cfg: &AnalyzeConfig, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let style = |template| {
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(style("{spinner} {bytes} {bytes_per_sec} {msg} (adding up the corpus size)"));
    // The run walks the corpus as it goes and never holds a list of it; a second walk here
    // only adds up the sizes, so that the bar gets a total and an ETA once it is done.
    if let Ok(walk) = cfg.walk() {
        let sized = bar.clone();
        std::thread::spawn(move || {
            let total = walk.filter_map(Result::ok).map(|f| f.bytes).sum();
            sized.set_length(total);
            sized.set_style(style("{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"));
        });
    }
    Some(bar)
}
