//! Who says a term: the author, a quoted source, or the author with scare quotes; and
//! whether a negator stands before it.
//!
//! Quotation marks recognised by [`Quotations::find`]: „…“ and „…” (German), “…” (English),
//! "…" (straight), »…« and «…» (both directions occur in German), ‚…‘ and ‘…’ (single), and
//! '…' (straight single). Single marks double as apostrophes (geht's, Jones'), so an opening
//! single mark must follow whitespace, the start or opening punctuation and precede a
//! non-space; a closing one must follow a non-space and precede a non-letter. An unclosed
//! quotation ends at the next blank line (paragraph end) or the end of the text. Quotations
//! may nest; a closing mark also closes any unclosed quotation opened inside it.
//!
//! Negators and clause-ending punctuation live in `src/lexicon/data/*.txt`.

use std::ops::Range;
use std::sync::OnceLock;

use crate::Lang;

/// Who uses a matched term (definitions: `../shared/data/voice/GUIDELINES.md`, section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The journalist's own words.
    Authorial,
    /// Inside quotation marks that render someone else's words.
    Quoted,
    /// Someone else's words or view without quotation marks: indirect speech, attribution
    /// phrases (laut X, X zufolge), reportive "soll … haben".
    Reported,
    /// The author distancing from the term: short quotation marks nobody is given as
    /// saying, or "sogenannte" right before it.
    ScareQuote,
}

impl Voice {
    /// Name written to reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
            Voice::Reported => "reported",
            Voice::ScareQuote => "scare_quote",
        }
    }

    /// The voice a report cell names (`None` for anything else).
    pub fn from_name(name: &str) -> Option<Voice> {
        [Voice::Authorial, Voice::Quoted, Voice::Reported, Voice::ScareQuote].into_iter().find(|v| v.as_str() == name)
    }
}

/// Whose words a matched term is: its voice and, for quoted or reported words, the speaker
/// the sentence (or the one before) names, as a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// Who uses the term.
    pub voice: Voice,
    /// The person or institution the words are attributed to, where one is named.
    pub speaker: Option<Range<usize>>,
}

/// Where a matched term stands: everything attribution and negation look at.
#[derive(Debug, Clone)]
pub struct Context<'t> {
    /// The whole document text.
    pub text: &'t str,
    /// Its quotations ([`Quotations::find`] of `text`): a quotation opened in an earlier
    /// sentence still covers a term.
    pub quotes: &'t Quotations,
    /// The term's sentence, a byte range of `text`.
    pub sentence: Range<usize>,
    /// The sentence before it, where a speaker may be named.
    pub previous: Option<Range<usize>>,
    /// Language of the rules.
    pub lang: Lang,
}

impl Context<'_> {
    /// A text scored on its own (a training row, a `predict` sentence): its own sentence.
    pub fn whole<'t>(text: &'t str, quotes: &'t Quotations, lang: Lang) -> Context<'t> {
        Context { text, quotes, sentence: 0..text.len(), previous: None, lang }
    }

    /// Who uses the term at byte range `term` of the text, and whose words they are.
    pub fn attribute(&self, term: Range<usize>) -> Attribution {
        Attribution { voice: self.quotes.voice(self.text, term), speaker: None }
    }

    /// Whether a negation denies that the term at byte range `term` of the text applies.
    pub fn is_negated(&self, term: Range<usize>) -> bool {
        is_negated(&self.text[self.sentence.clone()], term.start - self.sentence.start, self.lang)
    }
}

/// Most words a quotation may have and still count as scare quotes around a term.
const SCARE_QUOTE_MAX_WORDS: usize = 3;

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
}

impl OpenStack {
    fn open(&mut self, kind: Opener, content_start: usize) {
        self.open.push((kind, content_start));
    }

    /// Closes the innermost quotation of one of `kinds` (and any opened inside it) at byte
    /// `at`; false when none is open.
    fn close(&mut self, kinds: &[Opener], at: usize) -> bool {
        let Some(k) = self.open.iter().rposition(|(kind, _)| kinds.contains(kind)) else { return false };
        self.close_from(k, at);
        true
    }

    /// Closes the innermost quotation of one of `kinds` at `at`, or else opens one of `kind`
    /// whose content starts at `after` (for marks that both open and close).
    fn close_or_open(&mut self, kinds: &[Opener], kind: Opener, at: usize, after: usize) {
        if !self.close(kinds, at) {
            self.open(kind, after);
        }
    }

    fn close_from(&mut self, k: usize, at: usize) {
        for (_, start) in self.open.drain(k..) {
            if start < at {
                self.spans.push(start..at);
            }
        }
    }
}

impl Quotations {
    /// Finds the quotations in `text` („…“, "…", »…«, «…», ‚…‘, '…').
    pub fn find(text: &str) -> Quotations {
        let mut stack = OpenStack { open: Vec::new(), spans: Vec::new() };
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
            // Only single marks look at their neighbours.
            let prev = || text[..pos].chars().next_back();
            let next = || text[after..].chars().next();
            match c {
                '\n' if starts_blank_line(&text[after..]) => stack.close_from(0, pos),
                '„' => stack.open(Opener::LowDouble, after),
                '“' => stack.close_or_open(&[Opener::LowDouble], Opener::CurlyDouble, pos, after),
                '”' => {
                    stack.close(&[Opener::CurlyDouble, Opener::LowDouble], pos);
                }
                '"' => stack.close_or_open(&[Opener::Straight], Opener::Straight, pos, after),
                '»' => stack.close_or_open(&[Opener::GuillemetLeft], Opener::GuillemetRight, pos, after),
                '«' => stack.close_or_open(&[Opener::GuillemetRight], Opener::GuillemetLeft, pos, after),
                '‚' if opens_single(prev(), next()) => stack.open(Opener::LowSingle, after),
                '‘' => {
                    let closed = closes_single(prev(), next()) && stack.close(&[Opener::LowSingle], pos);
                    if !closed && opens_single(prev(), next()) {
                        stack.open(Opener::CurlySingle, after);
                    }
                }
                '’' if closes_single(prev(), next()) => {
                    stack.close(&[Opener::CurlySingle, Opener::LowSingle], pos);
                }
                '\'' => {
                    let closed = closes_single(prev(), next()) && stack.close(&[Opener::StraightSingle], pos);
                    if !closed && opens_single(prev(), next()) {
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

    /// The voice of a match at byte span `span` of the same text: decided by the innermost
    /// quotation that contains the whole span.
    pub fn voice(&self, text: &str, span: Range<usize>) -> Voice {
        let candidates = self.spans.partition_point(|q| q.start <= span.start);
        let innermost = self.spans[..candidates].iter().rev().find(|q| q.end >= span.end);
        match innermost.and_then(|q| text.get(q.clone())) {
            None => Voice::Authorial,
            Some(quoted) if count_words(quoted) > SCARE_QUOTE_MAX_WORDS => Voice::Quoted,
            Some(_) => Voice::ScareQuote,
        }
    }
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

/// Number of words (alphanumeric runs) in `s`.
fn count_words(s: &str) -> usize {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count()
}

/// How many words before a term are searched for a negator.
const NEGATION_WINDOW: usize = 3;

/// A negator from a data file: a whole word, or a prefix/suffix with `*`.
#[derive(Debug)]
enum Negator {
    Word(String),
    Prefix(String),
    Suffix(String),
}

impl Negator {
    fn matches(&self, word: &str) -> bool {
        match self {
            Negator::Word(w) => word == w,
            Negator::Prefix(p) => word.starts_with(p.as_str()),
            Negator::Suffix(s) => word.ends_with(s.as_str()),
        }
    }
}

/// Non-comment, non-blank lines of a data file, trimmed.
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn parse_negators(text: &str) -> Vec<Negator> {
    data_lines(text)
        .map(|l| {
            let l = l.to_lowercase().replace('’', "'");
            if let Some(p) = l.strip_suffix('*') {
                Negator::Prefix(p.to_owned())
            } else if let Some(s) = l.strip_prefix('*') {
                Negator::Suffix(s.to_owned())
            } else {
                Negator::Word(l)
            }
        })
        .collect()
}

/// A language's negators, with the first bytes they can start with.
struct Negators {
    list: Vec<Negator>,
    /// Lower-case first bytes of the whole-word and prefix negators.
    first_bytes: [bool; 256],
    /// Whether a suffix negator (`*n't`) is among them: then any word may match.
    any_suffix: bool,
}

impl Negators {
    fn new(list: Vec<Negator>) -> Negators {
        let mut first_bytes = [false; 256];
        let mut any_suffix = false;
        for n in &list {
            match n {
                Negator::Word(w) | Negator::Prefix(w) => match w.as_bytes().first() {
                    Some(&b) => first_bytes[usize::from(b)] = true,
                    None => any_suffix = true, // an empty prefix matches every word
                },
                Negator::Suffix(_) => any_suffix = true,
            }
        }
        Negators { list, first_bytes, any_suffix }
    }

    /// Whether `word` lower-cased (with ’ read as ') is one of the negators. A word that
    /// starts with an ASCII byte no negator starts with in lower case is turned away first,
    /// as most words before a term are, without being lower-cased; the others are
    /// lower-cased into a reused buffer.
    fn matches(&self, word: &str) -> bool {
        thread_local! {
            static LOWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        if let Some(&b) = word.as_bytes().first() {
            if b < 0x80 && !self.any_suffix && !self.first_bytes[usize::from(b.to_ascii_lowercase())] {
                return false;
            }
        }
        LOWER.with(|lower| {
            let mut lower = lower.borrow_mut();
            crate::text::lowercase_into(word, &mut lower);
            if lower.contains('’') {
                *lower = lower.replace('’', "'");
            }
            self.list.iter().any(|n| n.matches(&lower))
        })
    }
}

fn negators(lang: Lang) -> &'static Negators {
    static DE: OnceLock<Negators> = OnceLock::new();
    static EN: OnceLock<Negators> = OnceLock::new();
    match lang {
        Lang::De => DE.get_or_init(|| Negators::new(parse_negators(include_str!("data/negators_de.txt")))),
        Lang::En => EN.get_or_init(|| Negators::new(parse_negators(include_str!("data/negators_en.txt")))),
    }
}

fn clause_breaks() -> &'static [char] {
    static BREAKS: OnceLock<Vec<char>> = OnceLock::new();
    BREAKS.get_or_init(|| data_lines(include_str!("data/clause_breaks.txt")).filter_map(|l| l.chars().next()).collect())
}

/// Word characters for the negation look-back: apostrophes belong to words (don't, isn't).
fn is_negation_word_char(c: char) -> bool {
    crate::text::is_alphanumeric(c) || c == '\'' || c == '’'
}

/// True when a negator of `lang` stands within three words before byte `at` of `sentence`,
/// in the same clause.
pub fn is_negated(sentence: &str, at: usize, lang: Lang) -> bool {
    let Some(mut rest) = sentence.get(..at) else { return false };
    let negators = negators(lang);
    let breaks = clause_breaks();
    for _ in 0..NEGATION_WINDOW {
        let trimmed = &rest[..trailing_run(rest, false)];
        // Mostly the gap is one space, which is never a break (the list's lines are trimmed).
        let gap = &rest[trimmed.len()..];
        if (gap != " " && gap.contains(breaks)) || trimmed.is_empty() {
            return false;
        }
        let start = trailing_run(trimmed, true);
        let word = trimmed[start..].trim_matches(['\'', '’']);
        if negators.matches(word) {
            return true;
        }
        rest = &trimmed[..start];
    }
    false
}

/// Where the run of characters at the end of `s` that are (`word`) or are not negation-word
/// characters starts: `s.trim_end_matches(...)`, without decoding ASCII bytes.
fn trailing_run(s: &str, word: bool) -> usize {
    let bytes = s.as_bytes();
    let mut i = bytes.len();
    while i > 0 {
        let b = bytes[i - 1];
        let (is_word, len) = if b < 0x80 {
            (NEGATION_WORD_ASCII[usize::from(b)], 1)
        } else {
            let c = s[..i].chars().next_back().unwrap_or(' ');
            (is_negation_word_char(c), c.len_utf8())
        };
        if is_word != word {
            break;
        }
        i -= len;
    }
    i
}

/// [`is_negation_word_char`] of each ASCII byte, looked up instead of classified per byte.
const NEGATION_WORD_ASCII: [bool; 256] =
    crate::text::ascii_set(&[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9'), (b'\'', b'\'')]);

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
    fn voice_depends_on_quotation_length() {
        assert_eq!(voice_of("aus „humanitären“ Gründen", "humanitären"), Voice::ScareQuote);
        assert_eq!(voice_of("die sogenannte „Befreiung“ der Stadt", "Befreiung"), Voice::ScareQuote);
        assert_eq!(voice_of("„die Befreiung Kiews“ nannte er es", "Befreiung"), Voice::ScareQuote);
        assert_eq!(voice_of("Er sagte: „Das ist eine Befreiung der Stadt.“", "Befreiung"), Voice::Quoted);
        assert_eq!(voice_of("Die Befreiung der Stadt begann.", "Befreiung"), Voice::Authorial);
        assert_eq!(voice_of("„Das ist eine ‚Befreiung‘ gewesen“, sagte er.", "Befreiung"), Voice::ScareQuote);
    }

    fn negated(sentence: &str, term: &str, lang: Lang) -> bool {
        is_negated(sentence, sentence.find(term).unwrap_or_else(|| panic!("{term} in sentence")), lang)
    }

    /// The look-back in its plain form: `str` trims and a linear search of the negators.
    fn is_negated_reference(sentence: &str, at: usize, lang: Lang) -> bool {
        let Some(mut rest) = sentence.get(..at) else { return false };
        for _ in 0..NEGATION_WINDOW {
            let trimmed = rest.trim_end_matches(|c: char| !is_negation_word_char(c));
            if rest[trimmed.len()..].contains(clause_breaks()) || trimmed.is_empty() {
                return false;
            }
            let start = trimmed.trim_end_matches(is_negation_word_char).len();
            let word = trimmed[start..].trim_matches(['\'', '’']).to_lowercase().replace('’', "'");
            if negators(lang).list.iter().any(|n| n.matches(&word)) {
                return true;
            }
            rest = &trimmed[..start];
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn look_back_equals_the_plain_form(
            words in proptest::collection::vec("nicht|Kein|keine|NIE|ohne|Weder|isn't|isn’t|no|Never|don’t|die|Ärger|ähnlich|ßx|'s|x’|–|,|;|a1", 0..8),
            seps in proptest::collection::vec("[ ,;:\n–]{1,2}", 8),
        ) {
            let mut sentence = String::new();
            for (w, sep) in words.iter().zip(&seps) {
                sentence.push_str(w);
                sentence.push_str(sep);
            }
            sentence.push_str("Besatzung");
            let at = sentence.len() - "Besatzung".len();
            for lang in [Lang::De, Lang::En] {
                proptest::prop_assert_eq!(is_negated(&sentence, at, lang), is_negated_reference(&sentence, at, lang), "{:?}", sentence);
            }
        }
    }

    #[test]
    fn ascii_word_table_agrees_with_the_classifier() {
        for b in 0..0x80u8 {
            assert_eq!(NEGATION_WORD_ASCII[usize::from(b)], is_negation_word_char(char::from(b)), "{b:#x}");
        }
    }

    #[test]
    fn negators_within_three_words_in_the_clause() {
        assert!(negated("Das war keine Befreiung.", "Befreiung", Lang::De));
        assert!(negated("Das ist nicht die eigentliche Besatzung.", "Besatzung", Lang::De));
        assert!(!negated("Das ist nicht die wirklich eigentliche Besatzung.", "Besatzung", Lang::De));
        assert!(!negated("Nicht hier, Besatzung bleibt.", "Besatzung", Lang::De));
        assert!(!negated("Er kam nie – Besatzung.", "Besatzung", Lang::De));
        assert!(negated("Weder Besatzung noch Befreiung.", "Besatzung", Lang::De));
        assert!(!negated("Nichtregierungsorganisationen kritisieren die Besatzung.", "Besatzung", Lang::De));
        assert!(negated("It isn't an occupation.", "occupation", Lang::En));
        assert!(negated("It isn’t an occupation.", "occupation", Lang::En));
        assert!(negated("This was no liberation.", "liberation", Lang::En));
        assert!(!negated("This was a liberation.", "liberation", Lang::En));
        assert!(!is_negated("kein", 99, Lang::De));
    }
}
