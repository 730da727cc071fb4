//! Orchestration: runs the per-document stages over a corpus on all cores and hands the
//! rows to the report writers in `doc_id` order.
//!
//! - `document`: [`Analyzer`], the per-document stages (segment, match, voice, score)
//!   producing typed rows;
//! - `schedule`: the corpus cut into bounded batches, analysed on a pool, delivered in
//!   walk order;
//! - `sink`: the writing end (report files, `terms.csv`, `errors.csv`, `run.json`).
//!
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

mod document;
mod schedule;
mod sink;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

pub use document::{Analyzer, AutoLexicons, RowsPart, CONTEXT_CHARS, EXPLAIN_FEATURES};
// Run facts live in the report module, where `merge` finds them too; re-exported here
// because they describe an `analyze` run.
pub use crate::report::run::{Counts, FileHash, ModelInfo, RunInfo, Shard};

use crate::corpus::{self, CorpusFile, CorpusWalk, MetaTable, Skip};
use crate::output::ReportDir;
use crate::report::{self, files, CsvFormat};
use crate::research::aggregate::RunTally;
use crate::Error;
use schedule::Totals;
use schedule::{produce, FileBatches, InOrder, InTurn, Job, OnPool};
use sink::{open_file, write_errors_file, write_header, write_run_json, write_terms_file, ReportSink, Writers};

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
    /// Write `summary.html` into the report (not for a shard, which is only part of one).
    pub summary: bool,
}

impl AnalyzeConfig {
    /// Whether the run writes `summary.html` (not a shard, which is only part of a report).
    pub fn writes_summary(&self) -> bool {
        self.summary && self.shard.is_none()
    }

    /// The walk over the files this run analyses (those of its shard).
    pub fn walk(&self) -> Result<CorpusWalk, Error> {
        let shard = self.shard;
        let walk =
            CorpusWalk::new(&self.corpus, &self.extensions, move |doc_id| shard.is_none_or(|s| s.contains(doc_id)))?;
        Ok(walk.follow_outside(self.follow))
    }
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
    /// Why `summary.html` could not be written (the report itself is complete).
    pub summary_error: Option<String>,
}

/// Progress callback: called as results are written, with (bytes done, documents done).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Runs the whole analysis and writes the reports.
pub fn run(cfg: &AnalyzeConfig, progress: Progress<'_>) -> Result<Summary, Error> {
    let started = Instant::now();
    let walk = cfg.walk()?;
    let not_read = walk.not_read();
    let dir = ReportDir::create_for(&cfg.out, cfg.force, std::slice::from_ref(&cfg.corpus))?;
    let job = Job {
        cfg,
        format: CsvFormat::new(cfg.analyzer.lexicon(), cfg.analyzer.model_version(), cfg.analyzer.columns()),
    };
    let recovered = dir.recovered().to_vec();
    let columns = cfg.analyzer.columns();
    let mut w = Writers {
        sentences: open_file(&dir, files::SENTENCES)?,
        matches: open_file(&dir, files::MATCHES)?,
        documents: open_file(&dir, files::DOCUMENTS)?,
        unsynced: 0,
    };
    let out = cfg.out.as_path();
    write_header(&mut w.sentences, &columns.sentences_header(), out)?;
    write_header(&mut w.matches, &report::MATCHES_HEADER.map(String::from), out)?;
    write_header(&mut w.documents, &columns.documents_header(), out)?;

    let lexicon = cfg.analyzer.lexicon();
    let tally = cfg.writes_summary().then(|| RunTally::new(columns, lexicon.entries.len()));
    let mut sink = ReportSink { writers: w, totals: Totals::default(), docs_done: 0, out, progress, tally, lexicon };
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
    let ReportSink { writers: w, totals: Totals { mut counts, terms, mut skipped }, tally, .. } = sink;
    for mut writer in [w.sentences, w.matches, w.documents] {
        writer.flush().map_err(|e| Error::io(out, e))?;
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.kind.cmp(b.kind)));
    counts.documents_skipped = skipped.len() as u64 - counts.documents_repaired;
    write_terms_file(&dir, cfg.analyzer.lexicon(), &terms)?;
    write_errors_file(&dir, &skipped)?;
    let elapsed_secs = started.elapsed().as_secs_f64();
    write_run_json(&dir, cfg, &counts, elapsed_secs)?;
    // The page is written from the documents and matches counted as they were written,
    // before the commit, so it moves into place with the report; a failure
    // leaves the report without it, not without the report.
    let summary_error = tally
        .and_then(|tally| {
            let page = dir.path(crate::research::SUMMARY_FILE);
            crate::research::summarize_run(&dir.path(""), &cfg.out, &page, &cfg.command_line, tally).err()
        })
        .map(|e| e.to_string());
    let out = dir.commit()?;
    let not_read = not_read.lock().map(|tally| tally.clone()).unwrap_or_default();
    Ok(Summary { counts, out, elapsed_secs, skipped, unknown_meta_ids, recovered, not_read, summary_error })
}
