//! The decision at one candidate boundary: does the sentence end after this punctuation?
//!
//! The scanner (in `mod.rs`) only calls [`ends_sentence`] for terminal punctuation that is
//! followed by whitespace and then more text in the same paragraph, so "3.5", "12.30 Uhr",
//! "25.11.2020", "www.taz.de" and "info@zeit.de" never reach it.

use super::wordlists::{AbbrevKind, WordLists};
use crate::text::floor_char_boundary;
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

    fn is_digit(&self) -> bool {
        self.first.is_ascii_digit()
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

/// Whether `s` starts with a list marker followed by whitespace: a bullet ("• ", "- ", "⁃"),
/// or an enumerator: 1-3 digits, a roman numeral or one letter, optionally in brackets, closed
/// by ".", ")", ".)" or "]" ("1.", "1.)", "a)", "(iv)", "[z]"). A letter with a bare period
/// counts only before a capitalised word of two or more letters ("a. The first", not "z. B.").
///
/// Asked at every sentence start, which mostly opens a plain word: that case is decided
/// without the call (and the register saving) of the full check.
pub(crate) fn is_list_marker(s: &str) -> bool {
    !opens_plain_word(s.as_bytes()) && may_open_list_marker(s.as_bytes()) && is_list_marker_in_full(s)
}

/// False only where [`is_list_marker`] is: every bullet (and the en dash) starts with the
/// byte E2 (but is no quotation mark), and an enumerator's closer (`.`, `)`, `]`) follows
/// within its first seven bytes (a bracket, then at most five roman digits, three digits or
/// one letter of up to four bytes). Turns away "96 Menschen" and „Zitate“ without the full
/// check.
fn may_open_list_marker(bytes: &[u8]) -> bool {
    match bytes.first() {
        None => false,
        // Not the quotation marks U+2018–U+201F („Zitate“), which share the lead byte.
        Some(0xE2) => !matches!(bytes.get(1..3), Some([0x80, 0x98..=0x9F])),
        Some(b'-' | b'*') => true,
        Some(_) => bytes.iter().take(8).any(|&b| matches!(b, b'.' | b')' | b']')),
    }
}

/// [`is_list_marker`] of a text that does not open a plain word.
#[inline(never)]
fn is_list_marker_in_full(s: &str) -> bool {
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return false;
    };
    if matches!(first, '•' | '◦' | '▪' | '‣' | '⁃' | '●' | '○' | '■' | '□' | '►' | '➢') {
        return true;
    }
    if matches!(first, '-' | '*' | '–') {
        return s[first.len_utf8()..].starts_with([' ', '\t']);
    }
    let body = s.strip_prefix(['(', '[']).unwrap_or(s);
    let bracketed = body.len() < s.len();
    let Some(core_len) = enumerator_core_len(body) else {
        return false;
    };
    let core = &body[..core_len];
    let is_number = (1..=3).contains(&core.len()) && core.bytes().all(|b| b.is_ascii_digit());
    let is_letter = core.chars().count() == 1 && core.chars().all(char::is_alphabetic);
    if !(is_number || is_letter || is_roman(core)) {
        return false;
    }
    let rest = &body[core_len..];
    let (closer_len, bare_period) = if rest.starts_with(".)") {
        (2, false)
    } else if rest.starts_with([')', ']']) {
        (1, false)
    } else if rest.starts_with('.') && !bracketed {
        (1, true)
    } else {
        return false;
    };
    let after = &rest[closer_len..];
    if !after.starts_with(char::is_whitespace) {
        return false;
    }
    if bare_period && !is_number {
        let word = after.trim_start();
        let len = word.find(|c: char| !c.is_alphabetic()).unwrap_or(word.len());
        return word.starts_with(char::is_uppercase) && word[..len].chars().count() >= 2;
    }
    true
}

/// Whether `bytes` open with two ASCII letters that cannot begin a roman numeral (the only
/// enumerator of two or more letters): "Die", "Mit", "Zeit" are no list markers.
fn opens_plain_word(bytes: &[u8]) -> bool {
    let [a, b, ..] = *bytes else {
        return false;
    };
    let roman = |set: &[u8]| set.contains(&a) && set.contains(&b);
    a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && !roman(b"IVXLCDM") && !roman(b"ivxlcdm")
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

/// The length of the alphanumeric run that opens `body`, or `None` when it has six or more
/// characters: enumerators have at most five, so an ordinary word is rejected after six.
/// ASCII letters and digits are read as bytes, the rest by characters.
fn enumerator_core_len(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let ascii = bytes.iter().take(6).take_while(|b| b.is_ascii_alphanumeric()).count();
    if ascii == 6 {
        return None;
    }
    if bytes.get(ascii).is_none_or(u8::is_ascii) {
        return Some(ascii);
    }
    for (n, (i, c)) in body[ascii..].char_indices().enumerate() {
        if !c.is_alphanumeric() {
            return Some(ascii + i);
        }
        if ascii + n == 5 {
            return None;
        }
    }
    Some(body.len())
}

/// How far ahead (bytes) the next item of an inline list is looked for: list items are short.
const ITEM_WINDOW: usize = 400;

/// When the text at `from` opens with an enumerator ("1.)", "2)", "a.", "(b)"), the offset of
/// the space before the next enumerator of the same list on the same stretch of text
/// ("1) The first item 2) The second item"). German "1. FC Köln in der 2. Liga" is no list:
/// a bare-period number after an ordinal trigger or before an ordinal noun is an ordinal.
pub(crate) fn next_inline_item(text: &str, from: usize, lists: &WordLists, lang: Lang) -> Option<usize> {
    let rest = &text[from..];
    // The sentence mostly starts after ASCII spaces: skipped as bytes before the full trim.
    let spaces = rest.bytes().take_while(|&b| matches!(b, b' ' | b'\n')).count();
    let start = from + rest.len() - rest[spaces..].trim_start().len();
    let s = &text[start..];
    if !is_list_marker(s) {
        return None;
    }
    // "• 9. The first item • 10. The second item", "⁃9. … ⁃10. …": keep the bullet.
    let bullet_len = s.chars().next().filter(|&c| is_bullet(c) && !c.is_ascii()).map_or(0, char::len_utf8);
    let bullet_len = bullet_len + s[bullet_len..].len() - s[bullet_len..].trim_start_matches(' ').len();
    let (bullet, s) = s.split_at(bullet_len);
    if bullet_len > 4 {
        return None;
    }
    let opened = s.starts_with('(');
    let body = if opened { &s[1..] } else { s };
    let core_len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let core = &body[..core_len];
    let after_core = &body[core_len..];
    let suffix = [".)", ")", "."].into_iter().find(|p| after_core.starts_with(p))?;
    let mut needle = [0u8; 16];
    let mut n = 0;
    let mut put = |b: u8| {
        needle[n] = b;
        n += 1;
    };
    put(b' ');
    bullet.bytes().for_each(&mut put);
    if opened {
        put(b'(');
    }
    if core.bytes().all(|b| b.is_ascii_digit()) {
        let value: u32 = core.parse().ok()?;
        let successor = value + 1;
        for k in (0..=successor.ilog10()).rev() {
            put(b'0' + (successor / 10u32.pow(k) % 10) as u8);
        }
    } else if core.len() == 1 && core.bytes().all(|b| b.is_ascii_alphabetic() && b != b'z' && b != b'Z') {
        put(core.as_bytes()[0] + 1);
    } else {
        return None;
    }
    suffix.bytes().for_each(&mut put);
    put(b' ');
    let end = floor_char_boundary(text, start + ITEM_WINDOW);
    let hay = &text.as_bytes()[start..end];
    let pos = start + hay.windows(n).position(|w| w == &needle[..n])?;
    if lang == Lang::De && suffix == "." {
        let prev_word = text[start..pos].rsplit(char::is_whitespace).next().unwrap_or("");
        let next = next_word(text, pos + n);
        if lists.is_ordinal_trigger(prev_word) || lists.is_month(next.word) || lists.is_ordinal_noun(next.word) {
            return None;
        }
    }
    Some(pos)
}

/// How far (bytes) an enclosing parenthesis is looked for around a candidate boundary.
const PAREN_WINDOW: usize = 150;

/// Whether the punctuation at `at` stands inside a short parenthesis that closes after the
/// boundary: "(Oh. Again!)", "(Proc. ABC with Abs. Reg. Compliance)" stay whole. Bounded
/// windows keep the scan linear.
pub(crate) fn inside_short_parens(
    text: &str,
    sent_start: usize,
    at: usize,
    punct_end: usize,
    boundary: usize,
    marks: &mut Marks,
) -> bool {
    let bytes = text.as_bytes();
    let floor = sent_start.max(at.saturating_sub(PAREN_WINDOW));
    // Most candidates have no bracket before them: the marks noted in passing decide that.
    debug_assert_eq!(marks.paren_since(floor), bytes[floor..at].contains(&b'('), "marks noted up to {at}");
    if !marks.paren_since(floor) {
        return false;
    }
    let (mut depth, mut open) = (0usize, 0usize);
    for &b in bytes[floor..at].iter().rev() {
        match b {
            b')' => depth += 1,
            b'(' if depth == 0 => open += 1,
            b'(' => depth -= 1,
            _ => {}
        }
    }
    let closed_here = bytes[punct_end..boundary].iter().filter(|&&b| b == b')').count();
    if open <= closed_here {
        return false;
    }
    let mut need = open - closed_here;
    let mut nested = 0usize;
    for &b in &bytes[boundary..(boundary + PAREN_WINDOW).min(text.len())] {
        match b {
            b'(' => nested += 1,
            b')' if nested > 0 => nested -= 1,
            b')' => {
                need -= 1;
                if need == 0 {
                    return true;
                }
            }
            b'\n' => return false,
            _ => {}
        }
    }
    false
}

/// How far (bytes) quotation marks are looked for around a candidate boundary.
const QUOTE_WINDOW: usize = 400;

/// The marks that decide whether a candidate stands inside brackets or quotes, noted by the
/// scanner as it passes them instead of searched for before every candidate: where the last
/// `(`, `"` and opening curly quote before the current candidate stand, and how many
/// quotation marks of each kind stand between the sentence start and the last candidate.
#[derive(Debug)]
pub(crate) struct Marks {
    /// The last `(` passed.
    paren: Option<usize>,
    /// The last `"` passed.
    straight: Option<usize>,
    /// The last opening curly quotation mark passed.
    curly: Option<usize>,
    /// The curly quotation marks of the language ([`quote_marks`]), opening and closing.
    quotes: (&'static str, &'static str),
    /// The quotation marks counted in `counted.0..counted.1`.
    counted: (usize, usize),
    /// Number of `"`, opening and closing curly marks in `counted`.
    counts: MarkCounts,
}

/// How many quotation marks of each kind a stretch of text holds.
#[derive(Debug, Clone, Copy, Default)]
struct MarkCounts {
    straight: usize,
    open: usize,
    close: usize,
}

impl Marks {
    /// A tracker for the brackets and the quotation marks of `lang`; nothing passed yet.
    pub(crate) fn new(lang: Lang) -> Marks {
        Marks {
            paren: None,
            straight: None,
            curly: None,
            quotes: quote_marks(lang),
            counted: (usize::MAX, usize::MAX),
            counts: MarkCounts::default(),
        }
    }

    /// Notes the mark that starts at byte `i`, if any. The scanner calls this (or
    /// [`Marks::pass`]) for every byte before a candidate, in order, so that the marks noted
    /// are exactly those before it.
    pub(crate) fn note(&mut self, bytes: &[u8], i: usize) {
        match bytes[i] {
            b'(' => self.paren = Some(i),
            b'"' => self.straight = Some(i),
            0xE2 if bytes[i..].starts_with(self.quotes.0.as_bytes()) => self.curly = Some(i),
            _ => {}
        }
    }

    /// Notes the marks in `bytes[from..to]`, a stretch the scanner jumped over.
    pub(crate) fn pass(&mut self, bytes: &[u8], from: usize, to: usize) {
        for i in from..to {
            if matches!(bytes[i], b'(' | b'"' | 0xE2) {
                self.note(bytes, i);
            }
        }
    }

    /// Whether a `(` was passed at or after `from`.
    fn paren_since(&self, from: usize) -> bool {
        self.paren.is_some_and(|p| p >= from)
    }

    /// Whether a `"` or an opening curly quotation mark was passed at or after `from`.
    fn quote_since(&self, from: usize) -> bool {
        self.straight.is_some_and(|p| p >= from) || self.curly.is_some_and(|p| p >= from)
    }

    /// The marks in `text[start..at]`, counting on from the last call when `start` is the
    /// same and `at` did not go back.
    fn counts(&mut self, text: &str, start: usize, at: usize) -> MarkCounts {
        if self.counted.0 != start || self.counted.1 > at {
            self.counted = (start, start);
            self.counts = MarkCounts::default();
        }
        // By bytes: `"` is ASCII and both curly marks start with 0xE2 (a lead byte, so a
        // match is a whole character of `text[..at]`).
        let bytes = &text.as_bytes()[self.counted.1..at];
        for i in memchr::memchr2_iter(b'"', 0xE2, bytes) {
            let rest = &bytes[i..];
            if rest[0] == b'"' {
                self.counts.straight += 1;
            } else if rest.starts_with(self.quotes.0.as_bytes()) {
                self.counts.open += 1;
            } else if rest.starts_with(self.quotes.1.as_bytes()) {
                self.counts.close += 1;
            }
        }
        self.counted.1 = at;
        self.counts
    }
}

/// The curly quotation marks of `lang`, opening and closing: English “…”, German „…“ (one
/// character each, with the UTF-8 lead byte 0xE2 that [`Marks`] searches for).
fn quote_marks(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => ("“", "”"),
        Lang::De => ("„", "“"),
    }
}

/// Whether the punctuation at `at` stands inside a double-quoted passage that closes later in
/// the paragraph: `"Dear, dear! How queer everything is to-day!"` and „Mehr Menschen nehmen
/// Kredite auf … Während …“ are one sentence each (quoted speech is kept whole, as in the
/// pragmatic_segmenter and UD German-PUD goldens). Only the current sentence, within
/// bounded windows, is looked at.
#[inline]
pub(crate) fn inside_double_quotes(
    text: &str,
    sent_start: usize,
    at: usize,
    punct_end: usize,
    boundary: usize,
    marks: &mut Marks,
) -> bool {
    if at - sent_start > QUOTE_WINDOW {
        return false;
    }
    // Most candidates have no quotation mark before them: the marks noted in passing decide
    // that.
    debug_assert_eq!(
        marks.quote_since(sent_start),
        text[sent_start..at].contains('"') || text[sent_start..at].contains(marks.quotes.0),
        "marks noted up to {at}"
    );
    if !marks.quote_since(sent_start) {
        return false;
    }
    let close_mark = marks.quotes.1;
    let counts = marks.counts(text, sent_start, at);
    let closing_here = &text[punct_end..boundary];
    if closing_here.contains('"') || closing_here.contains(close_mark) {
        return false;
    }
    let open_straight = counts.straight % 2 == 1;
    let open_curly = counts.open > counts.close;
    if !open_straight && !open_curly {
        return false;
    }
    let end = floor_char_boundary(text, boundary + QUOTE_WINDOW);
    let ahead = &text[boundary..end];
    // `close_mark` is one character: starting with `c` is being `c`.
    let close = ahead.find(|c| (open_straight && c == '"') || (open_curly && close_mark.starts_with(c)));
    close.is_some_and(|i| !ahead[..i].contains("\n\n"))
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
fn is_roman(s: &str) -> bool {
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
    if punct.strong {
        return strong_ends(next);
    }
    if punct.ellipsis {
        return ellipsis_ends(text, sent_start, punct.start, next);
    }
    period_ends(text, sent_start, punct.start, next, lists, lang)
}

/// `!` and `?` end a sentence unless the text goes on in lower case ("Was? fragte er"), also
/// after a dash ("and -- voila! -- you have cake"; but "see? - Posted like …" splits).
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
            AbbrevKind::TimeSuffix => !next.is_digit(),
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
    if lang == Lang::En && next.is_digit() && !next.list_marker() && is_short_word(token) {
        // English sentences rarely open with a numeral: "Rs. 16720", "SEC. 1262", "et al. 1987".
        return false;
    }
    true
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
    let number = (1..=3).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_digit());
    if !(number || is_roman(token) || is_initial(token)) {
        return false;
    }
    text[sent_start..token_start].chars().all(|c| c.is_whitespace() || is_bullet(c))
}

/// Characters used as list bullets.
fn is_bullet(c: char) -> bool {
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
    fn list_markers_pass_the_pre_check() {
        for marker in [
            "• x",
            "◦ x",
            "➢ x",
            "– x",
            "- x",
            "* x",
            "1. Die",
            "12) x",
            "123.) x",
            "(iv) x",
            "[z] x",
            "MMXVI. Die",
            "(Ä) x",
            "a. The",
        ] {
            assert!(is_list_marker(marker), "{marker}");
            assert!(may_open_list_marker(marker.as_bytes()), "{marker}");
        }
        for plain in ["96 Menschen", "„Wer spricht", "“x. y", "Überall", "", "1234. x"] {
            assert!(!may_open_list_marker(plain.as_bytes()) || !is_list_marker(plain), "{plain}");
        }
    }

    proptest::proptest! {
        /// The pre-check never turns away what the full check accepts.
        #[test]
        fn pre_check_keeps_every_list_marker(
            s in "[(\\[]?([0-9]{1,4}|[IVXivx]{1,6}|[a-zÄß€]{1,2}|[•◦–„\\-*])[.)\\] ]{0,3}[ \t]?[A-Za-zä]{0,6}"
        ) {
            if is_list_marker_in_full(&s) {
                proptest::prop_assert!(may_open_list_marker(s.as_bytes()), "{:?}", s);
            }
        }
    }

    #[test]
    fn curly_quotes_are_one_character_with_the_lead_byte_marks_search_for() {
        for lang in [Lang::De, Lang::En] {
            let (open, close) = quote_marks(lang);
            for mark in [open, close] {
                assert_eq!(mark.chars().count(), 1, "{lang} {mark}");
                assert_eq!(mark.as_bytes()[0], 0xE2, "{lang} {mark}");
            }
        }
    }

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
