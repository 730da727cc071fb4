//! Sentence segmentation with German-first rules.
//!
//! CONTRACT (used by pipeline, cli and model; keep these signatures):
//! - [`Segmenter::new`] builds a segmenter for a language (rules and abbreviation lists are
//!   data files compiled in).
//! - [`Segmenter::split_into`] appends the byte spans of the sentences of `text`, in order,
//!   each trimmed of surrounding whitespace, never overlapping; whitespace between sentences
//!   is the only text not covered.
//!
//! How it works: one forward pass over the bytes. Only `.`, `!`, `?`, `…` and line breaks
//! are looked at; everything else is skipped. A blank line (or a markdown `# Heading` line)
//! always ends a sentence. Terminal punctuation is a candidate only when, after any closing
//! quotes or brackets, whitespace follows; [`rules`] then decides from the token before and
//! the word after (abbreviations, initials, German ordinals, ellipses, lower-case
//! continuations). Word lists live in `data/*.txt`.

mod rules;
mod wordlists;

use std::ops::Range;

use crate::Lang;
use rules::{ends_sentence, is_closer, next_word, Punct};
use wordlists::WordLists;

/// A sentence segmenter for one language. Cheap to create and to clone; the word lists are
/// parsed once per process and shared, so it is `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Segmenter {
    lang: Lang,
    lists: &'static WordLists,
}

impl Segmenter {
    /// A segmenter with the built-in rules for `lang`.
    pub fn new(lang: Lang) -> Self {
        Segmenter { lang, lists: WordLists::for_lang(lang) }
    }

    /// The language this segmenter was built for.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Appends the byte spans of the sentences in `text` to `out` (which is not cleared).
    pub fn split_into(&self, text: &str, out: &mut Vec<Range<usize>>) {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut sent_start = 0;
        let mut line_start = 0;
        let mut i = 0;
        while i < len {
            match bytes[i] {
                b'\n' => {
                    let after = skip_inline_space(text, i + 1);
                    if after >= len || bytes[after] == b'\n' {
                        // A blank line ends the paragraph and with it the sentence.
                        push_trimmed(text, sent_start, i, out);
                        sent_start = after;
                        line_start = after;
                        i = after;
                        continue;
                    }
                    if is_heading(&text[line_start..i]) || is_heading(&text[after..]) {
                        push_trimmed(text, sent_start, i, out);
                        sent_start = i + 1;
                    }
                    line_start = i + 1;
                    i += 1;
                }
                b'.' | b'!' | b'?' => i = self.at_punct(text, i, &mut sent_start, out),
                0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA6) => {
                    i = self.at_punct(text, i, &mut sent_start, out)
                }
                _ => i += 1,
            }
        }
        push_trimmed(text, sent_start, len, out);
    }

    /// Convenience wrapper around [`Segmenter::split_into`].
    pub fn split(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }

    /// Handles the punctuation run starting at `at`; ends the current sentence there when the
    /// rules say so. Returns where scanning resumes.
    fn at_punct(&self, text: &str, at: usize, sent_start: &mut usize, out: &mut Vec<Range<usize>>) -> usize {
        let bytes = text.as_bytes();
        let (punct_end, punct) = punct_run(bytes, at);
        let boundary = skip_closers(text, punct_end);
        let Some(c) = text[boundary..].chars().next() else {
            return boundary;
        };
        if !c.is_whitespace() {
            // "3.5", "12.30", "www.taz.de", "z.B.": no space, no boundary.
            return boundary;
        }
        let (next_at, newlines) = skip_space(text, boundary);
        if next_at >= text.len() || newlines >= 2 {
            // End of text or a blank line: the sentence ends there anyway.
            return boundary;
        }
        let next = next_word(text, next_at);
        if ends_sentence(text, *sent_start, punct, &next, self.lists, self.lang) {
            push_trimmed(text, *sent_start, boundary, out);
            *sent_start = boundary;
        }
        boundary
    }
}

/// The run of terminal punctuation (`.`, `!`, `?`, `…`) starting at `at`: its end and kind.
fn punct_run(bytes: &[u8], at: usize) -> (usize, Punct) {
    let mut j = at;
    let mut periods = 0;
    let mut strong = false;
    let mut ellipsis = false;
    loop {
        match bytes.get(j) {
            Some(b'.') => {
                periods += 1;
                j += 1;
            }
            Some(b'!' | b'?') => {
                strong = true;
                j += 1;
            }
            Some(0xE2) if bytes.get(j + 1) == Some(&0x80) && bytes.get(j + 2) == Some(&0xA6) => {
                ellipsis = true;
                j += 3;
            }
            _ => break,
        }
    }
    (j, Punct { start: at, strong, ellipsis: ellipsis || periods >= 2 })
}

/// Skips closing quotes and brackets: `betreten.“` and `(so der Sprecher.)` keep them.
fn skip_closers(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    rest.char_indices().find(|&(_, c)| !is_closer(c)).map_or(text.len(), |(i, _)| at + i)
}

/// Skips whitespace from `at`; returns the next non-space offset and the line breaks passed.
fn skip_space(text: &str, at: usize) -> (usize, usize) {
    let mut newlines = 0;
    for (i, c) in text[at..].char_indices() {
        if c == '\n' {
            newlines += 1;
        } else if !c.is_whitespace() {
            return (at + i, newlines);
        }
    }
    (text.len(), newlines)
}

/// Skips whitespace other than `\n` from `at`.
fn skip_inline_space(text: &str, at: usize) -> usize {
    text[at..].char_indices().find(|&(_, c)| c == '\n' || !c.is_whitespace()).map_or(text.len(), |(i, _)| at + i)
}

/// Whether `line` is a markdown ATX heading (`# Title`, `## Title`).
fn is_heading(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\t']);
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t'])
}

/// Pushes `start..end` trimmed of whitespace, unless nothing is left.
fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let span = &text[start..end];
    let left = span.trim_start();
    let lead = span.len() - left.len();
    let trimmed = left.trim_end();
    if !trimmed.is_empty() {
        let s = start + lead;
        out.push(s..s + trimmed.len());
    }
}

#[cfg(test)]
mod tests;
