//! Whether a negation denies that a term applies (guidelines section 5): the negator must head
//! the term's phrase (only articles, adjectives and a few particles between them), or negate
//! the copula or naming verb the term is the predicate of. Not "nicht nur", not a negation of
//! another constituent ("will nicht in den Krieg eintreten", "ohne Zögern Sanktionen", "ohne
//! die Anschläge zu erwähnen"), not the term in a "sondern" part, not "kein" under a verb of
//! tolerating ("duldet keine Extremisten").
//!
//! Negators and their kinds live in `src/lexicon/data/negators_*.txt`, the words allowed
//! between negator and term in `grammar_*.txt` ([negation_gap]).

use std::ops::Range;

use super::lists::class::*;
use super::lists::{lists, NegatorKind};
use super::sentence::Sentence;
use super::words::plain_words;
use crate::text::floor_char_boundary;
use crate::Lang;

/// How far (bytes) before a term its sentence is read for negation: the negator, the words
/// between, a copula or a "weder" before them.
const BEFORE: usize = 120;
/// How far after it: the rest of its clause (a naming verb, "sondern", a verb of tolerating).
const AFTER: usize = 160;
/// How far (bytes) before a term a negator that heads it can stand: [`MAX_GAP`] articles and
/// adjectives and the negator.
const NEAR: usize = 100;
/// How far after a term a negator of it ("eskaliert nicht") can stand.
const NEAR_AFTER: usize = 24;
/// Most words between a negator and the term it negates.
const MAX_GAP: usize = 4;

/// Whether a negation in `sentence` denies that the term at byte range `term` of it applies.
pub fn is_negated(sentence: &str, term: Range<usize>, lang: Lang) -> bool {
    if term.start >= term.end || term.end > sentence.len() {
        return false;
    }
    if !negator_near(sentence, term.clone(), lang) {
        return false;
    }
    let from = floor_char_boundary(sentence, term.start.saturating_sub(BEFORE));
    let to = floor_char_boundary(sentence, term.end.saturating_add(AFTER)).max(term.end);
    let s = Sentence::new(sentence, from..to, lang);
    let toks = s.t.covering(term);
    if toks.is_empty() {
        return false;
    }
    Negation { s: &s, first: toks.start, last: toks.end - 1 }.decide()
}

/// The stretches of `sentence` [`negator_near`] looks at around the term: up to [`NEAR`]
/// bytes before it and [`NEAR_AFTER`] bytes after it.
fn look_around(sentence: &str, term: Range<usize>) -> [Range<usize>; 2] {
    let from = floor_char_boundary(sentence, term.start.saturating_sub(NEAR));
    let to = floor_char_boundary(sentence, term.end.saturating_add(NEAR_AFTER)).max(term.end);
    [from..term.start, term.end..to]
}

/// Whether a negator is among the words right before the term or the word right after it:
/// most terms have none, and then the sentence need not be read. A plain split of the bytes
/// around the term, one class lookup per word.
fn negator_near(sentence: &str, term: Range<usize>, lang: Lang) -> bool {
    let l = lists(lang);
    let mut buf = String::new();
    let mut is_negator = |w: &str| l.is_negator(w, &mut buf);
    let [before, after] = look_around(sentence, term);
    if plain_words(&sentence[before]).rev().take(MAX_GAP + 2).any(&mut is_negator) {
        return true;
    }
    plain_words(&sentence[after]).next().is_some_and(is_negator)
}

/// Whether [`negator_near`] may find a negator, told from tokens already read: `s` covers
/// the term's sentence, which starts at byte `offset` of their text, and `term` is a byte
/// range of the sentence. Every word the plain look splits off lies in one token (with
/// apostrophes or hyphens at its edges, which it trims), except around a digit separator
/// (where both sides are digits, and no negator starts or ends with one) and a non-breaking
/// or soft hyphen (such a token sends this look to the plain one). So a whole token in the
/// stretches it looks at answers by its class bits, and a token cut by their edges by the
/// plain look at its part inside them. It costs a few token notes where the plain look
/// split and looked up every word (a sixth of attribution's cost).
pub(super) fn may_be_negated(s: &Sentence, offset: usize, sentence: &str, term: Range<usize>) -> bool {
    let mut buf = String::new();
    look_around(sentence, term).into_iter().any(|part| {
        let part = offset + part.start..offset + part.end;
        s.t.covering(part.clone()).any(|k| {
            if !s.t.is_word(k) {
                return false;
            }
            let r = s.t.range(k);
            if r.start < part.start || r.end > part.end {
                let inside = &s.t.text[r.start.max(part.start)..r.end.min(part.end)];
                return plain_words(inside).any(|w| s.l.is_negator(w, &mut buf));
            }
            s.negator(k).is_some() || s.t.is_split_by_plain(k)
        })
    })
}

/// One term of a sentence, its negation asked.
struct Negation<'s, 't> {
    s: &'s Sentence<'t>,
    /// First and last token of the term.
    first: usize,
    last: usize,
}

impl Negation<'_, '_> {
    fn decide(&self) -> bool {
        let Some(neg) = self.negator_before() else { return self.negated_after() };
        let s = self.s;
        match s.negator(neg) {
            Some(NegatorKind::Determiner) => !self.under_tolerating_verb(),
            Some(NegatorKind::Adverb) => self.adverb_negates(neg),
            Some(NegatorKind::Preposition) => !self.zu_infinitive_follows(),
            Some(NegatorKind::Correlative) => self.correlative_negates(neg),
            None => self.negated_after(),
        }
    }

    /// The negator that heads the term's phrase: the first word before the term that is not an
    /// article, adjective or gap word, if it is a negator.
    fn negator_before(&self) -> Option<usize> {
        let s = self.s;
        let mut j = self.first;
        let mut gap = 0;
        while j > 0 && gap <= MAX_GAP {
            let k = j - 1;
            if s.negator(k).is_some() {
                return Some(k);
            }
            if !self.is_gap(k) {
                return None;
            }
            j = k;
            gap += 1;
        }
        None
    }

    /// A token that may stand between a negator and its term: an article, an adjective, a
    /// quotation mark, a word of [negation_gap].
    fn is_gap(&self, k: usize) -> bool {
        let s = self.s;
        if let Some(c) = s.t.mark(k) {
            return super::words::is_quote_mark(c);
        }
        let w = s.w(k);
        if s.has(k, NEGATION_GAP | DETERMINER) || s.t.is_number(k) {
            return true;
        }
        // German adjectives are the lower-case inflected words that are no function words;
        // English ones are told by their endings.
        let adjective = match s.lang {
            Lang::De => ["e", "en", "em", "er", "es"].iter().any(|e| w.ends_with(e)),
            Lang::En => {
                ["al", "ive", "ful", "ous", "ic", "ian", "ish", "ary", "ed", "-scale"].iter().any(|e| w.ends_with(e))
            }
        };
        s.t.is_lower(k) && adjective && !s.is_function_word(k)
    }

    /// nicht, nie, not, never: negate a verb or adjective term ("nicht eskalieren"), and a noun
    /// term only as a predicate: after a copula ("ist nicht die Befreiung"), before a naming
    /// verb ("nicht als Diktatur bezeichnen") or a "sondern"; never "nicht nur".
    fn adverb_negates(&self, neg: usize) -> bool {
        let s = self.s;
        if matches!(s.w(neg + 1), "nur" | "only") {
            return false;
        }
        let copula_before = neg > 0 && s.has(neg - 1, PREDICATE) || self.is_copula_contraction(neg);
        let verb_or_adjective = s.lang == Lang::De && self.is_verb_or_predicate_adjective();
        let directly_before_verb = s.lang == Lang::En && neg + 1 == self.first;
        verb_or_adjective || directly_before_verb || copula_before || self.predicate_follows()
    }

    /// A German term whose head is in lower case (a verb, participle or adjective) and that no
    /// noun follows: "eskalieren", "war völkerrechtswidrig"; not "dem rechtsextremen Weltbild".
    fn is_verb_or_predicate_adjective(&self) -> bool {
        let s = self.s;
        s.t.is_lower(self.last) && !s.t.is_capitalised(self.last + 1)
    }

    /// English "isn't", "wasn't": a copula and its negation in one word.
    fn is_copula_contraction(&self, neg: usize) -> bool {
        let w = self.s.w(neg);
        ["isn't", "aren't", "wasn't", "weren't"].contains(&w)
    }

    /// Whether a copula or naming verb, or "sondern", follows the term in its clause.
    fn predicate_follows(&self) -> bool {
        let s = self.s;
        (self.last + 1..s.seg_end(self.last + 1)).any(|k| s.has(k, PREDICATE) || s.is(k, "sondern"))
            || s.is(s.seg_end(self.last + 1) + 1, "sondern")
    }

    /// "kein" under a verb of tolerating quantifies over something that exists.
    fn under_tolerating_verb(&self) -> bool {
        let s = self.s;
        (s.strong_start(self.first)..s.strong_end(self.first)).any(|k| s.t.is_word(k) && s.has(k, TOLERATING))
    }

    /// "ohne die Anschläge zu erwähnen": ohne governs the infinitive, not the term.
    fn zu_infinitive_follows(&self) -> bool {
        let s = self.s;
        (self.last + 1..s.seg_end(self.last + 1)).any(|k| s.is(k, "zu") || s.is(k, "to"))
    }

    /// weder/neither always; noch/nor only after a weder/neither earlier in the sentence.
    fn correlative_negates(&self, neg: usize) -> bool {
        let s = self.s;
        match s.w(neg) {
            "noch" => (0..neg).any(|k| s.is(k, "weder")),
            "nor" => (0..neg).any(|k| s.is(k, "neither")),
            _ => true,
        }
    }

    /// A verb term negated after it: "Die Lage eskaliert nicht." (not "nicht nur").
    fn negated_after(&self) -> bool {
        let s = self.s;
        let next = self.last + 1;
        s.lang == Lang::De
            && s.t.is_lower(self.last)
            && matches!(s.negator(next), Some(NegatorKind::Adverb))
            && !s.is(next + 1, "nur")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negated(sentence: &str, term: &str, lang: Lang) -> bool {
        let at = sentence.find(term).unwrap_or_else(|| panic!("{term} in sentence"));
        is_negated(sentence, at..at + term.len(), lang)
    }

    fn de(sentence: &str, term: &str) -> bool {
        negated(sentence, term, Lang::De)
    }

    #[test]
    fn kein_heading_the_term_denies_it() {
        assert!(de("Das war keine Befreiung.", "Befreiung"));
        assert!(de("Man strebe keine direkte militärische Eskalation an.", "Eskalation"));
        assert!(!de("Es gebe keine Bezirke, die Flüchtlingsheime ablehnten.", "Flüchtlingsheime"));
        assert!(!de("Wir dulden keine Form von Extremismus.", "Extremismus"));
    }

    #[test]
    fn kein_under_a_verb_of_tolerating_does_not_deny_existence() {
        assert!(!de("Der Verein akzeptiert keine Extremisten in seinen Reihen.", "Extremisten"));
    }

    #[test]
    fn nicht_negates_verbs_adjectives_and_predicates_only() {
        assert!(de("Die Lage darf nicht eskalieren.", "eskalieren"));
        assert!(de("Der Einsatz war nicht völkerrechtswidrig.", "völkerrechtswidrig"));
        assert!(de("Das ist nicht die eigentliche Besatzung.", "Besatzung"));
        assert!(de("Sie will die Herrschaft nicht als Diktatur bezeichnen.", "Diktatur"));
        assert!(de("Die Schulbücher sollen den Einmarsch nicht länger als faschistisch bezeichnen.", "faschistisch"));
        assert!(!de("Die Nato will nicht in den Krieg eintreten.", "Krieg"));
        assert!(!de("Russland beendet nicht den Krieg gegen die Ukraine.", "Krieg"));
        assert!(!de("Das gilt nicht nur für Sanktionen, sondern auch für Waffen.", "Sanktionen"));
        assert!(!de("Nicht nur erscheint ein Regimewechsel unrealistisch.", "Regimewechsel"));
        // An attributive adjective: "nicht" negates the verb of its clause.
        assert!(!de("Alle, die nicht dem rechtsextremen Weltbild entsprechen.", "rechtsextremen"));
    }

    #[test]
    fn a_verb_term_negated_after_it() {
        assert!(de("Die Lage eskaliert nicht.", "eskaliert"));
        assert!(!de("Die Lage eskaliert nicht nur dort.", "eskaliert"));
        assert!(!de("Die Lieferung schwerer Waffen darf nicht zum Streit führen.", "schwerer Waffen"));
    }

    #[test]
    fn the_sondern_part_is_not_negated() {
        let sentence = "Das sei kein Kompromiss, sondern eine Kapitulation.";
        assert!(de(sentence, "Kompromiss"));
        assert!(!de(sentence, "Kapitulation"));
    }

    #[test]
    fn ohne_negates_its_own_noun_phrase_only() {
        assert!(de("Der Abzug verlief ohne Blutvergießen.", "Blutvergießen"));
        assert!(!de("Die EU verhängte ohne Zögern Sanktionen.", "Sanktionen"));
        assert!(!de("Ohne die Anschläge zu erwähnen, sprach er weiter.", "Anschläge"));
        assert!(!de("Er ist ohne Not in den Krieg gezogen.", "Krieg"));
    }

    #[test]
    fn weder_and_noch() {
        assert!(de("Weder Besatzung noch Befreiung.", "Besatzung"));
        assert!(de("Weder Besatzung noch Befreiung.", "Befreiung"));
        assert!(!de("Es herrscht noch Krieg.", "Krieg"));
    }

    #[test]
    fn negators_stop_at_clause_breaks_and_other_words() {
        assert!(!de("Nicht hier, Besatzung bleibt.", "Besatzung"));
        assert!(!de("Er kam nie – Besatzung.", "Besatzung"));
        assert!(!de("Nichtregierungsorganisationen kritisieren die Besatzung.", "Besatzung"));
        assert!(!de("Der Kampf gegen Terroristen geht weiter.", "Terroristen"));
        assert!(!de("Sie bestreiten den Angriff.", "Angriff"));
        assert!(!is_negated("kein", 99..100, Lang::De));
    }

    #[test]
    fn english_negation() {
        let en = |s: &str, t: &str| negated(s, t, Lang::En);
        assert!(en("It isn't an occupation.", "occupation"));
        assert!(en("It isn’t an occupation.", "occupation"));
        assert!(en("This was no liberation.", "liberation"));
        assert!(en("It is not a war.", "war"));
        assert!(en("The talks must not escalate.", "escalate"));
        assert!(en("The withdrawal went without bloodshed.", "bloodshed"));
        assert!(!en("This was a liberation.", "liberation"));
        assert!(!en("They did not enter the war.", "war"));
        assert!(!en("Not only sanctions were imposed.", "sanctions"));
    }

    proptest::proptest! {
        /// The token look is a sound first look: wherever the plain look finds a negator near
        /// a term (any stretch, starting or ending inside a word), the tokens say one may be
        /// there. Words joined or split differently by the two (digit separators,
        /// non-breaking and soft hyphens, glued apostrophes and hyphens) are in the mix.
        #[test]
        fn the_token_look_never_misses_what_the_plain_look_finds(
            words in proptest::collection::vec(
                "kein|Keine|keinerlei|nicht|NICHT|nie|ohne|weder|noch|no|not|isn't|don’t|cannot|1.200|3,5|10:05|\
                 keine\u{2011}Besatzer|nicht\u{ad}s|-kein|kein-|'nicht'|x-n't|„|“|-|–|'|,|\\.|[A-Za-zäüÄ]{1,9}",
                1..30,
            ),
            separators in proptest::collection::vec("[ ]|  |\u{a0}|", 30),
            cut in (0usize..400, 0usize..400),
        ) {
            let pieces: Vec<&str> =
                words.iter().zip(&separators).flat_map(|(w, s)| [w.as_str(), s.as_str()]).collect();
            let sentence: String = pieces.concat();
            let text = format!("Davor. {sentence}");
            let offset = text.len() - sentence.len();
            // The term starts and ends where pieces do: inside tokens, where words are glued.
            let edges: Vec<usize> = [0]
                .into_iter()
                .chain(pieces.iter().scan(0, |at, p| {
                    *at += p.len();
                    Some(*at)
                }))
                .collect();
            let first = cut.0 % (edges.len() - 1);
            let last = first + 1 + cut.1 % (edges.len() - 1 - first);
            let term = edges[first]..edges[last];
            proptest::prop_assume!(!term.is_empty());
            for lang in [Lang::De, Lang::En] {
                let s = Sentence::new(&text, offset..text.len(), lang);
                if negator_near(&sentence, term.clone(), lang) {
                    let found = may_be_negated(&s, offset, &sentence, term.clone());
                    proptest::prop_assert!(found, "{sentence:?} {term:?}");
                }
            }
        }
    }
}
