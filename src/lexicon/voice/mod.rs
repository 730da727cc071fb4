//! Who says a term: the author, a quoted source, a reported source, or the author with scare
//! quotes; whose words they are; and whether a negation denies the term. The definitions are
//! the team's annotation guidelines (`../shared/data/voice/GUIDELINES.md`, sections 4 and 5).
//!
//! [`Context::attribute`] decides in the guidelines' order:
//! 1. inside quotation marks ([`Quotations`]): a long quotation is `quoted`; a short one
//!    (≤ 3 words) is `quoted` when the text gives someone as saying it (", sagte X" after it,
//!    "X sagte:", "bezeichnete … als", "Obamas «rote Linie»", a reported clause around it),
//!    else a `scare_quote`, and always one after "sogenannte", "selbst ernannte";
//! 2. "sogenannte", "angebliche", "vermeintliche" right before the term: `scare_quote`;
//! 3. inside a frame of reported speech ([`frames`]): `reported` (a dass-clause or Konjunktiv
//!    after a verb of saying, "laut X", "soll … haben", "Experten sicher: …", a label applied
//!    by a named party), or a Konjunktiv clause continuing reported speech;
//! 4. otherwise `authorial`.
//!
//! The speaker is the phrase that names the source, in the sentence or the one before; a
//! pronoun ("sagte er") stands for the speaker of the sentence before, where it names one.
//!
//! Word lists live in `src/lexicon/data/*.txt`, loaded once per language.

mod frames;
mod lists;
mod negation;
mod quotes;
mod sentence;
mod words;

use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::rc::Rc;

pub use negation::is_negated;
pub use quotes::Quotations;

use crate::text::floor_char_boundary;
use crate::Lang;
use frames::{is_konjunktiv, Frames};
use lists::class::*;
use lists::REPORTED_SPEECH_TRIGGERS;
use quotes::is_short;
use sentence::{Sentence, Who};
use words::is_quote_mark;

/// How far (bytes) around a term its sentence is read: bounds the work per match in very long
/// sentences.
const WINDOW: usize = 1500;
/// How far after a closing quotation mark its speaker (", sagte X") is looked for.
const AFTER_QUOTE: usize = 160;
/// How far before a term its distancing word ("sogenannte") is looked for.
const DISTANCING_BYTES: usize = 64;
/// How far before an opening quotation mark outside the term's sentences its introducing
/// clause ("X sagte:") is read.
const BEFORE_QUOTE: usize = 400;

/// Who uses a matched term (definitions: `../shared/data/voice/GUIDELINES.md`, section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The journalist's own words.
    Authorial,
    /// Inside quotation marks that render someone else's words.
    Quoted,
    /// Someone else's words or view without quotation marks: indirect speech, attribution
    /// phrases (laut X, X zufolge), reportive "soll … haben".
    Reported,
    /// The author distancing from the term: short quotation marks nobody is given as
    /// saying, or "sogenannte" right before it.
    ScareQuote,
}

impl Voice {
    /// Name written to reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
            Voice::Reported => "reported",
            Voice::ScareQuote => "scare_quote",
        }
    }

    /// The voice a report cell names (`None` for anything else).
    pub fn from_name(name: &str) -> Option<Voice> {
        [Voice::Authorial, Voice::Quoted, Voice::Reported, Voice::ScareQuote].into_iter().find(|v| v.as_str() == name)
    }
}

/// Whose words a matched term is: its voice and, for quoted or reported words, the speaker
/// the sentence (or the one before) names, as a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// Who uses the term.
    pub voice: Voice,
    /// The person or institution the words are attributed to, where one is named.
    pub speaker: Option<Range<usize>>,
}

impl Attribution {
    fn of(voice: Voice, speaker: Option<Range<usize>>) -> Attribution {
        Attribution { voice, speaker }
    }
}

/// Where a matched term stands: everything attribution and negation look at. One context can
/// serve every sentence of a document in turn (set [`Context::sentence`] and
/// [`Context::previous`]): it keeps the sentences it read for one match for the next.
#[derive(Debug, Clone)]
pub struct Context<'t> {
    /// The whole document text.
    pub text: &'t str,
    /// Its quotations ([`Quotations::find`] of `text`): a quotation opened in an earlier
    /// sentence still covers a term.
    pub quotes: &'t Quotations,
    /// The term's sentence, a byte range of `text`.
    pub sentence: Range<usize>,
    /// The sentence before it, where a speaker may be named.
    pub previous: Option<Range<usize>>,
    /// Language of the rules.
    pub lang: Lang,
    /// Sentences read for earlier matches.
    reads: Reads<'t>,
}

impl<'t> Context<'t> {
    /// The term's sentence `sentence` of `text`, after `previous`.
    pub fn new(
        text: &'t str,
        quotes: &'t Quotations,
        sentence: Range<usize>,
        previous: Option<Range<usize>>,
        lang: Lang,
    ) -> Context<'t> {
        Context { text, quotes, sentence, previous, lang, reads: Reads::default() }
    }

    /// A text scored on its own (a training row, a `predict` sentence): its own sentence.
    pub fn whole(text: &'t str, quotes: &'t Quotations, lang: Lang) -> Context<'t> {
        Context::new(text, quotes, 0..text.len(), None, lang)
    }

    /// Who uses the term at byte range `term` of the text, and whose words they are.
    pub fn attribute(&self, term: Range<usize>) -> Attribution {
        Reading::new(self, term).attribution()
    }

    /// Whether a negation denies that the term at byte range `term` of the text applies.
    pub fn is_negated(&self, term: Range<usize>) -> bool {
        let start = self.sentence.start;
        let sentence = &self.text[self.sentence.clone()];
        let in_sentence = term.start.saturating_sub(start)..term.end.saturating_sub(start);
        // The term's sentence as attribution read it (kept): its tokens rule out a negator
        // near most terms.
        let read = self.reads.get(self.text, window(self, &term), self.lang);
        if !negation::may_be_negated(&read.s, start, sentence, in_sentence.clone()) {
            return false;
        }
        is_negated(sentence, in_sentence, self.lang)
    }
}

/// The stretch of the term's sentence read for the term at byte range `term`: within
/// [`WINDOW`] bytes of it.
fn window(ctx: &Context, term: &Range<usize>) -> Range<usize> {
    let text = ctx.text;
    let from = floor_char_boundary(text, term.start.saturating_sub(WINDOW).max(ctx.sentence.start));
    let to =
        floor_char_boundary(text, term.end.saturating_add(WINDOW).min(ctx.sentence.end)).max(term.end.min(text.len()));
    from.min(to)..to
}

/// A speaker found in some sentence, as a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Named(Range<usize>),
    Pronoun,
    Unnamed,
}

impl Source {
    fn of(s: &Sentence, who: &Who) -> Source {
        match who {
            Who::Named(r) => Source::Named(s.t.bytes(r.clone())),
            Who::Pronoun => Source::Pronoun,
            Who::Unnamed => Source::Unnamed,
        }
    }
}

/// The stretches of a document read most recently, by byte range: a sentence with several
/// matches, or one that is the sentence before the next match, is read once. A reading
/// depends only on the text, the range and the language, so a kept one is as good as new.
#[derive(Clone, Default)]
struct Reads<'t> {
    recent: RefCell<Vec<(Range<usize>, Rc<Read<'t>>)>>,
}

/// How many readings [`Reads`] keeps: the term's sentence, the one before, and a clause
/// before a quotation.
const KEPT_READS: usize = 3;

impl<'t> Reads<'t> {
    /// The reading of `text[range]`, kept or new.
    fn get(&self, text: &'t str, range: Range<usize>, lang: Lang) -> Rc<Read<'t>> {
        let mut recent = self.recent.borrow_mut();
        if let Some((_, read)) = recent.iter().find(|(r, _)| *r == range) {
            return Rc::clone(read);
        }
        let read = Rc::new(Read::new(text, range.clone(), lang));
        if recent.len() == KEPT_READS {
            recent.remove(0);
        }
        recent.push((range, Rc::clone(&read)));
        read
    }
}

impl std::fmt::Debug for Reads<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ranges: Vec<Range<usize>> = self.recent.borrow().iter().map(|(r, _)| r.clone()).collect();
        f.debug_struct("Reads").field("recent", &ranges).finish()
    }
}

/// A sentence read, with its frames found when first asked for (most matches are decided
/// without them: a quotation with its speaker after it, a sentence with no word that opens
/// reported speech).
struct Read<'t> {
    s: Sentence<'t>,
    frames: OnceCell<Frames>,
}

impl<'t> Read<'t> {
    fn new(text: &'t str, range: Range<usize>, lang: Lang) -> Read<'t> {
        Read { s: Sentence::new(text, range, lang), frames: OnceCell::new() }
    }

    /// The frames of reported speech in the sentence.
    fn frames(&self) -> &Frames {
        self.frames.get_or_init(|| Frames::find(&self.s))
    }

    /// Whether the sentence renders someone else's words (for a Konjunktiv II after it).
    fn is_reported(&self) -> bool {
        !self.frames().list.is_empty() || (0..self.s.len()).any(|j| is_konjunktiv(&self.s, j, false))
    }

    /// The sentence's main named speaker.
    fn speaker(&self) -> Option<Range<usize>> {
        let frame = self.frames().main_speaker()?;
        match Source::of(&self.s, &frame.who) {
            Source::Named(r) => Some(r),
            _ => None,
        }
    }
}

/// One term being attributed: its sentence and the sentence before, each read once when
/// first needed (a quotation with its speaker after it needs neither).
struct Reading<'c, 't> {
    ctx: &'c Context<'t>,
    term: Range<usize>,
    here: OnceCell<Rc<Read<'t>>>,
    previous: OnceCell<Option<Rc<Read<'t>>>>,
}

impl<'c, 't> Reading<'c, 't> {
    fn new(ctx: &'c Context<'t>, term: Range<usize>) -> Reading<'c, 't> {
        Reading { ctx, term, here: OnceCell::new(), previous: OnceCell::new() }
    }

    /// The term's sentence, within [`WINDOW`] bytes of the term.
    fn here(&self) -> &Read<'t> {
        self.here.get_or_init(|| self.ctx.reads.get(self.ctx.text, self.window(), self.ctx.lang))
    }

    /// The byte range of [`Reading::here`].
    fn window(&self) -> Range<usize> {
        window(self.ctx, &self.term)
    }

    /// The tokens of the term in [`Reading::here`].
    fn toks(&self) -> Range<usize> {
        self.here().s.t.covering(self.term.clone())
    }

    fn previous(&self) -> Option<&Read<'t>> {
        self.previous
            .get_or_init(|| {
                let p = self.ctx.previous.clone()?;
                let from = floor_char_boundary(self.ctx.text, p.start.max(p.end.saturating_sub(WINDOW)));
                Some(self.ctx.reads.get(self.ctx.text, from..p.end, self.ctx.lang))
            })
            .as_deref()
    }

    fn attribution(&self) -> Attribution {
        if let Some(a) = self.quoted() {
            return a;
        }
        if self.distanced_term() {
            return Attribution::of(Voice::ScareQuote, None);
        }
        if let Some(a) = self.reported() {
            return a;
        }
        Attribution::of(Voice::Authorial, None)
    }

    /// The named speaker a source stands for: a pronoun stands for a name that is the subject
    /// of the sentence before it ("Vermutlich war Philippe de Villiers zufrieden, als er
    /// twitterte, …"), else for the speaker of the sentence before.
    fn resolve(&self, source: Source) -> Option<Range<usize>> {
        match source {
            Source::Named(r) => Some(r),
            Source::Pronoun => {
                let s = &self.here().s;
                let subject = s.named_subject().filter(|r| r.end <= self.toks().start).map(|r| s.t.bytes(r));
                subject.or_else(|| self.previous().and_then(Read::speaker))
            }
            Source::Unnamed => None,
        }
    }

    /// Inside quotation marks: quoted, unless a short quotation nobody is given as saying (or
    /// one after "sogenannte") makes it a scare quote.
    fn quoted(&self) -> Option<Attribution> {
        let text = self.ctx.text;
        let mut enclosing = self.ctx.quotes.enclosing(self.term.clone());
        let inner = enclosing.next()?.clone();
        let long = std::iter::once(&inner).chain(enclosing).find(|q| !is_short(text, (*q).clone())).cloned();
        if long.as_ref() == Some(&inner) {
            return Some(Attribution::of(Voice::Quoted, self.source_of(&inner).and_then(|s| self.resolve(s))));
        }
        if self.distanced_quote(&inner) {
            return Some(Attribution::of(Voice::ScareQuote, None));
        }
        // A short quotation inside a long one is the long one's speaker's.
        if let Some(long) = long {
            return Some(Attribution::of(Voice::Quoted, self.source_of(&long).and_then(|s| self.resolve(s))));
        }
        Some(match self.source_of(&inner) {
            Some(source) => Attribution::of(Voice::Quoted, self.resolve(source)),
            None => Attribution::of(Voice::ScareQuote, None),
        })
    }

    /// Who the text gives as saying the quotation `q` (`None`: nobody; `Some(Unnamed)`: a
    /// speaker it does not name, "sagte er").
    fn source_of(&self, q: &Range<usize>) -> Option<Source> {
        self.source_after(q).or_else(|| self.source_before(q))
    }

    /// The speaker after a quotation's closing mark: "“, sagte X", "“, so X", "“, wie X es
    /// nennt", "“: X", English "," X said".
    fn source_after(&self, q: &Range<usize>) -> Option<Source> {
        let text = self.ctx.text;
        if !text[q.end..].starts_with(is_quote_mark) {
            return None;
        }
        // Most closing marks end a sentence ("…“.") or go on without a speaker: only a comma,
        // a colon or (in English) a word after them is worth reading on.
        let rest = text[q.end..].trim_start_matches(is_quote_mark).trim_start_matches([' ', '\u{a0}']);
        let english_word = self.ctx.lang == Lang::En && rest.starts_with(char::is_alphabetic);
        if !(rest.starts_with([',', ':']) || english_word) {
            return None;
        }
        // The term's sentence, when the quotation closes in it, has the words after the mark
        // already (or will be read for the next match there); else a stretch after the mark.
        let window = self.window();
        let own;
        let (s, mut k) = if window.start <= q.end && q.end < window.end && window.end == self.ctx.sentence.end {
            let s = &self.here().s;
            (s, s.t.index_at(q.end))
        } else {
            let end = floor_char_boundary(text, q.end.saturating_add(AFTER_QUOTE));
            own = Sentence::new(text, q.end..end, self.ctx.lang);
            (&own, 0)
        };
        while s.t.mark(k).is_some_and(is_quote_mark) {
            k += 1;
        }
        match s.t.mark(k) {
            Some(',') => k += 1,
            // English puts the comma inside: “…,” she said.
            None if s.lang == Lang::En => {}
            Some(':') => {
                return match s.who_at(k + 1) {
                    Who::Named(r) => Some(Source::of(s, &Who::Named(r))),
                    _ => None,
                }
            }
            _ => return None,
        }
        let who = match s.w(k) {
            "so" | "wie" | "as" => s.who_at(k + 1),
            "according" if s.is(k + 1, "to") => s.who_at(k + 2),
            _ if s.t.is_lower(k) && s.has(k, PRONOUN) && s.is_reporting_form(k + 1) => s.who_at(k),
            _ if s.t.is_lower(k) && (!s.is_function_word(k) || s.has(k, AUXILIARY)) => s.who_after(k + 1),
            _ if s.t.is_capitalised(k) && s.lang == Lang::En => {
                let e = s.np_end(k)?;
                if !s.is_reporting_form(e) {
                    return None;
                }
                Who::Named(k..e)
            }
            _ => return None,
        };
        Some(Source::of(s, &who))
    }

    /// The speaker before a quotation's opening mark: a frame of reported speech around it
    /// ("X sagte: „…“", "bezeichnete … als „…“"), the subject before a colon, a name right
    /// before it ("Obamas «rote Linie»"), a motto, a verb of saying in its clause.
    fn source_before(&self, q: &Range<usize>) -> Option<Source> {
        let text = self.ctx.text;
        let mark = text[..q.start].chars().next_back().filter(|&c| is_quote_mark(c))?;
        let mark_at = q.start - mark.len_utf8();
        let own;
        let read = if self.covers(self.here(), mark_at) {
            self.here()
        } else if let Some(p) = self.previous().filter(|p| self.covers(p, mark_at)) {
            p
        } else {
            own = self.ctx.reads.get(text, self.clause_before(mark_at)..q.start, self.ctx.lang);
            &own
        };
        let s = &read.s;
        let o = s.t.index_at(mark_at);
        if let Some(f) = read.frames().covering(o..o + 1, true) {
            return Some(Source::of(s, &f.who));
        }
        let before = o.checked_sub(1)?;
        if s.t.mark(before) == Some(':') {
            if let Some(who) = self.subject_before_colon(s, before) {
                return Some(Source::of(s, &who));
            }
        }
        if let Some(name) = self.name_right_before(s, o) {
            return Some(Source::Named(name));
        }
        if s.has(before, MOTTO) {
            return Some(Source::Unnamed);
        }
        let verb = (s.seg_start(o)..s.seg_end(o)).find(|&v| frames::is_speech_verb(s, v))?;
        Some(Source::of(s, &s.subject_of(verb)))
    }

    /// "Simone Machado distanziert sich: „…“": the noun phrase opening the clause before the
    /// colon, when a finite verb follows it (not "Russland werde versuchen, …:", whose
    /// subject is itself reported, nor a zu-infinitive).
    fn subject_before_colon(&self, s: &Sentence, colon: usize) -> Option<Who> {
        let start = s.strong_start(colon).max(s.content_start().min(colon));
        let end = s.np_end(start).filter(|_| !s.is_fronted(start))?;
        let verb = end < colon && s.t.is_lower(end) && !s.is(end, "zu") && !is_konjunktiv(s, end, true);
        verb.then_some(Who::Named(start..end))
    }

    /// Whether the read sentence has a token at byte `at`.
    fn covers(&self, read: &Read, at: usize) -> bool {
        let t = &read.s.t;
        t.len() > 0 && t.range(0).start <= at && at < t.range(t.len() - 1).end
    }

    /// Start of the clause before byte `at` outside the term's sentences: after the last
    /// sentence end or blank line within reach.
    fn clause_before(&self, at: usize) -> usize {
        let text = self.ctx.text;
        let from = floor_char_boundary(text, at.saturating_sub(BEFORE_QUOTE));
        let window = &text[from..at];
        let cut = [". ", "! ", "? ", "\n\n"].iter().filter_map(|m| window.rfind(m).map(|i| i + m.len())).max();
        from + cut.unwrap_or(0)
    }

    /// A name right before an opening mark, not a noun with an article: a genitive
    /// ("Obamas «rote Linie»": Obama) or two names ("Preisträger Muratow „…“"), as bytes.
    fn name_right_before(&self, s: &Sentence, o: usize) -> Option<Range<usize>> {
        let start = s.np_start_before(o)?;
        let has_article = s.has(start, DETERMINER);
        let genitive = o - start == 1 && s.w(start).ends_with('s') && s.w(start).chars().count() > 3;
        let names = o - start >= 2 && (start..o).all(|k| s.t.is_capitalised(k));
        if has_article || !(genitive || names) {
            return None;
        }
        let r = s.t.bytes(start..o);
        Some(if genitive { r.start..r.end - 1 } else { r })
    }

    /// Whether "sogenannte" (or, before quotation marks, "selbst ernannte") stands right before
    /// token `i`.
    fn distanced(&self, s: &Sentence, i: usize, before_quote: bool) -> bool {
        let from = i.saturating_sub(3);
        let Some(first) = (from..i).rev().take_while(|&k| s.t.is_word(k)).last() else { return false };
        let words = s.t.words(first..i);
        s.l.distancing.ends(&words) > 0 || (before_quote && s.l.distancing_quotes.ends(&words) > 0)
    }

    /// Whether "sogenannte", "angebliche", "vermeintliche" stands right before the term, only
    /// spaces between: the last words before it, split at spaces (no sentence read).
    fn distanced_term(&self) -> bool {
        let text = self.ctx.text;
        let from =
            floor_char_boundary(text, self.term.start.saturating_sub(DISTANCING_BYTES).max(self.ctx.sentence.start));
        let list = &lists::lists(self.ctx.lang).distancing;
        let mut words = text[from..self.term.start]
            .rsplit(char::is_whitespace)
            .skip_while(|w| w.is_empty())
            .take(3)
            .take_while(|w| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '-'));
        // Up to three words, nearest first, lower-cased into one buffer (no allocation per
        // word: this runs for every match).
        let mut lower = String::new();
        let mut ends = [0usize; 3];
        // Most words before a term can end no entry: then the words before them are not read.
        let Some(nearest) = words.next() else { return false };
        words::push_lower(nearest, &mut lower);
        if !list.may_end(&lower) {
            return false;
        }
        ends[0] = lower.len();
        let mut n = 1;
        for w in words {
            words::push_lower(w, &mut lower);
            ends[n] = lower.len();
            n += 1;
        }
        // In text order: the farthest word first.
        let mut in_order = [""; 3];
        for (k, slot) in in_order[..n].iter_mut().enumerate() {
            let i = n - 1 - k;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            *slot = &lower[start..ends[i]];
        }
        list.ends(&in_order[..n]) > 0
    }

    /// Whether a distancing word stands right before the opening mark of quotation `q`.
    fn distanced_quote(&self, q: &Range<usize>) -> bool {
        let s = &self.here().s;
        let Some(mark) = self.ctx.text[..q.start].chars().next_back().filter(|&c| is_quote_mark(c)) else {
            return false;
        };
        let at = q.start - mark.len_utf8();
        self.covers(self.here(), at) && self.distanced(s, s.t.index_at(at), true)
    }

    /// Outside quotation marks: reported when a frame of reported speech covers the term, or
    /// when its clause continues reported speech in the Konjunktiv.
    fn reported(&self) -> Option<Attribution> {
        if !self.may_report() {
            return None;
        }
        let (here, toks) = (self.here(), self.toks());
        if toks.is_empty() {
            return None;
        }
        let s = &here.s;
        if let Some(f) = here.frames().covering(toks.clone(), false) {
            return Some(Attribution::of(f.voice, self.resolve(Source::of(s, &f.who))));
        }
        if !self.continues_reported_speech() {
            return None;
        }
        let earlier = here
            .frames()
            .list
            .iter()
            .filter(|f| f.scope.end <= toks.start && matches!(f.who, Who::Named(_)))
            .min_by_key(|f| f.rank)
            .map(|f| Source::of(s, &f.who));
        let speaker = match earlier {
            Some(source) => self.resolve(source),
            None => self.previous().and_then(Read::speaker),
        };
        Some(Attribution::of(Voice::Reported, speaker))
    }

    /// Whether the term's sentence has a word that can open a frame of reported speech or
    /// mark it (a verb or noun of saying or labelling, an attribution phrase, so, wie, soll,
    /// heißt, a subjunctive, a colon): a look at the class bits its words got when it was
    /// read, so that a sentence with none is not searched for frames. (A first look at the
    /// raw text with an Aho-Corasick automaton of these words spared 3,700 of 12,900
    /// readings on the 5 MB benchmark corpus but cost as many instructions as it saved.)
    fn may_report(&self) -> bool {
        let s = &self.here().s;
        let mut after_pronoun = false;
        (0..s.len()).any(|i| {
            if !s.t.is_word(i) {
                return s.t.mark(i) == Some(':');
            }
            let w = s.w(i);
            // "man lehne": a Konjunktiv I no list holds (see frames::is_konjunktiv).
            let konjunktiv = after_pronoun && w.ends_with('e');
            after_pronoun = s.has(i, KONJUNKTIV_PRONOUN);
            konjunktiv || s.has(i, SPEECH_WORD | REPORTED_SPEECH_TRIGGERS)
        })
    }

    /// A clause with a Konjunktiv I and no verb of saying of its own continues someone's
    /// speech ("Die Lage sei ernst."); a Konjunktiv II does so only after a reported sentence.
    fn continues_reported_speech(&self) -> bool {
        let here = self.here();
        let s = &here.s;
        let t = self.toks().start;
        let clause = s.strong_start(t)..s.strong_end(t);
        if here.frames().in_island(t) || here.frames().triggered_in(clause.clone()) {
            return false;
        }
        clause.clone().any(|j| is_konjunktiv(s, j, false))
            || (clause.clone().any(|j| is_konjunktiv(s, j, true)) && self.previous().is_some_and(Read::is_reported))
    }
}

#[cfg(test)]
mod tests;
