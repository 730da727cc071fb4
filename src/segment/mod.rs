//! Sentence segmentation with German-first rules.
//!
//! CONTRACT (used by pipeline, cli and model; keep these signatures):
//! - [`Segmenter::new`] builds a segmenter for a language (rules and abbreviation lists are
//!   data files compiled in).
//! - [`Segmenter::split_into`] appends the byte spans of the sentences of `text`, in order,
//!   each trimmed of surrounding whitespace, never overlapping, none longer than
//!   [`MAX_SENTENCE_BYTES`]; whitespace between sentences is the only text not covered.
//!
//! How it works: one forward pass over the bytes. Only `.`, `!`, `?`, `…`, line breaks and
//! the opening brackets and quotation marks (noted on the way, so no rule searches back for
//! them) are looked at; everything else is skipped. A blank line (or a markdown `# Heading`
//! line) always ends a sentence. Terminal punctuation is a candidate only when, after any
//! closing quotes or brackets, whitespace follows; the `rules` module then decides from the
//! token before and the word after (abbreviations, initials, German ordinals, ellipses,
//! lower-case continuations). Word lists live in `data/*.txt`.

mod enclosures;
mod lines;
mod lists;
mod rules;
mod wordlists;

use std::ops::Range;

use crate::Lang;
use enclosures::{
    brackets_hold_two_clauses, inside_double_quotes, inside_short_parens, inside_single_quotes, standalone_remark_end,
    Marks,
};
use lines::LineBreaks;
use lists::next_inline_item;
use rules::{ends_sentence, glued_sentence_end, is_closer, next_word, period_before_opening_omission, Punct};
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
        let mut sent = Open::at(self, text, 0);
        let mut marks = Marks::new(self.lang);
        let mut breaks = LineBreaks::default();
        let mut line_start = 0;
        let mut i = 0;
        while i < len {
            // Jump to the next byte that can matter; the rest of the text is never looked at.
            i = next_interesting(bytes, i);
            while i >= sent.cut {
                // "1.) The first item 2.) The second item": the next list item starts here;
                // "(Phil. 4:8) Yes, it is!": the remark that opened the sentence ends here.
                let (at, item) = (sent.cut, sent.cut_opens_item);
                push_trimmed(text, sent.start, at, out);
                sent = Open::at(self, text, at);
                sent.item = item;
            }
            if i >= len {
                break;
            }
            match bytes[i] {
                b'\n' => {
                    let after = skip_inline_space(text, i + 1);
                    if after >= len || bytes[after] == b'\n' {
                        // A blank line ends the paragraph and with it the sentence.
                        push_trimmed(text, sent.start, i, out);
                        sent = Open::at(self, text, after);
                        breaks.new_paragraph();
                        line_start = after;
                        i = after;
                        continue;
                    }
                    let in_item = sent.item && sent.start >= line_start;
                    if breaks.ends_sentence(self.lang, &text[line_start..i], &text[after..], in_item) {
                        push_trimmed(text, sent.start, i, out);
                        sent = Open::at(self, text, i + 1);
                    }
                    line_start = i + 1;
                    i += 1;
                }
                b'.' | b'!' | b'?' => i = self.at_punct(text, i, &mut sent, &mut marks, out),
                0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA6) => {
                    i = self.at_punct(text, i, &mut sent, &mut marks, out)
                }
                0xEF if is_fullwidth_terminal(bytes, i) => i = self.at_punct(text, i, &mut sent, &mut marks, out),
                b'"' | 0xE2 if closes_after_dash(text, i) => {
                    let resume = self.after_broken_off_quote(text, i, &mut sent, out);
                    marks.pass(bytes, i, resume);
                    i = resume;
                }
                _ => {
                    marks.note(bytes, i);
                    i += 1;
                }
            }
        }
        push_trimmed(text, sent.start, len, out);
    }

    /// Convenience wrapper around [`Segmenter::split_into`].
    pub fn split(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }

    /// Handles the punctuation run starting at `at`; ends the current sentence there when the
    /// rules say so. Returns where scanning resumes, having noted the marks it jumps over.
    fn at_punct(
        &self,
        text: &str,
        at: usize,
        sent: &mut Open,
        marks: &mut Marks,
        out: &mut Vec<Range<usize>>,
    ) -> usize {
        let resume = self.decide_punct(text, at, sent, marks, out);
        marks.pass(text.as_bytes(), at, resume);
        resume
    }

    /// The decision of [`Segmenter::at_punct`].
    fn decide_punct(
        &self,
        text: &str,
        at: usize,
        sent: &mut Open,
        marks: &mut Marks,
        out: &mut Vec<Range<usize>>,
    ) -> usize {
        let bytes = text.as_bytes();
        let (punct_end, punct) = punct_run(bytes, at);
        let boundary = skip_footnotes(text, skip_closers(text, punct_end), at);
        let Some(c) = text[boundary..].chars().next() else {
            return boundary;
        };
        if !c.is_whitespace() {
            // "3.5", "12.30", "www.taz.de", "z.B.": no space, no boundary, unless a plain
            // word is glued to a plain capitalised word ("world.Today"), or the mark is a
            // full-width one, which needs no space ("period．Does").
            let glued_end = if punct.fullwidth {
                !c.is_numeric()
            } else {
                boundary == at + 1 && bytes[at] == b'.' && glued_sentence_end(text, sent.start, at)
            };
            if glued_end {
                push_trimmed(text, sent.start, boundary, out);
                *sent = Open::at(self, text, boundary);
            }
            return boundary;
        }
        if (inside_short_parens(text, sent.start, at, punct_end, boundary, marks)
            && !brackets_hold_two_clauses(text, sent.start, at, boundary))
            || inside_double_quotes(text, sent.start, at, punct_end, boundary, marks)
        {
            return boundary;
        }
        // Single quotes are asked about only where the sentence would end: apostrophes make
        // them costlier to count than double quotes.
        let closed_at = boundary;
        let (mut next_at, mut newlines) = skip_space(text, boundary);
        let mut boundary = boundary;
        if newlines == 0 && text[next_at..].starts_with(is_emoji) {
            // "Großartig! 👍 Weiter so!": emoji after the punctuation belong to the sentence.
            boundary = skip_emoji(text, next_at);
            (next_at, newlines) = skip_space(text, boundary);
        }
        if next_at >= text.len() || newlines >= 2 {
            // End of text or a blank line: the sentence ends there anyway.
            return boundary;
        }
        let next = next_word(text, next_at);
        // "compounds. . . . The practice": the period ends the sentence, the omission marks
        // open the next one.
        let omission_opens_next = period_before_opening_omission(text, punct, &next);
        if !(omission_opens_next || ends_sentence(text, sent.start, punct, &next, self.lists, self.lang))
            || inside_single_quotes(text, self.lang, sent.start, at, punct_end, closed_at, marks)
        {
            return boundary;
        }
        let end = if omission_opens_next { at + 1 } else { boundary };
        push_trimmed(text, sent.start, end, out);
        *sent = Open::at(self, text, end);
        boundary
    }

    /// Speech that breaks off with a dash and a closing quote ends the sentence before a
    /// capitalised word: `"If you would only listen--" The door slammed.` (but `"Wait--" he
    /// said` goes on). Returns where scanning resumes.
    fn after_broken_off_quote(&self, text: &str, at: usize, sent: &mut Open, out: &mut Vec<Range<usize>>) -> usize {
        let boundary = skip_closers(text, at);
        let (next_at, newlines) = skip_space(text, boundary);
        if next_at == boundary || next_at >= text.len() || newlines >= 2 {
            return boundary;
        }
        let next = next_word(text, next_at);
        // German capitalises nouns: there only a typical sentence opener follows a new sentence.
        if next.first.is_uppercase() && (self.lang == Lang::En || self.lists.is_starter(next.word)) {
            push_trimmed(text, sent.start, boundary, out);
            *sent = Open::at(self, text, boundary);
        }
        boundary
    }
}

/// Whether the quotation mark at `at` closes speech that breaks off with a dash ("sir--\"",
/// "to—”"): the dash stands where the terminal punctuation would.
fn closes_after_dash(text: &str, at: usize) -> bool {
    let before = &text[..at];
    (before.ends_with("--") || before.ends_with('—')) && text[at..].starts_with(['"', '”', '“'])
}

/// The bytes the scanner stops at, as classes `(base, n)`: every byte `b` with `b ^ base <
/// n`. Line breaks, `.`, `?` and `(` are classes of one byte; `!`, `"` and `#` (rare, and
/// ignored) are one class; 0xE0–0xEF, the lead bytes of three-byte UTF-8 characters, another:
/// those of `…` and the curly quotation marks (0xE2) and of the full-width marks `．！？`
/// (0xEF) matter, the others are rare in German and English text. `(` and `"` are noted in
/// [`Marks`].
const STOPS: [(u8, u8); 6] = [(b'\n', 1), (b'.', 1), (b'?', 1), (b'(', 1), (b'#', 3), (0xE0, 16)];

/// Whether the scanner stops at byte `b`.
fn is_interesting(b: u8) -> bool {
    STOPS.iter().any(|&(base, n)| b ^ base < n)
}

/// Whether the full-width period, exclamation or question mark (`．！？`, used in East Asian
/// text and copied into English) starts at `at`.
fn is_fullwidth_terminal(bytes: &[u8], at: usize) -> bool {
    matches!(bytes.get(at..at + 3), Some([0xEF, 0xBC, 0x8E | 0x81 | 0x9F]))
}

/// The first offset from `from` holding an interesting byte ([`is_interesting`];
/// `bytes.len()` when none). Tests eight bytes at a time in a `u64` (SWAR): a byte of a class
/// `(base, n)` of [`STOPS`] is a byte below `n` in `x = word ^ base`, which the classic test
/// `(x - n) & !x & 0x80` marks exactly for the lowest such byte (its borrow can only mark
/// bytes above it; `n` is at most 0x80), so the lowest bit set in the union over all classes
/// is the first hit. About 1.6 times the speed of a table lookup per byte.
fn next_interesting(bytes: &[u8], from: usize) -> usize {
    const LOW: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let mut hits = 0;
        for &(base, n) in &STOPS {
            let x = word ^ (LOW * u64::from(base));
            hits |= x.wrapping_sub(LOW * u64::from(n)) & !x & HIGH;
        }
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + bytes[i..].iter().position(|&b| is_interesting(b)).unwrap_or(bytes.len() - i)
}

/// The sentence being read: where it started; where it is cut without punctuation
/// (`usize::MAX` when nowhere): before an inline list item that continues its opening
/// enumerator, or after a bracketed remark that opens it; whether that cut opens a list item;
/// and whether it is itself an inline list item that began after the one before it.
struct Open {
    start: usize,
    cut: usize,
    cut_opens_item: bool,
    item: bool,
}

impl Open {
    fn at(seg: &Segmenter, text: &str, start: usize) -> Open {
        let begin = first_non_space(text, start);
        let (cut, cut_opens_item) = match next_inline_item(text, begin, seg.lists, seg.lang) {
            Some(at) => (at, true),
            None if text.as_bytes().get(begin) == Some(&b'(') => {
                (standalone_remark_end(text, begin).unwrap_or(usize::MAX), false)
            }
            None => (usize::MAX, false),
        };
        Open { start, cut, cut_opens_item, item: false }
    }
}

/// The first offset from `at` that is not whitespace (`text.len()` when none). A sentence
/// mostly starts after ASCII spaces: they are skipped as bytes before the full check.
fn first_non_space(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let spaces = rest.bytes().take_while(|&b| matches!(b, b' ' | b'\n')).count();
    at + rest.len() - rest[spaces..].trim_start().len()
}

/// The run of terminal punctuation (`.`, `!`, `?`, `…`) starting at `at`: its end and kind.
/// Spaced ellipses (". . .", "! ! !") are one run.
fn punct_run(bytes: &[u8], at: usize) -> (usize, Punct) {
    let mut j = at;
    let mut periods = 0;
    let mut strong = false;
    let mut ellipsis = false;
    let mut spaced = false;
    let mut fullwidth = false;
    loop {
        match bytes.get(j) {
            Some(b' ')
                if j > at && matches!(bytes.get(j + 1), Some(b'.' | b'!' | b'?')) && bytes[j - 1] == bytes[j + 1] =>
            {
                ellipsis = true;
                spaced = true;
                j += 1;
            }
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
            Some(0xEF) if is_fullwidth_terminal(bytes, j) => {
                fullwidth = true;
                strong |= bytes[j + 2] != 0x8E;
                j += 3;
            }
            _ => break,
        }
    }
    let spaced_periods = if spaced && !strong && j - at == 2 * periods - 1 { periods } else { 0 };
    (j, Punct { start: at, strong, ellipsis: ellipsis || periods >= 2, spaced_periods, fullwidth })
}

/// Skips closing quotes and brackets: `betreten.“` and `(so der Sprecher.)` keep them.
fn skip_closers(text: &str, at: usize) -> usize {
    skip_while(text, at, is_closer)
}

/// The first offset from `at` whose character `keep` rejects (`text.len()` when none). ASCII
/// bytes are passed to `keep` without decoding; only multi-byte characters are decoded.
fn skip_while(text: &str, at: usize, mut keep: impl FnMut(char) -> bool) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            match text[i..].chars().next() {
                Some(c) => c,
                None => break,
            }
        };
        if !keep(c) {
            return i;
        }
        i += c.len_utf8();
    }
    text.len()
}

/// Skips footnote marks right after the sentence end: "martyr.[1]", "large.[7][8]",
/// "(type 2).10" (digits glued to a period that follows a word or bracket).
fn skip_footnotes(text: &str, at: usize, punct_start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut j = at;
    while bytes.get(j) == Some(&b'[') {
        let digits = bytes[j + 1..].iter().take(4).take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || bytes.get(j + 1 + digits) != Some(&b']') {
            break;
        }
        j += digits + 2;
    }
    if j == at && at == punct_start + 1 && bytes[punct_start] == b'.' {
        let glued_to_word = text[..punct_start].chars().next_back().is_some_and(|c| c.is_lowercase() || c == ')');
        let digits = bytes[at..].iter().take(4).take_while(|b| b.is_ascii_digit()).count();
        let then_space = bytes.get(at + digits).is_some_and(u8::is_ascii_whitespace);
        if glued_to_word && (1..=3).contains(&digits) && then_space {
            j = skip_further_footnotes(bytes, at + digits, &text[at..at + digits]);
        }
    }
    j
}

/// After a glued footnote number ("consultation.11"), skips the further citation numbers
/// that follow it, each separated by one space and larger than the one before ("gap.11 12
/// Take the"): a run of ascending small numbers is a list of notes, not a sentence opening.
fn skip_further_footnotes(bytes: &[u8], mut j: usize, first: &str) -> usize {
    let mut last: u32 = first.parse().unwrap_or(u32::MAX);
    while bytes.get(j) == Some(&b' ') {
        let digits = bytes[j + 1..].iter().take(4).take_while(|b| b.is_ascii_digit()).count();
        if !(1..=3).contains(&digits) || !bytes.get(j + 1 + digits).is_some_and(u8::is_ascii_whitespace) {
            break;
        }
        let value = bytes[j + 1..j + 1 + digits].iter().fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'));
        if value <= last {
            break;
        }
        last = value;
        j += 1 + digits;
    }
    j
}

/// Pictographs that follow a sentence end in social-media text.
fn is_emoji(c: char) -> bool {
    matches!(c, '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}')
}

/// Skips a run of emoji (with joiners and variation selectors).
fn skip_emoji(text: &str, at: usize) -> usize {
    skip_while(text, at, |c| is_emoji(c) || matches!(c, '\u{200D}' | '\u{FE0F}'))
}

/// Skips whitespace from `at`; returns the next non-space offset and the line breaks passed.
fn skip_space(text: &str, at: usize) -> (usize, usize) {
    let mut newlines = 0;
    let end = skip_while(text, at, |c| {
        newlines += usize::from(c == '\n');
        c.is_whitespace()
    });
    (end, newlines)
}

/// Skips whitespace other than `\n` from `at`.
fn skip_inline_space(text: &str, at: usize) -> usize {
    skip_while(text, at, |c| c != '\n' && c.is_whitespace())
}

/// Longest sentence (in bytes) the segmenter reports. Real sentences stay far below it (the
/// longest in the German and English goldens has 445 bytes); text without any sentence
/// punctuation (scraped tables, keyword lists, a whole file on one line) is cut into pieces of
/// at most this size, so one such document cannot turn into a single row of many megabytes.
pub const MAX_SENTENCE_BYTES: usize = 4000;

/// Pushes `start..end` trimmed of whitespace, unless nothing is left; a span longer than
/// [`MAX_SENTENCE_BYTES`] is pushed as several pieces cut at line breaks or spaces.
fn push_trimmed(text: &str, mut start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    while end - start > MAX_SENTENCE_BYTES {
        let cut = piece_end(text, start);
        push_trimmed_piece(text, start, cut, out);
        start = cut;
    }
    push_trimmed_piece(text, start, end, out);
}

/// Where a piece of an over-long sentence starting at `start` ends: after the last line
/// break in the second half of the window, else at the last space in it, else at the last
/// character boundary (a single "word" of 4,000 bytes).
fn piece_end(text: &str, start: usize) -> usize {
    let window = &text.as_bytes()[start..start + MAX_SENTENCE_BYTES];
    let half = MAX_SENTENCE_BYTES / 2;
    if let Some(i) = window[half..].iter().rposition(|&b| b == b'\n') {
        return start + half + i + 1;
    }
    if let Some(i) = window[half..].iter().rposition(|&b| b == b' ' || b == b'\t') {
        return start + half + i + 1;
    }
    crate::text::floor_char_boundary(text, start + MAX_SENTENCE_BYTES)
}

fn push_trimmed_piece(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
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
