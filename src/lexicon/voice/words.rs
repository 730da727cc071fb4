//! The words and punctuation marks of a stretch of text, as the voice and negation rules read
//! them: each with its byte range in the whole text, words also lower-cased.

use std::ops::Range;

/// One word or punctuation mark.
#[derive(Debug, Clone)]
struct Token {
    /// Byte range in the text.
    range: Range<usize>,
    /// Byte range of the lower-cased word in [`Tokens::lower`]; empty for a mark.
    lower: Range<usize>,
    /// The punctuation mark, or `None` for a word.
    mark: Option<char>,
    /// How many parentheses or brackets are open around it.
    depth: u16,
    /// What the reader of the tokens notes about it (word class bits, a clause break).
    note: u32,
    /// How a word's first character is written ([`LOWER`], [`CAPITAL`], [`DIGIT`]), noted
    /// once: the rules ask it of the same words many times.
    shape: u8,
    /// Whether the word holds a hyphen the plain split of [`plain_words`] breaks at but
    /// tokens join (non-breaking U+2011, soft U+00AD).
    plain_split: bool,
}

/// A word that starts with a lower-case letter.
const LOWER: u8 = 1;
/// A word that starts with a capital.
const CAPITAL: u8 = 2;
/// A word that starts with an ASCII digit.
const DIGIT: u8 = 4;

/// The [`Token::shape`] of a word that starts with `c`.
fn shape_of(c: char) -> u8 {
    if c.is_ascii() {
        match c {
            'a'..='z' => LOWER,
            'A'..='Z' => CAPITAL,
            '0'..='9' => DIGIT,
            _ => 0,
        }
    } else if c.is_lowercase() {
        LOWER
    } else if c.is_uppercase() {
        CAPITAL
    } else {
        0
    }
}

/// The tokens of part of a text.
#[derive(Debug)]
pub(super) struct Tokens<'t> {
    /// The whole text the ranges refer to.
    pub text: &'t str,
    toks: Vec<Token>,
    lower: String,
}

thread_local! {
    /// Buffers of dropped token lists, reused: a match reads a few short stretches, and
    /// allocating anew for each would cost more than reading them.
    static SPARE: std::cell::RefCell<Vec<(Vec<Token>, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Drop for Tokens<'_> {
    fn drop(&mut self) {
        let mut toks = std::mem::take(&mut self.toks);
        let mut lower = std::mem::take(&mut self.lower);
        toks.clear();
        lower.clear();
        SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < 8 {
                spare.push((toks, lower));
            }
        });
    }
}

/// A letter or digit: the body of a word. ASCII and Latin-1 (most of German) are told
/// without the Unicode tables.
fn is_word_char(c: char) -> bool {
    match u32::from(c) {
        0..=0x7f => c.is_ascii_alphanumeric(),
        0x80..=0xff => matches!(c, 'ª' | 'µ' | 'º' | '²' | '³' | '¹' | '¼'..='¾' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ'),
        // General punctuation: dashes, quotation marks, spaces.
        0x2000..=0x206f => false,
        _ => c.is_alphanumeric(),
    }
}

/// Whitespace, told without the Unicode tables below U+0100.
fn is_space(c: char) -> bool {
    match u32::from(c) {
        0..=0x7f => c.is_ascii_whitespace() || c == '\u{b}',
        0x80..=0xff => matches!(c, '\u{85}' | '\u{a0}'),
        0x2000..=0x206f => matches!(u32::from(c), 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f),
        _ => c.is_whitespace(),
    }
}

/// The ASCII letters and digits, as a table: one load per byte where the test takes four
/// operations (the runs of a word's bytes are most of reading a sentence).
const ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x80 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The character at byte `i` of `s` (a character boundary), decoded only when not ASCII.
fn char_at(s: &str, i: usize) -> Option<char> {
    match s.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(char::from(b)),
        Some(_) => s[i..].chars().next(),
        None => None,
    }
}

/// End of the word whose last character so far is `last`, ending at byte `i` of `s`; and
/// whether a hyphen [`plain_words`] splits at (non-breaking, soft) joins it.
fn word_end(s: &str, mut i: usize, mut last: char) -> (usize, bool) {
    let bytes = s.as_bytes();
    let mut plain_split = false;
    loop {
        // Runs of ASCII letters and digits, the bulk of a word, without decoding.
        let run = bytes[i..].iter().take_while(|&&b| ASCII_WORD[usize::from(b)]).count();
        if run > 0 {
            i += run;
            last = char::from(bytes[i - 1]);
        }
        // Most words end at an ASCII byte that can join nothing (a space).
        match bytes.get(i) {
            Some(&b) if b >= 0x80 || matches!(b, b'-' | b'\'' | b',' | b'.' | b':') => {}
            _ => break,
        }
        let Some(d) = char_at(s, i) else { break };
        let after = i + d.len_utf8();
        if is_word_char(d) {
            i = after;
            last = d;
        } else if joins(d, last, char_at(s, after)) {
            plain_split |= matches!(d, '\u{2011}' | '\u{ad}');
            i = after;
            last = d;
        } else {
            break;
        }
    }
    (i, plain_split)
}

/// A character that joins two word characters into one word: hyphens and apostrophes
/// (US-Präsident, geht's), soft hyphens, and separators between digits (106,7; 10:05; 1.200).
fn joins(c: char, before: char, after: Option<char>) -> bool {
    match c {
        '-' | '‑' | '\'' | '’' | '\u{ad}' => after.is_some_and(is_word_char),
        ',' | '.' | ':' => before.is_ascii_digit() && after.is_some_and(|a| a.is_ascii_digit()),
        _ => false,
    }
}

impl<'t> Tokens<'t> {
    /// The tokens of `text[range]` (`range` on character boundaries), in one pass over the
    /// bytes: ASCII is classified by table and only other characters are decoded. The
    /// stretch is copied and ASCII-lower-cased in one go, and a word's lower-case form is
    /// its place in that copy; only a word with a capital beyond ASCII (Über, ’) is lowered
    /// on its own, after the copy. (Lowering each word into the buffer on its own, with a
    /// copy per word, was a fifth of reading a sentence.)
    pub fn new(text: &'t str, range: Range<usize>) -> Tokens<'t> {
        let part = &text[range.clone()];
        let bytes = part.as_bytes();
        let (mut toks, mut lower) = SPARE.with(|spare| spare.borrow_mut().pop()).unwrap_or_default();
        lower.push_str(part);
        lower.make_ascii_lowercase();
        let mut depth: u16 = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // The byte between most words.
            if b == b' ' {
                i += 1;
                continue;
            }
            let (c, len) = if b < 0x80 {
                (char::from(b), 1)
            } else {
                let c = part[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                (c, c.len_utf8())
            };
            if ASCII_WORD[usize::from(b)] || b >= 0x80 && is_word_char(c) {
                let (end, plain_split) = word_end(part, i + len, c);
                let word = &part[i..end];
                let lowered = if !has_capital_beyond_ascii(word) {
                    i..end
                } else {
                    let from = lower.len();
                    push_lower(word, &mut lower);
                    from..lower.len()
                };
                toks.push(Token {
                    range: range.start + i..range.start + end,
                    lower: lowered,
                    mark: None,
                    depth,
                    note: 0,
                    shape: shape_of(c),
                    plain_split,
                });
                i = end;
                continue;
            }
            if is_space(c) || c == '\u{fe0e}' || c == '\u{fe0f}' {
                i += len;
                continue;
            }
            if matches!(c, ')' | ']') {
                depth = depth.saturating_sub(1);
            }
            let at = range.start + i;
            toks.push(Token {
                range: at..at + len,
                lower: 0..0,
                mark: Some(c),
                depth,
                note: 0,
                shape: 0,
                plain_split: false,
            });
            if matches!(c, '(' | '[') {
                depth = depth.saturating_add(1);
            }
            i += len;
        }
        Tokens { text, toks, lower }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// Notes `note` about token `i`.
    pub fn set_note(&mut self, i: usize, note: u32) {
        self.toks[i].note = note;
    }

    /// The note about token `i` (0 past the end).
    pub fn note(&self, i: usize) -> u32 {
        self.toks.get(i).map_or(0, |t| t.note)
    }

    /// The lower-cased word at `i`; empty for a mark or past the end.
    pub fn word(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| &self.lower[t.lower.clone()])
    }

    /// The lower-cased words of `range` (marks are empty strings).
    pub fn words(&self, range: Range<usize>) -> Vec<&str> {
        range.map(|i| self.word(i)).collect()
    }

    /// Whether the token at `i` is a word.
    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.mark.is_none())
    }

    /// The punctuation mark at `i`.
    pub fn mark(&self, i: usize) -> Option<char> {
        self.toks.get(i).and_then(|t| t.mark)
    }

    /// The token as written.
    #[cfg(test)]
    pub fn surface(&self, i: usize) -> &'t str {
        self.toks.get(i).map_or("", |t| &self.text[t.range.clone()])
    }

    /// Whether the word at `i` starts with a capital letter.
    pub fn is_capitalised(&self, i: usize) -> bool {
        self.shape(i) == CAPITAL
    }

    /// Whether the word at `i` is written in lower case (a verb, adjective or function word in
    /// German).
    pub fn is_lower(&self, i: usize) -> bool {
        self.shape(i) == LOWER
    }

    /// Whether the word at `i` is a number.
    pub fn is_number(&self, i: usize) -> bool {
        self.shape(i) == DIGIT
    }

    /// The shape of the word at `i` (0 for a mark or past the end).
    fn shape(&self, i: usize) -> u8 {
        self.toks.get(i).map_or(0, |t| t.shape)
    }

    /// Whether the word at `i` holds a hyphen that [`plain_words`] splits at.
    pub fn is_split_by_plain(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.plain_split)
    }

    /// How many parentheses are open around the token at `i`.
    pub fn depth(&self, i: usize) -> u16 {
        self.toks.get(i).map_or(0, |t| t.depth)
    }

    /// Byte range of the token at `i`.
    pub fn range(&self, i: usize) -> Range<usize> {
        self.toks[i].range.clone()
    }

    /// Byte range from the start of token `r.start` to the end of token `r.end - 1`.
    pub fn bytes(&self, r: Range<usize>) -> Range<usize> {
        self.toks[r.start].range.start..self.toks[r.end - 1].range.end
    }

    /// Index of the first token that ends after byte `at` (`len()` when none does).
    pub fn index_at(&self, at: usize) -> usize {
        self.toks.partition_point(|t| t.range.end <= at)
    }

    /// Tokens covering the byte range `r`: from the first that ends after its start to the
    /// last that starts before its end.
    pub fn covering(&self, r: Range<usize>) -> Range<usize> {
        let start = self.index_at(r.start);
        let end = self.toks.partition_point(|t| t.range.start < r.end).max(start);
        start..end
    }

    /// Whether whitespace (or the start of the text) comes right before token `i`.
    pub fn spaced_before(&self, i: usize) -> bool {
        let at = self.toks[i].range.start;
        self.text[..at].chars().next_back().is_none_or(char::is_whitespace)
    }

    /// Whether whitespace (or the end of the text) comes right after token `i`.
    pub fn spaced_after(&self, i: usize) -> bool {
        let at = self.toks[i].range.end;
        self.text[at..].chars().next().is_none_or(char::is_whitespace)
    }
}

/// Appends `word` lower-cased, with ’ read as ': ASCII in one pass, Latin-1 capitals by
/// their fixed offset, only the rest through the Unicode tables.
pub(super) fn push_lower(word: &str, out: &mut String) {
    if !has_capital_beyond_ascii(word) {
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => out.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c)),
            '’' => out.push('\''),
            '\0'..='\u{ff}' => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

/// Whether `word` may have a character that ASCII lower-casing leaves as it is but the
/// Unicode tables change (a capital beyond ASCII, ’): false for lower-case Latin-1 letters
/// ("für", "Präsident"), so most German words are lowered as bytes.
fn has_capital_beyond_ascii(word: &str) -> bool {
    // Most words are ASCII: told word-at-a-time before the byte walk.
    if word.is_ascii() {
        return false;
    }
    let bytes = word.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += match b {
            0..=0x7f => 1,
            // U+0080–U+00BF: signs and marks, none with a capital; U+00DF–U+00FF (C3 9F–BF):
            // ß and the lower-case letters.
            0xc2 => 2,
            0xc3 if bytes.get(i + 1).is_some_and(|&next| next >= 0x9f) => 2,
            _ => return true,
        };
    }
    false
}

/// The words of `s` split at everything but letters, digits, hyphens and apostrophes: a
/// plain split for a first look, before (or instead of) reading tokens.
pub(super) fn plain_words(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(|c: char| !is_word_char(c) && !matches!(c, '\'' | '’' | '-')).filter(|w| !w.is_empty())
}

/// `w` lower-cased into `buf` (cleared first), as tokens are, without edge apostrophes and
/// hyphens.
pub(super) fn lower_into<'a>(w: &'a str, buf: &'a mut String) -> &'a str {
    let trimmed = w.trim_matches(|c| c == '\'' || c == '-');
    // Most words are lower case already: looked up as they are, not copied.
    if trimmed.bytes().all(|b| b.is_ascii_lowercase()) {
        return trimmed;
    }
    buf.clear();
    push_lower(w, buf);
    buf.trim_matches(|c| c == '\'' || c == '-')
}

/// Whether `c` is a quotation mark.
pub(super) fn is_quote_mark(c: char) -> bool {
    matches!(c, '„' | '“' | '”' | '"' | '»' | '«' | '‚' | '‘' | '’' | '\'' | '‹' | '›')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<&str> {
        let t = Tokens::new(text, 0..text.len());
        (0..t.len()).map(|i| t.surface(i)).collect()
    }

    #[test]
    fn words_keep_hyphens_apostrophes_and_number_separators() {
        assert_eq!(all("US-Präsident sagte: „Nein.“"), ["US-Präsident", "sagte", ":", "„", "Nein", ".", "“"]);
        assert_eq!(all("geht's um 106,7 Mio. (10:05)"), ["geht's", "um", "106,7", "Mio", ".", "(", "10:05", ")"]);
        assert_eq!(all("Ost- und West"), ["Ost", "-", "und", "West"]);
        assert_eq!(all("▶︎ Jetzt"), ["▶", "Jetzt"]);
    }

    #[test]
    fn words_are_lower_cased_with_byte_ranges_in_the_whole_text() {
        let text = "xx Über DIE Grenze";
        let t = Tokens::new(text, 3..text.len());
        assert_eq!(t.word(0), "über");
        assert_eq!(t.range(0), 3..8);
        assert!(t.is_capitalised(0) && !t.is_lower(0));
        assert_eq!(t.index_at(9), 1);
        assert_eq!(t.covering(9..18), 1..3);
        assert_eq!(t.bytes(1..3), 9..text.len());
    }

    #[test]
    fn latin1_and_punctuation_tables_agree_with_the_standard_library() {
        for c in (0..0x100).chain(0x2000..0x2070).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_space(c), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn lower_casing_agrees_with_the_standard_library() {
        for w in ["Über", "ÄÖÜẞ", "US-PRÄSIDENT", "geht’s", "ÀÞ×Ø", "İstanbul", "ΣΟΦΙΑ", "für", "Straße", "µ«»ÿ", "Ÿ"]
        {
            let mut out = String::new();
            push_lower(w, &mut out);
            assert_eq!(out, w.to_lowercase().replace('’', "'"), "{w}");
        }
    }

    proptest::proptest! {
        /// Any word is lowered as the standard library lowers each of its characters (’ read
        /// as '): the byte path for words without capitals beyond ASCII changes nothing.
        #[test]
        fn lower_casing_any_word_agrees_with_the_standard_library(
            w in "[A-Za-z0-9À-ÿĀ-ſ’'µ«»ẞİΣ-]{0,12}|\\PC{0,12}"
        ) {
            let mut out = String::from("x");
            push_lower(&w, &mut out);
            let expected: String = w.chars().flat_map(char::to_lowercase).collect();
            proptest::prop_assert_eq!(&out[1..], expected.replace('’', "'"));
        }
    }

    /// The tokenizer as first written, a character at a time with each word lowered on its
    /// own: what the one-pass reader must agree with.
    #[allow(clippy::type_complexity)]
    fn reference(text: &str) -> Vec<(Range<usize>, String, Option<char>, u16, [bool; 4])> {
        let mut out = Vec::new();
        let mut depth: u16 = 0;
        let mut i = 0;
        while let Some(c) = text[i..].chars().next() {
            let len = c.len_utf8();
            if c.is_whitespace() || c == '\u{fe0e}' || c == '\u{fe0f}' {
                i += len;
            } else if !c.is_alphanumeric() {
                if matches!(c, ')' | ']') {
                    depth = depth.saturating_sub(1);
                }
                out.push((i..i + len, String::new(), Some(c), depth, [false; 4]));
                if matches!(c, '(' | '[') {
                    depth = depth.saturating_add(1);
                }
                i += len;
            } else {
                let end = reference_word_end(text, i + len);
                let lower: String = text[i..end].chars().flat_map(char::to_lowercase).collect();
                let split = text[i..end].contains(['\u{2011}', '\u{ad}']);
                let shape = [c.is_lowercase(), c.is_uppercase(), c.is_ascii_digit(), split];
                out.push((i..end, lower.replace('’', "'"), None, depth, shape));
                i = end;
            }
        }
        out
    }

    /// Where the reference's word that goes on at byte `i` ends, by the rule as stated (the
    /// standard library's character classes, not the reader's tables): a letter or digit
    /// goes on; a hyphen, apostrophe or soft hyphen joins when a letter or digit follows; a
    /// comma, full stop or colon joins two ASCII digits.
    fn reference_word_end(text: &str, mut i: usize) -> usize {
        while let Some(c) = text[i..].chars().next() {
            let before = text[..i].chars().next_back();
            let after = text[i + c.len_utf8()..].chars().next();
            let joins = match c {
                '-' | '‑' | '\'' | '’' | '\u{ad}' => after.is_some_and(char::is_alphanumeric),
                ',' | '.' | ':' => {
                    before.is_some_and(|b| b.is_ascii_digit()) && after.is_some_and(|a| a.is_ascii_digit())
                }
                _ => false,
            };
            if !(c.is_alphanumeric() || joins) {
                break;
            }
            i += c.len_utf8();
        }
        i
    }

    proptest::proptest! {
        /// Any text is split and lowered as the character-at-a-time reference does it, in a
        /// stretch that starts inside a longer text.
        #[test]
        fn one_pass_reading_agrees_with_the_reference(
            body in r"([A-Za-z0-9ÄÖÜäöüßÀÞ’'.,:;()\[\]„“»«‑\u{ad}\u{a0}\u{fe0f}▶İΣ -]|\n|\PC){0,40}"
        ) {
            let text = format!("Vor {body}");
            let t = Tokens::new(&text, 4..text.len());
            let got: Vec<_> = (0..t.len())
                .map(|i| {
                    let r = t.range(i);
                    let shape = [t.is_lower(i), t.is_capitalised(i), t.is_number(i), t.is_split_by_plain(i)];
                    (r.start - 4..r.end - 4, t.word(i).to_string(), t.mark(i), t.depth(i), shape)
                })
                .collect();
            proptest::prop_assert_eq!(got, reference(&body));
        }
    }

    #[test]
    fn parentheses_nest() {
        let text = "A (b (c) d) e";
        let t = Tokens::new(text, 0..text.len());
        let depths: Vec<u16> = (0..t.len()).map(|i| t.depth(i)).collect();
        assert_eq!(depths, [0, 0, 1, 1, 2, 1, 1, 0, 0]);
    }
}
