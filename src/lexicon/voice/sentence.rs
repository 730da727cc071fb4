//! A sentence as the voice rules read it: its tokens, where its clauses break, and the noun
//! phrases that name speakers. No parser: capitalisation (German nouns and names), the closed
//! word classes of `grammar_*.txt` and punctuation are enough for the phrases the rules need.

use std::ops::Range;

use super::lists::class::*;
use super::lists::{lists, negator_kind, Lists, NegatorKind};
use super::words::Tokens;
use crate::Lang;

/// How a token ends a stretch of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Break {
    /// Not at all.
    None,
    /// A comma: between clauses, appositions or list items.
    Comma,
    /// A semicolon, colon or dash: between clauses.
    Strong,
}

/// Who a noun-phrase position names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Who {
    /// A noun phrase: its tokens.
    Named(Range<usize>),
    /// A personal pronoun (er, sie): a speaker named in an earlier sentence, maybe.
    Pronoun,
    /// Nobody the sentence names.
    Unnamed,
}

/// Most tokens a noun phrase may have before its head (article and adjectives).
const MAX_PREHEAD: usize = 5;
/// Most capitalised words in an apposition (", Jen Psaki,").
const MAX_APPOSITION: usize = 4;

/// The tokens of a sentence with the lists of its language; each word's class bits (or a
/// mark's break) are noted on its token once.
#[derive(Debug)]
pub(super) struct Sentence<'t> {
    pub t: Tokens<'t>,
    pub l: &'static Lists,
    pub lang: Lang,
}

/// The note of a comma, and of a stronger break (the other notes are word class bits).
const COMMA_NOTE: u32 = 1;
const STRONG_NOTE: u32 = 2;

impl<'t> Sentence<'t> {
    /// The sentence at byte range `range` of `text`.
    pub fn new(text: &'t str, range: Range<usize>, lang: Lang) -> Sentence<'t> {
        let mut t = Tokens::new(text, range);
        let l = lists(lang);
        for i in 0..t.len() {
            let note = if t.is_word(i) {
                l.classes(t.word(i))
            } else {
                match break_of(&t, l, i) {
                    Break::None => 0,
                    Break::Comma => COMMA_NOTE,
                    Break::Strong => STRONG_NOTE,
                }
            };
            t.set_note(i, note);
        }
        Sentence { t, l, lang }
    }

    /// Whether the word at `i` is in one of the classes `bits` (see [`super::lists::class`]).
    pub fn has(&self, i: usize, bits: u32) -> bool {
        self.t.is_word(i) && self.t.note(i) & bits != 0
    }

    /// The kind of negator the word at `i` is, if it is one.
    pub fn negator(&self, i: usize) -> Option<NegatorKind> {
        if self.t.is_word(i) {
            negator_kind(self.t.note(i))
        } else {
            None
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.t.len()
    }

    /// The lower-case word at `i` ("" for a mark or past the end).
    pub fn w(&self, i: usize) -> &str {
        self.t.word(i)
    }

    /// Whether token `i` is the word `word`.
    pub fn is(&self, i: usize, word: &str) -> bool {
        self.t.is_word(i) && self.t.word(i) == word
    }

    /// How token `i` breaks the sentence.
    pub fn brk(&self, i: usize) -> Break {
        if self.t.is_word(i) {
            return Break::None;
        }
        match self.t.note(i) {
            COMMA_NOTE => Break::Comma,
            STRONG_NOTE => Break::Strong,
            _ => Break::None,
        }
    }

    /// Whether token `i` breaks at all.
    pub fn breaks(&self, i: usize) -> bool {
        self.brk(i) != Break::None
    }

    /// First token of the comma-delimited stretch around `i`.
    pub fn seg_start(&self, i: usize) -> usize {
        (0..i).rev().find(|&k| self.breaks(k)).map_or(0, |k| k + 1)
    }

    /// End (the breaking token or the end) of the comma-delimited stretch from `i`.
    pub fn seg_end(&self, i: usize) -> usize {
        (i..self.len()).find(|&k| self.breaks(k)).unwrap_or(self.len())
    }

    /// First token of the clause around `i` that semicolons, colons and dashes delimit.
    pub fn strong_start(&self, i: usize) -> usize {
        (0..i).rev().find(|&k| self.brk(k) == Break::Strong).map_or(0, |k| k + 1)
    }

    /// End of the clause from `i` that semicolons, colons and dashes delimit.
    pub fn strong_end(&self, i: usize) -> usize {
        (i..self.len()).find(|&k| self.brk(k) == Break::Strong).unwrap_or(self.len())
    }

    /// End of what a verb of saying governs from `i`: the sentence, up to a semicolon.
    pub fn complement_end(&self, i: usize) -> usize {
        (i..self.len()).find(|&k| self.t.mark(k) == Some(';') && self.t.depth(k) == 0).unwrap_or(self.len())
    }

    /// Whether the word at `i` belongs to a closed class (so it is no adjective or name).
    pub fn is_function_word(&self, i: usize) -> bool {
        self.has(i, FUNCTION)
    }

    /// Whether the word at `i` is a verb of saying in one of its forms (any use).
    pub fn is_reporting_form(&self, i: usize) -> bool {
        self.has(i, REPORTING) && self.t.is_lower(i)
    }

    /// A German inflected adjective or participle in lower case ("damalige", "angeführte").
    fn is_adjective_form(&self, i: usize) -> bool {
        if !self.t.is_lower(i) || self.is_function_word(i) || self.is_reporting_form(i) {
            return false;
        }
        match self.lang {
            Lang::De => ["e", "en", "em", "er", "es"].iter().any(|s| self.w(i).ends_with(s)),
            Lang::En => ["al", "ive", "ful", "ous", "ic", "ian", "ish", "ary", "ant", "ent", "ed"]
                .iter()
                .any(|s| self.w(i).ends_with(s)),
        }
    }

    /// A word that can be (part of) a name or noun: capitalised and not a function word at the
    /// start of a sentence ("Die", "Nach").
    fn is_name_word(&self, i: usize) -> bool {
        self.t.is_capitalised(i) && !self.is_function_word(i) && !self.is_reporting_form_any_case(i)
    }

    /// A verb of saying even when capitalised (the first word of a sentence).
    fn is_reporting_form_any_case(&self, i: usize) -> bool {
        self.lang == Lang::En && self.has(i, REPORTING)
    }

    /// A lower-case name particle inside a name: "von der Leyen", "de Villiers".
    pub fn is_particle_in_name(&self, i: usize) -> bool {
        // "der", "den" are particles only after another one ("von der Leyen"), else articles.
        let after_particle = i > 0 && matches!(self.w(i - 1), "von" | "van" | "de");
        let article = matches!(self.w(i), "der" | "den" | "ter" | "ten" | "zu" | "und");
        self.t.is_lower(i)
            && self.has(i, NAME_PARTICLE)
            && (!article || after_particle)
            && (self.is_name_word(i + 1) || (self.has(i + 1, NAME_PARTICLE) && self.is_name_word(i + 2)))
    }

    /// End (exclusive) of the noun phrase that starts at `i`, if one does: an article, numbers
    /// and adjectives, then nouns and names, with genitives ("der Chef der Militärverwaltung")
    /// and an apposition (", Witali Barabasch") after it. A parenthesis after a name ("Strobl
    /// (CDU)") is left out: the speaker is the name.
    pub fn np_end(&self, i: usize) -> Option<usize> {
        let end = self.simple_np_end(i)?;
        let end = self.after_genitives(i, end);
        Some(self.after_apposition(end))
    }

    /// A noun phrase without genitives or apposition. One that opens with a name particle is
    /// the particles and one name ("von der Leyen"), so a noun after it is not taken along.
    fn simple_np_end(&self, i: usize) -> Option<usize> {
        let n = self.len();
        let mut j = i;
        if self.is_particle_in_name(j) {
            while self.is_particle_in_name(j) {
                j += 1;
            }
            return self.is_name_word(j).then_some(j + 1);
        }
        if self.has(j, DETERMINER) || self.t.is_number(j) {
            j += 1;
        }
        let prehead = j;
        while j < n && j - prehead < MAX_PREHEAD && (self.is_adjective_form(j) || self.t.is_number(j)) {
            j += 1;
        }
        if self.lang == Lang::En && j == prehead {
            return self.english_np_end(i, j);
        }
        let head = j;
        loop {
            if self.is_name_word(j) || (j > head && self.is_particle_in_name(j)) {
                j += 1;
            } else if let Some(e) = self.quoted_compound(j) {
                j = e;
            } else {
                break;
            }
        }
        (j > head).then_some(j)
    }

    /// A compound with a quoted name, „Forbes“-Magazin: its end.
    fn quoted_compound(&self, j: usize) -> Option<usize> {
        let t = &self.t;
        let quote = |k: usize| t.mark(k).is_some_and(super::words::is_quote_mark);
        let glued = quote(j) && self.is_name_word(j + 1) && quote(j + 2) && t.mark(j + 3) == Some('-');
        (glued && !t.spaced_after(j + 2) && !t.spaced_after(j + 3) && self.is_name_word(j + 4)).then_some(j + 5)
    }

    /// An English noun phrase: a run of names, or up to four words after an article.
    fn english_np_end(&self, i: usize, from: usize) -> Option<usize> {
        let mut j = from;
        let names = (j..self.len()).take_while(|&k| self.is_name_word(k) || self.is_particle_in_name(k)).count();
        if names > 0 {
            return Some(j + names);
        }
        if from == i {
            return None;
        }
        while j < self.len()
            && j - from < 4
            && self.t.is_word(j)
            && !self.is_function_word(j)
            && !self.is_reporting_form(j)
        {
            j += 1;
        }
        (j > from).then_some(j)
    }

    /// After the genitives that follow a noun phrase with an article ("die Sprecherin des Weißen
    /// Hauses"), their end; a bare name takes none ("sagte Seehofer den Zeitungen").
    fn after_genitives(&self, start: usize, mut end: usize) -> usize {
        let with_article = self.has(start, DETERMINER) || self.t.is_number(start);
        if !with_article || self.lang != Lang::De {
            return end;
        }
        loop {
            let next = match self.w(end) {
                "des" | "der" => self.simple_np_end(end),
                "von" | "vom" if self.is_name_word(end + 1) => self.simple_np_end(end + 1),
                "und" if matches!(self.w(end + 1), "des" | "der") => self.simple_np_end(end + 1),
                _ => None,
            };
            match next {
                Some(e) => end = e,
                None => return end,
            }
        }
    }

    /// After an apposition of names between commas (", Jen Psaki:"), its end; else `end`.
    fn after_apposition(&self, end: usize) -> usize {
        self.apposition_at(end).unwrap_or(end)
    }

    /// If a comma at `comma` opens an apposition of one to four names that a break or the end
    /// closes, the apposition's end.
    pub fn apposition_at(&self, comma: usize) -> Option<usize> {
        if self.t.mark(comma) != Some(',') {
            return None;
        }
        let start = comma + 1;
        let mut j = start;
        while j < self.len() && (self.is_name_word(j) || self.is_particle_in_name(j)) {
            j += 1;
        }
        let closed = j == self.len() || self.breaks(j) || matches!(self.t.mark(j), Some('.' | '(' | '!' | '?'));
        (j > start && j - start <= MAX_APPOSITION && closed).then_some(j)
    }

    /// Start of the noun phrase that ends at `end` (exclusive), if one does ("dem Entwurf
    /// zufolge"): names, then adjectives, then an article.
    pub fn np_start_before(&self, end: usize) -> Option<usize> {
        let mut j = end;
        while j > 0 && (self.is_name_word(j - 1) || (j < end && self.is_particle_in_name(j - 1))) {
            j -= 1;
        }
        if j == end {
            return None;
        }
        while j > 0 && end - j < MAX_PREHEAD + 2 && self.is_adjective_form(j - 1) {
            j -= 1;
        }
        if j > 0 && self.has(j - 1, DETERMINER) {
            j -= 1;
        }
        Some(j)
    }

    /// Who the phrase at `i` names: a noun phrase, a pronoun, or nobody.
    pub fn who_at(&self, i: usize) -> Who {
        let w = self.w(i);
        // "viele" opens a noun phrase in "viele Experten" and is one in "viele meinen".
        let pronoun = self.has(i, PRONOUN) && (!self.has(i, DETERMINER) || !self.starts_noun(i + 1));
        if pronoun {
            return if matches!(w, "er" | "sie" | "he" | "she" | "they") { Who::Pronoun } else { Who::Unnamed };
        }
        // A noun phrase that starts with a particle ("von der Leyen") is a name.
        match self.np_end(i) {
            Some(e) => Who::Named(i..e),
            None => Who::Unnamed,
        }
    }

    /// Whether a noun (or adjective before one) starts at `i`.
    fn starts_noun(&self, i: usize) -> bool {
        self.is_name_word(i) || self.is_adjective_form(i)
    }

    /// Who is named after a verb at `i` (its subject in inversion: "sagte der Minister", "so
    /// Biden", "heißt es in der Mitteilung"): adverbs, "sich", "am Montag" are skipped.
    pub fn who_after(&self, mut i: usize) -> Who {
        let n = self.len();
        let mut after_es = false;
        while i < n {
            let w = self.w(i);
            if w == "es" || w == "it" {
                after_es = true;
                i += 1;
            } else if self.has(i, ADVERB)
                || w == "sich"
                || (self.t.is_lower(i) && self.is_adjective_form(i) && after_es)
            {
                i += 1;
            } else if matches!(w, "am" | "on") && self.t.is_word(i + 1) {
                i += 2;
            } else if after_es && self.has(i, PREPOSITION) {
                // "heißt es in einer Mitteilung von X": the source is the place the words stand.
                return self.who_at(i + 1);
            } else {
                break;
            }
        }
        if after_es {
            return Who::Unnamed;
        }
        self.who_at(i)
    }

    /// First token of the clause a verb at `v` stands in: back to a break, past appositions of
    /// names (", Konstantin Kuhle,").
    pub fn clause_start(&self, v: usize) -> usize {
        let mut i = v;
        while i > 0 {
            match self.brk(i - 1) {
                Break::None => i -= 1,
                Break::Comma => match self.apposition_opening(i - 1) {
                    Some(open) if open > 0 => i = open,
                    _ => break,
                },
                Break::Strong => break,
            }
        }
        i
    }

    /// If the comma at `close` closes an apposition of names, the comma that opens it.
    fn apposition_opening(&self, close: usize) -> Option<usize> {
        let open = (0..close).rev().find(|&k| self.breaks(k))?;
        (self.apposition_at(open) == Some(close)).then_some(open)
    }

    /// The subject of a verb at `v`: the noun phrase that opens its clause, or, when an adverb,
    /// a prepositional phrase or the verb itself comes first, the one after the finite verb;
    /// the noun phrase in "In der Union wird davon ausgegangen"; the antecedent of a relative
    /// pronoun ("Macrons, der gesagt hatte").
    pub fn subject_of(&self, v: usize) -> Who {
        if self.lang == Lang::En {
            return self.english_subject_of(v);
        }
        let start = self.clause_start(v).max(self.content_start().min(v));
        if start == v {
            return self.who_after(v + 1);
        }
        let w = self.w(start);
        if self.has(start, RELATIVE) && start > 0 && self.t.mark(start - 1) == Some(',') && !self.starts_noun(start + 1)
        {
            return self.np_start_before(start - 1).map_or(Who::Unnamed, |s| Who::Named(s..start - 1));
        }
        if self.has(start, SUBORDINATOR) {
            return self.who_at(start + 1);
        }
        if !self.is_fronted(start) {
            return self.who_at(start);
        }
        let finite = (start + 1..=v).find(|&k| k == v || (self.t.is_lower(k) && self.has(k, AUXILIARY)));
        match finite.map(|k| self.who_after(k + 1)) {
            Some(who @ (Who::Named(_) | Who::Pronoun)) => who,
            _ if matches!(w, "in" | "im" | "bei" | "beim") => self.who_at(start + 1),
            _ => Who::Unnamed,
        }
    }

    /// Whether the clause opening at `start` opens with something other than its subject: a
    /// preposition, an adverb, a bare number ("2012, …"; not "51 Prozent …").
    pub fn is_fronted(&self, start: usize) -> bool {
        self.has(start, PREPOSITION | ADVERB) || (self.t.is_number(start) && !self.is_name_word(start + 1))
    }

    /// The first word of the sentence's content: after leading symbols (▶) and a teaser
    /// ("Lesen Sie auch").
    pub fn content_start(&self) -> usize {
        let first =
            (0..self.len()).find(|&k| self.t.is_word(k) || self.t.mark(k).is_some_and(super::words::is_quote_mark));
        let mut i = first.unwrap_or(self.len());
        for teaser in &self.l.teasers {
            if (0..teaser.len()).all(|k| self.w(i + k) == &*teaser[k]) {
                i += teaser.len();
            }
        }
        i
    }

    /// The subject of the sentence's first clause: the noun phrase at its start, or after its
    /// finite verb when something else comes first ("Eben jenes Veto hatte Borissow …").
    pub fn first_subject(&self) -> Option<Range<usize>> {
        let start = self.content_start();
        let at = if self.is_fronted(start) {
            let finite = (start + 1..self.len()).find(|&k| self.t.is_lower(k) && self.has(k, AUXILIARY))?;
            (finite + 1..self.len()).find(|&k| !self.has(k, ADVERB))?
        } else {
            start
        };
        self.np_end(at).map(|end| at..end)
    }

    /// The first subject when it is a name without an article ("Vermutlich war Philippe de
    /// Villiers …, als er twitterte"): whom a later "er" means.
    pub fn named_subject(&self) -> Option<Range<usize>> {
        self.first_subject().filter(|r| self.t.is_capitalised(r.start) && !self.has(r.start, DETERMINER))
    }

    /// English: the words between the clause start and the verb, when they are a short phrase.
    fn english_subject_of(&self, v: usize) -> Who {
        let start = self.clause_start(v);
        if start == v {
            return self.who_after(v + 1);
        }
        let mut s = start;
        while s < v && (!self.t.is_word(s) || self.has(s, ADVERB) || self.has(s, SUBORDINATOR)) {
            s += 1;
        }
        let end = (s..v).find(|&k| self.has(k, AUXILIARY)).unwrap_or(v);
        if s >= end || end - s > 6 || self.has(s, PREPOSITION) {
            return Who::Unnamed;
        }
        if end - s == 1 && self.has(s, PRONOUN) {
            return if matches!(self.w(s), "he" | "she" | "they") { Who::Pronoun } else { Who::Unnamed };
        }
        Who::Named(s..end)
    }

    /// Whether `word` stands in the comma-delimited stretch around `i`.
    pub fn in_segment(&self, i: usize, word: &str) -> Option<usize> {
        (self.seg_start(i)..self.seg_end(i)).find(|&k| self.is(k, word))
    }
}

/// How token `i` of `t` breaks a sentence; marks inside parentheses do not.
fn break_of(t: &Tokens, l: &Lists, i: usize) -> Break {
    let Some(c) = t.mark(i) else { return Break::None };
    if t.depth(i) > 0 {
        return Break::None;
    }
    match c {
        ',' => Break::Comma,
        // A hyphen with spaces on both sides is a dash.
        '-' if t.spaced_before(i) && t.spaced_after(i) => Break::Strong,
        c if l.clause_breaks.contains(&c) => Break::Strong,
        _ => Break::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str) -> Sentence<'_> {
        Sentence::new(text, 0..text.len(), Lang::De)
    }

    fn index(s: &Sentence, word: &str) -> usize {
        (0..s.len()).find(|&i| s.t.surface(i) == word).unwrap_or_else(|| panic!("{word}"))
    }

    fn named(s: &Sentence, who: Who) -> String {
        match who {
            Who::Named(r) => s.t.text[s.t.bytes(r)].to_string(),
            Who::Pronoun => "<pronoun>".into(),
            Who::Unnamed => "<unnamed>".into(),
        }
    }

    #[test]
    fn noun_phrases_take_genitives_parentheses_and_appositions() {
        let s = sentence("sagte die Sprecherin des Weißen Hauses, Jen Psaki: Nein");
        assert_eq!(named(&s, s.who_at(1)), "die Sprecherin des Weißen Hauses, Jen Psaki");
        let s = sentence("sagte auch Innenminister Thomas Strobl (CDU) am Montag.");
        assert_eq!(named(&s, s.who_after(1)), "Innenminister Thomas Strobl");
        let s = sentence("Zuvor hatte das renommierte „Forbes“-Magazin berichtet");
        assert_eq!(named(&s, s.who_at(2)), "das renommierte „Forbes“-Magazin");
        let s = sentence("Der Gasstopp ist laut von der Leyen Erpressung.");
        assert_eq!(named(&s, s.who_at(4)), "von der Leyen");
        let s = sentence("Das von Saudi-Arabien geführte Bündnis sagte");
        assert_eq!(s.who_at(0), Who::Unnamed);
        let s = sentence("sagte Seehofer den Zeitungen der Mediengruppe.");
        assert_eq!(named(&s, s.who_after(1)), "Seehofer");
        let s = sentence("Die Lage ist laut von der Leyen ernst.");
        assert_eq!(named(&s, s.who_at(4)), "von der Leyen");
    }

    #[test]
    fn subjects_stand_first_or_after_the_finite_verb() {
        let s = sentence("Zuvor hatte das renommierte Magazin berichtet, dass");
        assert_eq!(named(&s, s.subject_of(index(&s, "berichtet"))), "das renommierte Magazin");
        let s = sentence("Der Vorsitzende der Fraktion, Konstantin Kuhle, bedauerte, dass");
        assert_eq!(named(&s, s.subject_of(index(&s, "bedauerte"))), "Der Vorsitzende der Fraktion, Konstantin Kuhle");
        let s = sentence("Nach dem Treffen sagte er, dass");
        assert_eq!(s.subject_of(index(&s, "sagte")), Who::Pronoun);
        let s = sentence("In der Partei wird davon ausgegangen, dass");
        assert_eq!(named(&s, s.subject_of(index(&s, "ausgegangen"))), "der Partei");
        let s = sentence("Es gebe keine Lösung, sagte die Ministerin.");
        assert_eq!(named(&s, s.subject_of(index(&s, "sagte"))), "die Ministerin");
        let s = sentence("als pro-russische Aktivisten die Gebiete als Republiken ausriefen");
        assert_eq!(named(&s, s.subject_of(index(&s, "ausriefen"))), "pro-russische Aktivisten");
    }

    #[test]
    fn clauses_break_at_commas_colons_and_dashes_but_not_inside_parentheses() {
        let s = sentence("A (b, c) d, e: f - g");
        assert_eq!(s.seg_end(0), 7, "the comma in parentheses does not count");
        assert_eq!(s.strong_end(0), index(&s, ":"));
        assert_eq!(s.strong_start(index(&s, "g")), index(&s, "g"));
    }
}
