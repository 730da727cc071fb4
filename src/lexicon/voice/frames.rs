//! Frames of reported speech (guidelines 4.3 and 4.4): the stretches of a sentence that render
//! someone else's words without quotation marks, each with the token that triggers it and the
//! phrase that names its speaker. A term inside a frame is `reported`; the clause of the verb
//! of saying itself (its subject, objects and adverbials) stays the author's.

use std::ops::Range;

use super::lists::class::*;
use super::lists::{Phrase, Slot, SourceAt, VerbUse};
use super::sentence::{Break, Sentence, Who};
use super::Voice;

/// ", sagte X", ", so X", "wie X mitteilte": the whole clause before or after is X's.
const POSTPOSED: u8 = 0;
/// "X sagte, …", "X teilte mit: …".
const MATRIX: u8 = 1;
/// "bezeichnete … als", "wirft … vor", "die Forderung, …".
const LABELLING: u8 = 2;
/// "laut X", "X zufolge", "demnach".
const PHRASE: u8 = 3;
/// "Experten sicher: …", "Soldat: …".
const HEADLINE: u8 = 4;
/// "soll … haben".
const REPORTIVE: u8 = 5;

/// Most words between a headline's start and its colon.
const MAX_LABEL_TOKENS: usize = 10;

/// A stretch of a sentence rendering someone else's words.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    /// Lower ranks win where frames overlap (the verb of saying over a "laut X" inside its
    /// clause).
    pub rank: u8,
    /// The token that triggers the frame.
    pub trigger: usize,
    /// The tokens that are the source's words.
    pub scope: Range<usize>,
    /// The source.
    pub who: Who,
    /// `Reported`, or `Quoted` for a transcript ("Soldat: Lassen wir das").
    pub voice: Voice,
    /// Only quotations in the scope are the source's ("Name: „…“" without a stance word).
    pub quotes_only: bool,
}

/// The frames of one sentence and its islands: stretches inside a frame that are the author's
/// again (an indicative relative clause, an inserted "wie Moskau den Einmarsch nennt", the
/// phrase naming the source).
#[derive(Debug, Default)]
pub(super) struct Frames {
    pub list: Vec<Frame>,
    pub islands: Vec<Range<usize>>,
}

impl Frames {
    /// The frames of sentence `s`.
    pub fn find(s: &Sentence) -> Frames {
        let mut f = Finder { s, out: Frames::default() };
        f.relative_clause_islands();
        for i in 0..s.len() {
            f.at(i);
        }
        f.headline();
        let names: Vec<Range<usize>> = f
            .out
            .list
            .iter()
            .filter_map(|fr| match &fr.who {
                Who::Named(r) => Some(r.clone()),
                _ => None,
            })
            .collect();
        f.out.islands.extend(names);
        f.out
    }

    /// The frame whose words the tokens `toks` are, if any: the lowest rank, then the widest.
    /// A term in an island is the author's unless the frame is triggered inside that island.
    pub fn covering(&self, toks: Range<usize>, quoted: bool) -> Option<&Frame> {
        self.list
            .iter()
            .filter(|f| f.scope.start <= toks.start && toks.end <= f.scope.end && toks.start < toks.end)
            .filter(|f| quoted || !f.quotes_only)
            .filter(|f| !self.islands.iter().any(|isl| isl.contains(&toks.start) && !isl.contains(&f.trigger)))
            .min_by_key(|f| (f.rank, usize::MAX - f.scope.len()))
    }

    /// Whether a frame is triggered in `range` (then its clause is not continued speech).
    pub fn triggered_in(&self, range: Range<usize>) -> bool {
        self.list.iter().any(|f| range.contains(&f.trigger) && !f.quotes_only)
    }

    /// Whether token `i` lies in an island.
    pub fn in_island(&self, i: usize) -> bool {
        self.islands.iter().any(|isl| isl.contains(&i))
    }

    /// The best-ranked named speaker of the sentence (for a continued sentence after it).
    pub fn main_speaker(&self) -> Option<&Frame> {
        self.list.iter().filter(|f| matches!(f.who, Who::Named(_)) && !f.quotes_only).min_by_key(|f| f.rank)
    }
}

/// Finds the frames of one sentence.
struct Finder<'s, 't> {
    s: &'s Sentence<'t>,
    out: Frames,
}

impl Finder<'_, '_> {
    fn push(&mut self, rank: u8, trigger: usize, scope: Range<usize>, who: Who) {
        if scope.start < scope.end {
            self.out.list.push(Frame { rank, trigger, scope, who, voice: Voice::Reported, quotes_only: false });
        }
    }

    /// Every frame a word at `i` can trigger.
    fn at(&mut self, i: usize) {
        let s = self.s;
        if !s.t.is_word(i) {
            return;
        }
        let w = s.w(i);
        // Most words trigger nothing: one test of their class bits turns them away.
        if !s.has(i, SPEECH_WORD | REPORTING | LABEL | PHRASE_START) {
            return;
        }
        // Each list is asked only of the words its bit marks (a map lookup or a walk through
        // the phrases for every trigger word was a fifth of finding the frames).
        if s.has(i, REPORTING) {
            for u in s.l.reporting.uses(w) {
                if self.is_used(i, u) {
                    match u.slot {
                        Slot::NounClause => self.noun_clause(i),
                        _ => self.verb_clause(i),
                    }
                }
            }
        }
        if s.has(i, LABEL) {
            for u in s.l.labels.uses(w) {
                if self.is_used(i, u) {
                    self.label(i, u.slot);
                }
            }
        }
        // In this order: frames found at one word keep the order of the lists.
        let speech_word = s.has(i, SPEECH_WORD);
        if speech_word && self.is_heisst_es(i) {
            self.verb_clause(i);
        }
        if s.has(i, PHRASE_START) {
            for p in &s.l.attribution {
                if (0..p.words.len()).all(|k| s.t.is_word(i + k) && s.w(i + k) == &*p.words[k]) {
                    self.phrase(i, p);
                }
            }
        }
        if !speech_word {
            return;
        }
        match w {
            "so" => self.so(i),
            "wie" | "as" => self.wie(i),
            "soll" | "sollen" => self.reportive(i),
            _ => {}
        }
    }

    /// Whether the form at `i` is used as the list says: a noun capitalised, a verb in lower
    /// case, with its particle in the same clause.
    fn is_used(&self, i: usize, u: &VerbUse) -> bool {
        let s = self.s;
        let noun = matches!(u.slot, Slot::NounClause | Slot::NounObject);
        let case_ok = if noun { s.t.is_capitalised(i) } else { s.t.is_lower(i) };
        case_ok && u.particle.as_deref().is_none_or(|p| s.in_segment(i, p).is_some_and(|k| k != i))
    }

    /// "heißt es", "hieß es", "es heißt": an unnamed source, or the text the words stand in.
    fn is_heisst_es(&self, i: usize) -> bool {
        let s = self.s;
        matches!(s.w(i), "heißt" | "hieß") && (s.is(i + 1, "es") || (i > 0 && s.is(i - 1, "es")))
    }

    /// The token after the verb at `v` and its particle where the verb's clause breaks,
    /// passing appositions (", Jen Psaki:").
    fn break_after(&self, v: usize) -> usize {
        let s = self.s;
        // The verb's uses looked up once, not for every word after it.
        let w = s.w(v);
        let (reporting, labels) = (s.l.reporting.uses(w), s.l.labels.uses(w));
        let particle_at = (v + 1..s.seg_end(v)).rev().find(|&k| {
            s.t.is_lower(k) && reporting.iter().chain(labels).any(|u| u.particle.as_deref() == Some(s.w(k)))
        });
        let mut k = particle_at.unwrap_or(v) + 1;
        loop {
            k = (k..s.len()).find(|&j| s.breaks(j)).unwrap_or(s.len());
            match s.apposition_at(k) {
                Some(e) => k = e,
                None => return k,
            }
        }
    }

    /// A verb of saying at `v` with a clause after it (or before it, when it follows a comma).
    fn verb_clause(&mut self, v: usize) {
        let s = self.s;
        if self.has_first_person_subject(v) {
            return;
        }
        if self.is_postposed(v) {
            return self.postposed(v);
        }
        let e = self.break_after(v);
        let start = match self.complement_start(e) {
            Some(k) => k,
            None if s.lang == crate::Lang::En => match self.english_complement(v) {
                Some(k) => k,
                None => return,
            },
            None => return,
        };
        self.push(MATRIX, v, start..s.complement_end(start), s.subject_of(v));
    }

    /// "erwarteten wir, dass …": the author's own "wir" (or "ich") says it, no one else.
    fn has_first_person_subject(&self, v: usize) -> bool {
        let s = self.s;
        let first = |k: usize| s.t.is_word(k) && matches!(s.w(k), "wir" | "ich" | "we" | "i");
        let start = s.clause_start(v);
        first(v + 1) || (v > start && first(v - 1)) || first(start)
    }

    /// Whether the verb at `v` opens its clause right after a comma ("…, sagte X"); in English
    /// also after a short subject (", he said").
    fn is_postposed(&self, v: usize) -> bool {
        let s = self.s;
        let start = s.clause_start(v);
        if start == 0 || s.brk(start - 1) != Break::Comma {
            return false;
        }
        // English ", he said.": a short subject, and nothing the verb governs after it.
        let english_subject = s.lang == crate::Lang::En
            && v - start <= 4
            && self.english_complement(v).is_none()
            && self.complement_start(self.break_after(v)).is_none();
        start == v || english_subject
    }

    /// ", sagte X": the content is the clause after X when a colon or a content clause follows,
    /// else everything before the comma.
    fn postposed(&mut self, v: usize) {
        let s = self.s;
        let start = s.clause_start(v);
        let who = if start == v { s.who_after(v + 1) } else { s.subject_of(v) };
        // ", sagte der Minister" names its subject; "Wer das sagt, meint oft etwas anderes"
        // does not: there the clause before the comma is the verb's subject, no content.
        if start == v && who == Who::Unnamed && !self.is_heisst_es(v) && !self.subject_follows(v) {
            return;
        }
        let e = self.break_after(v);
        if let Some(k) = self.complement_start(e) {
            return self.push(POSTPOSED, v, k..s.complement_end(k), who);
        }
        let comma = start - 1;
        let from = s.strong_start(comma);
        // "Nachdem die Truppen abgezogen waren, sagte er …": an adverbial clause, no content.
        if from < comma && !s.has(from, SUBORDINATOR) {
            self.push(POSTPOSED, v, from..comma, who);
        }
    }

    /// Whether a subject the sentence does not name follows the verb at `v` ("sagte einer der
    /// Soldaten", "sagten viele").
    fn subject_follows(&self, v: usize) -> bool {
        let s = self.s;
        let next = (v + 1..s.len()).find(|&k| !s.has(k, ADVERB) && s.w(k) != "sich");
        next.is_some_and(|k| s.has(k, DETERMINER) || s.has(k, PRONOUN))
    }

    /// Where the content of a verb of saying starts when its clause breaks at `e`: after a
    /// colon, or after a comma when a content clause follows.
    fn complement_start(&self, e: usize) -> Option<usize> {
        let s = self.s;
        match s.t.mark(e) {
            Some(':') if s.t.depth(e) == 0 => Some(e + 1),
            Some(',') if self.is_content_clause(e + 1) => Some(e + 1),
            _ => None,
        }
    }

    /// English: "said (that) …", "told reporters that …".
    fn english_complement(&self, v: usize) -> Option<usize> {
        let s = self.s;
        if let Some(that) = (v + 1..(v + 5).min(s.len())).take_while(|&k| !s.breaks(k)).find(|&k| s.is(k, "that")) {
            return Some(that + 1);
        }
        let next = v + 1;
        let opens_clause = s.has(next, PRONOUN) || s.is(next, "the") || s.t.is_capitalised(next);
        (opens_clause && !s.has(next, PREPOSITION)).then_some(next)
    }

    /// Whether the stretch from `k` renders the content of a saying: "dass", "ob" or a question
    /// word, a Konjunktiv, a zu-infinitive; not a relative or adverbial clause, "und …", "sei
    /// es …", an apposition.
    fn is_content_clause(&self, k: usize) -> bool {
        let s = self.s;
        if k >= s.len() || !s.t.is_word(k) {
            return false;
        }
        let w = s.w(k);
        if s.has(k, COMPLEMENTIZER) {
            return true;
        }
        if s.has(k, SUBORDINATOR | COORDINATOR)
            || matches!(w, "um" | "ohne" | "statt" | "anstatt" | "to")
            || (w == "sei" && s.is(k + 1, "es"))
            || s.apposition_at(k - 1).is_some()
            || self.opens_relative_clause(k)
        {
            return false;
        }
        // An indicative main clause after a comma may be the author's next statement
        // ("Russland meldete Erfolge, die Ukraine dementierte"): only the subjunctive says
        // it is reported.
        let seg = k..s.seg_end(k);
        seg.clone().any(|j| self.is_konjunktiv(j, true)) || self.has_zu_infinitive(seg)
    }

    fn is_konjunktiv(&self, j: usize, after_verb: bool) -> bool {
        is_konjunktiv(self.s, j, after_verb)
    }

    /// A zu-infinitive in `seg`: "zu helfen", "anzuheizen".
    fn has_zu_infinitive(&self, seg: Range<usize>) -> bool {
        let s = self.s;
        seg.into_iter().any(|j| {
            let w = s.w(j);
            let joined = w.len() > 6
                && w.ends_with('n')
                && !w.starts_with("zu")
                && w.char_indices().skip(2).any(|(b, _)| w[b..].starts_with("zu"));
            let infinitive =
                |k: usize| s.t.is_lower(k) && (matches!(s.w(k), "sein" | "haben" | "werden") || !s.is_function_word(k));
            s.t.is_lower(j) && ((w == "zu" && infinitive(j + 1)) || joined)
        })
    }

    /// Whether a relative clause opens at `k` ("der … war", "in dem …"): a relative pronoun
    /// not used as an article.
    fn opens_relative_clause(&self, k: usize) -> bool {
        let s = self.s;
        let r = if s.has(k, PREPOSITION) && s.t.is_lower(k) { k + 1 } else { k };
        s.has(r, RELATIVE) && !self.is_article(r)
    }

    /// Whether der/die/das at `k` is an article: a noun or adjective follows.
    fn is_article(&self, k: usize) -> bool {
        let s = self.s;
        s.has(k, DETERMINER) && (s.t.is_capitalised(k + 1) || s.np_end(k).is_some())
    }

    /// A noun of saying at `i` ("die Forderung, X müsse …"): the clause after its comma, with
    /// the source in a genitive or "von" after the noun.
    fn noun_clause(&mut self, i: usize) {
        let s = self.s;
        let (who, after) = match s.w(i + 1) {
            "des" | "der" | "von" | "vom" => {
                let at = if matches!(s.w(i + 1), "von" | "vom") { i + 2 } else { i + 1 };
                match s.np_end(at) {
                    Some(e) => (Who::Named(at..e), e),
                    None => (Who::Unnamed, i + 1),
                }
            }
            _ => (Who::Unnamed, i + 1),
        };
        // Without a genitive, the demand is the subject's ("X verhängte das Veto - verbunden
        // mit der Forderung, …").
        let who = match (who, s.first_subject()) {
            (Who::Unnamed, Some(subject)) if subject.end <= i => Who::Named(subject),
            (who, _) => who,
        };
        if s.t.mark(after) == Some(',') && self.is_content_clause(after + 1) {
            let end = self.noun_content_end(after + 1);
            self.push(LABELLING, i, after + 1..end, who);
        }
    }

    /// End of the content after a noun of saying: the next comma where the main clause
    /// resumes (a verb in lower case follows it: "…, wehrt sich der Chef").
    fn noun_content_end(&self, k: usize) -> usize {
        let s = self.s;
        let mut j = k;
        while j < s.len() {
            j = s.seg_end(j);
            let next = j + 1;
            let resumes = s.t.is_lower(next)
                && (s.has(next, AUXILIARY) || !s.is_function_word(next))
                && !self.is_konjunktiv(next, true);
            if j >= s.len() || s.brk(j) == Break::Strong || resumes {
                return j;
            }
            j = next;
        }
        s.len()
    }

    /// A verb or noun of labelling or accusing at `i`.
    fn label(&mut self, i: usize, slot: Slot) {
        let s = self.s;
        // "wie Moskau den Einmarsch nennt" is the author's comment on a name, no label.
        if matches!(s.w(s.seg_start(i)), "wie" | "as") {
            return;
        }
        let als = if s.lang == crate::Lang::De { "als" } else { "as" };
        match slot {
            Slot::Als | Slot::AlsFor => {
                let Some(a) = self.label_als(i, als) else { return };
                let end = if a < i { i } else { s.seg_end(a) };
                let who = if slot == Slot::AlsFor {
                    let from = s.strong_start(i);
                    match (from..a).find(|&k| s.is(k, "für")) {
                        Some(f) => s.who_at(f + 1),
                        None => return,
                    }
                } else {
                    self.labeller(i)
                };
                self.push(LABELLING, i, a + 1..end, who);
            }
            Slot::Von => {
                if let Some(von) = (i + 1..s.seg_end(i)).find(|&k| s.is(k, "von")) {
                    self.push(LABELLING, i, von + 1..s.seg_end(von), self.labeller(i));
                }
            }
            Slot::Object => {
                let from = if s.lang == crate::Lang::En { i + 1 } else { s.seg_start(i) };
                self.push(LABELLING, i, from..s.seg_end(i), self.labeller(i));
            }
            Slot::NounObject => self.push(LABELLING, i, i + 1..s.seg_end(i), Who::Unnamed),
            Slot::Clause | Slot::NounClause | Slot::Quotation => {}
        }
    }

    /// Who applies the label of the verb at `i`: its subject, but in the passive ("Der Mann
    /// wurde wegen Terrorismus angeklagt") the subject is the one labelled, and the labeller
    /// is the agent after "von"/"by" when the clause names one, else nobody named.
    fn labeller(&self, i: usize) -> Who {
        let s = self.s;
        let from = s.seg_start(i);
        let passive = s.lang == crate::Lang::De
            && Self::is_participle(s.w(i))
            && (from..i).any(|k| {
                matches!(s.w(k), "wurde" | "wurden" | "wird" | "werden" | "worden" | "ist" | "sind" | "war" | "waren")
            })
            && s.t.is_lower(i);
        if !passive {
            return s.subject_of(i);
        }
        // The agent stands between the auxiliary and the participle: "wurde von der
        // Staatsanwaltschaft … angeklagt".
        let agent = (from..i).find(|&k| s.is(k, "von") && (s.t.is_capitalised(k + 1) || s.has(k + 1, DETERMINER)));
        match agent {
            Some(von) => match s.who_at(von + 1) {
                who @ Who::Named(_) => who,
                _ => Who::Unnamed,
            },
            None => Who::Unnamed,
        }
    }

    /// The "als" of a labelling verb at `i`: the first after it in its clause (passing
    /// relative clauses), else the last before it in its stretch.
    fn label_als(&self, i: usize, als: &str) -> Option<usize> {
        let s = self.s;
        let after =
            (i + 1..s.strong_end(i)).find(|&k| s.is(k, als) && !self.out.islands.iter().any(|r| r.contains(&k)));
        after.or_else(|| (s.seg_start(i)..i).rev().find(|&k| s.is(k, als)))
    }

    /// An attribution phrase at `i` ("laut X", "X zufolge", "demnach").
    fn phrase(&mut self, i: usize, p: &Phrase) {
        let s = self.s;
        let end = i + p.words.len();
        let who = match p.source {
            SourceAt::After => {
                // "nach Angaben von X", but "laut von der Leyen".
                let particle_name = s.is(end, "von") && s.is_particle_in_name(end + 1);
                let at = if matches!(s.w(end), "von" | "vom" | "of") && !particle_name { end + 1 } else { end };
                // A name in quotation marks: "laut „Spiegel“".
                let at =
                    if matches!(s.t.mark(at), Some('„' | '“' | '"' | '»' | '«' | '‚')) { at + 1 } else { at };
                match s.who_at(at) {
                    who @ Who::Named(_) => who,
                    _ => return,
                }
            }
            SourceAt::Before => match s.np_start_before(i) {
                Some(start) => Who::Named(start..i),
                None => return,
            },
            SourceAt::Subject => match s.np_start_before(i) {
                Some(start) => Who::Named(start..i),
                None => s.who_at(s.strong_start(i)),
            },
            SourceAt::Nowhere => Who::Unnamed,
        };
        self.out.islands.push(i..end);
        self.push(PHRASE, i, s.strong_start(i)..s.strong_end(i), who);
    }

    /// ", so X" (X a name or noun phrase that ends the clause): everything before is X's.
    fn so(&mut self, i: usize) {
        let s = self.s;
        let next = i + 1;
        // "so der Sprecher", "so Biden", "so von Wistinghausen"; not "so dass", "so genannte".
        let noun_like = s.t.is_capitalised(next) || s.has(next, DETERMINER) || s.has(next, NAME_PARTICLE);
        if i == 0 || s.brk(i - 1) != Break::Comma || !noun_like {
            return;
        }
        let Who::Named(np) = s.who_at(i + 1) else { return };
        let e = np.end;
        let ends = e >= s.len() || s.breaks(e) || matches!(s.t.mark(e), Some('.' | '!' | '?')) || s.is(e, "weiter");
        if ends {
            self.push(POSTPOSED, i, s.strong_start(i - 1)..i - 1, Who::Named(np));
        }
    }

    /// "wie X mitteilte" (a source for its clause) or "wie Moskau den Einmarsch nennt" (the
    /// author's comment): the wie-clause is an island either way.
    fn wie(&mut self, i: usize) {
        let s = self.s;
        if i > 0 && !s.breaks(i - 1) {
            return;
        }
        let end = s.seg_end(i);
        let Some(last) = (i + 1..end).rev().find(|&k| s.t.is_word(k)) else { return };
        let reporting = s.is_reporting_form(last) || matches!(s.w(last), "heißt" | "hieß");
        let naming = s.t.is_lower(last) && !s.l.labels.uses(s.w(last)).is_empty();
        // "wie berichtet", "wie erwartet" name no one: the author's.
        if !reporting && !naming || last == i + 1 {
            return;
        }
        self.out.islands.push(i..end);
        if reporting {
            let who = s.who_at(i + 1);
            self.push(POSTPOSED, i, s.strong_start(i)..s.strong_end(i), who);
        }
    }

    /// Reportive "soll(en) … haben/sein": "Die Miliz soll Zivilisten verschleppt haben."
    fn reportive(&mut self, i: usize) {
        let s = self.s;
        if !s.t.is_lower(i) {
            return;
        }
        let end = s.strong_end(i);
        let perfect = (i + 2..end)
            .find(|&k| matches!(s.w(k), "haben" | "sein") && Self::is_participle(s.w(k - 1)) && s.t.is_lower(k - 1));
        let Some(h) = perfect else { return };
        let closes = h + 1 >= s.len() || s.breaks(h + 1) || matches!(s.t.mark(h + 1), Some('.' | '!' | '?'));
        if closes {
            self.push(REPORTIVE, i, s.strong_start(i)..h + 1, Who::Unnamed);
        }
    }

    fn is_participle(w: &str) -> bool {
        w.starts_with("ge") || w.ends_with('t') || w.ends_with("en") || w == "worden" || w == "gewesen"
    }

    /// A headline label "Name: …" at the start: "Experten sicher: …" reports, "Soldat: Lassen
    /// wir …" quotes (first or second person), a bare "Kanzler: „…“" attributes its quotations.
    fn headline(&mut self) {
        let s = self.s;
        let i = s.content_start();
        let limit = (i + MAX_LABEL_TOKENS).min(s.len());
        let Some(colon) = (i..limit).find(|&k| s.breaks(k)).filter(|&k| s.t.mark(k) == Some(':')) else { return };
        let Some(np) = s.np_end(i).filter(|&e| e <= colon) else { return };
        let head = (i..np).rev().find(|&k| s.t.is_capitalised(k)).unwrap_or(i);
        let opener = s.has(i, PREPOSITION | ADVERB | SUBORDINATOR | PRONOUN);
        if s.has(head, NOT_SOURCE) || s.has(i, NOT_SOURCE) || opener {
            return;
        }
        let rest = np..colon;
        let stance = rest.clone().any(|k| s.has(k, STANCE));
        let topic = s.has(np, PREPOSITION) && colon - np <= 5;
        if !(rest.is_empty() || stance || topic || rest.clone().all(|k| s.has(k, ADVERB))) {
            return;
        }
        let content = colon + 1..s.len();
        let first_person = content.clone().any(|k| s.t.is_word(k) && s.has(k, FIRST_PERSON));
        let voice = if first_person { Voice::Quoted } else { Voice::Reported };
        let frame = Frame {
            rank: HEADLINE,
            trigger: i,
            scope: content,
            who: Who::Named(i..np),
            voice,
            quotes_only: !first_person && !stance,
        };
        self.out.list.push(frame);
    }

    /// Relative clauses in the indicative are the author's even inside reported speech ("der
    /// derzeit die Verhandlungen leitet"); with a subjunctive they are the source's.
    fn relative_clause_islands(&mut self) {
        let s = self.s;
        for c in 0..s.len() {
            if s.brk(c) != Break::Comma || !self.opens_relative_clause(c + 1) {
                continue;
            }
            let end = s.seg_end(c + 1);
            if !(c + 1..end).any(|j| self.is_konjunktiv(j, true)) {
                self.out.islands.push(c + 1..end);
            }
        }
    }
}

/// Whether the word at `i` of `s` is a verb of saying or labelling, in lower case, with its
/// particle in its clause.
pub(super) fn is_speech_verb(s: &Sentence, i: usize) -> bool {
    // Only a word with one of the two bits is in either list.
    if !s.has(i, REPORTING | LABEL) {
        return false;
    }
    let f = Finder { s, out: Frames::default() };
    let w = s.w(i);
    s.l.reporting
        .uses(w)
        .iter()
        .chain(s.l.labels.uses(w))
        .any(|u| u.slot != Slot::NounClause && u.slot != Slot::NounObject && f.is_used(i, u))
}

/// Whether the word at `j` of `s` is a subjunctive form (see `Finder::is_konjunktiv`).
pub(super) fn is_konjunktiv(s: &Sentence, j: usize, after_verb: bool) -> bool {
    let w = s.w(j);
    // The class bits first: most words are no Konjunktiv, and are told so by them alone.
    let listed = s.has(j, KONJUNKTIV)
        || (after_verb && s.has(j, KONJUNKTIV_AFTER_VERB))
        // After er/sie/es/man a finite verb in -e is a Konjunktiv I (the indicative ends in
        // -t): "man lehne das ab"; -te is the past tense.
        || (w.ends_with('e')
            && !w.ends_with("te")
            && j > 0
            && s.has(j - 1, KONJUNKTIV_PRONOUN)
            && w.chars().count() > 3
            && !s.is_function_word(j));
    if !listed || !s.t.is_lower(j) {
        return false;
    }
    let idiom = (matches!(w, "sei" | "seien") && s.is(j + 1, "es")) || s.is(j + 1, "denn") || s.is(j + 1, "dank");
    let first_person = j > 0 && s.is(j - 1, "ich");
    !idiom && !first_person
}
