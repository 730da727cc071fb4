//! Combining partial reports written by `analyze --shard K/N` into one report that is
//! byte-identical to an unsharded run (`run.json` aside).
//!
//! Row files are k-way merged by `doc_id` (each part is sorted, parts are disjoint), so
//! memory stays bounded; `terms.csv` is recomputed from the merged `matches.csv` with the
//! same [`TermStats`] code `analyze` uses.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use crate::lexicon::voice::Voice;
use crate::output::ReportDir;
use crate::pipeline::{Counts, RunInfo};
use crate::report::{self, csv_writer, files, TermKey, TermStats};
use crate::Error;

/// What a merge produced.
#[derive(Debug, Clone)]
pub struct MergeSummary {
    /// Summed counts.
    pub counts: Counts,
    /// Where the merged report is.
    pub out: PathBuf,
    /// Shards of N that no part covered (empty when complete).
    pub missing_shards: Vec<u32>,
}

fn bad(path: &Path, message: impl Into<String>) -> Error {
    Error::Output { path: path.to_path_buf(), message: message.into() }
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    Error::Csv { path: path.to_path_buf(), line, message: e.to_string() }
}

fn read_run_info(part: &Path) -> Result<RunInfo, Error> {
    let path = part.join(files::RUN);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| bad(&path, format!("not a framing run.json: {e}")))
}

/// Checks that the parts come from the same lexicon, model and shard count.
fn check_parts(parts: &[PathBuf], infos: &[RunInfo]) -> Result<Vec<u32>, Error> {
    let first = &infos[0];
    let mut seen = BTreeSet::new();
    let mut count = None;
    for (part, info) in parts.iter().zip(infos) {
        if info.lexicons != first.lexicons {
            return Err(bad(part, format!("was made with other lexicons than {}", parts[0].display())));
        }
        if info.model.as_ref().map(|m| &m.sha256) != first.model.as_ref().map(|m| &m.sha256) {
            return Err(bad(part, format!("was made with another model than {}", parts[0].display())));
        }
        if info.lang != first.lang {
            return Err(bad(
                part,
                format!("was made with --lang {} but {} with {}", info.lang, parts[0].display(), first.lang),
            ));
        }
        let Some(shard) = info.shard.as_deref() else {
            return Err(bad(part, "is not a partial report (run.json has no shard); nothing to merge"));
        };
        let parsed = crate::pipeline::Shard::parse(shard).map_err(|m| bad(part, m))?;
        if *count.get_or_insert(parsed.count) != parsed.count {
            return Err(bad(part, format!("is shard {shard}, but other parts have N = {}", count.unwrap_or(0))));
        }
        if !seen.insert(parsed.index) {
            return Err(bad(part, format!("shard {shard} is given twice")));
        }
    }
    let n = count.unwrap_or(0);
    Ok((1..=n).filter(|k| !seen.contains(k)).collect())
}

/// A reader over one part's CSV file with one record of look-ahead.
struct Cursor {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    current: Option<csv::StringRecord>,
}

impl Cursor {
    fn open(path: PathBuf) -> Result<(Cursor, csv::StringRecord), Error> {
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut reader = csv::ReaderBuilder::new().from_reader(BufReader::new(file));
        let header = reader.headers().map_err(|e| csv_err(&path, e))?.clone();
        let mut cursor = Cursor { path, reader, current: None };
        cursor.advance()?;
        Ok((cursor, header))
    }

    fn advance(&mut self) -> Result<(), Error> {
        let mut record = csv::StringRecord::new();
        let more = self.reader.read_record(&mut record).map_err(|e| csv_err(&self.path, e))?;
        self.current = more.then_some(record);
        Ok(())
    }

    fn doc_id(&self) -> Option<&str> {
        self.current.as_ref().and_then(|r| r.get(0))
    }
}

/// Merges one row file of every part into `out`, calling `each` on every record written.
fn merge_rows(
    parts: &[PathBuf],
    name: &str,
    out: &Path,
    mut each: impl FnMut(&csv::StringRecord),
) -> Result<u64, Error> {
    let mut cursors = Vec::with_capacity(parts.len());
    let mut header: Option<csv::StringRecord> = None;
    for part in parts {
        let (cursor, h) = Cursor::open(part.join(name))?;
        match &header {
            Some(first) if *first != h => {
                return Err(bad(&cursor.path, format!("columns differ from {}", parts[0].join(name).display())));
            }
            Some(_) => {}
            None => header = Some(h),
        }
        cursors.push(cursor);
    }
    let file = File::create(out).map_err(|e| Error::io(out, e))?;
    let mut w = csv_writer(std::io::BufWriter::new(file));
    if let Some(h) = &header {
        w.write_record(h).map_err(|e| csv_err(out, e))?;
    }
    let mut rows = 0;
    let mut last_doc: Option<String> = None;
    loop {
        let next = cursors
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.doc_id().map(|d| (d, i)))
            .min()
            .map(|(d, i)| (d.to_string(), i));
        let Some((doc_id, i)) = next else { break };
        if last_doc.as_deref().is_some_and(|last| last >= doc_id.as_str()) {
            return Err(bad(&cursors[i].path, format!("doc_id `{doc_id}` is out of order or in two parts")));
        }
        while cursors[i].doc_id() == Some(doc_id.as_str()) {
            if let Some(record) = &cursors[i].current {
                each(record);
                w.write_record(record).map_err(|e| csv_err(out, e))?;
                rows += 1;
            }
            cursors[i].advance()?;
        }
        last_doc = Some(doc_id);
    }
    w.flush().map_err(|e| Error::io(out, e))?;
    Ok(rows)
}

/// Index of a named column in a header.
fn column(header: &[&str], name: &str) -> usize {
    header.iter().position(|h| *h == name).unwrap_or(usize::MAX)
}

/// Merges partial reports into `out`.
pub fn merge_reports(
    parts: &[PathBuf],
    out: &Path,
    force: bool,
    command_line: Vec<String>,
) -> Result<MergeSummary, Error> {
    let Some(first_part) = parts.first() else {
        return Err(bad(out, "no partial reports given"));
    };
    let infos: Vec<RunInfo> = parts.iter().map(|p| read_run_info(p)).collect::<Result<_, _>>()?;
    let missing_shards = check_parts(parts, &infos)?;
    let dir = ReportDir::create(out, force)?;

    let n_sentences = merge_rows(parts, files::SENTENCES, &dir.path(files::SENTENCES), |_| {})?;
    let n_documents = merge_rows(parts, files::DOCUMENTS, &dir.path(files::DOCUMENTS), |_| {})?;

    // terms.csv: recount from the merged matches, keyed by lexicon provenance.
    let m = report::MATCHES_HEADER;
    let (c_doc, c_surface, c_voice, c_negated, c_lexicon) = (
        column(&m, "doc_id"),
        column(&m, "surface"),
        column(&m, "voice"),
        column(&m, "negated"),
        column(&m, "lexicon"),
    );
    let mut stats: BTreeMap<String, TermStats> = BTreeMap::new();
    let mut docs_seen: BTreeMap<String, String> = BTreeMap::new();
    let mut bad_voice: Option<String> = None;
    let n_matches = merge_rows(parts, files::MATCHES, &dir.path(files::MATCHES), |r| {
        let field = |i: usize| r.get(i).unwrap_or("");
        let voice = match field(c_voice) {
            "authorial" => Voice::Authorial,
            "quoted" => Voice::Quoted,
            "scare_quote" => Voice::ScareQuote,
            other => {
                bad_voice.get_or_insert_with(|| other.to_string());
                Voice::Authorial
            }
        };
        let key = field(c_lexicon).to_string();
        let entry = stats.entry(key.clone()).or_default();
        entry.add_match(field(c_surface), voice, field(c_negated) == "true");
        let doc = field(c_doc);
        if docs_seen.get(&key).map(String::as_str) != Some(doc) {
            entry.n_docs += 1;
            docs_seen.insert(key, doc.to_string());
        }
    })?;
    if let Some(v) = bad_voice {
        return Err(bad(&first_part.join(files::MATCHES), format!("unknown voice `{v}`")));
    }
    let keys = read_term_keys(&first_part.join(files::TERMS))?;
    let terms_path = dir.path(files::TERMS);
    let file = File::create(&terms_path).map_err(|e| Error::io(&terms_path, e))?;
    let mut w = std::io::BufWriter::new(file);
    report::write_terms(&mut w, keys.iter().map(|k| (k, stats.get(&k.provenance))))
        .and_then(|()| w.flush())
        .map_err(|e| Error::io(&terms_path, e))?;
    drop(w);

    let skipped = merge_errors(parts, &dir)?;
    let counts = Counts {
        documents_ok: n_documents,
        documents_skipped: skipped,
        sentences: n_sentences,
        matches: n_matches,
        bytes: infos.iter().map(|i| i.counts.bytes).sum(),
    };
    let mut info = infos[0].clone();
    info.command_line = command_line;
    info.shard = None;
    info.counts = counts.clone();
    info.elapsed_seconds = infos.iter().map(|i| i.elapsed_seconds).sum();
    info.threads = infos.iter().map(|i| i.threads).max().unwrap_or(1);
    let run_path = dir.path(files::RUN);
    let mut json = serde_json::to_string_pretty(&info).map_err(|e| bad(&run_path, e.to_string()))?;
    json.push('\n');
    std::fs::write(&run_path, json).map_err(|e| Error::io(&run_path, e))?;
    let out = dir.commit()?;
    Ok(MergeSummary { counts, out, missing_shards })
}

fn read_term_keys(path: &Path) -> Result<Vec<TermKey<'static>>, Error> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
    let header = reader.headers().map_err(|e| csv_err(path, e))?.clone();
    let names: Vec<&str> = header.iter().collect();
    if names != report::TERMS_HEADER {
        return Err(bad(path, "not a framing terms.csv (columns differ)"));
    }
    let mut keys = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| csv_err(path, e))?;
        let field = |i: usize| r.get(i).unwrap_or("").to_string();
        keys.push(TermKey { pattern: field(0).into(), frame: field(1).into(), provenance: field(9) });
    }
    Ok(keys)
}

/// Concatenates the parts' `errors.csv` rows, sorted as `analyze` sorts them.
fn merge_errors(parts: &[PathBuf], dir: &ReportDir) -> Result<u64, Error> {
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    for part in parts {
        let path = part.join(files::ERRORS);
        let mut reader = csv::Reader::from_path(&path).map_err(|e| csv_err(&path, e))?;
        for record in reader.records() {
            rows.push(record.map_err(|e| csv_err(&path, e))?);
        }
    }
    rows.sort_by(|a, b| (a.get(0), a.get(1)).cmp(&(b.get(0), b.get(1))));
    let path = dir.path(files::ERRORS);
    let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
    let mut w = csv_writer(std::io::BufWriter::new(file));
    w.write_record(report::ERRORS_HEADER).map_err(|e| csv_err(&path, e))?;
    for r in &rows {
        w.write_record(r).map_err(|e| csv_err(&path, e))?;
    }
    w.flush().map_err(|e| Error::io(&path, e))?;
    Ok(rows.len() as u64)
}
