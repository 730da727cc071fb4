//! The quotations of a document, found once and asked per match.
//!
//! Quotation marks recognised by [`Quotations::find`]: „…“ and „…” (German), “…” (English),
//! "…" (straight), »…« and «…» (both directions occur in German), ‚…‘ and ‘…’ (single), and
//! '…' (straight single). Single marks double as apostrophes (geht's, Jones'), so an opening
//! single mark must follow whitespace, the start or opening punctuation and precede a
//! non-space; a closing one must follow a non-space and precede a non-letter. Quotations may
//! nest; a closing mark also closes any unclosed quotation opened inside it.
//!
//! Quote state never leaks far: an unclosed quotation ends at the next blank line (paragraph
//! end) or the end of the text; a second opening mark of the same kind closes an unclosed one
//! (German does not nest „ in „); a closing-looking mark with nothing open to close (the text
//! starts mid-quotation: `… werden», erläuterte er`) closes a quotation that began at the
//! paragraph start or the end of the last quotation; a straight " after a digit is an inch
//! sign.

use std::ops::Range;

use super::Voice;

/// Most words a quotation may have and still count as scare quotes around a term.
pub(super) const SCARE_QUOTE_MAX_WORDS: usize = 3;

/// The quotations of one document, found once and queried per match.
#[derive(Debug, Clone, Default)]
pub struct Quotations {
    /// Byte spans of the quoted content (inside the marks), sorted by start, outer before
    /// inner; a nested quotation lies inside the one around it.
    pub spans: Vec<Range<usize>>,
}

/// The kind of opening mark, which decides what closes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opener {
    /// „ closed by “ or ”.
    LowDouble,
    /// “ closed by ”.
    CurlyDouble,
    /// " closed by ".
    Straight,
    /// » closed by «.
    GuillemetRight,
    /// « closed by ».
    GuillemetLeft,
    /// ‚ closed by ‘ or ’.
    LowSingle,
    /// ‘ closed by ’.
    CurlySingle,
    /// ' closed by '.
    StraightSingle,
}

/// Quotations opened and not yet closed, innermost last.
struct OpenStack {
    open: Vec<(Opener, usize)>,
    spans: Vec<Range<usize>>,
    /// Where a quotation whose opening mark is missing would start: the paragraph start or the
    /// end of the last closing mark.
    orphan_start: usize,
}

/// The neighbours of a mark in its text.
#[derive(Clone, Copy)]
struct Around<'t> {
    text: &'t str,
    prev: Option<char>,
    next: Option<char>,
}

impl Around<'_> {
    /// Follows a non-space and precedes a space, punctuation or the end: `werden», sagte`.
    fn closes(self) -> bool {
        self.prev.is_some_and(|p| !p.is_whitespace()) && self.next.is_none_or(|n| !n.is_alphanumeric())
    }

    /// Follows a space, the start or opening punctuation and precedes a non-space.
    fn opens(self) -> bool {
        let after_ok = self.prev.is_none_or(|p| p.is_whitespace() || "([{„“‚‘»«\"'—–-/:".contains(p));
        after_ok && self.next.is_some_and(|n| !n.is_whitespace())
    }
}

impl OpenStack {
    fn open(&mut self, kind: Opener, content_start: usize) {
        // German does not nest a mark in itself: an unclosed one of the same kind was unbalanced.
        if let Some(k) = self.open.iter().rposition(|(o, _)| *o == kind) {
            if matches!(kind, Opener::LowDouble | Opener::GuillemetRight | Opener::GuillemetLeft | Opener::CurlyDouble)
            {
                let mark_at = content_start - mark_len(kind);
                self.close_from(k, mark_at);
            }
        }
        self.open.push((kind, content_start));
    }

    /// Closes the innermost quotation of one of `kinds` (and any opened inside it) at byte
    /// `at`; false when none is open.
    fn close(&mut self, kinds: &[Opener], at: usize, mark_end: usize) -> bool {
        let Some(k) = self.open.iter().rposition(|(kind, _)| kinds.contains(kind)) else { return false };
        self.close_from(k, at);
        self.orphan_start = mark_end;
        true
    }

    /// A mark that may open or close (“ " » «): closes one of `kinds`; else, looking like a
    /// closing mark with nothing open, closes a quotation whose opening mark is missing;
    /// else opens one of `kind`.
    fn close_or_open(&mut self, kinds: &[Opener], kind: Opener, at: usize, after: usize, around: Around) {
        if self.close(kinds, at, after) {
            return;
        }
        if around.closes() && !around.opens() {
            self.close_orphan(around.text, at, after);
        } else {
            self.open(kind, after);
        }
    }

    /// A mark that only closes (”): closes one of `kinds`, or a quotation whose opening mark
    /// is missing.
    fn close_only(&mut self, kinds: &[Opener], at: usize, after: usize, around: Around) {
        if !self.close(kinds, at, after) && around.closes() {
            self.close_orphan(around.text, at, after);
        }
    }

    /// A closing mark with nothing open: the quotation began where the last one ended or the
    /// paragraph began.
    fn close_orphan(&mut self, text: &str, at: usize, mark_end: usize) {
        let start = at - text[self.orphan_start..at].trim_start().len();
        if self.open.is_empty() && start < at {
            self.spans.push(start..at);
        }
        self.orphan_start = mark_end;
    }

    fn close_from(&mut self, k: usize, at: usize) {
        for (_, start) in self.open.drain(k..) {
            if start < at {
                self.spans.push(start..at);
            }
        }
    }
}

/// Byte length of the opening mark of `kind`.
fn mark_len(kind: Opener) -> usize {
    match kind {
        Opener::Straight | Opener::StraightSingle => 1,
        Opener::GuillemetRight | Opener::GuillemetLeft => 2,
        _ => 3,
    }
}

impl Quotations {
    /// Finds the quotations in `text` („…“, "…", »…«, «…», ‚…‘, '…').
    pub fn find(text: &str) -> Quotations {
        let mut stack = OpenStack { open: Vec::new(), spans: Vec::new(), orphan_start: 0 };
        let bytes = text.as_bytes();
        // Only line breaks and quotation marks matter: visit the candidate bytes, found by two
        // SIMD searches merged in order (each is ASCII or a UTF-8 lead byte, so always a
        // character boundary).
        let mut marks = memchr::memchr3_iter(b'\n', 0xc2, 0xe2, bytes).peekable();
        let mut ascii_quotes = memchr::memchr2_iter(b'"', b'\'', bytes).peekable();
        loop {
            let at = match (marks.peek(), ascii_quotes.peek()) {
                (Some(&a), Some(&b)) if b < a => ascii_quotes.next(),
                (Some(_), _) => marks.next(),
                (None, _) => ascii_quotes.next(),
            };
            let Some(pos) = at else { break };
            let Some(c) = text[pos..].chars().next() else { break };
            let after = pos + c.len_utf8();
            let around = Around { text, prev: text[..pos].chars().next_back(), next: text[after..].chars().next() };
            match c {
                '\n' if starts_blank_line(&text[after..]) => {
                    stack.close_from(0, pos);
                    stack.orphan_start = after;
                }
                '„' => stack.open(Opener::LowDouble, after),
                '“' => stack.close_or_open(
                    &[Opener::LowDouble, Opener::CurlyDouble],
                    Opener::CurlyDouble,
                    pos,
                    after,
                    around,
                ),
                '”' => stack.close_only(&[Opener::CurlyDouble, Opener::LowDouble], pos, after, around),
                // An inch sign: 12" Bildschirm.
                '"' if around.prev.is_some_and(|p| p.is_ascii_digit()) && !around.opens() => {}
                '"' => stack.close_or_open(&[Opener::Straight], Opener::Straight, pos, after, around),
                '»' => stack.close_or_open(&[Opener::GuillemetLeft], Opener::GuillemetRight, pos, after, around),
                '«' => stack.close_or_open(&[Opener::GuillemetRight], Opener::GuillemetLeft, pos, after, around),
                '‚' if opens_single(around.prev, around.next) => stack.open(Opener::LowSingle, after),
                '‘' => {
                    let closed =
                        closes_single(around.prev, around.next) && stack.close(&[Opener::LowSingle], pos, after);
                    if !closed && opens_single(around.prev, around.next) {
                        stack.open(Opener::CurlySingle, after);
                    }
                }
                '’' if closes_single(around.prev, around.next) => {
                    stack.close(&[Opener::CurlySingle, Opener::LowSingle], pos, after);
                }
                '\'' => {
                    let closed =
                        closes_single(around.prev, around.next) && stack.close(&[Opener::StraightSingle], pos, after);
                    if !closed && opens_single(around.prev, around.next) {
                        stack.open(Opener::StraightSingle, after);
                    }
                }
                _ => {}
            }
        }
        stack.close_from(0, text.len());
        let mut spans = stack.spans;
        spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        Quotations { spans }
    }

    /// The quotations that contain the whole byte span `span`, innermost first.
    pub fn enclosing(&self, span: Range<usize>) -> impl Iterator<Item = &Range<usize>> + '_ {
        let candidates = self.spans.partition_point(|q| q.start <= span.start);
        self.spans[..candidates].iter().rev().filter(move |q| q.end >= span.end)
    }

    /// The voice the quotation marks alone give a match at byte span `span` of the same text:
    /// decided by the innermost quotation that contains the whole span (long: quoted; short:
    /// scare quote). [`super::Context::attribute`] also asks who is given as saying it.
    pub fn voice(&self, text: &str, span: Range<usize>) -> Voice {
        match self.enclosing(span).next() {
            None => Voice::Authorial,
            Some(q) if is_short(text, q.clone()) => Voice::ScareQuote,
            Some(_) => Voice::Quoted,
        }
    }
}

/// Whether the quotation `q` of `text` is short enough for scare quotes (≤ 3 words); the
/// count stops after the fourth word, so a long quotation costs no more than a short one.
pub(super) fn is_short(text: &str, q: Range<usize>) -> bool {
    text.get(q).is_some_and(|quoted| words(quoted).nth(SCARE_QUOTE_MAX_WORDS).is_none())
}

/// True when the rest of the line after a line break is blank and another line break follows.
fn starts_blank_line(rest: &str) -> bool {
    rest.trim_start_matches([' ', '\t', '\r']).starts_with('\n')
}

/// An opening single mark follows whitespace, the start or opening punctuation, and precedes
/// a non-space.
fn opens_single(prev: Option<char>, next: Option<char>) -> bool {
    let after_ok = prev.is_none_or(|p| p.is_whitespace() || "([{„“‚‘»«\"'—–-/".contains(p));
    after_ok && next.is_some_and(|n| !n.is_whitespace())
}

/// A closing single mark follows a non-space and precedes a non-letter (so not geht's).
fn closes_single(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_some_and(|p| !p.is_whitespace()) && next.is_none_or(|n| !n.is_alphabetic())
}

/// The words (alphanumeric runs) of `s`.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        Quotations::find(text).spans.iter().map(|r| &text[r.clone()]).collect()
    }

    fn voice_of(text: &str, term: &str) -> Voice {
        let start = text.find(term).unwrap_or_else(|| panic!("{term} in text"));
        Quotations::find(text).voice(text, start..start + term.len())
    }

    #[test]
    fn finds_german_english_and_guillemet_quotations() {
        assert_eq!(quoted("Er sprach von „Befreiung“ und ging."), vec!["Befreiung"]);
        assert_eq!(quoted("He said “we will stay” today."), vec!["we will stay"]);
        assert_eq!(quoted("Sie sagte: \"Wir bleiben hier\"."), vec!["Wir bleiben hier"]);
        assert_eq!(quoted("»Das ist Krieg«, sagte er. «Nein»"), vec!["Das ist Krieg", "Nein"]);
        assert_eq!(quoted("«Das ist Krieg», sagte er. »Nein«"), vec!["Das ist Krieg", "Nein"]);
    }

    #[test]
    fn single_marks_are_not_apostrophes() {
        assert_eq!(quoted("So geht's nicht, sagte Jones' Anwalt."), Vec::<&str>::new());
        assert_eq!(quoted("die ‚Befreiung‘ der Stadt"), vec!["Befreiung"]);
        assert_eq!(quoted("the 'liberation' of the town, Jones' car"), vec!["liberation"]);
        assert_eq!(quoted("the ‘liberation’ isn’t over"), vec!["liberation"]);
    }

    #[test]
    fn nested_and_unclosed_quotations() {
        assert_eq!(
            quoted("„Das war keine ‚Befreiung‘, das war Krieg“, sagte sie."),
            vec!["Das war keine ‚Befreiung‘, das war Krieg", "Befreiung"]
        );
        assert_eq!(quoted("Er rief: „Weg hier\n\nNeuer Absatz ohne Ende."), vec!["Weg hier"]);
    }

    #[test]
    fn a_closing_mark_with_nothing_open_closes_a_quotation_from_the_paragraph_start() {
        // The text starts mid-quotation (the opening mark lies before it).
        assert_eq!(quoted("Die Besatzer bleiben«, sagte er."), vec!["Die Besatzer bleiben"]);
        assert_eq!(quoted("Die Lage ist ernst“, heißt es."), vec!["Die Lage ist ernst"]);
        assert_eq!(quoted("Erst „A“. Dann B“, sagte sie."), vec!["A", ". Dann B"]);
        assert_eq!(quoted("Erst „A“ Dann B“, sagte sie."), vec!["A", "Dann B"]);
        assert_eq!(quoted("Absatz eins.\n\nDie Besatzer bleiben», sagte er."), vec!["Die Besatzer bleiben"]);
        // Opening-looking marks still open.
        assert_eq!(quoted("Er sagte: »Wir bleiben«"), vec!["Wir bleiben"]);
    }

    #[test]
    fn an_unbalanced_mark_does_not_swallow_the_paragraph() {
        // The first „ is never closed: the second one ends it instead of nesting in it.
        assert_eq!(quoted("„Erstens. Dann sagte er: „Nein“ und ging."), vec!["Erstens. Dann sagte er: ", "Nein"]);
        // An inch sign opens nothing.
        assert_eq!(quoted("Ein 12\" Bildschirm und \"Krieg\" hier."), vec!["Krieg"]);
    }

    #[test]
    fn voice_of_the_marks_alone_depends_on_quotation_length() {
        assert_eq!(voice_of("aus „humanitären“ Gründen", "humanitären"), Voice::ScareQuote);
        assert_eq!(voice_of("Er sagte: „Das ist eine Befreiung der Stadt.“", "Befreiung"), Voice::Quoted);
        assert_eq!(voice_of("Die Befreiung der Stadt begann.", "Befreiung"), Voice::Authorial);
    }
}
