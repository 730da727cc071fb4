//! The language knowledge of the segmenter: word lists compiled in from `data/*.txt`.
//!
//! Files hold one entry per line; `#` starts a comment line, blank lines are ignored.

use std::sync::OnceLock;

use crate::text::{WordMap, WordSet};
use crate::Lang;

/// How an abbreviation behaves before a following word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AbbrevKind {
    /// Never ends a sentence ("Dr.", "z.B.").
    Inner,
    /// Often ends a sentence ("usw.", "etc."): split only before a typical sentence opener.
    MayEnd,
    /// An abbreviation only when a number follows ("Nr. 5", "No. 5").
    BeforeNumber,
    /// A time suffix ("6 p.m."): ends the sentence before any capitalised word.
    TimeSuffix,
}

/// All word lists for one language.
#[derive(Debug)]
pub(crate) struct WordLists {
    /// Abbreviations keyed without their final period.
    abbreviations: WordMap<String, AbbrevKind>,
    /// For each first byte, one bit per length in bytes (63 for all longer ones) of the
    /// abbreviations that start with it: most tokens before a period are ordinary words and
    /// are turned away here without hashing.
    abbreviation_shapes: Box<[u64; 256]>,
    /// Capitalised words that typically open a sentence.
    starters: WordSet<&'static str>,
    /// Month names (German ordinal rule).
    months: WordSet<&'static str>,
    /// Nouns that follow an ordinal number (German ordinal rule).
    ordinal_nouns: WordSet<&'static str>,
    /// The same nouns lower-cased, to recognise them as compound heads.
    ordinal_heads: Vec<String>,
    /// Lower-case words that introduce an ordinal number (German ordinal rule).
    ordinal_triggers: WordSet<&'static str>,
    /// Capitalised words that go on after a clock time ("6 p.m. Friday", "9 a.m. Eastern").
    time_followers: WordSet<&'static str>,
    /// Relative pronouns that open a bracketed comment on the sentence before ("(Which …)").
    relative_openers: WordSet<&'static str>,
    /// Names written with an exclamation mark ("Yahoo!").
    exclamation_names: WordSet<&'static str>,
}

/// The text of the data files of one language; a list the language does not use is empty.
#[derive(Default)]
struct Sources {
    abbreviations: &'static str,
    starters: &'static str,
    months: &'static str,
    ordinal_nouns: &'static str,
    ordinal_triggers: &'static str,
    time_followers: &'static str,
    relative_openers: &'static str,
    exclamation_names: &'static str,
}

impl WordLists {
    /// The shared lists for `lang`, parsed once per process.
    pub(crate) fn for_lang(lang: Lang) -> &'static WordLists {
        static DE: OnceLock<WordLists> = OnceLock::new();
        static EN: OnceLock<WordLists> = OnceLock::new();
        match lang {
            Lang::De => DE.get_or_init(|| {
                WordLists::parse(Sources {
                    abbreviations: include_str!("data/abbreviations_de.txt"),
                    starters: include_str!("data/sentence_starters_de.txt"),
                    months: include_str!("data/months_de.txt"),
                    ordinal_nouns: include_str!("data/ordinal_nouns_de.txt"),
                    ordinal_triggers: include_str!("data/ordinal_triggers_de.txt"),
                    ..Sources::default()
                })
            }),
            Lang::En => EN.get_or_init(|| {
                WordLists::parse(Sources {
                    abbreviations: include_str!("data/abbreviations_en.txt"),
                    starters: include_str!("data/sentence_starters_en.txt"),
                    time_followers: include_str!("data/time_followers_en.txt"),
                    relative_openers: include_str!("data/relative_openers_en.txt"),
                    exclamation_names: include_str!("data/exclamation_names_en.txt"),
                    ..Sources::default()
                })
            }),
        }
    }

    fn parse(sources: Sources) -> WordLists {
        let Sources {
            abbreviations,
            starters,
            months,
            ordinal_nouns,
            ordinal_triggers,
            time_followers,
            relative_openers,
            exclamation_names,
        } = sources;
        let mut abbrevs = WordMap::default();
        for entry in entries(abbreviations) {
            let (word, kind) = match entry.split_once('|') {
                Some((w, "end")) => (w, AbbrevKind::MayEnd),
                Some((w, "num")) => (w, AbbrevKind::BeforeNumber),
                Some((w, "time")) => (w, AbbrevKind::TimeSuffix),
                _ => (entry, AbbrevKind::Inner),
            };
            let key = word.trim_end_matches('.');
            if key.is_empty() {
                continue;
            }
            // A lower-case entry also matches sentence-initially ("vgl." → "Vgl."), unless it is
            // one letter: an upper-case letter is an initial ("p. 12" but "Colin P. Clarke").
            if let Some(cap) = capitalised(key).filter(|_| key.chars().nth(1).is_some()) {
                abbrevs.entry(cap).or_insert(kind);
            }
            abbrevs.insert(key.to_string(), kind);
        }
        let mut shapes = Box::new([0u64; 256]);
        for key in abbrevs.keys() {
            let (first, bit) = shape(key);
            shapes[first] |= bit;
        }
        WordLists {
            abbreviations: abbrevs,
            abbreviation_shapes: shapes,
            starters: entries(starters).collect(),
            months: entries(months).collect(),
            ordinal_nouns: entries(ordinal_nouns).collect(),
            ordinal_heads: entries(ordinal_nouns).map(str::to_lowercase).collect(),
            ordinal_triggers: entries(ordinal_triggers).collect(),
            time_followers: entries(time_followers).collect(),
            relative_openers: entries(relative_openers).collect(),
            exclamation_names: entries(exclamation_names).collect(),
        }
    }

    /// The kind of abbreviation `token` (without its final period) is, if it is one.
    pub(crate) fn abbreviation(&self, token: &str) -> Option<AbbrevKind> {
        if token.is_empty() {
            return None;
        }
        let (first, bit) = shape(token);
        if self.abbreviation_shapes[first] & bit == 0 {
            return None;
        }
        self.abbreviations.get(token).copied()
    }

    /// Whether `word` typically opens a sentence.
    pub(crate) fn is_starter(&self, word: &str) -> bool {
        self.starters.contains(word)
    }

    /// Whether `word` may follow a clock time inside the sentence (a weekday, month or time
    /// zone: "6 p.m. Friday").
    pub(crate) fn is_time_follower(&self, word: &str) -> bool {
        self.time_followers.contains(word)
    }

    /// Whether `word` opens a relative clause ("Which").
    pub(crate) fn is_relative_opener(&self, word: &str) -> bool {
        self.relative_openers.contains(word)
    }

    /// Whether `word` is a name written with an exclamation mark ("Yahoo").
    pub(crate) fn is_exclamation_name(&self, word: &str) -> bool {
        self.exclamation_names.contains(word)
    }

    /// Whether `word` is a month name.
    pub(crate) fn is_month(&self, word: &str) -> bool {
        self.months.contains(word)
    }

    /// Whether `word` is a noun that typically follows an ordinal number, or a compound
    /// ending in one: German compounds inherit their head noun ("60. Jubiläumsjahr").
    pub(crate) fn is_ordinal_noun(&self, word: &str) -> bool {
        if self.ordinal_nouns.contains(word) {
            return true;
        }
        word.chars().count() > 4
            && self.ordinal_heads.iter().any(|head| word.len() > head.len() + 2 && word.ends_with(head.as_str()))
    }

    /// Whether the lower-case form of `word` introduces an ordinal number.
    pub(crate) fn is_ordinal_trigger(&self, word: &str) -> bool {
        if self.ordinal_triggers.contains(word) {
            return true;
        }
        // Only sentence-initial capitalised triggers ("Der 21. Jahrestag") need lowering;
        // the allocation happens only for number-period tokens after a capitalised word.
        word.chars().next().is_some_and(char::is_uppercase)
            && self.ordinal_triggers.contains(word.to_lowercase().as_str())
    }
}

/// The first byte of a non-empty `word` and the bit of its length in bytes (lengths of 63
/// and more share the last bit).
fn shape(word: &str) -> (usize, u64) {
    (usize::from(word.as_bytes()[0]), 1u64 << word.len().min(63))
}

/// The non-comment, non-blank lines of a data file, trimmed.
fn entries(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `word` with its first letter upper-cased, if it starts lower-case.
fn capitalised(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    if !first.is_lowercase() {
        return None;
    }
    Some(first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags_and_capitalised_variants() {
        let de = WordLists::for_lang(Lang::De);
        assert_eq!(de.abbreviation("Dr"), Some(AbbrevKind::Inner));
        assert_eq!(de.abbreviation("usw"), Some(AbbrevKind::MayEnd));
        assert_eq!(de.abbreviation("Vgl"), Some(AbbrevKind::Inner));
        assert_eq!(de.abbreviation("Art"), Some(AbbrevKind::BeforeNumber));
        assert_eq!(de.abbreviation("Haus"), None);
        assert!(de.is_month("November"));
        assert!(de.is_ordinal_noun("Weltkrieg"));
        assert!(de.is_ordinal_trigger("Der"));
        assert!(!de.is_ordinal_trigger("Seite"));
        let en = WordLists::for_lang(Lang::En);
        assert_eq!(en.abbreviation("No"), Some(AbbrevKind::BeforeNumber));
        assert_eq!(en.abbreviation("Mr"), Some(AbbrevKind::Inner));
        assert!(!en.is_month("November"));
    }

    #[test]
    fn the_shape_filter_lets_every_listed_abbreviation_through() {
        for lang in [Lang::De, Lang::En] {
            let lists = WordLists::for_lang(lang);
            assert!(lists.abbreviations.len() > 100);
            for (key, &kind) in &lists.abbreviations {
                assert_eq!(lists.abbreviation(key), Some(kind), "{key}");
            }
        }
        let de = WordLists::for_lang(Lang::De);
        assert_eq!(de.abbreviation(""), None);
        assert_eq!(de.abbreviation("Bundesregierung"), None);
    }
}
