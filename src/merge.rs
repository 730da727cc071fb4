//! Combining partial reports written by `analyze --shard K/N` into one report that is
//! byte-identical to an unsharded run (`run.json` aside).
//!
//! Row files are k-way merged by `doc_id` (each part is sorted, parts are disjoint), so
//! memory stays bounded; rows are copied as the parts wrote them, not parsed and written
//! again. `terms.csv` is recomputed from the merged `matches.csv` with the same
//! [`TermStats`] code `analyze` uses.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::lexicon::voice::Voice;
use crate::output::ReportDir;
use crate::report::run::{Counts, RunInfo, Shard};
use crate::report::{self, csv_writer, files, TermKey, TermStats};
use crate::Error;

/// What a merge produced.
#[derive(Debug, Clone)]
pub struct MergeSummary {
    /// Summed counts.
    pub counts: Counts,
    /// Where the merged report is.
    pub out: PathBuf,
    /// Shards of N that no part covered (empty when complete; only with `allow_partial`).
    pub missing_shards: Vec<u32>,
    /// N, the number of shards of the run.
    pub shard_count: u32,
    /// Why `summary.html` was not written, when it was asked for and failed (the merged
    /// report is complete without it, as with `analyze`).
    pub summary_error: Option<String>,
}

/// `shard 2 of 4 was not given` or `shards 2, 3 of 4 were not given`.
pub fn shards_not_given(missing: &[u32], count: u32) -> String {
    let list: Vec<String> = missing.iter().map(u32::to_string).collect();
    match list.len() {
        1 => format!("shard {} of {count} was not given", list[0]),
        _ => format!("shards {} of {count} were not given", list.join(", ")),
    }
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

/// Checks that the parts come from the same lexicon, model and shard count, each shard
/// once; returns N and the shards no part covers.
fn check_parts(parts: &[PathBuf], infos: &[RunInfo]) -> Result<(u32, Vec<u32>), Error> {
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
        if info.lang != first.lang || info.languages != first.languages {
            return Err(bad(
                part,
                format!(
                    "was made with --lang {} but {} with {}",
                    lang_option(info),
                    parts[0].display(),
                    lang_option(first)
                ),
            ));
        }
        let Some(shard) = info.shard.as_deref() else {
            return Err(bad(part, "is not a partial report (run.json has no shard); nothing to merge"));
        };
        let parsed = Shard::parse(shard).map_err(|m| bad(part, m))?;
        if *count.get_or_insert(parsed.count) != parsed.count {
            return Err(bad(part, format!("is shard {shard}, but other parts have N = {}", count.unwrap_or(0))));
        }
        if !seen.insert(parsed.index) {
            return Err(bad(part, format!("shard {shard} is given twice")));
        }
    }
    let n = count.unwrap_or(0);
    Ok((n, (1..=n).filter(|k| !seen.contains(k)).collect()))
}

/// One part's row file, read record by record as raw bytes: rows are copied to the merged
/// file as they are (only the `doc_id`, and for `matches.csv` what `terms.csv` counts, is
/// read out of them), which is what makes the merge byte-identical without re-serializing.
/// A record is a line, or several when a quoted field holds line breaks.
struct Cursor {
    path: PathBuf,
    reader: BufReader<File>,
    /// The current record without its line end.
    record: Vec<u8>,
    /// No record is left: the file has ended.
    done: bool,
    /// Line where the current record starts (1-based).
    record_line: u64,
    /// Line where the next record starts.
    line: u64,
    /// Reused for the fields of a record.
    fields: Vec<Range<usize>>,
}

impl Cursor {
    /// Opens `path` and reads its header's fields.
    fn open(path: PathBuf) -> Result<(Cursor, Vec<String>), Error> {
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let reader = BufReader::with_capacity(1 << 16, file);
        let mut cursor =
            Cursor { path, reader, record: Vec::new(), done: false, record_line: 1, line: 1, fields: Vec::new() };
        cursor.advance()?;
        let header = cursor.fields().map(|f| f.map(Cow::into_owned)).collect::<Result<_, _>>()?;
        cursor.advance()?;
        Ok((cursor, header))
    }

    /// Reads the next record, skipping blank lines (as the csv crate does); sets `done` at
    /// the end of the file.
    fn advance(&mut self) -> Result<(), Error> {
        loop {
            self.record.clear();
            self.record_line = self.line;
            let mut quotes = 0;
            loop {
                let from = self.record.len();
                let n = self.reader.read_until(b'\n', &mut self.record).map_err(|e| Error::io(&self.path, e))?;
                if n == 0 {
                    if quotes % 2 == 1 {
                        let message = "a quoted field is never closed".to_string();
                        return Err(Error::Csv { path: self.path.clone(), line: self.record_line, message });
                    }
                    self.done = self.record.is_empty();
                    return Ok(());
                }
                quotes += memchr::memchr_iter(b'"', &self.record[from..]).count();
                if self.record.ends_with(b"\n") {
                    self.line += 1;
                    // An odd number of quotes so far: the line break is inside a quoted field.
                    if quotes % 2 == 0 {
                        break;
                    }
                }
            }
            self.record.pop();
            if self.record.ends_with(b"\r") {
                self.record.pop();
            }
            if !self.record.is_empty() {
                return Ok(());
            }
        }
    }

    fn at_end(&self) -> bool {
        self.done
    }

    /// The fields of the current record (RFC 4180: `""` in a quoted field is one `"`).
    fn fields(&mut self) -> impl Iterator<Item = Result<Cow<'_, str>, Error>> + '_ {
        split_fields(&self.record, &mut self.fields);
        let (record, path, line) = (&self.record, &self.path, self.record_line);
        self.fields.iter().map(move |f| field_text(&record[f.clone()], path, line))
    }

    /// The first field of the current record.
    fn doc_id(&self) -> Result<Cow<'_, str>, Error> {
        let end = first_field_end(&self.record);
        field_text(&self.record[..end], &self.path, self.record_line)
    }
}

/// Where the first field of `record` ends (at its separator, or the record's end).
fn first_field_end(record: &[u8]) -> usize {
    let mut in_quotes = false;
    for (i, &b) in record.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => return i,
            _ => {}
        }
    }
    record.len()
}

/// The byte ranges of the fields of `record`, quotes included.
fn split_fields(record: &[u8], out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut start = 0;
    loop {
        let end = start + first_field_end(&record[start..]);
        out.push(start..end);
        if end == record.len() {
            break;
        }
        start = end + 1;
    }
}

/// The text of one field as written (`raw`, quotes included) in the record that starts on
/// `line` of `path`.
fn field_text<'a>(raw: &'a [u8], path: &Path, line: u64) -> Result<Cow<'a, str>, Error> {
    let not_utf8 = || Error::Csv { path: path.to_path_buf(), line, message: "not UTF-8".into() };
    let text = std::str::from_utf8(raw).map_err(|_| not_utf8())?;
    Ok(match text.strip_prefix('"') {
        Some(quoted) => {
            let inner = quoted.strip_suffix('"').unwrap_or(quoted);
            if inner.contains('"') {
                Cow::Owned(inner.replace("\"\"", "\""))
            } else {
                Cow::Borrowed(inner)
            }
        }
        None => Cow::Borrowed(text),
    })
}

/// Merges one row file of every part into `out`, calling `each` on every record written.
fn merge_rows(
    parts: &[PathBuf],
    name: &str,
    out: &Path,
    mut each: impl FnMut(&mut Cursor) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut cursors = Vec::with_capacity(parts.len());
    let mut header: Option<Vec<String>> = None;
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
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    let write_err = |e| Error::io(out, e);
    if let Some(h) = &header {
        let mut row = Vec::new();
        report::CsvRow::record(&mut row, h);
        w.write_all(&row).map_err(write_err)?;
    }
    let mut rows = 0;
    let mut last_doc = String::new();
    let mut doc_cell = Vec::new();
    // The next document of each part that has one, smallest first: a heap, so a merge of
    // many parts takes log(parts) per document.
    let mut next = BinaryHeap::with_capacity(cursors.len());
    for (i, cursor) in cursors.iter().enumerate() {
        if !cursor.at_end() {
            next.push(Reverse((cursor.doc_id()?.into_owned(), i)));
        }
    }
    while let Some(Reverse((doc_id, i))) = next.pop() {
        if rows > 0 && last_doc >= doc_id {
            return Err(bad(&cursors[i].path, format!("doc_id `{doc_id}` is out of order or in two parts")));
        }
        // The document's rows are consecutive in its part, and one part writes a doc_id the
        // same way on each: they are the rows that start with this one's first field.
        let cursor = &mut cursors[i];
        doc_cell.clear();
        doc_cell.extend_from_slice(&cursor.record[..first_field_end(&cursor.record)]);
        doc_cell.push(b',');
        while !cursor.at_end() && cursor.record.starts_with(&doc_cell) {
            each(cursor)?;
            w.write_all(&cursor.record).and_then(|()| w.write_all(b"\n")).map_err(write_err)?;
            rows += 1;
            cursor.advance()?;
        }
        if !cursor.at_end() {
            next.push(Reverse((cursor.doc_id()?.into_owned(), i)));
        }
        last_doc = doc_id;
    }
    w.flush().map_err(write_err)?;
    Ok(rows)
}

/// Index of a named column in a header.
fn column(header: &[&str], name: &str) -> usize {
    header.iter().position(|h| *h == name).unwrap_or(usize::MAX)
}

/// Merges partial reports into `out`. A missing shard is an error unless `allow_partial`
/// (a report that silently lacks part of the corpus would read as the whole); a shard given
/// twice or parts of different N always are.
pub fn merge_reports(
    parts: &[PathBuf],
    out: &Path,
    force: bool,
    allow_partial: bool,
    summary: bool,
    command_line: Vec<String>,
) -> Result<MergeSummary, Error> {
    let Some(first_part) = parts.first() else {
        return Err(bad(out, "no partial reports given"));
    };
    let infos: Vec<RunInfo> = parts.iter().map(|p| read_run_info(p)).collect::<Result<_, _>>()?;
    let (shard_count, missing_shards) = check_parts(parts, &infos)?;
    if !missing_shards.is_empty() && !allow_partial {
        let not_given = shards_not_given(&missing_shards, shard_count);
        return Err(bad(out, format!("{not_given}; pass every part, or --allow-partial to merge these anyway")));
    }
    let dir = ReportDir::create_for(out, force, parts)?;

    let n_sentences = merge_rows(parts, files::SENTENCES, &dir.path(files::SENTENCES), |_| Ok(()))?;
    let n_documents = merge_rows(parts, files::DOCUMENTS, &dir.path(files::DOCUMENTS), |_| Ok(()))?;

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
    let n_matches = merge_rows(parts, files::MATCHES, &dir.path(files::MATCHES), |cursor| {
        let fields: Vec<Cow<'_, str>> = cursor.fields().collect::<Result<_, _>>()?;
        let field = |i: usize| fields.get(i).map_or("", |f| f.as_ref());
        let voice = Voice::from_name(field(c_voice)).unwrap_or_else(|| {
            bad_voice.get_or_insert_with(|| field(c_voice).to_string());
            Voice::Authorial
        });
        let key = field(c_lexicon);
        let entry = stats.entry(key.to_string()).or_default();
        entry.add_match(field(c_surface), voice, field(c_negated) == "true");
        let doc = field(c_doc);
        if docs_seen.get(key).map(String::as_str) != Some(doc) {
            entry.n_docs += 1;
            docs_seen.insert(key.to_string(), doc.to_string());
        }
        Ok(())
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

    let listed = merge_errors(parts, &dir)?;
    let documents_repaired = infos.iter().map(|i| i.counts.documents_repaired).sum();
    let counts = Counts {
        documents_ok: n_documents,
        documents_skipped: listed.saturating_sub(documents_repaired),
        documents_repaired,
        sentences: n_sentences,
        matches: n_matches,
        bytes: infos.iter().map(|i| i.counts.bytes).sum(),
        languages: infos.iter().flat_map(|i| &i.counts.languages).fold(Default::default(), |mut all, (code, n)| {
            *all.entry(code.clone()).or_insert(0) += n;
            all
        }),
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
    // The page a single run writes, made from the merged files (as `summarize` makes it)
    // in the temporary folder, so it moves into place with the report or not at all.
    let summary_error = summary
        .then(|| {
            let page = dir.path(crate::research::SUMMARY_FILE);
            crate::research::summarize_report(&dir.path(""), out, &page, &info.command_line).err()
        })
        .flatten()
        .map(|e| e.to_string());
    let out = dir.commit()?;
    Ok(MergeSummary { counts, out, missing_shards, shard_count, summary_error })
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
        let t = |name: &str| field(column(&report::TERMS_HEADER, name));
        keys.push(TermKey { pattern: t("pattern").into(), frame: t("frame").into(), provenance: t("lexicon") });
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

/// The `--lang` a part was made with, as the user typed it.
fn lang_option(info: &RunInfo) -> String {
    if info.languages.is_empty() {
        info.lang.to_string()
    } else {
        "auto".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` (name, content) into a temp directory; returns it and the paths of the
    /// parts named `part*`.
    fn parts(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut paths = Vec::new();
        for (name, content) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(path.join("rows.csv"), content).unwrap_or_else(|e| panic!("{e}"));
            paths.push(path);
        }
        (dir, paths)
    }

    /// The merged file, and the third field of each row as `each` read it.
    fn merged(files: &[(&str, &str)]) -> Result<(String, Vec<String>), Error> {
        let (dir, paths) = parts(files);
        let out = dir.path().join("out.csv");
        let mut thirds = Vec::new();
        merge_rows(&paths, "rows.csv", &out, |c| {
            thirds.push(c.fields().nth(2).unwrap_or(Ok(Cow::Borrowed("")))?.into_owned());
            Ok(())
        })?;
        Ok((std::fs::read_to_string(out).unwrap_or_else(|e| panic!("{e}")), thirds))
    }

    #[test]
    fn copies_rows_as_written_in_doc_id_order() {
        let a = "doc_id,n,text\n\"a,1.txt\",1,\"Er sagte: \"\"Nein.\"\"\"\n\"a,1.txt\",2,\"zwei\nZeilen\"\nc.txt,1,drei\r\n";
        let b = "doc_id,n,text\n\nb.txt,1,eins\n";
        let (out, thirds) = merged(&[("part1", a), ("part2", b)]).unwrap_or_else(|e| panic!("{e}"));
        // What terms.csv is counted from: the fields unquoted, `""` unescaped.
        assert_eq!(thirds, ["Er sagte: \"Nein.\"", "zwei\nZeilen", "eins", "drei"]);
        assert_eq!(
            out,
            "doc_id,n,text\n\"a,1.txt\",1,\"Er sagte: \"\"Nein.\"\"\"\n\"a,1.txt\",2,\"zwei\nZeilen\"\nb.txt,1,eins\nc.txt,1,drei\n"
        );
        // The csv crate reads the same records back.
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let texts: Vec<String> =
            reader.records().map(|r| r.map(|r| r[2].to_string()).unwrap_or_else(|e| panic!("{e}"))).collect();
        assert_eq!(texts, ["Er sagte: \"Nein.\"", "zwei\nZeilen", "eins", "drei"]);
    }

    #[test]
    fn missing_shards_are_listed_in_words() {
        assert_eq!(shards_not_given(&[2], 2), "shard 2 of 2 was not given");
        assert_eq!(shards_not_given(&[1, 3, 4], 4), "shards 1, 3, 4 of 4 were not given");
    }

    #[test]
    fn refuses_unclosed_quotes_and_documents_in_two_parts() {
        let unclosed = merged(&[("part1", "doc_id,n,text\na.txt,1,ok\nb.txt,2,\"open\nc.txt,3,x\n")]);
        let message = unclosed.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(":3") && message.contains("never closed"), "{message}");
        let twice = merged(&[("part1", "doc_id,n,t\na.txt,1,x\n"), ("part2", "doc_id,n,t\na.txt,2,y\n")]);
        let message = twice.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("doc_id `a.txt` is out of order or in two parts"), "{message}");
    }
}
