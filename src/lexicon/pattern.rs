//! The pattern language of lexicon entries, compiled to word globs and the gaps between
//! them. The language itself (words, case, `*`, phrases, punctuation) is specified in
//! `lexicons/README.md`, "Pattern language"; this file implements it.

/// What must stand between two consecutive words of a phrase: the pattern's characters, where
/// a space stands for one run of whitespace in the text and every other character for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gap(String);

impl Gap {
    /// True when the text between two words, `gap`, is what the pattern asks for.
    pub(crate) fn matches(&self, gap: &str) -> bool {
        let mut rest = gap;
        for want in self.0.chars() {
            if want == ' ' {
                let trimmed = rest.trim_start();
                if trimmed.len() == rest.len() {
                    return false;
                }
                rest = trimmed;
            } else {
                match rest.strip_prefix(want) {
                    Some(r) => rest = r,
                    None => return false,
                }
            }
        }
        rest.is_empty()
    }
}

/// A glob over one lower-cased word: literal parts with `*` between, before or after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WordGlob {
    /// Non-empty lower-cased literal parts, in order.
    pub(crate) parts: Vec<String>,
    /// The glob starts with `*`.
    lead_star: bool,
    /// The glob ends with `*`.
    trail_star: bool,
}

impl WordGlob {
    fn parse(word: &str) -> WordGlob {
        // Lower-casing neither makes nor removes a `*`, nor empties a part: each part is
        // lower-cased on its own, which is its one allocation.
        WordGlob {
            parts: word.split('*').filter(|p| !p.is_empty()).map(str::to_lowercase).collect(),
            lead_star: word.starts_with('*'),
            trail_star: word.ends_with('*'),
        }
    }

    /// True when the lower-cased word `w` matches the glob.
    pub(crate) fn matches(&self, w: &str) -> bool {
        let n = self.parts.len();
        if n == 0 {
            return true;
        }
        let mut s = w;
        let mut lo = 0;
        let mut hi = n;
        if !self.lead_star {
            match s.strip_prefix(self.parts[0].as_str()) {
                Some(r) => s = r,
                None => return false,
            }
            lo = 1;
        }
        if !self.trail_star {
            if hi > lo {
                match s.strip_suffix(self.parts[n - 1].as_str()) {
                    Some(r) => s = r,
                    None => return false,
                }
                hi = n - 1;
            } else {
                // A glob without any star: the whole word.
                return s.is_empty();
            }
        }
        for part in &self.parts[lo..hi] {
            match s.find(part.as_str()) {
                Some(i) => s = &s[i + part.len()..],
                None => return false,
            }
        }
        true
    }
}

/// A compiled pattern: word globs and the gaps between them (`gaps.len() + 1 == words.len()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) words: Vec<WordGlob>,
    pub(crate) gaps: Vec<Gap>,
}

impl Pattern {
    /// Compiles a pattern (without its leading `!`). `None` when it has no letter or digit,
    /// i.e. it would match every word.
    pub(crate) fn compile(pattern: &str) -> Option<Pattern> {
        if !can_match(pattern) {
            return None;
        }
        // Words are found before lower-casing, as in the text (İ lower-cases to i + U+0307).
        let mut split = Split { pattern, words: Vec::new(), gaps: Vec::new(), word: None, gap: String::new() };
        let mut space = false;
        for (at, c) in pattern.char_indices() {
            // A whitespace run counts as one space; at the start it falls before the first
            // word (dropped), and at the end nothing follows it.
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if std::mem::take(&mut space) {
                split.push(at, ' ');
            }
            split.push(at, c);
        }
        split.end_word();
        Some(Pattern { words: split.words, gaps: split.gaps })
    }

    /// The longest literal part and the index of the word it belongs to: the anchor the
    /// automaton searches for. `None` only for patterns of bare `*` words.
    pub(crate) fn anchor(&self) -> Option<(usize, &str)> {
        let mut best: Option<(usize, &str)> = None;
        for (i, w) in self.words.iter().enumerate() {
            for p in &w.parts {
                if best.is_none_or(|(_, b)| p.len() > b.len()) {
                    best = Some((i, p.as_str()));
                }
            }
        }
        best
    }
}

/// A pattern being cut into words and gaps, character by character.
struct Split<'p> {
    pattern: &'p str,
    words: Vec<WordGlob>,
    gaps: Vec<Gap>,
    /// The word being read: a slice of `pattern` (words never span whitespace).
    word: Option<std::ops::Range<usize>>,
    gap: String,
}

impl Split<'_> {
    /// Takes the character `c` at byte `at` of the pattern (a space may stand for a run of
    /// whitespace there).
    fn push(&mut self, at: usize, c: char) {
        if c.is_alphanumeric() || c == '*' {
            match &mut self.word {
                Some(word) => word.end = at + c.len_utf8(),
                None => {
                    if !self.words.is_empty() {
                        self.gaps.push(Gap(std::mem::take(&mut self.gap)));
                    }
                    self.word = Some(at..at + c.len_utf8());
                }
            }
        } else {
            self.end_word();
            // Punctuation before the first word is dropped; after the last, it stays here.
            if !self.words.is_empty() {
                self.gap.push(c);
            }
        }
    }

    fn end_word(&mut self) {
        if let Some(word) = self.word.take() {
            self.words.push(WordGlob::parse(&self.pattern[word]));
        }
    }
}

/// Whether [`Pattern::compile`] accepts `pattern`: it has a letter or digit, so it does not
/// match every word. Checks without compiling.
pub(crate) fn can_match(pattern: &str) -> bool {
    pattern.chars().any(char::is_alphanumeric)
}

/// The form under which two patterns count as the same: lower-cased, whitespace collapsed.
pub(crate) fn normalise(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for (i, token) in pattern.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if token.is_ascii() {
            // Without the String of `to_lowercase`, which the usual pattern does not need.
            let start = out.len();
            out.push_str(token);
            out[start..].make_ascii_lowercase();
        } else {
            out.push_str(&token.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob_matches(glob: &str, word: &str) -> bool {
        WordGlob::parse(glob).matches(word)
    }

    #[test]
    fn globs_anchor_where_there_is_no_star() {
        assert!(glob_matches("befreiung", "befreiung"));
        assert!(!glob_matches("befreiung", "befreiungsschlag"));
        assert!(glob_matches("besatzer*", "besatzern"));
        assert!(glob_matches("besatzer*", "besatzer"));
        assert!(!glob_matches("besatzer*", "exbesatzer"));
        assert!(glob_matches("*anschlag", "bombenanschlag"));
        assert!(!glob_matches("*anschlag", "anschlagsserie"));
        assert!(glob_matches("*besatzung*", "exbesatzungszone"));
        assert!(glob_matches("a*b", "ab"));
        assert!(glob_matches("a*b", "axxb"));
        assert!(!glob_matches("a*b", "axxbc"));
        assert!(!glob_matches("aba*aba", "aba"));
        assert!(!glob_matches("aba*aba", "ababa"));
        assert!(glob_matches("aba*aba", "abaaba"));
        assert!(glob_matches("*", "irgendwas"));
    }

    #[test]
    fn phrases_split_into_words_and_gaps() {
        let p = Pattern::compile("Anti-Terror-*  einsatz").unwrap_or_else(|| panic!("compiles"));
        assert_eq!(p.words.len(), 4);
        assert_eq!(p.gaps, vec![Gap("-".into()), Gap("-".into()), Gap(" ".into())]);
        assert_eq!(p.words[0].parts, vec!["anti".to_string()]);
        assert_eq!(p.anchor(), Some((3, "einsatz")));
        let q = Pattern::compile("-krieg - frieden.").unwrap_or_else(|| panic!("compiles"));
        assert_eq!(q.gaps, vec![Gap(" - ".into())]);
        assert_eq!(Pattern::compile("* *"), None);
        assert_eq!(Pattern::compile("-*-"), None);
        assert!(!can_match("-*-") && can_match("*a*"));
    }

    /// [`Pattern::compile`] as first written: the pattern re-joined with single spaces, then
    /// cut char by char, each word lower-cased whole before it is split at `*`.
    fn naive_compile(pattern: &str) -> Option<Pattern> {
        if !pattern.chars().any(char::is_alphanumeric) {
            return None;
        }
        let parse = |word: &str| WordGlob {
            parts: word.to_lowercase().split('*').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
            lead_star: word.starts_with('*'),
            trail_star: word.ends_with('*'),
        };
        let spaced = pattern.split_whitespace().collect::<Vec<_>>().join(" ");
        let (mut words, mut gaps, mut word, mut gap) = (Vec::new(), Vec::new(), String::new(), String::new());
        for c in spaced.chars() {
            if c.is_alphanumeric() || c == '*' {
                if word.is_empty() && !words.is_empty() {
                    gaps.push(Gap(std::mem::take(&mut gap)));
                }
                word.push(c);
            } else {
                if !word.is_empty() {
                    words.push(parse(&word));
                    word.clear();
                }
                if !words.is_empty() {
                    gap.push(c);
                }
            }
        }
        if !word.is_empty() {
            words.push(parse(&word));
        }
        Some(Pattern { words, gaps })
    }

    proptest::proptest! {
        /// Words, gaps and lower-cased parts as the first implementation cut them, for
        /// patterns of letters (İ and ẞ change length when lower-cased; Σ lower-cases by
        /// its neighbours), stars, punctuation and whitespace runs anywhere.
        #[test]
        fn compiles_as_the_reference(pattern in "[aBİẞäΣΑ*\\- .,\t\n\u{a0}]{0,16}") {
            proptest::prop_assert_eq!(Pattern::compile(&pattern), naive_compile(&pattern));
        }
    }

    #[test]
    fn normalised_patterns_are_lower_case_with_single_spaces() {
        assert_eq!(normalise("  Anti-Terror \t EINSATZ* "), "anti-terror einsatz*");
        // Non-ASCII words keep `str::to_lowercase`, final sigma included.
        assert_eq!(normalise("ÄRGER ΟΔΟΣ"), "ärger οδος");
    }

    #[test]
    fn gaps_take_whitespace_runs_for_spaces() {
        assert!(Gap(" ".into()).matches(" \n\t "));
        assert!(!Gap(" ".into()).matches(""));
        assert!(!Gap(" ".into()).matches(", "));
        assert!(Gap("-".into()).matches("-"));
        assert!(!Gap("-".into()).matches("- "));
        assert!(Gap(" - ".into()).matches("  -\n"));
    }
}
