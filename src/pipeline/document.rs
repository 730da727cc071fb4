//! The per-document stages: a document's text becomes typed sentence and match rows and
//! its document row (segmentation, lexicon matches with voice and negation, model scores).

use std::borrow::Cow;
use std::ops::Range;

use crate::corpus::{CharOffsets, Document};
use crate::features::LexiconHit;
use crate::lexicon::voice::{Context, Quotations, Voice};
use crate::lexicon::{Hit, Lexicon, Matcher};
use crate::model::Model;
use crate::report::{Columns, DocumentReport, DocumentRow, MatchRow, SentenceRow, SentenceScores};
use crate::segment::Segmenter;
use crate::text::{count_collapsed_tokens, WhitespaceMarks};
use crate::Lang;

use super::schedule::MAX_SCANNED_BYTES;

/// Characters of context on each side of a match in `matches.csv`.
pub const CONTEXT_CHARS: usize = 60;

/// How many features `explain` lists per sentence.
pub const EXPLAIN_FEATURES: usize = 5;

/// The per-document stages, ready to run on any thread.
#[derive(Debug)]
pub struct Analyzer {
    /// The rules of each language the run analyses; the first is the run's main language.
    rules: Vec<Rules>,
    /// Whether each document is analysed with the rules of the language identified in it
    /// (`--lang auto`), instead of the main language's.
    auto: bool,
    /// Every language's lexicon entries, in the order of `rules` (entry indexes refer to it).
    lexicon: Lexicon,
    model: Option<Model>,
    columns: Columns,
    /// Column index in `columns.frames` of each lexicon entry's frame.
    entry_frame: Vec<usize>,
    /// Column index in `columns.targets` of each entry's target, if any.
    entry_target: Vec<Option<usize>>,
    /// `NAME@hash` of the model, written on every sentence row; formatted once.
    model_version: Option<String>,
}

/// The stages of one language: its segmenter and its part of the lexicon.
#[derive(Debug)]
struct Rules {
    lang: Lang,
    segmenter: Segmenter,
    matcher: Matcher,
    /// Index in [`Analyzer::lexicon`] of this language's first entry.
    offset: usize,
    /// Whether the model scores this language's documents.
    scored: bool,
}

/// The lexicons of a `--lang auto` run.
#[derive(Debug)]
pub enum AutoLexicons {
    /// One lexicon for every language (the user's `--lexicon` files).
    Shared(Lexicon),
    /// One lexicon per language (the bundled ones), in the order of the languages.
    PerLanguage(Vec<Lexicon>),
}

impl Analyzer {
    /// Builds the stages for a language, a lexicon and an optional model.
    pub fn new(lang: Lang, lexicon: Lexicon, model: Option<Model>, explain: bool) -> Analyzer {
        let rules = vec![Rules {
            lang,
            segmenter: Segmenter::new(lang),
            matcher: Matcher::new(&lexicon),
            offset: 0,
            scored: true,
        }];
        Analyzer::build(rules, false, lexicon, model, explain)
    }

    /// Builds the stages of a `--lang auto` run: each document is analysed with the rules of
    /// the language identified in it, among `langs` (the first for any other language); the
    /// model scores only the documents in its own language.
    pub fn auto(langs: &[Lang], lexicons: AutoLexicons, model: Option<Model>, explain: bool) -> Analyzer {
        let model_lang = model.as_ref().map(Model::lang);
        let scored = |lang: Lang| model_lang.is_none_or(|m| m == lang);
        let (rules, lexicon) = match lexicons {
            AutoLexicons::Shared(lexicon) => {
                let matcher = Matcher::new(&lexicon);
                let rules = langs
                    .iter()
                    .map(|&lang| Rules {
                        lang,
                        segmenter: Segmenter::new(lang),
                        matcher: matcher.clone(),
                        offset: 0,
                        scored: scored(lang),
                    })
                    .collect();
                (rules, lexicon)
            }
            AutoLexicons::PerLanguage(parts) => {
                let mut all = Lexicon { entries: Vec::new(), files: Vec::new() };
                let mut rules = Vec::new();
                for (&lang, part) in langs.iter().zip(parts) {
                    rules.push(Rules {
                        lang,
                        segmenter: Segmenter::new(lang),
                        matcher: Matcher::new(&part),
                        offset: all.entries.len(),
                        scored: scored(lang),
                    });
                    all.entries.extend(part.entries);
                    all.files.extend(part.files);
                }
                (rules, all)
            }
        };
        Analyzer::build(rules, true, lexicon, model, explain)
    }

    fn build(rules: Vec<Rules>, auto: bool, lexicon: Lexicon, model: Option<Model>, explain: bool) -> Analyzer {
        let frames = lexicon.frames();
        let targets = lexicon.targets();
        let entry_frame =
            lexicon.entries.iter().map(|e| frames.iter().position(|f| *f == e.frame).unwrap_or(0)).collect();
        let entry_target = lexicon.entries.iter().map(|e| targets.iter().position(|t| *t == e.target)).collect();
        let labels = model.as_ref().map(|m| m.labels().to_vec()).unwrap_or_default();
        let columns = Columns { frames, targets, labels, explain: explain && model.is_some() };
        let model_version = model.as_ref().map(Model::version);
        Analyzer { rules, auto, lexicon, model, columns, entry_frame, entry_target, model_version }
    }

    /// The languages whose rules the run has, the main one first.
    pub fn langs(&self) -> Vec<Lang> {
        self.rules.iter().map(|r| r.lang).collect()
    }

    /// Whether each document gets the rules of its own language (`--lang auto`).
    pub fn is_auto(&self) -> bool {
        self.auto
    }

    /// The rules for a document in the identified language `code`.
    fn rules_for(&self, code: &str) -> &Rules {
        let own = self.auto.then(|| Lang::from_code(code)).flatten();
        own.and_then(|lang| self.rules.iter().find(|r| r.lang == lang)).unwrap_or(&self.rules[0])
    }

    /// The run-dependent columns of the reports.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The model in use, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// `NAME@hash` of the model in use, if any.
    pub fn model_version(&self) -> Option<&str> {
        self.model_version.as_deref()
    }

    /// The main language of the rules.
    pub fn lang(&self) -> Lang {
        self.rules[0].lang
    }

    /// Sentence byte spans of a document's body, as offsets into the whole text.
    fn sentence_spans(rules: &Rules, doc: &Document) -> Vec<Range<usize>> {
        // News sentences average over 100 bytes: room for all of them in one allocation.
        let mut spans = Vec::with_capacity(doc.body().len() / 64);
        rules.segmenter.split_into(doc.body(), &mut spans);
        for s in &mut spans {
            s.start += doc.body_start;
            s.end += doc.body_start;
        }
        spans
    }

    /// Runs segmentation, matching and scoring on one document.
    pub fn analyze<'a>(&'a self, doc: &'a Document) -> DocumentReport<'a> {
        let mut sentences = Vec::new();
        let mut matches = Vec::new();
        let document = self.analyze_in_parts(doc, usize::MAX, |part| {
            sentences = part.sentences;
            matches = part.matches;
        });
        DocumentReport { doc_id: doc.doc_id.clone(), document, sentences, matches }
    }

    /// Like [`Analyzer::analyze`], but hands the rows to `emit` in parts of at most
    /// `part_sentences` consecutive sentences (in order, each part with the matches of its
    /// sentences) and returns the document row at the end, so a large document never has
    /// all its rows in memory at once.
    pub fn analyze_in_parts<'a>(
        &'a self,
        doc: &'a Document,
        part_sentences: usize,
        mut emit: impl FnMut(RowsPart<'a>),
    ) -> DocumentRow {
        let text = doc.text.as_str();
        let lang_code = crate::lang::identify(doc.body());
        let rules = self.rules_for(lang_code);
        let model = self.model.as_ref().filter(|_| rules.scored);
        let spans = Self::sentence_spans(rules, doc);
        let quotes = Quotations::find(text);
        let spacing = WhitespaceMarks::find(text);
        // The scan holds one offset per literal occurrence: bounded for huge documents by
        // falling back to searching sentence by sentence.
        let literals = if text.len() <= MAX_SCANNED_BYTES { rules.matcher.scan(text) } else { None };
        let mut chars = CharOffsets::new(text);
        let mut hits: Vec<Hit> = Vec::new();
        // The current sentence's hits as the model sees them (one conversion: features).
        let mut seen: Vec<LexiconHit<'a>> = Vec::new();
        let part_sentences = part_sentences.max(1);
        let mut sentences = Vec::with_capacity(spans.len().min(part_sentences));
        let mut matches = Vec::new();
        let n_frames = self.columns.frames.len();
        let mut doc_row = DocumentRow {
            meta: doc.meta.clone(),
            encoding: doc.encoding.to_string(),
            lang: lang_code,
            n_sentences: spans.len(),
            n_tokens: 0,
            n_matches: 0,
            n_authorial: 0,
            n_quoted: 0,
            n_reported: 0,
            n_scare_quote: 0,
            frame_counts: vec![0; n_frames],
            stance: vec![0.0; self.columns.targets.len()],
            // Empty when the model does not score this document's language.
            shares: vec![0.0; if model.is_some() { self.columns.labels.len() } else { 0 }],
        };
        // One context for the document: it keeps the sentences read for one match for the next.
        let mut context = Context::new(text, &quotes, 0..0, None, rules.lang);
        for (i, span) in spans.iter().enumerate() {
            let sentence_id = (i + 1) as u32;
            let sentence = &text[span.clone()];
            let char_start = chars.char_at(span.start);
            hits.clear();
            rules.matcher.find_in_span(text, span.clone(), literals.as_ref(), &mut hits);
            if rules.offset > 0 {
                for hit in &mut hits {
                    hit.entry += rules.offset;
                }
            }
            // Most sentences are collapsed already; then so are their matches and contexts.
            let sentence_text = spacing.collapse(text, span.clone());
            let collapsed = matches!(sentence_text, Cow::Borrowed(_));
            // A part of the sentence (offsets within it), collapsed as the sentence says.
            let part =
                |r: Range<usize>| spacing.collapse_part(text, span.start + r.start..span.start + r.end, collapsed);
            seen.clear();
            let previous = i.checked_sub(1).map(|p| spans[p].clone());
            context.sentence = span.clone();
            context.previous = previous;
            for hit in &hits {
                let abs = span.start + hit.span.start..span.start + hit.span.end;
                let (hit_seen, attribution) = LexiconHit::attributed(&self.lexicon, &context, hit);
                seen.push(hit_seen);
                let (voice, negated) = (hit_seen.voice, hit_seen.negated);
                let speaker = attribution.speaker.map_or(Cow::Borrowed(""), |s| spacing.collapse(text, s));
                let surface = part(hit.span.clone());
                let frame = self.entry_frame[hit.entry];
                doc_row.frame_counts[frame] += 1;
                match voice {
                    Voice::Authorial => doc_row.n_authorial += 1,
                    Voice::Quoted => doc_row.n_quoted += 1,
                    Voice::Reported => doc_row.n_reported += 1,
                    Voice::ScareQuote => doc_row.n_scare_quote += 1,
                }
                if let (Voice::Authorial, false, Some(t)) = (voice, negated, self.entry_target[hit.entry]) {
                    let e = &self.lexicon.entries[hit.entry];
                    doc_row.stance[t] += f64::from(e.polarity) * e.weight;
                }
                matches.push(MatchRow {
                    sentence_id,
                    surface,
                    entry: hit.entry,
                    voice,
                    speaker,
                    negated,
                    char_start: chars.char_at(abs.start),
                    char_end: chars.char_at(abs.end),
                    left_context: part(left_context_start(&sentence[..hit.span.start])..hit.span.start),
                    right_context: part(hit.span.end..hit.span.end + right_context_end(&sentence[hit.span.end..])),
                });
            }
            let n_tokens = count_collapsed_tokens(&sentence_text);
            doc_row.n_tokens += n_tokens;
            doc_row.n_matches += hits.len();
            let scores = model.map(|model| {
                let lexicon_hits = &seen[..];
                let s = model.score(&sentence_text, lexicon_hits);
                for (share, p) in doc_row.shares.iter_mut().zip(&s.probs) {
                    *share += p;
                }
                SentenceScores {
                    label: model.labels()[s.best].as_str(),
                    confidence: s.probs[s.best],
                    probs: s.probs,
                    explain: self
                        .columns
                        .explain
                        .then(|| model.explain(&sentence_text, lexicon_hits, EXPLAIN_FEATURES)),
                }
            });
            sentences.push(SentenceRow {
                sentence_id,
                char_start,
                char_end: chars.char_at(span.end),
                text: sentence_text,
                n_tokens,
                n_matches: hits.len(),
                scores,
            });
            if sentences.len() == part_sentences {
                emit(RowsPart { sentences: std::mem::take(&mut sentences), matches: std::mem::take(&mut matches) });
            }
        }
        if !sentences.is_empty() || spans.is_empty() {
            emit(RowsPart { sentences, matches });
        }
        if !spans.is_empty() {
            for share in &mut doc_row.shares {
                *share /= spans.len() as f64;
            }
        }
        doc_row
    }
}

/// The rows of consecutive sentences of one document (see [`Analyzer::analyze_in_parts`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowsPart<'a> {
    /// Sentence rows.
    pub sentences: Vec<SentenceRow<'a>>,
    /// The matches in those sentences, in text order.
    pub matches: Vec<MatchRow<'a>>,
}

/// Where the left context in `before` starts: [`CONTEXT_CHARS`] characters from its end.
pub(super) fn left_context_start(before: &str) -> usize {
    before.char_indices().rev().nth(CONTEXT_CHARS - 1).map_or(0, |(i, _)| i)
}

/// Where the right context in `after` ends: [`CONTEXT_CHARS`] characters from its start.
pub(super) fn right_context_end(after: &str) -> usize {
    after.char_indices().nth(CONTEXT_CHARS).map_or(after.len(), |(i, _)| i)
}
