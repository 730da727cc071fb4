//! The word lists of the voice and negation rules, read once per language from the data files
//! in `src/lexicon/data/` (compiled in).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Lang;

/// Non-comment, non-blank lines of a data file, trimmed.
pub(super) fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The lines of each `[section]` of a data file.
fn sections(text: &str) -> HashMap<&str, Vec<&str>> {
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut current = "";
    for line in data_lines(text) {
        match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(name) => current = name,
            None => out.entry(current).or_default().push(line),
        }
    }
    out
}

/// A set of lower-case words; an entry ending in `*` matches any ending, one starting with `*`
/// any beginning, and one of several words the last words of a phrase.
#[derive(Debug, Default)]
pub(super) struct WordList {
    exact: std::collections::HashSet<Box<str>>,
    prefixes: Vec<Box<str>>,
    suffixes: Vec<Box<str>>,
    /// Entries of several words, as their words.
    phrases: Vec<Vec<WordList>>,
}

impl WordList {
    /// The whitespace-separated words of `lines`; with `phrases`, each line is one entry, of
    /// several words where it has spaces.
    fn parse(lines: &[&str], phrases: bool) -> WordList {
        let mut list = WordList::default();
        for line in lines {
            let line = line.to_lowercase().replace('’', "'");
            if phrases && line.contains(' ') {
                let words = line.split_whitespace().map(|w| WordList::parse(&[w], false)).collect();
                list.phrases.push(words);
                continue;
            }
            for w in line.split_whitespace() {
                if let Some(p) = w.strip_suffix('*') {
                    list.prefixes.push(p.into());
                } else if let Some(s) = w.strip_prefix('*') {
                    list.suffixes.push(s.into());
                } else {
                    list.exact.insert(w.into());
                }
            }
        }
        list
    }

    /// Whether the lower-case word `w` is in the list (phrases aside).
    pub fn has(&self, w: &str) -> bool {
        !w.is_empty()
            && (self.exact.contains(w)
                || self.prefixes.iter().any(|p| w.starts_with(&**p))
                || self.suffixes.iter().any(|s| w.ends_with(&**s)))
    }

    /// Whether the lower-case word `w` can be the last word of an entry (of one word or
    /// several): a first look before the words before it are read.
    pub fn may_end(&self, w: &str) -> bool {
        self.has(w) || self.phrases.iter().any(|p| p.last().is_some_and(|l| l.has(w)))
    }

    /// The number of words of the longest entry that the lower-case words `before` end with
    /// (the last word of `before` is the one right before the position asked about).
    pub fn ends(&self, before: &[&str]) -> usize {
        let mut best = usize::from(before.last().is_some_and(|w| self.has(w)));
        for phrase in &self.phrases {
            let n = phrase.len();
            if n <= before.len() && phrase.iter().zip(&before[before.len() - n..]).all(|(l, w)| l.has(w)) {
                best = best.max(n);
            }
        }
        best
    }
}

/// What a verb of saying or labelling governs, which decides which of its words are the
/// source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// A clause after a comma or colon ("sagte, …").
    Clause,
    /// A noun whose clause runs to the next comma ("die Forderung, …").
    NounClause,
    /// The label after "als" in the same clause.
    Als,
    /// The label after "als", only with "für X" naming who holds the view.
    AlsFor,
    /// The label after "von" ("sprach von einem Völkermord").
    Von,
    /// The verb's whole clause is the charge ("wirft … vor").
    Object,
    /// The noun's following words are the charge ("Verdacht der Folter").
    NounObject,
    /// Only a quotation in the verb's clause is the subject's ("nannte die Angreifer
    /// „Terroristen“"); without marks its objects stay the author's ("nannte vier Themen").
    Quotation,
}

/// One use of a verb form: what it governs and the particle it needs in its clause.
#[derive(Debug, Clone)]
pub(super) struct VerbUse {
    pub slot: Slot,
    pub particle: Option<Box<str>>,
}

/// Verb (and noun) forms, lower case, with their uses.
#[derive(Debug, Default)]
pub(super) struct VerbList {
    forms: WordMap<Vec<VerbUse>>,
}

impl VerbList {
    /// Lines of `[slot:] form form … [+particle]`; `default` is the slot without a prefix.
    fn parse(text: &str, default: Slot) -> VerbList {
        let mut list = VerbList::default();
        for line in data_lines(text) {
            let (slot, rest) = match line.split_once(':') {
                Some((name, rest)) => (slot_named(name.trim()).unwrap_or(default), rest),
                None => (default, line),
            };
            let mut forms = Vec::new();
            let mut particle = None;
            for w in rest.split_whitespace() {
                match w.strip_prefix('+') {
                    Some(p) => particle = Some(p.to_lowercase().into_boxed_str()),
                    None => forms.push(w.to_lowercase()),
                }
            }
            for form in forms {
                list.forms.entry(form.into()).or_default().push(VerbUse { slot, particle: particle.clone() });
            }
        }
        list
    }

    /// The uses of the lower-case form `w`.
    pub fn uses(&self, w: &str) -> &[VerbUse] {
        self.forms.get(w).map_or(&[], Vec::as_slice)
    }
}

fn slot_named(name: &str) -> Option<Slot> {
    Some(match name {
        "clause" => Slot::Clause,
        "noun" => Slot::NounClause,
        "als" => Slot::Als,
        "als-für" => Slot::AlsFor,
        "von" => Slot::Von,
        "object" => Slot::Object,
        "noun-object" => Slot::NounObject,
        "quotation" => Slot::Quotation,
        _ => return None,
    })
}

/// Where the source of an attribution phrase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SourceAt {
    /// Nowhere in the sentence ("demnach").
    Nowhere,
    /// The noun phrase after the phrase ("laut X").
    After,
    /// The noun phrase before it ("X zufolge").
    Before,
    /// The clause's subject ("nach eigenen Angaben").
    Subject,
}

/// An attribution phrase: its words (lower case) and where its source stands.
#[derive(Debug, Clone)]
pub(super) struct Phrase {
    pub words: Vec<Box<str>>,
    pub source: SourceAt,
}

fn parse_phrases(text: &str) -> Vec<Phrase> {
    data_lines(text)
        .map(|line| {
            let mut source = SourceAt::Nowhere;
            let mut words = Vec::new();
            for (i, w) in line.split_whitespace().enumerate() {
                match w {
                    "_" if i == 0 => source = SourceAt::Before,
                    "_" => source = SourceAt::After,
                    "^" => source = SourceAt::Subject,
                    _ => words.push(w.to_lowercase().into_boxed_str()),
                }
            }
            Phrase { words, source }
        })
        .collect()
}

/// A negator's way of attaching to a term (negators_*.txt sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NegatorKind {
    /// Heads the noun phrase: kein, no.
    Determiner,
    /// nicht, nie, not, never.
    Adverb,
    /// ohne, without.
    Preposition,
    /// weder … noch, neither … nor.
    Correlative,
}

/// Word classes as bits: every word of a sentence is looked up once, in one map, and the
/// rules test bits (most words of a sentence are in no class).
pub(super) mod class {
    pub const DETERMINER: u32 = 1 << 0;
    pub const PRONOUN: u32 = 1 << 1;
    pub const FIRST_PERSON: u32 = 1 << 2;
    pub const PREPOSITION: u32 = 1 << 3;
    pub const SUBORDINATOR: u32 = 1 << 4;
    pub const COMPLEMENTIZER: u32 = 1 << 5;
    pub const COORDINATOR: u32 = 1 << 6;
    pub const ADVERB: u32 = 1 << 7;
    pub const AUXILIARY: u32 = 1 << 8;
    pub const RELATIVE: u32 = 1 << 9;
    pub const NAME_PARTICLE: u32 = 1 << 10;
    pub const PREDICATE: u32 = 1 << 11;
    pub const TOLERATING: u32 = 1 << 12;
    pub const NEGATION_GAP: u32 = 1 << 13;
    pub const MOTTO: u32 = 1 << 14;
    /// Konjunktiv I forms that mark reported speech alone.
    pub const KONJUNKTIV: u32 = 1 << 15;
    /// Subjunctive forms that mark it only after a verb of saying.
    pub const KONJUNKTIV_AFTER_VERB: u32 = 1 << 16;
    /// A form of reporting_verbs_*.txt.
    pub const REPORTING: u32 = 1 << 17;
    /// A form of label_verbs_*.txt.
    pub const LABEL: u32 = 1 << 18;
    /// The first word of an attribution phrase.
    pub const PHRASE_START: u32 = 1 << 19;
    pub const STANCE: u32 = 1 << 20;
    pub const NOT_SOURCE: u32 = 1 << 21;
    pub const NEG_DETERMINER: u32 = 1 << 22;
    pub const NEG_ADVERB: u32 = 1 << 23;
    pub const NEG_PREPOSITION: u32 = 1 << 24;
    pub const NEG_CORRELATIVE: u32 = 1 << 25;
    /// A word of [`super::REPORTED_SPEECH_WORDS`].
    pub const SPEECH_WORD: u32 = 1 << 26;
    /// A word of [`super::KONJUNKTIV_PRONOUNS`].
    pub const KONJUNKTIV_PRONOUN: u32 = 1 << 27;
    pub const NEGATOR: u32 = NEG_DETERMINER | NEG_ADVERB | NEG_PREPOSITION | NEG_CORRELATIVE;
    /// Closed classes: such a word is no adjective, noun or name.
    pub const FUNCTION: u32 =
        DETERMINER | PRONOUN | PREPOSITION | SUBORDINATOR | COORDINATOR | ADVERB | AUXILIARY | RELATIVE | NEGATOR;
}

/// The word classes that can open or mark reported speech (a verb or noun of saying or
/// labelling, an attribution phrase, a subjunctive).
pub(super) const REPORTED_SPEECH_TRIGGERS: u32 =
    class::REPORTING | class::LABEL | class::PHRASE_START | class::KONJUNKTIV | class::KONJUNKTIV_AFTER_VERB;

/// Words outside those classes that do so too: "so X", "wie X sagte", "soll … haben",
/// "heißt es".
pub(super) const REPORTED_SPEECH_WORDS: &[&str] = &["so", "wie", "as", "soll", "sollen", "heißt", "hieß"];

/// Pronouns after which a word in -e is a Konjunktiv I no list holds ("man lehne").
pub(super) const KONJUNKTIV_PRONOUNS: &[&str] = &["er", "sie", "es", "man"];

/// Maps of short words. Every word of a read sentence is looked up: rustc-hash's FxHasher
/// takes eight bytes a step, several times faster than SipHash on short keys, and 5.8
/// million instructions (of 740) cheaper than the byte-wise FNV-1a these maps had, on the
/// 5 MB benchmark corpus.
type WordMap<V> = HashMap<Box<str>, V, rustc_hash::FxBuildHasher>;

/// The classes of words: whole words in maps, `*` entries in short lists.
#[derive(Debug, Default)]
struct ClassMap {
    /// Words of up to [`SHORT_WORD`] bytes by their [`short_key`]: most words of a sentence
    /// are short, and a number is hashed and compared without a call to `memcmp` (which
    /// comparing strings in `long` needs).
    short: HashMap<u64, u32, rustc_hash::FxBuildHasher>,
    /// The longer words.
    long: WordMap<u32>,
    /// The words of `short` and `long`: most words of a sentence are in no class, and are
    /// told so here without probing a map.
    present: WordFilter,
    prefixes: Vec<(Box<str>, u32)>,
    suffixes: Vec<(Box<str>, u32)>,
    /// The first bytes of the prefixes and the last bytes of the suffixes, as bits: most
    /// words can match neither list, and are told so without walking them (every word of a
    /// read sentence is looked up).
    prefix_firsts: ByteSet,
    suffix_lasts: ByteSet,
}

/// Most bytes a word of [`ClassMap::short`] has.
const SHORT_WORD: usize = 7;

/// A word of up to [`SHORT_WORD`] bytes as one number: its bytes, and its length in the top
/// byte (so that no two words share a key).
fn short_key(w: &str) -> Option<u64> {
    let bytes = w.as_bytes();
    if bytes.len() > SHORT_WORD {
        return None;
    }
    let packed = bytes.iter().enumerate().fold(0u64, |key, (k, &b)| key | u64::from(b) << (8 * k));
    Some(packed | (bytes.len() as u64) << 56)
}

/// A filter of words: two of its 8,192 bits for each, from a hash. It answers "maybe"
/// for every word put in, and "no" for nine in ten others (with the 1,500 words of a
/// language's lists). One kilobyte stays in the first-level cache, where the maps of the
/// lists do not: a lookup that missed the cache took most of the time of reading a word's
/// classes (measured with perf on the 30 MB corpus).
#[derive(Debug, Clone)]
struct WordFilter(Box<[u64; 128]>);

impl Default for WordFilter {
    fn default() -> WordFilter {
        WordFilter(Box::new([0; 128]))
    }
}

impl WordFilter {
    /// The two bits of a word with hash `hash`: its top 13 bits, and the 13 below them.
    fn bits(hash: u64) -> [usize; 2] {
        [(hash >> 51) as usize, (hash >> 38) as usize & 8191]
    }

    fn insert(&mut self, hash: u64) {
        for bit in WordFilter::bits(hash) {
            self.0[bit >> 6] |= 1 << (bit & 63);
        }
    }

    fn may_contain(&self, hash: u64) -> bool {
        WordFilter::bits(hash).iter().all(|&bit| self.0[bit >> 6] & (1 << (bit & 63)) != 0)
    }
}

/// A hash of a [`short_key`] whose top bits depend on all of its bytes (Fibonacci hashing).
fn mix(key: u64) -> u64 {
    key.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A hash of a longer word for [`WordFilter`].
fn long_hash(w: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(w.as_bytes());
    mix(hasher.finish())
}

/// A set of bytes.
#[derive(Debug, Default, Clone, Copy)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn contains(self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

impl ClassMap {
    /// Adds the words of `lines` (whitespace-separated, `*` for any ending or beginning).
    fn add(&mut self, lines: &[&str], bits: u32) {
        for line in lines {
            for w in line.to_lowercase().replace('’', "'").split_whitespace() {
                if let Some(p) = w.strip_suffix('*') {
                    // An empty prefix matches every word: its first byte is any byte.
                    match p.as_bytes().first() {
                        Some(&b) => self.prefix_firsts.insert(b),
                        None => (0..=u8::MAX).for_each(|b| self.prefix_firsts.insert(b)),
                    }
                    self.prefixes.push((p.into(), bits));
                } else if let Some(x) = w.strip_prefix('*') {
                    match x.as_bytes().last() {
                        Some(&b) => self.suffix_lasts.insert(b),
                        None => (0..=u8::MAX).for_each(|b| self.suffix_lasts.insert(b)),
                    }
                    self.suffixes.push((x.into(), bits));
                } else {
                    match short_key(w) {
                        Some(key) => {
                            self.present.insert(mix(key));
                            *self.short.entry(key).or_default() |= bits;
                        }
                        None => {
                            self.present.insert(long_hash(w));
                            *self.long.entry(w.into()).or_default() |= bits;
                        }
                    }
                }
            }
        }
    }

    fn get(&self, w: &str) -> u32 {
        let exact = match short_key(w) {
            Some(key) => self.present.may_contain(mix(key)).then(|| self.short.get(&key)).flatten(),
            None => self.present.may_contain(long_hash(w)).then(|| self.long.get(w)).flatten(),
        };
        let mut bits = exact.copied().unwrap_or(0);
        let (Some(&first), Some(&last)) = (w.as_bytes().first(), w.as_bytes().last()) else {
            // The empty word: only empty prefixes or suffixes match it.
            return self.affixes(w, bits);
        };
        if self.prefix_firsts.contains(first) || self.suffix_lasts.contains(last) {
            bits = self.affixes(w, bits);
        }
        bits
    }

    /// `bits` with the classes of the prefixes and suffixes `w` has.
    fn affixes(&self, w: &str, mut bits: u32) -> u32 {
        for (p, b) in &self.prefixes {
            if w.starts_with(&**p) {
                bits |= b;
            }
        }
        for (x, b) in &self.suffixes {
            if w.ends_with(&**x) {
                bits |= b;
            }
        }
        bits
    }
}

/// All word lists of one language.
#[derive(Debug)]
pub(super) struct Lists {
    /// The class bits of every listed word.
    classes: ClassMap,
    pub distancing: WordList,
    pub distancing_quotes: WordList,
    pub reporting: VerbList,
    pub labels: VerbList,
    pub attribution: Vec<Phrase>,
    pub teasers: Vec<Vec<Box<str>>>,
    /// Characters that end a clause (clause_breaks.txt); the comma is the weak one.
    pub clause_breaks: Vec<char>,
    /// What a word must look like to be a negator, read off the negator lists.
    negator_shape: NegatorShape,
}

/// The first letters of the negators, and whether one is a suffix ("*n't"): a word that
/// starts with another letter and has no apostrophe is no negator, without a lookup.
#[derive(Debug, Default)]
struct NegatorShape {
    /// Lower-case ASCII first letters, one bit each (a negator starting otherwise sets `any`).
    initials: u128,
    /// A suffix entry: any word with an apostrophe may be one.
    apostrophe: bool,
    /// A negator that does not start with an ASCII letter: every word must be looked up.
    any: bool,
}

impl NegatorShape {
    fn of(words: &[&str]) -> NegatorShape {
        let mut shape = NegatorShape::default();
        for w in words.iter().flat_map(|line| line.split_whitespace()) {
            let w = w.to_lowercase();
            match w.as_bytes().first() {
                Some(b'*') => shape.apostrophe = true,
                Some(&b) if b.is_ascii_lowercase() => shape.initials |= 1 << b,
                _ => shape.any = true,
            }
        }
        shape
    }

    fn may_be(&self, w: &str) -> bool {
        let Some(&first) = w.trim_start_matches(['\'', '’', '-']).as_bytes().first() else { return false };
        let b = first.to_ascii_lowercase();
        self.any || (b < 128 && self.initials & (1 << b) != 0) || (self.apostrophe && w.contains(['\'', '’']))
    }
}

/// The data files of one language.
struct Files {
    grammar: &'static str,
    konjunktiv: &'static str,
    reporting: &'static str,
    labels: &'static str,
    attribution: &'static str,
    headlines: &'static str,
    negators: &'static str,
}

impl Lists {
    fn load(files: &Files) -> Lists {
        use class::*;
        let grammar = sections(files.grammar);
        let konjunktiv = sections(files.konjunktiv);
        let headlines = sections(files.headlines);
        let negators = sections(files.negators);
        let lines = |sections: &HashMap<&str, Vec<&'static str>>, name: &str| -> Vec<&'static str> {
            sections.get(name).cloned().unwrap_or_default()
        };
        let mut classes = ClassMap::default();
        let grammar_classes = [
            ("determiners", DETERMINER),
            ("pronouns", PRONOUN),
            ("first_person", FIRST_PERSON),
            ("prepositions", PREPOSITION),
            ("subordinators", SUBORDINATOR),
            ("complementizers", COMPLEMENTIZER),
            ("coordinators", COORDINATOR),
            ("adverbs", ADVERB),
            ("auxiliaries", AUXILIARY),
            ("relatives", RELATIVE),
            ("name_particles", NAME_PARTICLE),
            ("predicates", PREDICATE),
            ("tolerating", TOLERATING),
            ("negation_gap", NEGATION_GAP),
            ("motto", MOTTO),
        ];
        for (name, bits) in grammar_classes {
            classes.add(&lines(&grammar, name), bits);
        }
        classes.add(&lines(&konjunktiv, "alone"), KONJUNKTIV);
        // The two short lists the rules ask of every word, as bits too: one test of the word's
        // note instead of comparing it with each.
        classes.add(REPORTED_SPEECH_WORDS, SPEECH_WORD);
        classes.add(KONJUNKTIV_PRONOUNS, KONJUNKTIV_PRONOUN);
        classes.add(&lines(&konjunktiv, "after_verb"), KONJUNKTIV_AFTER_VERB);
        classes.add(&lines(&headlines, "not_sources"), NOT_SOURCE);
        classes.add(&lines(&headlines, "stance"), STANCE);
        let mut negator_words = Vec::new();
        for (name, bits) in [
            ("determiner", NEG_DETERMINER),
            ("adverb", NEG_ADVERB),
            ("preposition", NEG_PREPOSITION),
            ("correlative", NEG_CORRELATIVE),
        ] {
            let words = lines(&negators, name);
            classes.add(&words, bits);
            negator_words.extend(words);
        }
        let reporting = VerbList::parse(files.reporting, Slot::Clause);
        let labels = VerbList::parse(files.labels, Slot::Object);
        let attribution = parse_phrases(files.attribution);
        for form in reporting.forms.keys() {
            classes.add(&[&**form], REPORTING);
        }
        for form in labels.forms.keys() {
            classes.add(&[&**form], LABEL);
        }
        for phrase in &attribution {
            classes.add(&[&phrase.words[0]], PHRASE_START);
        }
        let section = |name: &str| WordList::parse(grammar.get(name).map_or(&[], Vec::as_slice), true);
        Lists {
            classes,
            distancing: section("distancing"),
            distancing_quotes: section("distancing_quotes"),
            reporting,
            labels,
            attribution,
            teasers: headlines
                .get("teasers")
                .map(|ls| ls.iter().map(|l| l.split_whitespace().map(Into::into).collect()).collect())
                .unwrap_or_default(),
            clause_breaks: data_lines(include_str!("../data/clause_breaks.txt"))
                .filter_map(|l| l.chars().next())
                .collect(),
            negator_shape: NegatorShape::of(&negator_words),
        }
    }

    /// Whether the word `w` (as written) is a negator; words that cannot be one by their
    /// first letter are not lower-cased and looked up.
    pub fn is_negator(&self, w: &str, buf: &mut String) -> bool {
        self.negator_shape.may_be(w) && self.classes(super::words::lower_into(w, buf)) & class::NEGATOR != 0
    }

    /// The class bits of the lower-case word `w` (apostrophes read as ').
    pub fn classes(&self, w: &str) -> u32 {
        self.classes.get(w)
    }
}

/// The kind of negator a word's class bits say it is.
pub(super) fn negator_kind(bits: u32) -> Option<NegatorKind> {
    Some(match bits & class::NEGATOR {
        0 => return None,
        b if b & class::NEG_DETERMINER != 0 => NegatorKind::Determiner,
        b if b & class::NEG_ADVERB != 0 => NegatorKind::Adverb,
        b if b & class::NEG_PREPOSITION != 0 => NegatorKind::Preposition,
        _ => NegatorKind::Correlative,
    })
}

/// The lists of `lang`, loaded on first use.
pub(super) fn lists(lang: Lang) -> &'static Lists {
    static DE: OnceLock<Lists> = OnceLock::new();
    static EN: OnceLock<Lists> = OnceLock::new();
    match lang {
        Lang::De => DE.get_or_init(|| {
            Lists::load(&Files {
                grammar: include_str!("../data/grammar_de.txt"),
                konjunktiv: include_str!("../data/konjunktiv_de.txt"),
                reporting: include_str!("../data/reporting_verbs_de.txt"),
                labels: include_str!("../data/label_verbs_de.txt"),
                attribution: include_str!("../data/attribution_de.txt"),
                headlines: include_str!("../data/headlines_de.txt"),
                negators: include_str!("../data/negators_de.txt"),
            })
        }),
        Lang::En => EN.get_or_init(|| {
            Lists::load(&Files {
                grammar: include_str!("../data/grammar_en.txt"),
                konjunktiv: "",
                reporting: include_str!("../data/reporting_verbs_en.txt"),
                labels: include_str!("../data/label_verbs_en.txt"),
                attribution: include_str!("../data/attribution_en.txt"),
                headlines: include_str!("../data/headlines_en.txt"),
                negators: include_str!("../data/negators_en.txt"),
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_of_both_languages_loads_and_is_lower_case() {
        for lang in [Lang::De, Lang::En] {
            let l = lists(lang);
            assert!(l.classes("the") & class::DETERMINER != 0 || l.classes("der") & class::DETERMINER != 0);
            assert!(!l.reporting.forms.is_empty() && !l.labels.forms.is_empty() && !l.attribution.is_empty());
            assert!(l.reporting.forms.keys().chain(l.labels.forms.keys()).all(|f| f.to_lowercase() == **f));
            assert!(l.clause_breaks.contains(&','));
        }
    }

    #[test]
    fn word_lists_match_words_endings_and_phrases() {
        let l = lists(Lang::De);
        assert!(l.classes("keinen") & class::DETERMINER != 0 && l.classes("ke") == 0);
        assert_eq!(l.distancing.ends(&["die", "sogenannte"]), 1);
        assert_eq!(l.distancing.ends(&["die", "so", "genannte"]), 2);
        assert_eq!(l.distancing_quotes.ends(&["den", "selbst", "ernannten"]), 2);
        assert_eq!(l.distancing_quotes.ends(&["von", "putin", "ernannten"]), 0);
        assert_eq!(negator_kind(lists(Lang::En).classes("isn't")), Some(NegatorKind::Adverb));
        assert_eq!(negator_kind(l.classes("keine")), Some(NegatorKind::Determiner));
        assert_eq!(negator_kind(l.classes("noch")), Some(NegatorKind::Correlative));
        assert_eq!(negator_kind(l.classes("nichts")), None);
        assert!(l.classes("sagte") & class::REPORTING != 0 && l.classes("laut") & class::PHRASE_START != 0);
        // The frame finder asks each list only of the words its bit marks.
        for lang in [Lang::De, Lang::En] {
            let l = lists(lang);
            assert!(l.reporting.forms.keys().all(|f| l.classes(f) & class::REPORTING != 0));
            assert!(l.labels.forms.keys().all(|f| l.classes(f) & class::LABEL != 0));
            assert!(l.attribution.iter().all(|p| l.classes(&p.words[0]) & class::PHRASE_START != 0));
            assert!(REPORTED_SPEECH_WORDS.iter().all(|w| l.classes(w) & class::SPEECH_WORD != 0));
            assert!(KONJUNKTIV_PRONOUNS.iter().all(|w| l.classes(w) & class::KONJUNKTIV_PRONOUN != 0));
        }
        assert!(l.classes("sei") & class::KONJUNKTIV != 0 && l.classes("hätten") & class::KONJUNKTIV_AFTER_VERB != 0);
    }

    #[test]
    fn verbs_carry_their_slot_and_particle() {
        let l = lists(Lang::De);
        assert!(l.reporting.uses("sagte").iter().any(|u| u.particle.is_none()));
        assert!(l.reporting.uses("teilte").iter().all(|u| u.particle.as_deref() == Some("mit")));
        assert!(l.labels.uses("bezeichnete").iter().any(|u| u.slot == Slot::Als));
        assert!(l.labels.uses("gilt").iter().any(|u| u.slot == Slot::AlsFor));
        assert!(l.reporting.uses("forderung").iter().any(|u| u.slot == Slot::NounClause));
        let laut = l.attribution.iter().find(|p| &*p.words[0] == "laut").map(|p| p.source);
        assert_eq!(laut, Some(SourceAt::After));
        let zufolge = l.attribution.iter().find(|p| &*p.words[0] == "zufolge").map(|p| p.source);
        assert_eq!(zufolge, Some(SourceAt::Before));
    }

    proptest::proptest! {
        /// Whole words get the bits they were added with, short (one number) or long (a
        /// string), and no others: the map agrees with a plain map of strings.
        #[test]
        fn the_class_map_agrees_with_a_map_of_strings(
            added in proptest::collection::vec(("[a-zäöü']{1,10}", 0u32..8), 0..30),
            asked in proptest::collection::vec("[a-zäöü']{0,10}", 0..30),
        ) {
            let mut map = ClassMap::default();
            let mut reference = std::collections::HashMap::<String, u32>::new();
            for (w, bit) in &added {
                map.add(&[w.as_str()], 1 << bit);
                *reference.entry(w.clone()).or_default() |= 1 << bit;
            }
            for w in asked.iter().chain(added.iter().map(|(w, _)| w)) {
                proptest::prop_assert_eq!(map.get(w), reference.get(w).copied().unwrap_or(0), "{}", w);
            }
        }
    }
}
