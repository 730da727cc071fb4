//! The decision at one candidate boundary: does the sentence end after this punctuation?
//!
//! The scanner (in `mod.rs`) only calls [`ends_sentence`] for terminal punctuation that is
//! followed by whitespace and then more text in the same paragraph, so "3.5", "12.30 Uhr",
//! "25.11.2020", "www.taz.de" and "info@zeit.de" never reach it.

use super::lists::{is_list_marker, opens_letter_list};
use super::wordlists::{AbbrevKind, WordLists};
use crate::text::floor_char_boundary;
use crate::Lang;

/// Longest token (in bytes) looked at before a period; longer tokens are ordinary words.
/// Bounds the backward scan so pathological input stays linear.
const MAX_TOKEN: usize = 64;

/// Longest bracketed comment (in bytes) that [`NextWord::is_bracketed_comment`] looks at.
const MAX_COMMENT: usize = 150;

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
    /// The number of periods of a spaced run of periods only (". . .": 3), else 0.
    pub spaced_periods: usize,
    /// Contains a full-width mark (`．！？`), which ends a sentence before any text but digits.
    pub fullwidth: bool,
}

/// The start of the text after a candidate boundary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NextWord<'a> {
    /// First character after any opening quotes or brackets.
    pub first: char,
    /// The alphabetic word starting at `first` (empty when `first` is not a letter).
    pub word: &'a str,
    /// The text from the candidate on; the rarely needed facts below are read from it only
    /// when a rule asks.
    rest: &'a str,
}

impl NextWord<'_> {
    /// The text goes on in lower case (a list marker like "b." or "(ii)" does not count).
    fn is_lower(&self) -> bool {
        self.first.is_lowercase() && !self.list_marker()
    }

    /// The text goes on with a comma, semicolon, colon or closing bracket, which no sentence
    /// opens with: "{v 1 , . . . , v k }", "Really? , he asked".
    fn cannot_open_a_sentence(&self) -> bool {
        matches!(self.first, ',' | ';' | ':' | ')' | ']' | '}')
    }

    /// The text goes on with a bracketed relative clause that is no question, a comment on
    /// the sentence before: "… off the top of the house!' (Which was very likely true.)".
    fn is_bracketed_comment(&self, lists: &WordLists) -> bool {
        if !self.rest.starts_with('(') || !lists.is_relative_opener(self.word) {
            return false;
        }
        let window = &self.rest.as_bytes()[..self.rest.len().min(MAX_COMMENT)];
        let Some(close) = window.iter().position(|&b| b == b')') else {
            return false;
        };
        !self.rest[..close].trim_end().ends_with('?')
    }

    fn is_digit(&self) -> bool {
        self.first.is_ascii_digit()
    }

    /// The text opens an inline list of letter items: "a. here it is b. another".
    fn opens_letter_list(&self) -> bool {
        opens_letter_list(self.rest)
    }

    /// The text starts with a list item: a list marker and then a capitalised word ("2. And
    /// here"; not "(123) in here").
    fn opens_list_item(&self) -> bool {
        if !self.list_marker() {
            return false;
        }
        let Some(space) = self.rest.find(char::is_whitespace) else {
            return false;
        };
        let after = self.rest[space..].trim_start();
        after.starts_with(|c: char| c.is_uppercase() || is_opener(c))
    }

    /// The text's first token closes a square bracket opened before the candidate
    /// ("[16: firma? 13:28]"): the punctuation stands inside the bracket. Only read when the
    /// text does not go on with a letter.
    fn closes_a_square_bracket(&self) -> bool {
        if self.first.is_alphabetic() {
            return false;
        }
        for &b in self.rest.as_bytes().iter().take(MAX_TOKEN) {
            match b {
                b']' => return true,
                b'[' | b' ' | b'\t' | b'\n' | b'\r' => return false,
                _ => {}
            }
        }
        false
    }

    /// The text starts with a list marker ("b. The", "(ii) Hello", "• ").
    fn list_marker(&self) -> bool {
        is_list_marker(self.rest)
    }

    /// The first whitespace-separated token (at most [`MAX_TOKEN`] bytes of it) holds a digit
    /// ("123", "A13", "(123)").
    pub(crate) fn has_digit(&self) -> bool {
        for (i, &b) in self.rest.as_bytes().iter().take(MAX_TOKEN).enumerate() {
            if b.is_ascii_digit() {
                return true;
            }
            if starts_whitespace(self.rest, i) {
                return false;
            }
        }
        false
    }
}

/// Whether a whitespace character starts at byte `i` of `s` (false inside a character).
/// Only ASCII and the lead bytes 0xC2, 0xE1, 0xE2 and 0xE3 can start one.
fn starts_whitespace(s: &str, i: usize) -> bool {
    match s.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => true,
        0xc2 | 0xe1 | 0xe2 | 0xe3 => s.get(i..).and_then(|t| t.chars().next()).is_some_and(char::is_whitespace),
        _ => false,
    }
}

/// The length of the alphabetic run that opens `s`: ASCII letters read as bytes, the rest by
/// characters.
fn alphabetic_len(s: &str) -> usize {
    let ascii = crate::text::ascii_run(s.as_bytes(), 0, crate::text::ASCII_LETTERS);
    if s.as_bytes().get(ascii).is_none_or(u8::is_ascii) {
        return ascii;
    }
    s[ascii..].char_indices().find(|&(_, c)| !c.is_alphabetic()).map_or(s.len(), |(i, _)| ascii + i)
}

/// Whether a period glued to the next word ends a sentence: "Hello world.Today is Tuesday.",
/// "bought 1,000.That is". Needs a lower-case letter (or a number with a comma) before and a
/// capitalised plain word after, so "www.Spiegel.de", "3.5", "z.B.Die" and paths stay whole.
pub(crate) fn glued_sentence_end(text: &str, sent_start: usize, dot: usize) -> bool {
    let Some(before) = token_before(text, sent_start, dot) else {
        return false;
    };
    let token = before.token;
    let last = token.chars().next_back();
    let word_like =
        last.is_some_and(char::is_lowercase) || (last.is_some_and(|c| c.is_ascii_digit()) && token.contains(','));
    if !word_like || token.contains(['.', '/', '@', ':']) || token.starts_with("www") || token.len() < 2 {
        return false;
    }
    let rest = &text[dot + 1..];
    let next_len = floor_char_boundary(rest, rest.find(char::is_whitespace).unwrap_or(rest.len()).min(MAX_TOKEN));
    let next = &rest[..next_len];
    let mut chars = next.chars();
    let capitalised = chars.next().is_some_and(char::is_uppercase) && chars.next().is_some_and(char::is_lowercase);
    let plain = !next.trim_end_matches(['.', '!', '?', ',']).contains(['.', '/', '@', ':']);
    capitalised && plain
}

/// A roman numeral of up to five letters, all upper or all lower case ("III", "vii").
pub(super) fn is_roman(s: &str) -> bool {
    (1..=5).contains(&s.len())
        && (s.bytes().all(|b| b"IVXLCDM".contains(&b)) || s.bytes().all(|b| b"ivxlcdm".contains(&b)))
}

/// Reads the start of the next sentence candidate at `at` (which is not whitespace).
pub(crate) fn next_word(text: &str, at: usize) -> NextWord<'_> {
    let rest = &text[at..];
    if rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        // The common case: a word right away, no quotes, brackets or dashes to skip.
        let first = char::from(rest.as_bytes()[0]);
        return NextWord { first, word: &rest[..alphabetic_len(rest)], rest };
    }
    let mut word_start = rest.len();
    let mut first = ' ';
    let mut dashed = false;
    for (i, c) in rest.char_indices() {
        if is_opener(c) || (dashed && c == ' ') {
            continue;
        }
        if matches!(c, '-' | '–' | '—') && i < 8 {
            // "voila! -- you have cake": look at the word after the dash.
            dashed = true;
            continue;
        }
        first = c;
        word_start = i;
        break;
    }
    let tail = &rest[word_start..];
    NextWord { first, word: &tail[..alphabetic_len(tail)], rest }
}

/// Whether the sentence that began at `sent_start` ends with `punct` before `next`.
#[inline]
pub(crate) fn ends_sentence(
    text: &str,
    sent_start: usize,
    punct: Punct,
    next: &NextWord<'_>,
    lists: &WordLists,
    lang: Lang,
) -> bool {
    if next.cannot_open_a_sentence() || next.closes_a_square_bracket() || next.is_bracketed_comment(lists) {
        return false;
    }
    if punct.fullwidth {
        return !next.first.is_numeric();
    }
    if punct.strong {
        return strong_ends(text, sent_start, punct, next, lists);
    }
    if punct.ellipsis {
        return ellipsis_ends(text, sent_start, punct, next);
    }
    period_ends(text, sent_start, punct.start, next, lists, lang)
}

/// `!` and `?` end a sentence unless the text goes on in lower case ("Was? fragte er"), also
/// after a dash ("and -- voila! -- you have cake"; but "see? - Posted like …" splits). After
/// a name written with "!" only a typical sentence opener starts a new sentence ("at Yahoo!
/// Research").
fn strong_ends(text: &str, sent_start: usize, punct: Punct, next: &NextWord<'_>, lists: &WordLists) -> bool {
    if next.is_lower() {
        return false;
    }
    if text.as_bytes()[punct.start] == b'!' && ends_an_exclamation_name(text, sent_start, punct.start, lists) {
        return lists.is_starter(next.word);
    }
    true
}

/// Whether the word before the `!` at `at` is a name written with it ("Yahoo!").
fn ends_an_exclamation_name(text: &str, sent_start: usize, at: usize, lists: &WordLists) -> bool {
    token_before(text, sent_start, at).is_some_and(|before| !before.closed && lists.is_exclamation_name(before.token))
}

/// An ellipsis ends a sentence only before an upper-case start ("Und dann... kam er" goes
/// on); an omission mark "[…]" or "(...)" never does, nor does a spaced omission of three
/// periods after a space: typeset omissions write ". . ." inside a sentence and ". . . ."
/// (omission and period) where one ends ("the thing is . . . I didn't mean it").
fn ellipsis_ends(text: &str, sent_start: usize, punct: Punct, next: &NextWord<'_>) -> bool {
    let before = text[sent_start..punct.start].chars().next_back();
    if matches!(before, Some('[' | '(')) {
        return false;
    }
    if punct.spaced_periods == 3 && before.is_some_and(char::is_whitespace) {
        return false;
    }
    !next.is_lower()
}

/// Whether a period glued to a word and followed by a spaced omission before a capitalised
/// word ("compounds. . . . The practice") ends its sentence, the omission opening the next.
pub(crate) fn period_before_opening_omission(text: &str, punct: Punct, next: &NextWord<'_>) -> bool {
    punct.spaced_periods >= 4
        && text[..punct.start].chars().next_back().is_some_and(char::is_alphanumeric)
        && next.first.is_uppercase()
}

/// A single period: decided by the token before it and the word after it.
fn period_ends(text: &str, sent_start: usize, dot: usize, next: &NextWord<'_>, lists: &WordLists, lang: Lang) -> bool {
    // A lower-case continuation means the period belonged to an abbreviation or an ordinal
    // ("Angela M. sagte", "am 3. und 4. Mai", "nördl. von Berlin").
    if next.is_lower() && !(lang == Lang::En && next.opens_letter_list()) {
        return false;
    }
    let Some(before) = token_before(text, sent_start, dot) else {
        return true;
    };
    let token = before.token;
    if token.is_empty() || before.closed {
        // "(Phil. 4:8).", "„betreten“.": the period follows a bracket or quote.
        return true;
    }
    if is_sentence_initial_enumerator(text, sent_start, before.start, token) {
        // "1. The first item", "II. And here", "• 9. Stop smoking".
        return false;
    }
    if let Some(kind) = abbreviation(token, lists) {
        return match kind {
            AbbrevKind::Inner => false,
            AbbrevKind::MayEnd => starts_new_sentence(next, lists),
            AbbrevKind::BeforeNumber => !next.has_digit(),
            AbbrevKind::TimeSuffix => time_suffix_ends(text, sent_start, before.start, next, lists),
        };
    }
    if lang == Lang::De && is_ordinal_candidate(token) {
        return !ordinal_dot(text, sent_start, before.start, next, lists);
    }
    if is_initial(token) {
        // English "you and I. Did you", "got an A. And then": a capital letter before a
        // typical sentence opener ends the sentence; German keeps "z. B. Die Kinder".
        return lang == Lang::En && token.starts_with(char::is_uppercase) && lists.is_starter(next.word);
    }
    if is_dotted_abbreviation(token) {
        return starts_new_sentence(next, lists);
    }
    if lang == Lang::En && next.is_digit() && !next.opens_list_item() && is_short_word(token) {
        // English sentences rarely open with a numeral: "Rs. 16720", "SEC. 1262", "et al. 1987".
        return false;
    }
    true
}

/// A clock time with a dotted suffix ("6 p.m.") ends the sentence before a capitalised word
/// ("He left at 6 P.M. Travelers who …"), but not before a weekday, month or time zone
/// ("at 6 p.m. Friday", "8 p.m. Eastern"), nor when the sentence so far is only the time
/// phrase that opens it ("At 5 a.m. Mr. Smith went to the bank": no sentence is just "At 5
/// a.m.").
fn time_suffix_ends(text: &str, sent_start: usize, token_start: usize, next: &NextWord<'_>, lists: &WordLists) -> bool {
    if next.is_digit() || lists.is_time_follower(next.word) {
        return false;
    }
    !is_opening_time_phrase(&text[sent_start..token_start])
}

/// Whether the text before a time suffix is at most a preposition and a number ("At 5 ",
/// "By 10:30 ", "Until 6", "5"): the time opens the sentence rather than closing it.
fn is_opening_time_phrase(before: &str) -> bool {
    before.split_whitespace().nth(2).is_none()
}

/// Looks `token` up in the abbreviation list, also by its last part after a hyphen
/// ("Doninikus-Zimmermann-Str.").
fn abbreviation(token: &str, lists: &WordLists) -> Option<AbbrevKind> {
    lists.abbreviation(token).or_else(|| {
        // A byte scan: tokens are short, and most have no hyphen.
        let hyphen = token.bytes().rposition(|b| b == b'-')?;
        let last = &token[hyphen + 1..];
        lists.abbreviation(last).filter(|_| !last.is_empty())
    })
}

/// A word of at most five letters, which may be an unlisted abbreviation ("Rs", "abcf").
fn is_short_word(token: &str) -> bool {
    let n = token.chars().count();
    (1..=5).contains(&n) && token.chars().all(char::is_alphabetic)
}

/// A number, roman numeral or letter that opens the sentence (after bullets at most): a list
/// enumerator, not a sentence end.
fn is_sentence_initial_enumerator(text: &str, sent_start: usize, token_start: usize, token: &str) -> bool {
    // A bullet may be glued to the number: "⁃9. The first item" (most tokens start with a
    // letter or digit and have none).
    let token = if token.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric) {
        token
    } else {
        token.trim_start_matches(is_bullet)
    };
    let number = (1..=3).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_digit());
    if !(number || is_roman(token) || is_initial(token)) {
        return false;
    }
    text[sent_start..token_start].chars().all(|c| c.is_whitespace() || is_bullet(c))
}

/// Characters used as list bullets.
pub(super) fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '◦' | '▪' | '‣' | '⁃' | '●' | '○' | '■' | '□' | '►' | '➢' | '-' | '*' | '–' | '·')
}

/// After an abbreviation that may close a sentence, only a typical sentence opener (or an
/// opening quote) starts a new one: German capitalises nouns ("3 Mio. Euro"), English
/// proper names follow "U.S." ("U.S. Army").
fn starts_new_sentence(next: &NextWord<'_>, lists: &WordLists) -> bool {
    lists.is_starter(next.word)
}

/// The token before a period.
struct TokenBefore<'a> {
    /// Byte offset where `token` starts.
    start: usize,
    /// The token without surrounding quotes and brackets.
    token: &'a str,
    /// A closing quote or bracket stood right before the period.
    closed: bool,
}

/// The token that ends at `dot` (within the current sentence). `None` when it is too long to
/// be an abbreviation or a number.
fn token_before(text: &str, sent_start: usize, dot: usize) -> Option<TokenBefore<'_>> {
    let mut floor = sent_start.max(dot.saturating_sub(MAX_TOKEN));
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    let start = token_start(text, floor, dot);
    if start == floor && floor > sent_start {
        return None;
    }
    let raw = &text[start..dot];
    // Most tokens begin and end with a letter or digit: then there is nothing to trim.
    let alnum = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    let trimmed_front = if alnum(raw.as_bytes().first()) { raw } else { raw.trim_start_matches(is_opener) };
    let token = if alnum(raw.as_bytes().last()) { trimmed_front } else { trimmed_front.trim_end_matches(is_closer) };
    let closed = token.len() < trimmed_front.len();
    let token_start = start + (raw.len() - trimmed_front.len());
    let dashless = if alnum(token.as_bytes().first()) { token } else { token.trim_start_matches(['-', '–']) };
    Some(TokenBefore { start: token_start + (token.len() - dashless.len()), token: dashless, closed })
}

/// Where the run of non-whitespace characters that ends at `end` starts, looking back no
/// further than `floor` (a character boundary). Reads ASCII as bytes and decodes only
/// multi-byte characters.
pub(crate) fn token_start(text: &str, floor: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = end;
    while start > floor {
        let b = bytes[start - 1];
        if b.is_ascii() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                break;
            }
            start -= 1;
            continue;
        }
        let Some(c) = text[floor..start].chars().next_back() else {
            break;
        };
        if c.is_whitespace() {
            break;
        }
        start -= c.len_utf8();
    }
    start
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

/// A German ordinal candidate: 1-3 digits ("25.", "2.", "100."), a day and month
/// ("25.11.") or a roman numeral of two or more letters ("des III. Geschwaders"). Four
/// digits are a year ("im Jahr 1990."), never an ordinal.
fn is_ordinal_candidate(token: &str) -> bool {
    // The longest candidates are a day and month ("25.11") and roman numerals of five letters.
    if token.len() > 6 {
        return false;
    }
    if token.len() >= 2 && is_roman(token) && token.bytes().all(|b| b.is_ascii_uppercase()) {
        return true;
    }
    let short_number = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    match token.split_once('.') {
        None => short_number(token),
        Some((day, month)) => short_number(day) && month.len() <= 2 && short_number(month),
    }
}

/// Whether the period after a German ordinal candidate is an ordinal dot: a month or a
/// typical noun follows ("am 25. November", "3. Liga"), or an article or preposition precedes
/// ("Der 21. Jahrestag", "im 3. Quartal").
fn ordinal_dot(text: &str, sent_start: usize, token_start: usize, next: &NextWord<'_>, lists: &WordLists) -> bool {
    if lists.is_month(next.word) || lists.is_ordinal_noun(next.word) {
        return true;
    }
    let before = &text[sent_start..token_start];
    let prev_word = before.trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
    lists.is_ordinal_trigger(prev_word.trim_start_matches(is_opener))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_before_strips_quotes_and_brackets() {
        let text = "Er hat ihn nie „betreten“.";
        let dot = text.len() - 1;
        let before = token_before(text, 0, dot).expect("token");
        assert_eq!(before.token, "betreten");
        assert!(before.closed);
    }

    #[test]
    fn ordinal_candidates() {
        assert!(is_ordinal_candidate("25"));
        assert!(is_ordinal_candidate("25.11"));
        assert!(!is_ordinal_candidate("1990"));
        assert!(!is_ordinal_candidate("3:1"));
        // The longest candidates: a three-digit day with a month, a five-letter roman numeral.
        assert!(is_ordinal_candidate("100.12"));
        assert!(is_ordinal_candidate("XVIII"));
        assert!(!is_ordinal_candidate("100.123"));
    }

    proptest::proptest! {
        #[test]
        fn token_before_skips_trimming_only_when_there_is_nothing_to_trim(
            text in "([a-zA-Z0-9äÖ]{0,4}[\"'„“”»«()\\[\\]\\-–. ]{0,3}){0,12}",
        ) {
            for (dot, _) in text.match_indices('.') {
                for sent_start in [0, dot / 2, dot] {
                    if !text.is_char_boundary(sent_start) {
                        continue;
                    }
                    let fast = token_before(&text, sent_start, dot).map(|t| (t.start, t.token, t.closed));
                    proptest::prop_assert_eq!(fast, naive_token_before(&text, sent_start, dot), "{:?} {}", text, dot);
                }
            }
        }
    }

    /// `token_before` as first written: always trims.
    fn naive_token_before(text: &str, sent_start: usize, dot: usize) -> Option<(usize, &str, bool)> {
        let mut floor = sent_start.max(dot.saturating_sub(MAX_TOKEN));
        while !text.is_char_boundary(floor) {
            floor += 1;
        }
        let start = token_start(text, floor, dot);
        if start == floor && floor > sent_start {
            return None;
        }
        let raw = &text[start..dot];
        let trimmed_front = raw.trim_start_matches(is_opener);
        let token = trimmed_front.trim_end_matches(is_closer);
        let closed = token.len() < trimmed_front.len();
        let token_start = start + (raw.len() - trimmed_front.len());
        let dashless = token.trim_start_matches(['-', '–']);
        Some((token_start + (token.len() - dashless.len()), dashless, closed))
    }

    #[test]
    fn next_word_skips_openers() {
        let n = next_word("„Und auch", 0);
        assert_eq!(n.word, "Und");
    }
}
