//! `framing lexicon check FILE…` and `framing lexicon test FILE "text"`.

use std::path::PathBuf;

use super::{load_lexicon, Outcome};
use crate::corpus::CharOffsets;
use crate::features::LexiconHit;
use crate::lexicon::voice::{Context, Quotations};
use crate::lexicon::{check_file, Entry, Hit, Lexicon, Matcher};
use crate::Lang;

const CHECK_EXAMPLES: &str = "\
Examples:
  framing lexicon check lexicons/de/conflict.csv
  framing lexicon check base.csv extra.csv

Prints every problem as `file:line:column: message` and exits 2 if there is any;
otherwise prints `FILE: N entries (M exclusions), K frames: ok` per file (with
`, C with conditions` after the exclusions when rows have `require`/`forbid`).";

const TEST_EXAMPLES: &str = "\
Examples:
  framing lexicon test lexicons/de/conflict.csv 'Die Besatzer zogen ab.'
  framing lexicon test --lang en lexicons/en/conflict.csv \"It was not an occupation.\"

Prints one line per match: char offsets start-end, surface, pattern, frame, voice,
negated, file:line (tab-separated). The text counts as one sentence. A match that a
`require`/`forbid` condition dropped is listed too, with `dropped` in place of the
voice and the reason in place of negated.";

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
        let conditional = match lexicon.conditional_count() {
            0 => String::new(),
            n => format!(", {n} with conditions"),
        };
        println!(
            "{}: {} entries ({} exclusions{conditional}), {} frames: ok",
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
    let dropped = dropped_by_conditions(&lexicon, text, &hits);
    if hits.is_empty() && dropped.is_empty() {
        println!("no matches");
        return Ok(Outcome::Clean);
    }
    // Kept and dropped matches by start, a kept one first.
    let mut lines: Vec<(&Hit, Option<&str>)> = hits.iter().map(|h| (h, None)).collect();
    lines.extend(dropped.iter().map(|(h, why)| (h, Some(why.as_str()))));
    lines.sort_by_key(|(h, why)| (h.span.start, why.is_some()));
    let quotations = Quotations::find(text);
    let mut chars = CharOffsets::new(text);
    for (hit, why) in lines {
        let entry = &lexicon.entries[hit.entry];
        let (voice, negated) = match why {
            Some(why) => ("dropped".to_owned(), why.to_owned()),
            None => {
                // The voice and negation that analyze and the model see, the text taken as one sentence.
                let seen = LexiconHit::of_match(&lexicon, &Context::whole(text, &quotations, lang), hit);
                (seen.voice.as_str().to_owned(), seen.negated.to_string())
            }
        };
        let start = chars.char_at(hit.span.start);
        let end = chars.char_at(hit.span.end);
        println!(
            "{start}-{end}\t{}\t{}\t{}\t{voice}\t{negated}\t{}",
            &text[hit.span.clone()],
            entry.pattern,
            entry.frame,
            entry.provenance()
        );
    }
    Ok(Outcome::Clean)
}

/// The matches in `text` that a row's `require`/`forbid` conditions dropped: those the
/// lexicon finds with every condition ignored, that are not among `kept`, and whose own
/// conditions fail in `text`; each with the reason.
fn dropped_by_conditions(lexicon: &Lexicon, text: &str, kept: &[Hit]) -> Vec<(Hit, String)> {
    if lexicon.conditional_count() == 0 {
        return Vec::new();
    }
    let mut unconditioned = lexicon.clone();
    for file in &mut unconditioned.files {
        file.conditions.clear();
    }
    let mut all: Vec<Hit> = Vec::new();
    Matcher::new(&unconditioned).find_into(text, &mut all);
    let mut chars = CharOffsets::new(text);
    let mut dropped = Vec::new();
    for hit in all.into_iter().filter(|h| !kept.contains(h)) {
        let Some(conditions) = lexicon.conditions(hit.entry) else { continue };
        let forbidden = conditions.forbid.iter().find_map(|p| first_match(p, text).map(|m| (p, m)));
        let why = match forbidden {
            Some((pattern, at)) => {
                let (start, end) = (chars.char_at(at.start), chars.char_at(at.end));
                format!("forbid `{pattern}` matched „{}“ at {start}-{end}", &text[at])
            }
            None if !conditions.require.is_empty()
                && !conditions.require.iter().any(|p| first_match(p, text).is_some()) =>
            {
                format!("no `require` pattern in the sentence ({})", conditions.require.join("; "))
            }
            None => continue,
        };
        dropped.push((hit, why));
    }
    dropped
}

/// The first match of the condition pattern `pattern` in `text`.
fn first_match(pattern: &str, text: &str) -> Option<std::ops::Range<usize>> {
    let mut hits = Vec::new();
    Matcher::new(&Lexicon { entries: vec![Entry::bare_pattern(pattern, 0)], files: Vec::new() })
        .find_into(text, &mut hits);
    hits.into_iter().next().map(|h| h.span)
}
