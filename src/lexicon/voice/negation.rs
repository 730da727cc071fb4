//! Whether a negator stands within three words before a term, in its clause. Negators and
//! clause-ending punctuation live in `src/lexicon/data/*.txt`.

use std::sync::OnceLock;

use crate::Lang;

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
        Lang::De => DE.get_or_init(|| Negators::new(parse_negators(include_str!("../data/negators_de.txt")))),
        Lang::En => EN.get_or_init(|| Negators::new(parse_negators(include_str!("../data/negators_en.txt")))),
    }
}

fn clause_breaks() -> &'static [char] {
    static BREAKS: OnceLock<Vec<char>> = OnceLock::new();
    BREAKS.get_or_init(|| {
        data_lines(include_str!("../data/clause_breaks.txt")).filter_map(|l| l.chars().next()).collect()
    })
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
