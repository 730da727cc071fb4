//! Line breaks inside a paragraph. Most join the lines of one sentence (hard-wrapped or PDF
//! text: "It was a cold ⏎night in the city."); these end the sentence at the break: a
//! markdown heading, list items, separator lines ("***"), a colon at the end of a line before
//! a capitalised line, a run of short lines without punctuation (keywords, answer options),
//! and an English title line.

use super::lists::is_list_marker;
use super::rules::is_opener;
use crate::Lang;

/// Longest line (bytes, trimmed) that counts as short: a keyword or two, not wrapped prose.
const SHORT_LINE: usize = 40;

/// Most words a short line holds. Even narrow newspaper columns hold three to six words a
/// line, and two such lines in a row must not read as a list.
const SHORT_LINE_WORDS: usize = 2;

/// Longest line (bytes, trimmed) read as a title; longer lines are wrapped prose.
const TITLE_LINE: usize = 80;

/// What the scanner remembers from one line break to the next.
#[derive(Debug, Default)]
pub(crate) struct LineBreaks {
    /// The line before the current one was a short line without punctuation.
    prev_short: bool,
}

impl LineBreaks {
    /// Forgets the lines before a blank line: a new paragraph begins.
    pub(crate) fn new_paragraph(&mut self) {
        self.prev_short = false;
    }

    /// Whether the single line break after `line` ends the sentence; `rest` is the text from
    /// the first non-space character of the next line; `in_item` tells that the sentence is
    /// an inline list item that began on this line ("… b. another c. one more⏎They went").
    pub(crate) fn ends_sentence(&mut self, lang: Lang, line: &str, rest: &str, in_item: bool) -> bool {
        let line = line.trim();
        let short = is_short_bare_line(line);
        let prev_short = std::mem::replace(&mut self.prev_short, short);
        if line.is_empty() {
            // The second break of a blank line, which has ended the sentence already.
            return false;
        }
        is_heading(line)
            || is_heading(rest)
            || list_item_ends(line, rest, in_item)
            || is_separator_line(line)
            || (may_open_separator(rest) && first_line(rest).is_some_and(is_separator_line))
            || colon_opens_a_block(line, rest)
            || short_lines_form_a_list(prev_short, short, rest)
            || (lang == Lang::En && title_line_ends(line, rest))
    }
}

/// The first line of `rest` (without its line break), or `None` when it is longer than any
/// line these rules look at.
fn first_line(rest: &str) -> Option<&str> {
    let window = &rest.as_bytes()[..rest.len().min(TITLE_LINE + 8)];
    match memchr::memchr(b'\n', window) {
        Some(i) => Some(&rest[..i]),
        None if rest.len() <= TITLE_LINE => Some(rest),
        None => None,
    }
}

/// The line after the first line of `rest`, if there is one in the same paragraph.
fn second_line<'a>(rest: &'a str, first: &str) -> Option<&'a str> {
    let after = rest[first.len()..].strip_prefix('\n')?;
    let after = after.trim_start_matches([' ', '\t', '\r']);
    first_line(after).filter(|l| !l.trim().is_empty())
}

/// Whether a line break between `line` and the next line (`next`, from its first non-space
/// character) ends a list item: the line is (or ends in) an item and the next one is another item or
/// starts upper-case ("a) here it is⏎b) another", "c) one more⏎They went"); or the next line
/// is an item and the line ends a sentence-like clause ("guidelines:⏎1. Organise") or is a
/// capitalised heading of a few words ("Übung Präsens⏎1. Ich ___ gern Tennis.").
fn list_item_ends(line: &str, next: &str, in_item: bool) -> bool {
    let next_item = is_list_marker(next);
    if in_item || is_list_marker(line) {
        return next_item || next.starts_with(char::is_uppercase);
    }
    next_item
        && (line.ends_with(['.', '!', '?', ':', '…'])
            || (line.starts_with(char::is_uppercase) && is_short_bare_line(line)))
}

/// Whether `line` is a markdown ATX heading (`# Title`, `## Title`).
pub(crate) fn is_heading(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\t']);
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t'])
}

/// A short line without punctuation at its end: a keyword, a name, an answer option
/// ("contact manager", "spielen"), not a wrapped line of prose.
fn is_short_bare_line(line: &str) -> bool {
    !line.is_empty()
        && line.len() <= SHORT_LINE
        && !line.ends_with(['.', '!', '?', '…', ':', ';', ',', '-'])
        && line.split_whitespace().nth(SHORT_LINE_WORDS).is_none()
}

/// Two or more short lines in a row are a list, one entry per line ("features⏎contact
/// manager⏎events, activities"; answer options under an exercise). The break ends the
/// sentence when it stands inside such a run or right before one.
fn short_lines_form_a_list(prev_short: bool, short: bool, rest: &str) -> bool {
    let Some(next) = short_first_line(rest).filter(|next| is_short_bare_line(next.trim())) else {
        return short && prev_short;
    };
    short || second_line(rest, next).is_some_and(|l| is_short_bare_line(l.trim()))
}

/// The first line of `rest` when it is short enough to be a short line (looks at no more
/// than [`SHORT_LINE`] bytes and a few of trailing space).
fn short_first_line(rest: &str) -> Option<&str> {
    let window = &rest.as_bytes()[..rest.len().min(SHORT_LINE + 8)];
    match memchr::memchr(b'\n', window) {
        Some(i) => Some(&rest[..i]),
        None if rest.len() <= SHORT_LINE => Some(rest),
        None => None,
    }
}

/// Whether `s` starts like a separator line: with an ASCII mark or a dash (lead byte 0xE2).
fn may_open_separator(s: &str) -> bool {
    s.as_bytes().first().is_some_and(|&b| b.is_ascii_punctuation() || b == 0xE2)
}

/// A line of three or more marks and no letters or digits ("***", "* * *", "-----") separates
/// what comes before from what follows.
fn is_separator_line(line: &str) -> bool {
    let line = line.trim();
    may_open_separator(line)
        && line.len() <= SHORT_LINE
        && line.bytes().filter(|b| !b.is_ascii_whitespace()).count() >= 3
        && line.chars().all(|c| c.is_whitespace() || c.is_ascii_punctuation() || matches!(c, '—' | '–'))
}

/// A colon at the end of a line before a capitalised line (`next`, the text from it on)
/// introduces a block of its own ("From the AP comes this story :⏎President Bush on Tuesday
/// …"); a quotation on the next line stays with its attribution ("Dr. Müller sagte:⏎„Wir
/// sind bereit.“").
fn colon_opens_a_block(line: &str, next: &str) -> bool {
    line.ends_with(':') && next.starts_with(char::is_uppercase)
}

/// An English title line: at most [`TITLE_LINE`] bytes without closing punctuation, two or
/// more words and every word capitalised ("Putter King Scavenger Hunt Trophy", "(6 Inch
/// Crystal Trophy - Photo Coming Soon)"), before a line that starts upper-case or with a
/// bracket (`next`, the text from it on). English only: German capitalises every noun.
fn title_line_ends(line: &str, next: &str) -> bool {
    if line.len() > TITLE_LINE
        || line.ends_with(['.', '!', '?', '…', ':', ';', ','])
        || !next.starts_with(|c: char| c.is_uppercase() || c == '(')
    {
        return false;
    }
    let mut words = 0;
    for word in line.split_whitespace() {
        let Some(first_letter) = word.chars().find(|c| c.is_alphabetic()) else {
            continue;
        };
        let opens_with_it =
            word.trim_start_matches(|c: char| is_opener(c) || c.is_ascii_digit()).starts_with(first_letter);
        if !first_letter.is_uppercase() || !opens_with_it {
            return false;
        }
        words += 1;
    }
    words >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_and_second_lines() {
        assert_eq!(first_line("ab\ncd\n"), Some("ab"));
        assert_eq!(second_line("ab\n  cd\nef", "ab"), Some("cd"));
        assert_eq!(second_line("ab\n\ncd", "ab"), None);
        assert_eq!(first_line(&"x".repeat(200)), None);
    }

    #[test]
    fn line_shapes() {
        assert!(is_short_bare_line("contact manager"));
        assert!(!is_short_bare_line("It was a cold night"));
        assert!(!is_short_bare_line("Tennis."));
        assert!(is_separator_line("* * *"));
        assert!(!is_separator_line("--"));
        assert!(title_line_ends("(6 Inch Crystal Trophy - Photo Coming Soon)", "The team"));
        assert!(!title_line_ends("The team will judge", "The team"));
        assert!(!title_line_ends("Putter King Trophy", "and more"));
    }
}
