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
    forms: HashMap<Box<str>, Vec<VerbUse>>,
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

/// All word lists of one language.
#[derive(Debug)]
pub(super) struct Lists {
    pub determiners: WordList,
    pub pronouns: WordList,
    pub first_person: WordList,
    pub prepositions: WordList,
    pub subordinators: WordList,
    pub complementizers: WordList,
    pub coordinators: WordList,
    pub adverbs: WordList,
    pub auxiliaries: WordList,
    pub relatives: WordList,
    pub name_particles: WordList,
    pub predicates: WordList,
    pub tolerating: WordList,
    pub negation_gap: WordList,
    pub motto: WordList,
    pub distancing: WordList,
    pub distancing_quotes: WordList,
    /// Konjunktiv I forms that mark reported speech alone.
    pub konjunktiv: WordList,
    /// Subjunctive forms that mark it only after a verb of saying.
    pub konjunktiv_after_verb: WordList,
    pub reporting: VerbList,
    pub labels: VerbList,
    pub attribution: Vec<Phrase>,
    pub teasers: Vec<Vec<Box<str>>>,
    pub not_sources: WordList,
    pub stance: WordList,
    pub negators: Vec<(NegatorKind, WordList)>,
    /// Characters that end a clause (clause_breaks.txt); the comma is the weak one.
    pub clause_breaks: Vec<char>,
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
        let grammar = sections(files.grammar);
        let section =
            |name: &str, phrases: bool| WordList::parse(grammar.get(name).map_or(&[], Vec::as_slice), phrases);
        let konjunktiv = sections(files.konjunktiv);
        let headlines = sections(files.headlines);
        let negators = sections(files.negators);
        let negator_kinds = [
            ("determiner", NegatorKind::Determiner),
            ("adverb", NegatorKind::Adverb),
            ("preposition", NegatorKind::Preposition),
            ("correlative", NegatorKind::Correlative),
        ];
        Lists {
            determiners: section("determiners", false),
            pronouns: section("pronouns", false),
            first_person: section("first_person", false),
            prepositions: section("prepositions", false),
            subordinators: section("subordinators", false),
            complementizers: section("complementizers", false),
            coordinators: section("coordinators", false),
            adverbs: section("adverbs", false),
            auxiliaries: section("auxiliaries", false),
            relatives: section("relatives", false),
            name_particles: section("name_particles", false),
            predicates: section("predicates", false),
            tolerating: section("tolerating", false),
            negation_gap: section("negation_gap", false),
            motto: section("motto", false),
            distancing: section("distancing", true),
            distancing_quotes: section("distancing_quotes", true),
            konjunktiv: WordList::parse(konjunktiv.get("alone").map_or(&[], Vec::as_slice), false),
            konjunktiv_after_verb: WordList::parse(konjunktiv.get("after_verb").map_or(&[], Vec::as_slice), false),
            reporting: VerbList::parse(files.reporting, Slot::Clause),
            labels: VerbList::parse(files.labels, Slot::Object),
            attribution: parse_phrases(files.attribution),
            teasers: headlines
                .get("teasers")
                .map(|ls| ls.iter().map(|l| l.split_whitespace().map(Into::into).collect()).collect())
                .unwrap_or_default(),
            not_sources: WordList::parse(headlines.get("not_sources").map_or(&[], Vec::as_slice), false),
            stance: WordList::parse(headlines.get("stance").map_or(&[], Vec::as_slice), false),
            negators: negator_kinds
                .iter()
                .map(|(name, kind)| (*kind, WordList::parse(negators.get(name).map_or(&[], Vec::as_slice), false)))
                .collect(),
            clause_breaks: data_lines(include_str!("../data/clause_breaks.txt"))
                .filter_map(|l| l.chars().next())
                .collect(),
        }
    }

    /// The kind of negator the lower-case word `w` is, if it is one.
    pub fn negator(&self, w: &str) -> Option<NegatorKind> {
        let w = if w.contains('’') { std::borrow::Cow::Owned(w.replace('’', "'")) } else { w.into() };
        self.negators.iter().find(|(_, list)| list.has(&w)).map(|(kind, _)| *kind)
    }
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
            assert!(l.determiners.has("the") || l.determiners.has("der"));
            assert!(!l.reporting.forms.is_empty() && !l.labels.forms.is_empty() && !l.attribution.is_empty());
            assert!(l.reporting.forms.keys().chain(l.labels.forms.keys()).all(|f| f.to_lowercase() == **f));
            assert_eq!(l.negators.len(), 4);
            assert!(l.clause_breaks.contains(&','));
        }
    }

    #[test]
    fn word_lists_match_words_endings_and_phrases() {
        let l = lists(Lang::De);
        assert!(l.determiners.has("keinen") && !l.determiners.has("ke"));
        assert_eq!(l.distancing.ends(&["die", "sogenannte"]), 1);
        assert_eq!(l.distancing.ends(&["die", "so", "genannte"]), 2);
        assert_eq!(l.distancing_quotes.ends(&["den", "selbst", "ernannten"]), 2);
        assert_eq!(l.distancing_quotes.ends(&["von", "putin", "ernannten"]), 0);
        assert_eq!(lists(Lang::En).negator("isn’t"), Some(NegatorKind::Adverb));
        assert_eq!(l.negator("keine"), Some(NegatorKind::Determiner));
        assert_eq!(l.negator("nichts"), None);
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
}
