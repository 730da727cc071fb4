//! Sentence segmentation with German-first rules.
//!
//! CONTRACT (used by pipeline, cli and model; keep these signatures):
//! - [`Segmenter::new`] builds a segmenter for a language (rules and abbreviation lists are
//!   data files compiled in).
//! - [`Segmenter::split_into`] appends the byte spans of the sentences of `text`, in order,
//!   each trimmed of surrounding whitespace, never overlapping; whitespace between sentences
//!   is the only text not covered.

use std::ops::Range;

use crate::Lang;

/// A sentence segmenter for one language.
#[derive(Debug, Clone)]
pub struct Segmenter {
    lang: Lang,
}

impl Segmenter {
    /// A segmenter with the built-in rules for `lang`.
    pub fn new(lang: Lang) -> Self {
        Segmenter { lang }
    }

    /// The language this segmenter was built for.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Appends the byte spans of the sentences in `text` to `out` (which is not cleared).
    pub fn split_into(&self, text: &str, out: &mut Vec<Range<usize>>) {
        // STUB: one sentence per blank-line paragraph until the real rules land.
        let mut start = None;
        let mut last_end = 0;
        for (i, line) in line_spans(text) {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                if let Some(s) = start.take() {
                    out.push(s..last_end);
                }
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(i + lead);
            }
            last_end = i + lead + trimmed.len();
        }
        if let Some(s) = start {
            out.push(s..last_end);
        }
    }

    /// Convenience wrapper around [`Segmenter::split_into`].
    pub fn split(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }
}

fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = offset;
        offset += line.len();
        (at, line)
    })
}
