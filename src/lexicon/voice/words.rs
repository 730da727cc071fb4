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
}

/// The tokens of part of a text.
#[derive(Debug)]
pub(super) struct Tokens<'t> {
    /// The whole text the ranges refer to.
    pub text: &'t str,
    toks: Vec<Token>,
    lower: String,
}

/// A letter or digit: the body of a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
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
    /// The tokens of `text[range]` (`range` on character boundaries).
    pub fn new(text: &'t str, range: Range<usize>) -> Tokens<'t> {
        let mut toks = Vec::new();
        let mut lower = String::new();
        let part = &text[range.clone()];
        let mut chars = part.char_indices().peekable();
        let mut depth: u16 = 0;
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() || c == '\u{fe0e}' || c == '\u{fe0f}' {
                continue;
            }
            if !is_word_char(c) {
                if matches!(c, ')' | ']') {
                    depth = depth.saturating_sub(1);
                }
                let at = range.start + i;
                toks.push(Token { range: at..at + c.len_utf8(), lower: 0..0, mark: Some(c), depth });
                if matches!(c, '(' | '[') {
                    depth = depth.saturating_add(1);
                }
                continue;
            }
            let mut end = i + c.len_utf8();
            let mut last = c;
            while let Some(&(j, d)) = chars.peek() {
                let after = part[j + d.len_utf8()..].chars().next();
                if is_word_char(d) || joins(d, last, after) {
                    chars.next();
                    end = j + d.len_utf8();
                    last = d;
                } else {
                    break;
                }
            }
            let from = lower.len();
            lower.extend(part[i..end].chars().flat_map(char::to_lowercase).map(|c| if c == '’' { '\'' } else { c }));
            toks.push(Token { range: range.start + i..range.start + end, lower: from..lower.len(), mark: None, depth });
        }
        Tokens { text, toks, lower }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
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
    pub fn surface(&self, i: usize) -> &'t str {
        self.toks.get(i).map_or("", |t| &self.text[t.range.clone()])
    }

    /// Whether the word at `i` starts with a capital letter.
    pub fn is_capitalised(&self, i: usize) -> bool {
        self.is_word(i) && self.surface(i).chars().next().is_some_and(char::is_uppercase)
    }

    /// Whether the word at `i` is written in lower case (a verb, adjective or function word in
    /// German).
    pub fn is_lower(&self, i: usize) -> bool {
        self.is_word(i) && self.surface(i).chars().next().is_some_and(char::is_lowercase)
    }

    /// Whether the word at `i` is a number.
    pub fn is_number(&self, i: usize) -> bool {
        self.is_word(i) && self.surface(i).starts_with(|c: char| c.is_ascii_digit())
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
    fn parentheses_nest() {
        let text = "A (b (c) d) e";
        let t = Tokens::new(text, 0..text.len());
        let depths: Vec<u16> = (0..t.len()).map(|i| t.depth(i)).collect();
        assert_eq!(depths, [0, 0, 1, 1, 2, 1, 1, 0, 0]);
    }
}
