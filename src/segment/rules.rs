//! The decision at one candidate boundary: does the sentence end after this punctuation?
//!
//! The scanner (in `mod.rs`) only calls [`ends_sentence`] for terminal punctuation that is
//! followed by whitespace and then more text in the same paragraph, so "3.5", "12.30 Uhr",
//! "25.11.2020", "www.taz.de" and "info@zeit.de" never reach it.

use super::wordlists::{AbbrevKind, WordLists};
use crate::Lang;

/// Longest token (in bytes) looked at before a period; longer tokens are ordinary words.
/// Bounds the backward scan so pathological input stays linear.
const MAX_TOKEN: usize = 64;

/// Closing quotes and brackets that belong to the sentence they follow.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '“' | '’' | '‘' | '»' | '«' | '›' | '‹' | ')' | ']' | '}')
}

/// Opening quotes and brackets that may precede the first word of a sentence.
pub(crate) fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '„' | '“' | '‚' | '‘' | '»' | '«' | '›' | '‹' | '(' | '[' | '{' | '`' | '¿' | '¡')
}

/// The terminal punctuation found at a candidate boundary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Punct {
    /// Byte offset of the first punctuation character.
    pub start: usize,
    /// Contains `!` or `?`.
    pub strong: bool,
    /// Is an ellipsis (`…` or two or more periods).
    pub ellipsis: bool,
}

/// The start of the text after a candidate boundary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NextWord<'a> {
    /// First character after any opening quotes or brackets.
    pub first: char,
    /// Opening quotes or brackets came first.
    pub opened: bool,
    /// The alphabetic word starting at `first` (empty when `first` is not a letter).
    pub word: &'a str,
}

impl NextWord<'_> {
    fn is_lower(&self) -> bool {
        self.first.is_lowercase()
    }

    fn is_digit(&self) -> bool {
        self.first.is_ascii_digit()
    }
}

/// Reads the start of the next sentence candidate at `at` (which is not whitespace).
pub(crate) fn next_word(text: &str, at: usize) -> NextWord<'_> {
    let rest = &text[at..];
    let mut opened = false;
    let mut word_start = rest.len();
    let mut first = ' ';
    for (i, c) in rest.char_indices() {
        if is_opener(c) {
            opened = true;
            continue;
        }
        first = c;
        word_start = i;
        break;
    }
    let tail = &rest[word_start..];
    let word_len = tail.char_indices().find(|&(_, c)| !c.is_alphabetic()).map_or(tail.len(), |(i, _)| i);
    NextWord { first, opened, word: &tail[..word_len] }
}

/// Whether the sentence that began at `sent_start` ends with `punct` before `next`.
pub(crate) fn ends_sentence(
    text: &str,
    sent_start: usize,
    punct: Punct,
    next: &NextWord<'_>,
    lists: &WordLists,
    lang: Lang,
) -> bool {
    if punct.strong {
        return strong_ends(next);
    }
    if punct.ellipsis {
        return ellipsis_ends(text, sent_start, punct.start, next);
    }
    period_ends(text, sent_start, punct.start, next, lists, lang)
}

/// `!` and `?` end a sentence unless the text goes on in lower case ("Was? fragte er").
fn strong_ends(next: &NextWord<'_>) -> bool {
    !next.is_lower()
}

/// An ellipsis ends a sentence only before an upper-case start ("Und dann... kam er" goes
/// on); an omission mark "[…]" or "(...)" never does.
fn ellipsis_ends(text: &str, sent_start: usize, start: usize, next: &NextWord<'_>) -> bool {
    let before = text[sent_start..start].chars().next_back();
    if matches!(before, Some('[' | '(')) {
        return false;
    }
    !next.is_lower()
}

/// A single period: decided by the token before it and the word after it.
fn period_ends(text: &str, sent_start: usize, dot: usize, next: &NextWord<'_>, lists: &WordLists, lang: Lang) -> bool {
    // A lower-case continuation means the period belonged to an abbreviation or an ordinal
    // ("Angela M. sagte", "am 3. und 4. Mai", "nördl. von Berlin").
    if next.is_lower() {
        return false;
    }
    let Some((token_start, token)) = token_before(text, sent_start, dot) else {
        return true;
    };
    if token.is_empty() {
        return true;
    }
    if let Some(kind) = lists.abbreviation(token) {
        return match kind {
            AbbrevKind::Inner => false,
            AbbrevKind::MayEnd => starts_new_sentence(next, lists),
            AbbrevKind::BeforeNumber => !next.is_digit(),
        };
    }
    if is_initial(token) {
        return false;
    }
    if lang == Lang::De && is_ordinal_candidate(token) {
        return !ordinal_dot(text, sent_start, token_start, next, lists);
    }
    if is_dotted_abbreviation(token) {
        return starts_new_sentence(next, lists);
    }
    true
}

/// After an abbreviation that may close a sentence, only a typical sentence opener (or an
/// opening quote) starts a new one: German capitalises nouns ("3 Mio. Euro"), English
/// proper names follow "U.S." ("U.S. Army").
fn starts_new_sentence(next: &NextWord<'_>, lists: &WordLists) -> bool {
    next.opened || lists.is_starter(next.word)
}

/// The token that ends at `dot` (within the current sentence), without surrounding quotes and
/// brackets, and the byte offset where it starts. `None` when it is too long to be an
/// abbreviation or a number.
fn token_before(text: &str, sent_start: usize, dot: usize) -> Option<(usize, &str)> {
    let mut floor = sent_start.max(dot.saturating_sub(MAX_TOKEN));
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    let head = &text[..dot];
    let mut start = dot;
    for (i, c) in head[floor..].char_indices().rev() {
        if c.is_whitespace() {
            break;
        }
        start = floor + i;
    }
    if start == floor && floor > sent_start {
        return None;
    }
    let raw = &text[start..dot];
    let trimmed_front = raw.trim_start_matches(is_opener);
    let token = trimmed_front.trim_end_matches(is_closer);
    Some((start + (raw.len() - trimmed_front.len()), token))
}

/// A single letter: an initial ("J. R. R. Tolkien", "Angela M.") or part of "z. B.", "u. a.".
fn is_initial(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// Letters with inner periods: "z.B", "U.S", "e.g", "p.m", "Ph.D" (the final period is the
/// candidate). URLs and e-mail addresses are not: they hold other characters.
fn is_dotted_abbreviation(token: &str) -> bool {
    token.contains('.') && token.len() <= 12 && token.chars().all(|c| c == '.' || c.is_alphabetic())
}

/// A German ordinal candidate: 1-3 digits ("25.", "2.", "100.") or a day and month
/// ("25.11."). Four digits are a year ("im Jahr 1990."), never an ordinal.
fn is_ordinal_candidate(token: &str) -> bool {
    let short_number = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    match token.split_once('.') {
        None => short_number(token),
        Some((day, month)) => short_number(day) && month.len() <= 2 && short_number(month),
    }
}

/// Whether the period after a German ordinal candidate is an ordinal dot: a month or a
/// typical noun follows ("am 25. November", "3. Liga"), an article or preposition precedes
/// ("Der 21. Jahrestag", "im 3. Quartal"), or the number opens the sentence as a list item
/// ("1. Planen Sie …").
fn ordinal_dot(text: &str, sent_start: usize, token_start: usize, next: &NextWord<'_>, lists: &WordLists) -> bool {
    if lists.is_month(next.word) || lists.is_ordinal_noun(next.word) {
        return true;
    }
    let before = &text[sent_start..token_start];
    let prev_word = before.trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
    if prev_word.is_empty() || prev_word.chars().all(|c| matches!(c, '•' | '-' | '–' | '*' | '·' | '(' | '[')) {
        return before.trim().chars().all(|c| !c.is_alphanumeric());
    }
    lists.is_ordinal_trigger(prev_word.trim_start_matches(is_opener))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_before_strips_quotes_and_brackets() {
        let text = "Er hat ihn nie „betreten“.";
        let dot = text.len() - 1;
        assert_eq!(token_before(text, 0, dot).map(|(_, t)| t), Some("betreten"));
    }

    #[test]
    fn ordinal_candidates() {
        assert!(is_ordinal_candidate("25"));
        assert!(is_ordinal_candidate("25.11"));
        assert!(!is_ordinal_candidate("1990"));
        assert!(!is_ordinal_candidate("3:1"));
    }

    #[test]
    fn next_word_skips_openers() {
        let n = next_word("„Und auch", 0);
        assert!(n.opened);
        assert_eq!(n.word, "Und");
    }
}
