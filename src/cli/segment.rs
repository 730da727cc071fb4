//! `framing segment [FILE|-] [--offsets] [--lang de|en]`: one sentence per line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::segment::Segmenter;
use crate::text::collapse_whitespace;
use crate::Lang;

/// Arguments of `framing segment`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  framing segment article.txt\n  \
                        echo 'Am 25. November kam er. Dann ging er.' | framing segment -\n  \
                        framing segment --offsets --lang en story.txt")]
pub struct SegmentArgs {
    /// Text file to split; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Print `start<TAB>end<TAB>sentence` with character offsets of the original span.
    #[arg(long)]
    pub offsets: bool,
    /// Language rules to use.
    #[arg(long, value_enum, default_value_t = Lang::De)]
    pub lang: Lang,
}

/// Runs `framing segment`.
pub fn run(args: SegmentArgs) -> anyhow::Result<Outcome> {
    let text = match args.file.as_deref() {
        None => crate::corpus::read_stdin_text()?.text,
        Some(p) if p.as_os_str() == "-" => crate::corpus::read_stdin_text()?.text,
        Some(p) => {
            let doc = crate::corpus::read_text_file(p).with_context(|| format!("cannot read {}", p.display()))?;
            doc.text
        }
    };
    let segmenter = Segmenter::new(args.lang);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut chars = crate::corpus::CharOffsets::new(&text);
    for span in segmenter.split(&text) {
        let sentence = collapse_whitespace(&text[span.clone()]);
        if args.offsets {
            let start = chars.char_at(span.start);
            let end = chars.char_at(span.end);
            writeln!(out, "{start}\t{end}\t{sentence}")?;
        } else {
            writeln!(out, "{sentence}")?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
