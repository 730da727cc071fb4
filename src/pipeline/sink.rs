//! The writing end of a run: rows appended to the report files in order, totals added up,
//! and the files written at the end (`terms.csv`, `errors.csv`, `run.json`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::schedule::{Batch, PageMatches, Totals};
use super::Progress;
use super::{AnalyzeConfig, Counts, FileHash, ModelInfo, RunInfo};
use crate::corpus::Skip;
use crate::lexicon::Lexicon;
use crate::output::ReportDir;
use crate::report::{self, csv_writer, files, TermTally};
use crate::research::aggregate::{EntryKey, RunMatch, RunTally};
use crate::Error;

/// The writing end of a run: appends serialized rows in order and adds up the totals.
pub(super) struct ReportSink<'a> {
    pub(super) writers: Writers,
    pub(super) totals: Totals,
    pub(super) docs_done: u64,
    pub(super) out: &'a Path,
    pub(super) progress: Progress<'a>,
    /// The matches counted for the summary page, when the run writes one.
    pub(super) tally: Option<RunTally>,
    /// The run's lexicon, naming the entries the tally counts.
    pub(super) lexicon: &'a Lexicon,
}

impl ReportSink<'_> {
    pub(super) fn accept(&mut self, batch: Batch) -> Result<(), Error> {
        let (w, totals, out) = (&mut self.writers, &mut self.totals, self.out);
        totals.terms.merge(&batch.terms);
        if let Some(tally) = &mut self.tally {
            count_for_page(tally, self.lexicon, &batch.page);
        }
        totals.skipped.extend(batch.skipped);
        for (bytes, outcome) in batch.docs {
            if outcome.as_ref().map_or(true, |doc| doc.complete) {
                totals.counts.bytes += bytes;
                self.docs_done += 1;
            }
            match outcome {
                Ok(doc) => {
                    if let (Some(tally), Some(page)) = (&mut self.tally, doc.page) {
                        tally.add_document(page);
                    }
                    totals.counts.documents_ok += u64::from(doc.complete);
                    if doc.complete {
                        match totals.counts.languages.get_mut(doc.lang) {
                            Some(n) => *n += 1,
                            None => {
                                totals.counts.languages.insert(doc.lang.to_string(), 1);
                            }
                        }
                    }
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
        w.unsynced += (batch.csv.sentences.len() + batch.csv.matches.len() + batch.csv.documents.len()) as u64;
        if w.unsynced >= WRITEBACK_BYTES {
            w.unsynced = 0;
            for file in [&w.sentences, &w.matches, &w.documents] {
                crate::output::start_writeback(file.get_ref());
            }
        }
        (self.progress)(totals.counts.bytes, self.docs_done);
        Ok(())
    }
}

/// Counts a batch's matches for the summary page, in order.
fn count_for_page(tally: &mut RunTally, lexicon: &Lexicon, docs: &[PageMatches]) {
    for doc in docs {
        let g = tally.group(&doc.source);
        for m in &doc.matches {
            let (surface, left, right) = m.strings(&doc.text);
            let run_match = RunMatch {
                doc_id: &doc.doc_id,
                sentence: u64::from(m.sentence),
                entry: m.entry,
                voice: m.voice,
                surface,
                left,
                right,
            };
            tally.add(g, &run_match, || {
                let e = &lexicon.entries[m.entry];
                EntryKey { pattern: e.pattern.clone(), frame: e.frame.clone(), lexicon: e.provenance() }
            });
        }
    }
}

/// The streamed files of a report directory; rows arrive already serialized.
pub(super) struct Writers {
    pub(super) sentences: BufWriter<File>,
    pub(super) matches: BufWriter<File>,
    pub(super) documents: BufWriter<File>,
    /// Bytes written since writeback was last started.
    pub(super) unsynced: u64,
}

/// Every this many bytes of rows, the kernel is asked to start writing them to disk (see
/// [`crate::output::start_writeback`]).
const WRITEBACK_BYTES: u64 = 16 << 20;

pub(super) fn open_file(dir: &ReportDir, name: &str) -> Result<BufWriter<File>, Error> {
    let path = dir.path(name);
    let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
    // Batches arrive as buffers of hundreds of kilobytes, which `BufWriter` writes through
    // without copying once they exceed its buffer; the buffer gathers only small writes.
    Ok(BufWriter::with_capacity(64 << 10, file))
}

pub(super) fn open_csv(dir: &ReportDir, name: &str) -> Result<csv::Writer<BufWriter<File>>, Error> {
    Ok(csv_writer(open_file(dir, name)?))
}

pub(super) fn write_header(w: &mut BufWriter<File>, header: &[String], path: &Path) -> Result<(), Error> {
    let mut bytes = Vec::new();
    report::CsvRow::record(&mut bytes, header);
    w.write_all(&bytes).map_err(|e| Error::io(path, e))
}

pub(super) fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::Output { path: path.to_path_buf(), message: e.to_string() }
}

pub(super) fn write_raw(w: &mut BufWriter<File>, bytes: &[u8], out: &Path) -> Result<(), Error> {
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

pub(super) fn write_run_json(
    dir: &ReportDir,
    cfg: &AnalyzeConfig,
    counts: &Counts,
    elapsed_seconds: f64,
) -> Result<(), Error> {
    let info = RunInfo {
        framing_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: cfg.command_line.clone(),
        corpus: cfg.corpus.display().to_string(),
        lang: cfg.analyzer.lang(),
        languages: if cfg.analyzer.is_auto() { cfg.analyzer.langs() } else { Vec::new() },
        lexicons: cfg
            .analyzer
            .lexicon()
            .files
            .iter()
            .map(|f| FileHash { path: f.path.clone(), sha256: f.sha256.clone() })
            .collect(),
        lexicon_sha256: crate::model::train::lexicon_sha256(cfg.analyzer.lexicon()),
        model: cfg.analyzer.model().map(|m| ModelInfo {
            version: m.version(),
            sha256: m.sha256().to_string(),
            labels: m.labels().to_vec(),
            lexicon_sha256: m.file().lexicon_sha256.clone(),
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
