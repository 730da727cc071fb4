//! Brackets and quotation marks around a candidate boundary: a sentence does not end inside
//! a short parenthesis or a quoted passage that closes later in the paragraph. The marks are
//! noted by the scanner as it passes them ([`Marks`]), so that each check stays bounded.

use super::lists::is_list_marker;
use super::rules::next_word;
use crate::text::floor_char_boundary;
use crate::Lang;

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

/// Fewest words on each side of a boundary inside brackets for the brackets to hold
/// sentences of their own rather than a short remark ("(Oh. Again!)") or abbreviations
/// ("(Proc. ABC with Abs. Reg. Compliance)").
const CLAUSE_WORDS: usize = 4;

/// Whether the bracket around the boundary, which [`inside_short_parens`] found, holds two
/// clauses of [`CLAUSE_WORDS`] or more words, one before the punctuation at `at` and one
/// after `boundary`: "(Here is another view of the same. And then there is a different case
/// here.)" is two sentences in brackets and is split like running text.
pub(crate) fn brackets_hold_two_clauses(text: &str, sent_start: usize, at: usize, boundary: usize) -> bool {
    let bytes = text.as_bytes();
    let floor = sent_start.max(at.saturating_sub(PAREN_WINDOW));
    let mut depth = 0usize;
    let Some(open) = bytes[floor..at].iter().rposition(|&b| match b {
        b')' => {
            depth += 1;
            false
        }
        b'(' if depth == 0 => true,
        b'(' => {
            depth -= 1;
            false
        }
        _ => false,
    }) else {
        return false;
    };
    let end = (boundary + PAREN_WINDOW).min(text.len());
    let mut nested = 0usize;
    let Some(close) = bytes[boundary..end].iter().position(|&b| match b {
        b'(' => {
            nested += 1;
            false
        }
        b')' if nested > 0 => {
            nested -= 1;
            false
        }
        b')' => true,
        _ => false,
    }) else {
        return false;
    };
    let words = |s: &str| s.split_whitespace().nth(CLAUSE_WORDS - 1).is_some();
    words(&text[floor + open + 1..at]) && words(&text[boundary..boundary + close])
}

/// When the sentence whose first character is at `open` is a bracketed remark without closing
/// punctuation and a capitalised word follows it ("(Phil. 4:8) Yes, it is!"), the offset
/// right after the closing bracket: the remark stands between two sentences and belongs to
/// neither. Not for enumerators ("(A) First things here") or bracketed numbers ("(1999) This
/// …", which read as enumerators too).
pub(crate) fn standalone_remark_end(text: &str, open: usize) -> Option<usize> {
    if text.as_bytes().get(open) != Some(&b'(') || is_list_marker(&text[open..]) {
        return None;
    }
    let end = (open + PAREN_WINDOW).min(text.len());
    let mut depth = 0usize;
    let close = open
        + text.as_bytes()[open..end].iter().position(|&b| match b {
            b'(' => {
                depth += 1;
                false
            }
            b')' => {
                depth -= 1;
                depth == 0
            }
            _ => b == b'\n',
        })?;
    let inner = &text[open + 1..close];
    if text.as_bytes()[close] != b')'
        || !inner.chars().any(char::is_alphabetic)
        || inner.trim_end().ends_with(['.', '!', '?', '…'])
    {
        return None;
    }
    let after = &text[close + 1..];
    let next = after.trim_start_matches([' ', '\t']);
    let spaced = next.len() < after.len();
    (spaced && next_word(next, 0).first.is_uppercase()).then_some(close + 1)
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
    /// The English single quotation marks counted in `singles_counted.0..singles_counted.1`.
    singles_counted: (usize, usize),
    /// Number of opening and closing single quotation marks in `singles_counted`.
    singles: (usize, usize),
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
            singles_counted: (usize::MAX, usize::MAX),
            singles: (0, 0),
        }
    }

    /// The opening and closing single quotation marks in `text[start..at]`, counting on from
    /// the last call when `start` is the same and `at` did not go back.
    fn single_counts(&mut self, text: &str, start: usize, at: usize) -> (usize, usize) {
        if self.singles_counted.0 != start || self.singles_counted.1 > at {
            self.singles_counted = (start, start);
            self.singles = (0, 0);
        }
        for i in single_quote_marks(text, self.singles_counted.1, at) {
            match single_quote_role(text, i) {
                QuoteRole::Open => self.singles.0 += 1,
                QuoteRole::Close => self.singles.1 += 1,
                QuoteRole::Apostrophe => {}
            }
        }
        self.singles_counted.1 = at;
        self.singles
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
    // `close_mark` is one character, compared as a `char` (`starts_with` made a call to
    // `memcmp` for every character ahead).
    let close_char = close_mark.chars().next();
    let close = ahead.find(|c| (open_straight && c == '"') || (open_curly && close_char == Some(c)));
    close.is_some_and(|i| !ahead[..i].contains("\n\n"))
}

/// Whether the punctuation at `at` stands inside an English single-quoted passage that
/// closes later in the paragraph: `'after such a fall as this, I shall think nothing of it!
/// How brave they'll think me!'` and `‘it is said to grow in dragon’s blood. It grows …’`
/// are one sentence each, like double-quoted speech. Apostrophes ("they'll", "dragon’s") are
/// told apart from quotation marks by their neighbours ([`single_quote_role`]). English
/// only: German writes ‚…‘. The marks are counted at candidate boundaries only, on from the
/// last candidate of the same sentence ([`Marks`]), within bounded windows.
pub(crate) fn inside_single_quotes(
    text: &str,
    lang: Lang,
    sent_start: usize,
    at: usize,
    punct_end: usize,
    boundary: usize,
    marks: &mut Marks,
) -> bool {
    if lang != Lang::En || at - sent_start > QUOTE_WINDOW {
        return false;
    }
    let (open, close) = marks.single_counts(text, sent_start, at);
    if open <= close || single_quote_marks(text, punct_end, boundary).next().is_some() {
        return false;
    }
    let end = floor_char_boundary(text, boundary + QUOTE_WINDOW);
    let paragraph_end = text[boundary..end].find("\n\n").map_or(end, |i| boundary + i);
    single_quote_marks(text, boundary, paragraph_end).any(|i| single_quote_role(text, i) == QuoteRole::Close)
}

/// The offsets of `'`, `‘` and `’` in `text[from..to]` (found by their bytes: `'` and the
/// lead byte 0xE2 of the curly marks).
fn single_quote_marks(text: &str, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
    let bytes = &text.as_bytes()[from..to];
    memchr::memchr2_iter(b'\'', 0xE2, bytes)
        .filter(move |&i| bytes[i] == b'\'' || matches!(bytes.get(i + 1..i + 3), Some([0x80, 0x98 | 0x99])))
        .map(move |i| from + i)
}

/// What a single quotation mark does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteRole {
    Open,
    Close,
    Apostrophe,
}

/// The role of the `'`, `‘` or `’` at `i`, read from its neighbours: after a space or an
/// opening bracket and before a letter it opens ("'Well"); after a non-space and before a
/// non-letter it closes ("house!' ", "Apulia’ ("); between letters, or before a digit
/// ("they'll", "’90s"), it is an apostrophe. `‘` never closes.
fn single_quote_role(text: &str, i: usize) -> QuoteRole {
    let mark = text[i..].chars().next().unwrap_or('\'');
    let before = text[..i].chars().next_back();
    let after = text[i + mark.len_utf8()..].chars().next();
    let opens_here = before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '—' | '-'));
    if opens_here && after.is_some_and(char::is_alphabetic) {
        return QuoteRole::Open;
    }
    if mark != '‘' && before.is_some_and(|c| !c.is_whitespace()) && !after.is_some_and(char::is_alphanumeric) {
        return QuoteRole::Close;
    }
    QuoteRole::Apostrophe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quote_roles() {
        let text = "'Well!' they'll say, ‘dragon’s blood’ in the ’90s and the players' union.";
        let roles: Vec<QuoteRole> =
            single_quote_marks(text, 0, text.len()).map(|i| single_quote_role(text, i)).collect();
        use QuoteRole::*;
        assert_eq!(roles, [Open, Close, Apostrophe, Open, Apostrophe, Close, Apostrophe, Close]);
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
}
