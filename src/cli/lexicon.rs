//! `framing lexicon check FILE…` and `framing lexicon test FILE "text"`.

use std::path::PathBuf;

use super::{load_lexicon, Outcome};
use crate::corpus::CharOffsets;
use crate::features::LexiconHit;
use crate::lexicon::voice::{Context, Quotations};
use crate::lexicon::{check_file, Hit, Lexicon, Matcher};
use crate::Lang;

const CHECK_EXAMPLES: &str = "\
Examples:
  framing lexicon check lexicons/de/conflict.csv
  framing lexicon check base.csv extra.csv

Prints every problem as `file:line:column: message` and exits 2 if there is any;
otherwise prints `FILE: N entries (M exclusions), K frames: ok` per file.";

const TEST_EXAMPLES: &str = "\
Examples:
  framing lexicon test lexicons/de/conflict.csv 'Die Besatzer zogen ab.'
  framing lexicon test --lang en lexicons/en/conflict.csv \"It was not an occupation.\"

Prints one line per match: char offsets start-end, surface, pattern, frame, voice,
negated, file:line (tab-separated).";

/// Subcommands of `framing lexicon`.
#[derive(Debug, clap::Subcommand)]
pub enum LexiconCommand {
    /// List every problem in lexicon files as `file:line:column: message`; exit 2 on any.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// Lexicon CSV files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show which entries of a lexicon match where in a text.
    #[command(after_help = TEST_EXAMPLES)]
    Test {
        /// Lexicon CSV file.
        file: PathBuf,
        /// The text to search.
        text: String,
        /// Language of the text (selects the negators).
        #[arg(long, value_enum, default_value_t = Lang::De)]
        lang: Lang,
    },
}

/// Runs `framing lexicon …`.
pub fn run(cmd: LexiconCommand) -> anyhow::Result<Outcome> {
    match cmd {
        LexiconCommand::Check { files } => check(&files),
        LexiconCommand::Test { file, text, lang } => test(file, &text, lang),
    }
}

fn check(files: &[PathBuf]) -> anyhow::Result<Outcome> {
    let mut problems = 0;
    let mut bad_files = 0;
    for file in files {
        let found = check_file(file)?;
        if !found.is_empty() {
            bad_files += 1;
            problems += found.len();
        }
        for p in &found {
            println!("{p}");
        }
    }
    if problems > 0 {
        anyhow::bail!("{problems} problem(s) in {bad_files} lexicon file(s)");
    }
    for file in files {
        let lexicon = Lexicon::load(std::slice::from_ref(file))?;
        println!(
            "{}: {} entries ({} exclusions), {} frames: ok",
            file.display(),
            lexicon.entries.len(),
            lexicon.exclusion_count(),
            lexicon.frames().len()
        );
    }
    Ok(Outcome::Clean)
}

fn test(file: PathBuf, text: &str, lang: Lang) -> anyhow::Result<Outcome> {
    let lexicon = load_lexicon(&[file], lang)?;
    let matcher = Matcher::new(&lexicon);
    let mut hits: Vec<Hit> = Vec::new();
    matcher.find_into(text, &mut hits);
    if hits.is_empty() {
        println!("no matches");
        return Ok(Outcome::Clean);
    }
    let quotations = Quotations::find(text);
    let mut chars = CharOffsets::new(text);
    for hit in hits {
        let entry = &lexicon.entries[hit.entry];
        // The voice and negation that analyze and the model see, the text taken as one sentence.
        let seen = LexiconHit::of_match(&lexicon, &Context::whole(text, &quotations, lang), &hit);
        let start = chars.char_at(hit.span.start);
        let end = chars.char_at(hit.span.end);
        println!(
            "{start}-{end}\t{}\t{}\t{}\t{}\t{}\t{}",
            &text[hit.span.clone()],
            entry.pattern,
            seen.frame,
            seen.voice.as_str(),
            seen.negated,
            entry.provenance()
        );
    }
    Ok(Outcome::Clean)
}
