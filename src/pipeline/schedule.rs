//! Scheduling: the walk cut into batches of bounded size, each analysed and serialized
//! by one worker (several at once on a pool, or in turn on one thread), the results
//! delivered for writing in walk order with a bounded number in flight.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard, PoisonError};

use super::sink::ReportSink;
use super::AnalyzeConfig;
use super::Counts;
use crate::corpus::{self, CorpusFile, Document, Skip};
use crate::report::{CsvFormat, DocumentCsv, MatchRow, TermTally};
use crate::research::aggregate::RunDocument;
use crate::Error;

/// Upper bound of input bytes in one batch: bounds memory with any file sizes.
pub(super) const BATCH_BYTES: u64 = 1 << 20;
/// Upper bound of files in one batch.
pub(super) const BATCH_FILES: usize = 64;

/// Consecutive files of the walk, cut to bounded size; a large document (which is streamed
/// in parts) is a batch of its own.
#[derive(Debug, Default, PartialEq)]
pub(super) struct FileBatch {
    /// Number of the first file in the run (files are numbered in `doc_id` order).
    pub(super) first: u64,
    pub(super) files: Vec<CorpusFile>,
    /// Entries the walk could not follow, met since the previous batch.
    pub(super) skipped: Vec<Skip>,
}

/// Cuts the walk into [`FileBatch`]es as it goes, so only one batch of entries is held.
pub(super) struct FileBatches<I: Iterator<Item = Result<CorpusFile, Skip>>> {
    pub(super) walk: std::iter::Peekable<I>,
    pub(super) next_number: u64,
}

impl<I: Iterator<Item = Result<CorpusFile, Skip>>> FileBatches<I> {
    pub(super) fn new(walk: I) -> Self {
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
pub(super) const LARGE_DOCUMENT_BYTES: u64 = 4 << 20;
/// Whether a file is analysed and written in parts (it is then a batch of its own).
pub(super) fn is_large(file: &CorpusFile) -> bool {
    file.bytes > LARGE_DOCUMENT_BYTES
}

/// Largest document whose literal occurrences are found in one pass (see
/// [`Matcher::scan`]); beyond it each sentence is searched on its own.
pub(super) const MAX_SCANNED_BYTES: usize = 4 << 20;

/// Sentences per part of a large document: at most 1 MB of text, as sentences are capped.
pub(super) const PART_SENTENCES: usize = 256;

/// One analysed document, or one part of a large one, whose rows are in its batch's CSV.
pub(super) struct DocResult {
    pub(super) n_sentences: u64,
    pub(super) n_matches: u64,
    /// The document is done: its `documents.csv` row is written (the parts before it have
    /// only sentence and match rows).
    pub(super) complete: bool,
    /// Its `errors.csv` entry when it was analysed after a repair (see
    /// [`Document::repair_notice`]).
    pub(super) notice: Option<Skip>,
    /// The language identified in it, once complete (see [`crate::lang::identify`]).
    pub(super) lang: &'static str,
    /// Its numbers for the summary page, once complete, when the run writes one.
    pub(super) page: Option<RunDocument>,
}

/// One document's result: analysed, or skipped with a reason.
pub(super) type DocOutcome = Result<DocResult, Skip>;

/// What a worker hands over for writing: results with their file sizes, in `doc_id`
/// order; the CSV rows of those documents, serialized in one buffer per file (written as
/// they are); the term statistics of those documents (counted by the worker: writing only
/// adds up one tally per batch); and the walk's skipped entries.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) docs: Vec<(u64, DocOutcome)>,
    pub(super) csv: DocumentCsv,
    pub(super) terms: TermTally,
    pub(super) skipped: Vec<Skip>,
    /// The matches the summary page counts, when the run writes one.
    pub(super) page: Vec<PageMatches>,
}

/// One document's matches as the summary page counts them (owned: they cross to the
/// writing thread, which counts them in order). Their surface forms and contexts are copied
/// into one string per document, not three per match: the copies are most of what the page
/// costs the workers.
#[derive(Debug, Default)]
pub(super) struct PageMatches {
    pub(super) source: String,
    pub(super) doc_id: String,
    /// Each match's surface, left and right context, one after the other.
    pub(super) text: String,
    pub(super) matches: Vec<PageMatch>,
}

/// One match of [`PageMatches`]: its strings are `text[start..surface_end]` (the surface),
/// then the left context up to `left_end`, then the right context up to `right_end`.
#[derive(Debug)]
pub(super) struct PageMatch {
    pub(super) sentence: u32,
    pub(super) entry: usize,
    pub(super) voice: crate::lexicon::voice::Voice,
    pub(super) start: u32,
    pub(super) surface_end: u32,
    pub(super) left_end: u32,
    pub(super) right_end: u32,
}

impl PageMatches {
    /// The matches of a document (or of a part of a large one), when the run writes a page.
    fn of(job: &Job<'_>, doc: &Document, matches: &[MatchRow<'_>]) -> Option<PageMatches> {
        if !job.cfg.writes_summary() || matches.is_empty() {
            return None;
        }
        let mut text = String::with_capacity(
            matches.iter().map(|m| m.surface.len() + m.left_context.len() + m.right_context.len()).sum(),
        );
        // Offsets fit in u32: a part of a large document is at most 1 MB of sentences, and
        // its contexts are at most 60 characters a match.
        let mut push = |s: &str| {
            text.push_str(s);
            text.len() as u32
        };
        let matches = matches
            .iter()
            .map(|m| {
                let start = push("");
                PageMatch {
                    sentence: m.sentence_id,
                    entry: m.entry,
                    voice: m.voice,
                    start,
                    surface_end: push(&m.surface),
                    left_end: push(&m.left_context),
                    right_end: push(&m.right_context),
                }
            })
            .collect();
        Some(PageMatches { source: doc.meta.source.clone(), doc_id: doc.doc_id.to_string(), text, matches })
    }
}

impl PageMatch {
    /// Its surface, left and right context in `text` (its document's [`PageMatches::text`]).
    pub(super) fn strings<'t>(&self, text: &'t str) -> (&'t str, &'t str, &'t str) {
        let at = |a: u32, b: u32| text.get(a as usize..b as usize).unwrap_or("");
        (at(self.start, self.surface_end), at(self.surface_end, self.left_end), at(self.left_end, self.right_end))
    }
}

/// What writing accumulates over the run.
#[derive(Default)]
pub(super) struct Totals {
    pub(super) counts: Counts,
    pub(super) terms: TermTally,
    pub(super) skipped: Vec<Skip>,
}

/// What every worker of a run needs: the config with its stages, and how rows become CSV.
pub(super) struct Job<'a> {
    pub(super) cfg: &'a AnalyzeConfig,
    pub(super) format: CsvFormat,
}

/// Analyses `file`, the run's file number `number`, appending its rows to `csv` and
/// counting its terms into `terms`.
pub(super) fn process(
    file: &CorpusFile,
    number: u64,
    job: &Job<'_>,
    csv: &mut DocumentCsv,
    terms: &mut TermTally,
    page: &mut Vec<PageMatches>,
) -> DocOutcome {
    let doc = load(job, file)?;
    let report = job.cfg.analyzer.analyze(&doc);
    terms.add_document(number, &report.matches);
    page.extend(PageMatches::of(job, &doc, &report.matches));
    job.format.write_report(csv, &report);
    Ok(DocResult {
        n_sentences: report.sentences.len() as u64,
        n_matches: report.matches.len() as u64,
        complete: true,
        notice: doc.repair_notice(),
        lang: report.document.lang,
        page: job.cfg.writes_summary().then(|| RunDocument::of(&report.document)),
    })
}

/// Reads a file of the run; one over `--max-doc-mb` is skipped before it is read.
pub(super) fn load(job: &Job<'_>, file: &CorpusFile) -> Result<Document, Skip> {
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
pub(super) fn stream_large(file: &CorpusFile, number: u64, job: &Job<'_>, send: &mut dyn FnMut(Batch) -> bool) -> bool {
    let one = |outcome, csv, terms, page: Option<PageMatches>| Batch {
        docs: vec![(file.bytes, outcome)],
        csv,
        terms,
        skipped: Vec::new(),
        page: page.into_iter().collect(),
    };
    let doc = match load(job, file) {
        Ok(doc) => doc,
        Err(skip) => return send(one(Err(skip), DocumentCsv::default(), TermTally::default(), None)),
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
        let result = DocResult { n_sentences, n_matches, complete: false, notice: None, lang: "", page: None };
        let page = PageMatches::of(job, &doc, &part.matches);
        writing_ok = send(one(Ok(result), csv, TermTally::default(), page));
    });
    if !writing_ok {
        return false;
    }
    let mut csv = DocumentCsv::default();
    job.format.write_document(&mut csv.documents, &doc.doc_id, &document);
    let result = DocResult {
        n_sentences: 0,
        n_matches: 0,
        complete: true,
        notice: doc.repair_notice(),
        lang: document.lang,
        page: job.cfg.writes_summary().then(|| RunDocument::of(&document)),
    };
    send(one(Ok(result), csv, terms, None))
}

/// Analyses the files of one batch in order, on the calling thread.
pub(super) fn analyze_batch(job: &Job<'_>, FileBatch { first, files, skipped }: FileBatch) -> Batch {
    let bytes = files.iter().map(|f| f.bytes as usize).sum();
    let mut batch = Batch {
        docs: Vec::with_capacity(files.len()),
        csv: DocumentCsv::with_capacity(bytes, files.len()),
        skipped,
        ..Batch::default()
    };
    for (i, file) in files.iter().enumerate() {
        let outcome = process(file, first + i as u64, job, &mut batch.csv, &mut batch.terms, &mut batch.page);
        batch.docs.push((file.bytes, outcome));
    }
    batch
}

/// Where batches are analysed: in turn on the calling thread, or on a pool.
pub(super) trait Workers {
    /// Hands over a result computed on the calling thread; false when writing has failed.
    fn send(&mut self, batch: Batch) -> bool;
    /// Has a batch analysed and its result handed over; false when writing has failed.
    fn analyze(&mut self, batch: FileBatch) -> bool;
}

/// Analyses the batches in walk order with `workers`; a large document is streamed from the
/// calling thread, part by part. Stops early when writing has failed.
pub(super) fn produce(job: &Job<'_>, batches: impl Iterator<Item = FileBatch>, workers: &mut impl Workers) {
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
pub(super) struct InTurn<'s, 'a> {
    pub(super) job: &'a Job<'a>,
    pub(super) sink: &'s mut ReportSink<'a>,
    pub(super) failure: Option<Error>,
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
pub(super) struct OnPool<'s, 'scope, 'w> {
    pub(super) job: &'scope Job<'scope>,
    pub(super) scope: &'s rayon::Scope<'scope>,
    pub(super) next: u64,
    pub(super) tickets: &'s mpsc::Receiver<()>,
    pub(super) in_order: &'scope InOrder<'w>,
}

impl OnPool<'_, '_, '_> {
    /// Waits for a ticket and numbers the next result; `None` once writing has failed.
    pub(super) fn number(&mut self) -> Option<u64> {
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
pub(super) struct InOrder<'a> {
    pub(super) queue: Mutex<Queue>,
    pub(super) sink: Mutex<(ReportSink<'a>, Option<Error>)>,
    pub(super) tickets: mpsc::SyncSender<()>,
    /// Set with the first write error: no more batches are dispatched.
    pub(super) failed: AtomicBool,
}

/// Results that wait for an earlier one, and whether a thread is writing.
pub(super) struct Queue {
    pub(super) waiting: std::collections::BTreeMap<u64, Batch>,
    pub(super) next: u64,
    pub(super) writing: bool,
}

impl<'a> InOrder<'a> {
    pub(super) fn new(sink: ReportSink<'a>, tickets: mpsc::SyncSender<()>) -> Self {
        InOrder {
            queue: Mutex::new(Queue { waiting: std::collections::BTreeMap::new(), next: 0, writing: false }),
            sink: Mutex::new((sink, None)),
            tickets,
            failed: AtomicBool::new(false),
        }
    }

    /// Hands over result `n`; writes it (and those behind it) unless another thread is
    /// writing, which then writes it in turn.
    pub(super) fn deliver(&self, n: u64, batch: Batch) {
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
    pub(super) fn deliver_from(&self, n: u64, make: impl FnOnce() -> Batch) {
        let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.deliver(n, make())));
        if let Err(panic) = delivered {
            self.failed.store(true, Ordering::Relaxed);
            self.tickets.send(()).ok();
            std::panic::resume_unwind(panic);
        }
    }

    pub(super) fn write(&self, batch: Batch) {
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
    pub(super) fn finish(self) -> (ReportSink<'a>, Option<Error>) {
        self.sink.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A lock that a panicking holder does not poison: a panic ends the run anyway (rayon
/// passes it on), and the data stays consistent between statements.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
