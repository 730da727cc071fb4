//! Orchestration: documents are analysed in parallel with rayon and streamed to the report
//! writers in `doc_id` order.
//!
//! The corpus is walked in `doc_id` order as the run goes (by the thread that hands out the
//! batches, one batch ahead) and cut into small batches of bounded size (bytes and files).
//! Each batch is analysed and serialized by one worker, several batches at once, with no
//! barrier between them; the results are appended in walk order by the worker that
//! finishes the one next in line, holding back those that finish early. A fixed number of
//! batches is in flight (two per worker), so memory is bounded whatever the corpus size or
//! number of files, and the output is byte-identical for any thread count.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::corpus::{self, CharOffsets, CorpusFile, CorpusWalk, Document, MetaTable, Skip};
use crate::features::LexiconHit;
use crate::lexicon::voice::{is_negated, Quotations, Voice};
use crate::lexicon::{Hit, Lexicon, Matcher};
use crate::model::Model;
use crate::output::ReportDir;
use crate::report::{
    self, csv_writer, files, Columns, CsvFormat, DocumentCsv, DocumentReport, DocumentRow, MatchRow, SentenceRow,
    SentenceScores, TermTally,
};
use crate::segment::Segmenter;
use crate::text::{count_collapsed_tokens, WhitespaceMarks};
use crate::{Error, Lang};

/// Characters of context on each side of a match in `matches.csv`.
pub const CONTEXT_CHARS: usize = 60;

/// How many features `explain` lists per sentence.
pub const EXPLAIN_FEATURES: usize = 5;

/// The per-document stages, ready to run on any thread.
#[derive(Debug)]
pub struct Analyzer {
    lang: Lang,
    segmenter: Segmenter,
    lexicon: Lexicon,
    matcher: Matcher,
    model: Option<Model>,
    columns: Columns,
    /// Column index in `columns.frames` of each lexicon entry's frame.
    entry_frame: Vec<usize>,
    /// Column index in `columns.targets` of each entry's target, if any.
    entry_target: Vec<Option<usize>>,
    /// `NAME@hash` of the model, written on every sentence row; formatted once.
    model_version: Option<String>,
}

impl Analyzer {
    /// Builds the stages for a language, a lexicon and an optional model.
    pub fn new(lang: Lang, lexicon: Lexicon, model: Option<Model>, explain: bool) -> Analyzer {
        let frames = lexicon.frames();
        let targets = lexicon.targets();
        let entry_frame =
            lexicon.entries.iter().map(|e| frames.iter().position(|f| *f == e.frame).unwrap_or(0)).collect();
        let entry_target = lexicon.entries.iter().map(|e| targets.iter().position(|t| *t == e.target)).collect();
        let labels = model.as_ref().map(|m| m.labels().to_vec()).unwrap_or_default();
        let columns = Columns { frames, targets, labels, explain: explain && model.is_some() };
        let model_version = model.as_ref().map(Model::version);
        Analyzer {
            lang,
            segmenter: Segmenter::new(lang),
            matcher: Matcher::new(&lexicon),
            lexicon,
            model,
            columns,
            entry_frame,
            entry_target,
            model_version,
        }
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

    /// The language of the rules.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Sentence byte spans of a document's body, as offsets into the whole text.
    pub fn sentence_spans(&self, doc: &Document) -> Vec<Range<usize>> {
        // News sentences average over 100 bytes: room for all of them in one allocation.
        let mut spans = Vec::with_capacity(doc.body().len() / 64);
        self.segmenter.split_into(doc.body(), &mut spans);
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
        let spans = self.sentence_spans(doc);
        let quotes = Quotations::find(text);
        let spacing = WhitespaceMarks::find(text);
        // The scan holds one offset per literal occurrence: bounded for huge documents by
        // falling back to searching sentence by sentence.
        let literals = if text.len() <= MAX_SCANNED_BYTES { self.matcher.scan(text) } else { None };
        let mut chars = CharOffsets::new(text);
        let mut hits: Vec<Hit> = Vec::new();
        let part_sentences = part_sentences.max(1);
        let mut sentences = Vec::with_capacity(spans.len().min(part_sentences));
        let mut matches = Vec::new();
        let n_frames = self.columns.frames.len();
        let mut doc_row = DocumentRow {
            meta: doc.meta.clone(),
            encoding: doc.encoding.to_string(),
            n_sentences: spans.len(),
            n_tokens: 0,
            n_matches: 0,
            n_authorial: 0,
            n_quoted: 0,
            n_scare_quote: 0,
            frame_counts: vec![0; n_frames],
            stance: vec![0.0; self.columns.targets.len()],
            shares: vec![0.0; self.columns.labels.len()],
        };
        for (i, span) in spans.iter().enumerate() {
            let sentence_id = (i + 1) as u32;
            let sentence = &text[span.clone()];
            let char_start = chars.char_at(span.start);
            hits.clear();
            self.matcher.find_in_span(text, span.clone(), literals.as_ref(), &mut hits);
            let first_match = matches.len();
            // Most sentences are collapsed already; then so are their matches and contexts.
            let sentence_text = spacing.collapse(text, span.clone());
            let collapsed = matches!(sentence_text, Cow::Borrowed(_));
            // A part of the sentence (offsets within it), collapsed as the sentence says.
            let part =
                |r: Range<usize>| spacing.collapse_part(text, span.start + r.start..span.start + r.end, collapsed);
            for hit in &hits {
                let abs = span.start + hit.span.start..span.start + hit.span.end;
                let voice = quotes.voice(text, abs.clone());
                let negated = is_negated(sentence, hit.span.start, self.lang);
                let surface = part(hit.span.clone());
                let frame = self.entry_frame[hit.entry];
                doc_row.frame_counts[frame] += 1;
                match voice {
                    Voice::Authorial => doc_row.n_authorial += 1,
                    Voice::Quoted => doc_row.n_quoted += 1,
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
            let scores = self.model.as_ref().map(|model| {
                let lexicon_hits: Vec<LexiconHit> = matches[first_match..]
                    .iter()
                    .map(|m| LexiconHit {
                        frame: &self.lexicon.entries[m.entry].frame,
                        voice: m.voice,
                        negated: m.negated,
                    })
                    .collect();
                let s = model.score(&sentence_text, &lexicon_hits);
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
                        .then(|| model.explain(&sentence_text, &lexicon_hits, EXPLAIN_FEATURES)),
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
fn left_context_start(before: &str) -> usize {
    before.char_indices().rev().nth(CONTEXT_CHARS - 1).map_or(0, |(i, _)| i)
}

/// Where the right context in `after` ends: [`CONTEXT_CHARS`] characters from its start.
fn right_context_end(after: &str) -> usize {
    after.char_indices().nth(CONTEXT_CHARS).map_or(after.len(), |(i, _)| i)
}

/// A deterministic subset of a corpus: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("bad shard `{s}`: expected K/N, e.g. 2/8"))?;
        let index: u32 = k.trim().parse().map_err(|_| format!("bad shard `{s}`: K must be a number"))?;
        let count: u32 = n.trim().parse().map_err(|_| format!("bad shard `{s}`: N must be a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("bad shard `{s}`: expected 1 ≤ K ≤ N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether a document belongs to this shard: FNV-1a of the `doc_id`, stable across
    /// machines and releases.
    pub fn contains(&self, doc_id: &str) -> bool {
        crate::text::Fnv1a::hash(doc_id.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Everything `analyze` needs, validated by the CLI.
#[derive(Debug)]
pub struct AnalyzeConfig {
    /// Corpus root (checked to be a directory).
    pub corpus: PathBuf,
    /// File extensions to read (without dots, case-insensitive).
    pub extensions: Vec<String>,
    /// `--meta` table.
    pub meta: Option<MetaTable>,
    /// The stages.
    pub analyzer: Analyzer,
    /// Final report directory.
    pub out: PathBuf,
    /// Replace an existing non-empty report directory.
    pub force: bool,
    /// Worker threads.
    pub threads: usize,
    /// Files larger than this are skipped (`too_large`) without being read.
    pub max_doc_bytes: u64,
    /// Follow symlinks that lead out of the corpus (else they are skipped and listed).
    pub follow: bool,
    /// The shard, when only a part of the corpus is analysed.
    pub shard: Option<Shard>,
    /// The command line, for `run.json`.
    pub command_line: Vec<String>,
}

impl AnalyzeConfig {
    /// The walk over the files this run analyses (those of its shard).
    pub fn walk(&self) -> Result<CorpusWalk, Error> {
        let shard = self.shard;
        let walk =
            CorpusWalk::new(&self.corpus, &self.extensions, move |doc_id| shard.is_none_or(|s| s.contains(doc_id)))?;
        Ok(walk.follow_outside(self.follow))
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Documents analysed.
    pub documents_ok: u64,
    /// Documents (and walk entries) skipped, listed in `errors.csv`.
    pub documents_skipped: u64,
    /// Documents analysed after invalid bytes were replaced, listed in `errors.csv` as
    /// `repaired` (also counted in `documents_ok`).
    #[serde(default)]
    pub documents_repaired: u64,
    /// Sentences written.
    pub sentences: u64,
    /// Matches written.
    pub matches: u64,
    /// Bytes of input read.
    pub bytes: u64,
}

/// What a finished run reports.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Counts.
    pub counts: Counts,
    /// Where the reports are.
    pub out: PathBuf,
    /// Wall time.
    pub elapsed_secs: f64,
    /// The skipped inputs.
    pub skipped: Vec<Skip>,
    /// `doc_id`s of the `--meta` table that no corpus file has (sorted; empty for a shard,
    /// which sees only part of the corpus).
    pub unknown_meta_ids: Vec<String>,
    /// What was swept or restored from interrupted runs on the same `--out`.
    pub recovered: Vec<String>,
    /// Files passed over: for their extension, or as another shard's.
    pub not_read: corpus::PassedOver,
}

/// Progress callback: called as results are written, with (bytes done, documents done).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Upper bound of input bytes in one batch: bounds memory with any file sizes.
const BATCH_BYTES: u64 = 1 << 20;
/// Upper bound of files in one batch.
const BATCH_FILES: usize = 64;

/// Consecutive files of the walk, cut to bounded size; a large document (which is streamed
/// in parts) is a batch of its own.
#[derive(Debug, Default, PartialEq)]
struct FileBatch {
    /// Number of the first file in the run (files are numbered in `doc_id` order).
    first: u64,
    files: Vec<CorpusFile>,
    /// Entries the walk could not follow, met since the previous batch.
    skipped: Vec<Skip>,
}

/// Cuts the walk into [`FileBatch`]es as it goes, so only one batch of entries is held.
struct FileBatches<I: Iterator<Item = Result<CorpusFile, Skip>>> {
    walk: std::iter::Peekable<I>,
    next_number: u64,
}

impl<I: Iterator<Item = Result<CorpusFile, Skip>>> FileBatches<I> {
    fn new(walk: I) -> Self {
        FileBatches { walk: walk.peekable(), next_number: 0 }
    }
}

impl<I: Iterator<Item = Result<CorpusFile, Skip>>> Iterator for FileBatches<I> {
    type Item = FileBatch;

    fn next(&mut self) -> Option<FileBatch> {
        let mut batch = FileBatch { first: self.next_number, ..FileBatch::default() };
        let mut bytes = 0;
        // A file joins unless the batch has some and is full, or the file is large.
        let joins = |f: &CorpusFile, files: &[CorpusFile], bytes: u64| {
            files.is_empty() || !(is_large(f) || bytes + f.bytes > BATCH_BYTES || files.len() >= BATCH_FILES)
        };
        while let Some(next) = self.walk.next_if(|next| next.as_ref().map_or(true, |f| joins(f, &batch.files, bytes))) {
            match next {
                Ok(f) => {
                    bytes += f.bytes;
                    let large = is_large(&f);
                    batch.files.push(f);
                    if large {
                        break;
                    }
                }
                Err(skip) => batch.skipped.push(skip),
            }
        }
        self.next_number += batch.files.len() as u64;
        (!batch.files.is_empty() || !batch.skipped.is_empty()).then_some(batch)
    }
}

/// Documents larger than this are analysed and written in parts of [`PART_SENTENCES`]
/// sentences, so their rows are never all in memory at once.
const LARGE_DOCUMENT_BYTES: u64 = 4 << 20;
/// Whether a file is analysed and written in parts (it is then a batch of its own).
fn is_large(file: &CorpusFile) -> bool {
    file.bytes > LARGE_DOCUMENT_BYTES
}

/// Largest document whose literal occurrences are found in one pass (see
/// [`Matcher::scan`]); beyond it each sentence is searched on its own.
const MAX_SCANNED_BYTES: usize = 4 << 20;

/// Sentences per part of a large document: at most 1 MB of text, as sentences are capped.
const PART_SENTENCES: usize = 256;

/// One analysed document, or one part of a large one, whose rows are in its batch's CSV.
struct DocResult {
    n_sentences: u64,
    n_matches: u64,
    /// The document is done: its `documents.csv` row is written (the parts before it have
    /// only sentence and match rows).
    complete: bool,
    /// Its `errors.csv` entry when it was analysed after a repair (see
    /// [`Document::repair_notice`]).
    notice: Option<Skip>,
}

/// One document's result: analysed, or skipped with a reason.
type Outcome = Result<DocResult, Skip>;

/// What a worker hands over for writing: results with their file sizes, in `doc_id`
/// order; the CSV rows of those documents, serialized in one buffer per file (written as
/// they are); the term statistics of those documents (counted by the worker: writing only
/// adds up one tally per batch); and the walk's skipped entries.
#[derive(Default)]
struct Batch {
    docs: Vec<(u64, Outcome)>,
    csv: DocumentCsv,
    terms: TermTally,
    skipped: Vec<Skip>,
}

/// What writing accumulates over the run.
#[derive(Default)]
struct Totals {
    counts: Counts,
    terms: TermTally,
    skipped: Vec<Skip>,
}

/// What every worker of a run needs: the config with its stages, and how rows become CSV.
struct Job<'a> {
    cfg: &'a AnalyzeConfig,
    format: CsvFormat,
}

/// Analyses `file`, the run's file number `number`, appending its rows to `csv` and
/// counting its terms into `terms`.
fn process(file: &CorpusFile, number: u64, job: &Job<'_>, csv: &mut DocumentCsv, terms: &mut TermTally) -> Outcome {
    let doc = load(job, file)?;
    let report = job.cfg.analyzer.analyze(&doc);
    terms.add_document(number, &report.matches);
    job.format.write_report(csv, &report);
    Ok(DocResult {
        n_sentences: report.sentences.len() as u64,
        n_matches: report.matches.len() as u64,
        complete: true,
        notice: doc.repair_notice(),
    })
}

/// Reads a file of the run; one over `--max-doc-mb` is skipped before it is read.
fn load(job: &Job<'_>, file: &CorpusFile) -> Result<Document, Skip> {
    if file.bytes > job.cfg.max_doc_bytes {
        return Err(Skip {
            path: file.doc_id.to_string(),
            kind: "too_large",
            message: format!(
                "{} bytes is more than the largest document allowed ({} bytes, see --max-doc-mb)",
                file.bytes, job.cfg.max_doc_bytes
            ),
        });
    }
    corpus::load_document(file, &job.cfg.corpus, job.cfg.meta.as_ref())
}

/// Analyses one large document in parts, handing each part's rows over for writing as soon
/// as it is serialized. Returns false when writing has failed (the run stops).
fn stream_large(file: &CorpusFile, number: u64, job: &Job<'_>, send: &mut dyn FnMut(Batch) -> bool) -> bool {
    let one = |outcome, csv, terms| Batch { docs: vec![(file.bytes, outcome)], csv, terms, skipped: Vec::new() };
    let doc = match load(job, file) {
        Ok(doc) => doc,
        Err(skip) => return send(one(Err(skip), DocumentCsv::default(), TermTally::default())),
    };
    let mut terms = TermTally::default();
    let mut writing_ok = true;
    let document = job.cfg.analyzer.analyze_in_parts(&doc, PART_SENTENCES, |part| {
        if !writing_ok {
            return;
        }
        terms.add_document(number, &part.matches);
        let mut csv = DocumentCsv::default();
        job.format.write_rows(&mut csv, &doc.doc_id, &part.sentences, &part.matches);
        let n_sentences = part.sentences.len() as u64;
        let n_matches = part.matches.len() as u64;
        let result = DocResult { n_sentences, n_matches, complete: false, notice: None };
        writing_ok = send(one(Ok(result), csv, TermTally::default()));
    });
    if !writing_ok {
        return false;
    }
    let mut csv = DocumentCsv::default();
    report::write_document(&mut csv.documents, &doc.doc_id, &document);
    let result = DocResult { n_sentences: 0, n_matches: 0, complete: true, notice: doc.repair_notice() };
    send(one(Ok(result), csv, terms))
}

/// Analyses the files of one batch in order, on the calling thread.
fn analyze_batch(job: &Job<'_>, FileBatch { first, files, skipped }: FileBatch) -> Batch {
    let bytes = files.iter().map(|f| f.bytes as usize).sum();
    let mut batch = Batch {
        docs: Vec::with_capacity(files.len()),
        csv: DocumentCsv::with_capacity(bytes, files.len()),
        skipped,
        ..Batch::default()
    };
    for (i, file) in files.iter().enumerate() {
        let outcome = process(file, first + i as u64, job, &mut batch.csv, &mut batch.terms);
        batch.docs.push((file.bytes, outcome));
    }
    batch
}

/// Where batches are analysed: in turn on the calling thread, or on a pool.
trait Workers {
    /// Hands over a result computed on the calling thread; false when writing has failed.
    fn send(&mut self, batch: Batch) -> bool;
    /// Has a batch analysed and its result handed over; false when writing has failed.
    fn analyze(&mut self, batch: FileBatch) -> bool;
}

/// Analyses the batches in walk order with `workers`; a large document is streamed from the
/// calling thread, part by part. Stops early when writing has failed.
fn produce(job: &Job<'_>, batches: impl Iterator<Item = FileBatch>, workers: &mut impl Workers) {
    for FileBatch { first, files, skipped } in batches {
        let sent = match &files[..] {
            [file] if is_large(file) => {
                workers.send(Batch { skipped, ..Batch::default() })
                    && stream_large(file, first, job, &mut |part| workers.send(part))
            }
            _ => workers.analyze(FileBatch { first, files, skipped }),
        };
        if !sent {
            return;
        }
    }
}

/// One thread: each batch is analysed and written before the next is read.
struct InTurn<'s, 'a> {
    job: &'a Job<'a>,
    sink: &'s mut ReportSink<'a>,
    failure: Option<Error>,
}

impl Workers for InTurn<'_, '_> {
    fn send(&mut self, batch: Batch) -> bool {
        match self.sink.accept(batch) {
            Ok(()) => true,
            Err(e) => {
                self.failure = Some(e);
                false
            }
        }
    }

    fn analyze(&mut self, batch: FileBatch) -> bool {
        let result = analyze_batch(self.job, batch);
        self.send(result)
    }
}

/// A pool: each batch is analysed by one worker, several at once. Results are numbered in
/// walk order, each number only with a ticket: with a fixed number of tickets, only that
/// many results are ever held, however slow one batch is.
struct OnPool<'s, 'scope, 'w> {
    job: &'scope Job<'scope>,
    scope: &'s rayon::Scope<'scope>,
    next: u64,
    tickets: &'s mpsc::Receiver<()>,
    in_order: &'scope InOrder<'w>,
}

impl OnPool<'_, '_, '_> {
    /// Waits for a ticket and numbers the next result; `None` once writing has failed.
    fn number(&mut self) -> Option<u64> {
        self.tickets.recv().ok()?;
        if self.in_order.failed.load(Ordering::Relaxed) {
            return None;
        }
        self.next += 1;
        Some(self.next - 1)
    }
}

impl Workers for OnPool<'_, '_, '_> {
    fn send(&mut self, batch: Batch) -> bool {
        let Some(n) = self.number() else { return false };
        self.in_order.deliver(n, batch);
        true
    }

    fn analyze(&mut self, batch: FileBatch) -> bool {
        let Some(n) = self.number() else { return false };
        let (job, in_order) = (self.job, self.in_order);
        self.scope.spawn(move |_| in_order.deliver_from(n, || analyze_batch(job, batch)));
        true
    }
}

/// Writes numbered results in number order, on the thread that delivers the one next in
/// line: it writes that result and any that wait behind it, while the other workers go on
/// analysing. (A writer thread of its own competed with the workers for the cores, and
/// each result crossed to its core.) A ticket goes back for each result written.
struct InOrder<'a> {
    queue: Mutex<Queue>,
    sink: Mutex<(ReportSink<'a>, Option<Error>)>,
    tickets: mpsc::SyncSender<()>,
    /// Set with the first write error: no more batches are dispatched.
    failed: AtomicBool,
}

/// Results that wait for an earlier one, and whether a thread is writing.
struct Queue {
    waiting: std::collections::BTreeMap<u64, Batch>,
    next: u64,
    writing: bool,
}

impl<'a> InOrder<'a> {
    fn new(sink: ReportSink<'a>, tickets: mpsc::SyncSender<()>) -> Self {
        InOrder {
            queue: Mutex::new(Queue { waiting: std::collections::BTreeMap::new(), next: 0, writing: false }),
            sink: Mutex::new((sink, None)),
            tickets,
            failed: AtomicBool::new(false),
        }
    }

    /// Hands over result `n`; writes it (and those behind it) unless another thread is
    /// writing, which then writes it in turn.
    fn deliver(&self, n: u64, batch: Batch) {
        let mut queue = lock(&self.queue);
        queue.waiting.insert(n, batch);
        if queue.writing {
            return;
        }
        queue.writing = true;
        loop {
            let next = queue.next;
            let Some(batch) = queue.waiting.remove(&next) else { break };
            queue.next += 1;
            // Others deliver while this one writes; only the writing thread takes the sink.
            drop(queue);
            self.write(batch);
            // The dispatcher is gone only once every batch is dispatched.
            self.tickets.send(()).ok();
            queue = lock(&self.queue);
        }
        queue.writing = false;
    }

    /// [`InOrder::deliver`] of the result `make` computes for `n`. If that panics (a bug),
    /// the run is marked failed and a ticket goes back: the dispatcher, which may be waiting
    /// for one while every other result waits for `n`, then stops instead of waiting forever.
    /// The panic goes on to rayon, which raises it again when the scope ends.
    fn deliver_from(&self, n: u64, make: impl FnOnce() -> Batch) {
        let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.deliver(n, make())));
        if let Err(panic) = delivered {
            self.failed.store(true, Ordering::Relaxed);
            self.tickets.send(()).ok();
            std::panic::resume_unwind(panic);
        }
    }

    fn write(&self, batch: Batch) {
        let mut sink = lock(&self.sink);
        let (sink, error) = &mut *sink;
        if error.is_none() {
            if let Err(e) = sink.accept(batch) {
                *error = Some(e);
                self.failed.store(true, Ordering::Relaxed);
            }
        }
    }

    /// The sink and the first write error, once all results are in.
    fn finish(self) -> (ReportSink<'a>, Option<Error>) {
        self.sink.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A lock that a panicking holder does not poison: a panic ends the run anyway (rayon
/// passes it on), and the data stays consistent between statements.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The writing end of a run: appends serialized rows in order and adds up the totals.
struct ReportSink<'a> {
    writers: Writers,
    totals: Totals,
    docs_done: u64,
    out: &'a Path,
    progress: Progress<'a>,
}

impl ReportSink<'_> {
    fn accept(&mut self, batch: Batch) -> Result<(), Error> {
        let (w, totals, out) = (&mut self.writers, &mut self.totals, self.out);
        totals.terms.merge(&batch.terms);
        totals.skipped.extend(batch.skipped);
        for (bytes, outcome) in batch.docs {
            if outcome.as_ref().map_or(true, |doc| doc.complete) {
                totals.counts.bytes += bytes;
                self.docs_done += 1;
            }
            match outcome {
                Ok(doc) => {
                    totals.counts.documents_ok += u64::from(doc.complete);
                    totals.counts.sentences += doc.n_sentences;
                    totals.counts.matches += doc.n_matches;
                    if let Some(notice) = doc.notice {
                        totals.counts.documents_repaired += 1;
                        totals.skipped.push(notice);
                    }
                }
                Err(skip) => totals.skipped.push(skip),
            }
        }
        write_raw(&mut w.sentences, &batch.csv.sentences, out)?;
        write_raw(&mut w.matches, &batch.csv.matches, out)?;
        write_raw(&mut w.documents, &batch.csv.documents, out)?;
        (self.progress)(totals.counts.bytes, self.docs_done);
        Ok(())
    }
}

/// The streamed files of a report directory; rows arrive already serialized.
struct Writers {
    sentences: BufWriter<File>,
    matches: BufWriter<File>,
    documents: BufWriter<File>,
}

fn open_file(dir: &ReportDir, name: &str) -> Result<BufWriter<File>, Error> {
    let path = dir.path(name);
    let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
    // Batches arrive as buffers of hundreds of kilobytes, which `BufWriter` writes through
    // without copying once they exceed its buffer; the buffer gathers only small writes.
    Ok(BufWriter::with_capacity(64 << 10, file))
}

fn open_csv(dir: &ReportDir, name: &str) -> Result<csv::Writer<BufWriter<File>>, Error> {
    Ok(csv_writer(open_file(dir, name)?))
}

fn write_header(w: &mut BufWriter<File>, header: &[String], path: &Path) -> Result<(), Error> {
    let mut bytes = Vec::new();
    report::CsvRow::record(&mut bytes, header);
    w.write_all(&bytes).map_err(|e| Error::io(path, e))
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::Output { path: path.to_path_buf(), message: e.to_string() }
}

/// Runs the whole analysis and writes the reports.
pub fn run(cfg: &AnalyzeConfig, progress: Progress<'_>) -> Result<Summary, Error> {
    let started = Instant::now();
    let walk = cfg.walk()?;
    let not_read = walk.not_read();
    let dir = ReportDir::create_for(&cfg.out, cfg.force, std::slice::from_ref(&cfg.corpus))?;
    let job = Job { cfg, format: CsvFormat::new(cfg.analyzer.lexicon(), cfg.analyzer.model_version()) };
    let recovered = dir.recovered().to_vec();
    let columns = cfg.analyzer.columns();
    let mut w = Writers {
        sentences: open_file(&dir, files::SENTENCES)?,
        matches: open_file(&dir, files::MATCHES)?,
        documents: open_file(&dir, files::DOCUMENTS)?,
    };
    let out = cfg.out.as_path();
    write_header(&mut w.sentences, &columns.sentences_header(), out)?;
    write_header(&mut w.matches, &report::MATCHES_HEADER.map(String::from), out)?;
    write_header(&mut w.documents, &columns.documents_header(), out)?;

    let mut sink = ReportSink { writers: w, totals: Totals::default(), docs_done: 0, out, progress };
    // Which `--meta` rows have a file, to warn about the others (a shard sees only part).
    let table = cfg.meta.as_ref().filter(|_| cfg.shard.is_none());
    let mut with_meta = std::collections::HashSet::new();
    let mut note_meta = |item: &Result<CorpusFile, Skip>| {
        if let (Some(table), Ok(file)) = (table, item) {
            if table.get(&file.doc_id).is_some() {
                with_meta.insert(file.doc_id.to_string());
            }
        }
    };
    if cfg.threads <= 1 {
        // One thread means one: walk, analyse and write in turn, with no thread beside.
        let batches = FileBatches::new(walk.inspect(&mut note_meta));
        let mut in_turn = InTurn { job: &job, sink: &mut sink, failure: None };
        produce(&job, batches, &mut in_turn);
        if let Some(e) = in_turn.failure {
            return Err(e);
        }
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.threads)
            .build()
            .map_err(|e| Error::Output { path: cfg.out.clone(), message: format!("cannot start threads: {e}") })?;
        // Results in flight (being computed, waiting for an earlier one, being written) are
        // bounded by the tickets: two per worker, so a worker always has a next batch while
        // this thread walks the corpus for the one after.
        let in_flight = 2 * cfg.threads;
        let (tickets_tx, tickets) = mpsc::sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            tickets_tx.send(()).ok();
        }
        let in_order = InOrder::new(sink, tickets_tx);
        pool.in_place_scope(|scope| {
            let mut on_pool = OnPool { job: &job, scope, next: 0, tickets: &tickets, in_order: &in_order };
            produce(&job, FileBatches::new(walk.inspect(&mut note_meta)), &mut on_pool);
        });
        let (written, error) = in_order.finish();
        sink = written;
        if let Some(e) = error {
            return Err(e);
        }
    }
    let unknown_meta_ids = table
        .map_or_else(Vec::new, |t| t.unknown_ids(|id| with_meta.contains(id)).into_iter().map(String::from).collect());
    let ReportSink { writers: w, totals: Totals { mut counts, terms, mut skipped }, .. } = sink;
    for mut writer in [w.sentences, w.matches, w.documents] {
        writer.flush().map_err(|e| Error::io(out, e))?;
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.kind.cmp(b.kind)));
    counts.documents_skipped = skipped.len() as u64 - counts.documents_repaired;
    write_terms_file(&dir, cfg.analyzer.lexicon(), &terms)?;
    write_errors_file(&dir, &skipped)?;
    let elapsed_secs = started.elapsed().as_secs_f64();
    write_run_json(&dir, cfg, &counts, elapsed_secs)?;
    let out = dir.commit()?;
    let not_read = not_read.lock().map(|tally| tally.clone()).unwrap_or_default();
    Ok(Summary { counts, out, elapsed_secs, skipped, unknown_meta_ids, recovered, not_read })
}

fn write_raw(w: &mut BufWriter<File>, bytes: &[u8], out: &Path) -> Result<(), Error> {
    w.write_all(bytes).map_err(|e| Error::io(out, e))
}

/// Writes `terms.csv` from merged statistics.
pub fn write_terms_file(dir: &ReportDir, lexicon: &Lexicon, terms: &TermTally) -> Result<(), Error> {
    let mut w = open_file(dir, files::TERMS)?;
    let keys = report::term_keys(lexicon);
    let rows = keys.iter().map(|(i, key)| (key, terms.get(*i)));
    report::write_terms(&mut w, rows).and_then(|()| w.flush()).map_err(|e| Error::io(dir.target(), e))
}

/// Writes `errors.csv` (a header only when nothing was skipped).
pub fn write_errors_file(dir: &ReportDir, skipped: &[Skip]) -> Result<(), Error> {
    let mut w = open_csv(dir, files::ERRORS)?;
    let err = |e| csv_error(dir.target(), e);
    w.write_record(report::ERRORS_HEADER).map_err(err)?;
    for s in skipped {
        w.write_record([s.path.as_str(), s.kind, &s.message]).map_err(err)?;
    }
    w.flush().map_err(|e| Error::io(dir.target(), e))
}

/// `run.json`: what produced the reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunInfo {
    /// Version of framing.
    pub framing_version: String,
    /// Arguments of the process.
    pub command_line: Vec<String>,
    /// Corpus root.
    pub corpus: String,
    /// Rules language.
    pub lang: Lang,
    /// Lexicon files and their hashes.
    pub lexicons: Vec<FileHash>,
    /// The model, if any.
    pub model: Option<ModelInfo>,
    /// Worker threads.
    pub threads: usize,
    /// `K/N` when sharded.
    pub shard: Option<String>,
    /// Counts.
    pub counts: Counts,
    /// Wall time in seconds.
    pub elapsed_seconds: f64,
}

/// A file and its sha256.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileHash {
    /// Path as given.
    pub path: String,
    /// Hex sha256.
    pub sha256: String,
}

/// The model of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelInfo {
    /// `NAME@hash` as in `sentences.csv`.
    pub version: String,
    /// Hex sha256 of the model file.
    pub sha256: String,
    /// Its labels.
    pub labels: Vec<String>,
}

fn write_run_json(dir: &ReportDir, cfg: &AnalyzeConfig, counts: &Counts, elapsed_seconds: f64) -> Result<(), Error> {
    let info = RunInfo {
        framing_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: cfg.command_line.clone(),
        corpus: cfg.corpus.display().to_string(),
        lang: cfg.analyzer.lang(),
        lexicons: cfg
            .analyzer
            .lexicon()
            .files
            .iter()
            .map(|f| FileHash { path: f.path.clone(), sha256: f.sha256.clone() })
            .collect(),
        model: cfg.analyzer.model().map(|m| ModelInfo {
            version: m.version(),
            sha256: m.sha256().to_string(),
            labels: m.labels().to_vec(),
        }),
        threads: cfg.threads,
        shard: cfg.shard.map(|s| s.to_string()),
        counts: counts.clone(),
        elapsed_seconds,
    };
    let path = dir.path(files::RUN);
    let mut json = serde_json::to_string_pretty(&info).map_err(|e| Error::Output {
        path: dir.target().to_path_buf(),
        message: format!("cannot write run.json: {e}"),
    })?;
    json.push('\n');
    std::fs::write(&path, json).map_err(|e| Error::io(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_are_cut_at_sixty_chars() {
        let before = "ä".repeat(70);
        assert_eq!(left_context_start(&before), 20);
        assert_eq!(left_context_start("kurz"), 0);
        let after = format!("{} Rest", "ü".repeat(60));
        assert_eq!(&after[..right_context_end(&after)], "ü".repeat(60));
        let messy = "  kurz\nund  gut. ";
        let marks = WhitespaceMarks::find(messy);
        assert_eq!(marks.collapse_part(messy, 0..right_context_end(messy), false), "kurz und gut.");
        let clean = " kurz und gut.";
        assert_eq!(WhitespaceMarks::find(clean).collapse_part(clean, 0..clean.len(), true), "kurz und gut.");
    }

    /// An [`InOrder`] over three files in a new temporary directory, opened for writing,
    /// or (`read_only`) for reading, so that every write fails; with its ticket receiver.
    fn in_order_over(read_only: bool) -> (tempfile::TempDir, InOrder<'static>, mpsc::Receiver<()>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let open = |name: &str| {
            let path = dir.path().join(name);
            let file = if read_only {
                std::fs::write(&path, b"").and_then(|()| File::open(&path))
            } else {
                File::create(&path)
            };
            // No buffering to speak of: each row reaches the file (or fails) when written.
            BufWriter::with_capacity(1, file.expect("test file"))
        };
        let writers = Writers { sentences: open("s.csv"), matches: open("m.csv"), documents: open("d.csv") };
        let sink = ReportSink {
            writers,
            totals: Totals::default(),
            docs_done: 0,
            out: Path::new("out"),
            progress: &|_, _| {},
        };
        let (tickets_tx, tickets) = mpsc::sync_channel(64);
        (dir, InOrder::new(sink, tickets_tx), tickets)
    }

    fn numbered_batch(n: u64) -> Batch {
        let csv = DocumentCsv {
            sentences: format!("s{n}\n").into_bytes(),
            matches: format!("m{n}\n").into_bytes(),
            documents: Vec::new(),
        };
        Batch {
            docs: vec![(1, Ok(DocResult { n_sentences: 1, n_matches: 0, complete: true, notice: None }))],
            csv,
            ..Batch::default()
        }
    }

    #[test]
    fn results_delivered_in_any_order_from_many_threads_are_written_in_number_order() {
        let (dir, in_order, tickets) = in_order_over(false);
        // Four threads deliver 0..60 interleaved and from the back: most wait for an earlier one.
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                let in_order = &in_order;
                scope.spawn(move || (0..15).rev().for_each(|k| in_order.deliver(k * 4 + t, numbered_batch(k * 4 + t))));
            }
        });
        let (sink, error) = in_order.finish();
        assert!(error.is_none());
        assert_eq!((sink.totals.counts.sentences, sink.docs_done), (60, 60));
        drop(sink);
        let expected: String = (0..60).map(|n| format!("s{n}\n")).collect();
        assert_eq!(std::fs::read_to_string(dir.path().join("s.csv")).expect("written"), expected);
        assert_eq!(tickets.try_iter().count(), 60, "one ticket back per result written");
    }

    #[test]
    fn a_failed_write_stops_dispatch_and_keeps_the_first_error() {
        let (_dir, in_order, tickets) = in_order_over(true);
        in_order.deliver(1, numbered_batch(1));
        assert!(!in_order.failed.load(Ordering::Relaxed), "1 waits for 0: nothing written yet");
        in_order.deliver(0, numbered_batch(0));
        assert!(in_order.failed.load(Ordering::Relaxed));
        // Tickets still come back, so a dispatcher waiting for one wakes up and stops.
        assert_eq!(tickets.try_iter().count(), 2);
        let (_, error) = in_order.finish();
        assert!(matches!(error, Some(Error::Io { .. })), "{error:?}");
    }

    #[test]
    fn a_panicking_batch_stops_dispatch_instead_of_leaving_it_waiting() {
        let (dir, in_order, tickets) = in_order_over(false);
        in_order.deliver_from(1, || numbered_batch(1));
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            in_order.deliver_from(0, || panic!("analysis bug"));
        }))
        .expect_err("the panic goes on");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"analysis bug"));
        assert!(in_order.failed.load(Ordering::Relaxed));
        // Nothing was written (1 still waits for 0), but the dispatcher gets a ticket to wake on.
        assert_eq!(tickets.try_iter().count(), 1);
        drop(in_order.finish());
        assert_eq!(std::fs::read_to_string(dir.path().join("s.csv")).expect("file"), "");
    }

    #[test]
    fn shard_parsing_and_partition() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert!(Shard::parse("0/8").is_err());
        assert!(Shard::parse("9/8").is_err());
        assert!(Shard::parse("2").is_err());
        // Every id lands in exactly one shard.
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for id in ["a.txt", "taz/2024/x.txt", "zeit/b.md", ""] {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1, "{id}");
        }
    }

    #[test]
    fn batches_are_bounded_and_cover_all() {
        let f = |bytes| Ok(CorpusFile { doc_id: "".into(), odd_path: None, bytes });
        let sizes = |walk: Vec<Result<CorpusFile, Skip>>| {
            FileBatches::new(walk.into_iter()).map(|b| (b.first, b.files.len(), b.skipped.len())).collect::<Vec<_>>()
        };
        // A large file alone; then 1 + 1/2 + 1/2 batch exceeds the batch, which closes; a
        // file above the batch size but not large is a batch of its own.
        let half = BATCH_BYTES / 2;
        let files = vec![f(LARGE_DOCUMENT_BYTES + 1), f(1), f(half), f(half), f(1), f(BATCH_BYTES + 1), f(1)];
        assert_eq!(sizes(files), vec![(0, 1, 0), (1, 2, 0), (3, 2, 0), (5, 1, 0), (6, 1, 0)]);
        // 150 files: 64 + 64 + 22.
        assert_eq!(BATCH_FILES, 64);
        assert_eq!(sizes((0..150).map(|_| f(1)).collect()), vec![(0, 64, 0), (64, 64, 0), (128, 22, 0)]);
        assert_eq!(sizes(vec![]), vec![]);
        // Walk errors travel with the batch they were met in, also at the very end.
        let skip = || Err(Skip { path: "x".into(), kind: "walk", message: String::new() });
        assert_eq!(
            sizes(vec![skip(), f(1), skip(), f(LARGE_DOCUMENT_BYTES + 1), skip()]),
            vec![(0, 1, 2), (1, 1, 0), (2, 0, 1)]
        );
    }
}
