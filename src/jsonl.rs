//! Streaming mode for cluster engines: JSON documents in, one JSON object per sentence out.
//!
//! Input: one document per line, `{"id": …, "text": …, "date": …, "source": …, "title": …,
//! "url": …}` (only `id` and `text` required). Output: one object per sentence, in input
//! order, with its matches and, with a model, its scores. A bad line is reported with its
//! line number and skipped; the stream goes on. This is what Spark's `RDD.pipe`, Slurm job
//! arrays and GNU parallel need: stdin to stdout, no files.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use rayon::prelude::*;

use crate::corpus::{self, Metadata};
use crate::pipeline::Analyzer;
use crate::report::DocumentReport;
use crate::Error;

/// One input document.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDocument {
    id: String,
    text: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

/// One output sentence.
#[derive(Debug, serde::Serialize)]
struct JsonSentence<'a> {
    doc_id: &'a str,
    sentence_id: u32,
    char_start: usize,
    char_end: usize,
    text: &'a str,
    n_tokens: usize,
    source: &'a str,
    date: &'a str,
    /// The language identified in the document (`documents.csv`'s `lang`).
    lang: &'a str,
    matches: Vec<JsonMatch<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probs: Option<BTreeMap<&'a str, f64>>,
}

/// One match of a sentence.
#[derive(Debug, serde::Serialize)]
struct JsonMatch<'a> {
    surface: &'a str,
    pattern: &'a str,
    frame: &'a str,
    target: &'a str,
    polarity: i8,
    weight: f64,
    voice: &'static str,
    /// Whose words these are (quoted and reported matches; empty when none is named).
    speaker: &'a str,
    negated: bool,
    char_start: usize,
    char_end: usize,
    lexicon: String,
}

/// A line of input that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Counts of a streaming run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Documents analysed.
    pub documents: u64,
    /// Sentences written.
    pub sentences: u64,
    /// Lines skipped.
    pub bad_lines: Vec<BadLine>,
}

/// Lines per parallel batch; bounds memory while keeping all cores busy.
const BATCH_LINES: usize = 256;
/// Bytes per parallel batch.
const BATCH_BYTES: usize = 8 << 20;

/// Reads JSON documents from `input` and writes sentence objects to `output`, in order.
///
/// Batches of lines are pipelined: while the pool analyses one batch, one of its threads
/// writes the results of the batch before and reads the batch after (reading, analysing
/// and writing one batch after another left a core idle at every step).
///
/// A line that is not UTF-8, not a JSON document, or longer than `max_line_bytes` is a
/// [`BadLine`] with its number; memory holds at most `max_line_bytes` of any line.
pub fn stream(
    analyzer: &Analyzer,
    pool: &rayon::ThreadPool,
    mut input: impl BufRead + Send,
    mut output: impl Write + Send,
    input_name: &str,
    max_line_bytes: usize,
) -> Result<StreamSummary, Error> {
    let mut summary = StreamSummary::default();
    let mut lines = Lines { line_no: 0, max_bytes: max_line_bytes, name: input_name };
    let mut batch = lines.read_batch(&mut input)?;
    let mut done: Vec<Result<(Vec<u8>, u64), BadLine>> = Vec::new();
    pool.install(|| -> Result<(), Error> {
        loop {
            let (results, io) = rayon::join(
                || batch.par_iter().map(|(n, line)| analyze_line(analyzer, *n, line)).collect::<Vec<_>>(),
                || -> Result<_, Error> {
                    write_results(&mut output, std::mem::take(&mut done), &mut summary)?;
                    lines.read_batch(&mut input)
                },
            );
            let next = io?;
            done = results;
            if batch.is_empty() {
                return Ok(());
            }
            batch = next;
        }
    })?;
    write_results(&mut output, done, &mut summary)?;
    output.flush().map_err(|e| Error::io("standard output", e))?;
    Ok(summary)
}

/// Numbers the lines of the input and bounds their size.
struct Lines<'a> {
    line_no: u64,
    max_bytes: usize,
    name: &'a str,
}

/// A numbered input line: its text, or why it cannot be used.
type Line = (u64, Result<String, String>);

impl Lines<'_> {
    /// Reads the next batch of non-blank lines, numbered (empty at the end of the input).
    fn read_batch(&mut self, input: &mut impl BufRead) -> Result<Vec<Line>, Error> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut buf = Vec::new();
        while batch.len() < BATCH_LINES && bytes < BATCH_BYTES {
            buf.clear();
            // One byte more than the limit: room for the line break of a line at the limit.
            let (len, newline) = read_bounded_line(input, &mut buf, self.max_bytes.saturating_add(1))
                .map_err(|e| Error::io(self.name, e))?;
            if len == 0 {
                break;
            }
            self.line_no += 1;
            bytes += buf.len();
            let content = len - usize::from(newline);
            let line = if content > self.max_bytes {
                Err(format!(
                    "line of {content} bytes is longer than the largest document allowed ({} bytes, see --max-doc-mb)",
                    self.max_bytes
                ))
            } else {
                match std::str::from_utf8(&buf) {
                    Ok(text) if text.trim().is_empty() => continue,
                    Ok(text) => Ok(text.to_owned()),
                    Err(e) => {
                        Err(format!("not UTF-8: invalid byte at column {} (JSON text is UTF-8)", e.valid_up_to() + 1))
                    }
                }
            };
            batch.push((self.line_no, line));
        }
        Ok(batch)
    }
}

/// Reads one line (up to and with its `\n`) and keeps at most `max` bytes of it in `buf`;
/// returns the whole line's length (0 at the end of the input) and whether it ended in a
/// `\n`. A line longer than `max` is read to its end without being held.
fn read_bounded_line(input: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<(usize, bool)> {
    let mut total = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((total, false));
        }
        let (len, done) = match memchr::memchr(b'\n', available) {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let room = max.saturating_sub(buf.len());
        buf.extend_from_slice(&available[..len.min(room)]);
        input.consume(len);
        total += len;
        if done {
            return Ok((total, true));
        }
    }
}

/// Writes the sentence lines of analysed documents and counts them; bad lines are kept.
fn write_results(
    output: &mut impl Write,
    results: Vec<Result<(Vec<u8>, u64), BadLine>>,
    summary: &mut StreamSummary,
) -> Result<(), Error> {
    for r in results {
        match r {
            Ok((json, n_sentences)) => {
                output.write_all(&json).map_err(|e| Error::io("standard output", e))?;
                summary.documents += 1;
                summary.sentences += n_sentences;
            }
            Err(bad) => summary.bad_lines.push(bad),
        }
    }
    Ok(())
}

fn analyze_line(analyzer: &Analyzer, line_no: u64, line: &Result<String, String>) -> Result<(Vec<u8>, u64), BadLine> {
    let bad = |message: String| BadLine { line: line_no, message };
    let line = line.as_deref().map_err(|message| bad(message.clone()))?;
    let doc: JsonDocument = serde_json::from_str(line)
        .map_err(|e| bad(format!("expected a JSON object with \"id\" and \"text\" (column {}): {e}", e.column())))?;
    if doc.id.is_empty() {
        return Err(bad("empty \"id\"".into()));
    }
    let text = corpus::decode_owned(doc.text.into_bytes()).map_err(|e| bad(format!("\"text\": {e}")))?.text;
    let mut document = corpus::document_from_text(&doc.id, text, "UTF-8", 0, None);
    document.bytes = document.text.len() as u64;
    document.meta.update(&Metadata { source: doc.source, date: doc.date, title: doc.title, url: doc.url });
    let report = analyzer.analyze(&document);
    let json = to_json_lines(analyzer, &document.meta, &report).map_err(|e| bad(e.to_string()))?;
    Ok((json, report.sentences.len() as u64))
}

fn to_json_lines(analyzer: &Analyzer, meta: &Metadata, report: &DocumentReport<'_>) -> serde_json::Result<Vec<u8>> {
    let lexicon = analyzer.lexicon();
    let labels = &analyzer.columns().labels;
    let mut out = Vec::new();
    let mut matches = report.matches.iter().peekable();
    for s in &report.sentences {
        let mut ms = Vec::new();
        while let Some(m) = matches.next_if(|m| m.sentence_id == s.sentence_id) {
            let e = &lexicon.entries[m.entry];
            ms.push(JsonMatch {
                surface: &m.surface,
                pattern: &e.pattern,
                frame: &e.frame,
                target: &e.target,
                polarity: e.polarity,
                weight: e.weight,
                voice: m.voice.as_str(),
                speaker: &m.speaker,
                negated: m.negated,
                char_start: m.char_start,
                char_end: m.char_end,
                lexicon: e.provenance(),
            });
        }
        let scores = s.scores.as_ref();
        let sentence = JsonSentence {
            doc_id: &report.doc_id,
            sentence_id: s.sentence_id,
            char_start: s.char_start,
            char_end: s.char_end,
            text: &s.text,
            n_tokens: s.n_tokens,
            source: &meta.source,
            date: &meta.date,
            lang: report.document.lang,
            matches: ms,
            label: scores.map(|x| x.label),
            confidence: scores.map(|x| x.confidence),
            probs: scores.map(|x| labels.iter().map(String::as_str).zip(x.probs.iter().copied()).collect()),
        };
        serde_json::to_writer(&mut out, &sentence)?;
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::Lang;

    /// Over several batches, with blank and bad lines among them: the output is that of
    /// each line analysed on its own, in input order, and bad lines keep their numbers.
    #[test]
    fn pipelined_batches_keep_input_order() {
        let analyzer = Analyzer::new(Lang::De, Lexicon::bundled(Lang::De), None, false);
        let mut input = String::new();
        let mut expected = Vec::new();
        let mut expected_bad = Vec::new();
        for n in 1..=(3 * BATCH_LINES as u64 + 17) {
            let line = match n % 97 {
                0 => "not json".to_string(),
                50 => String::new(),
                _ => format!("{{\"id\":\"d{n}\",\"text\":\"Die Besatzer zogen ab. Dokument {n}.\"}}"),
            };
            match analyze_line(&analyzer, n, &Ok(line.clone())) {
                Ok((json, _)) => expected.extend(json),
                Err(bad) if !line.is_empty() => expected_bad.push(bad.line),
                Err(_) => {}
            }
            input.push_str(&line);
            input.push('\n');
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        let summary =
            stream(&analyzer, &pool, input.as_bytes(), &mut out, "test", 1 << 20).unwrap_or_else(|e| panic!("{e}"));
        assert!(out == expected, "output differs from line-by-line analysis");
        assert_eq!(summary.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(), expected_bad);
        assert_eq!(expected_bad, [97, 194, 291, 388, 485, 582, 679, 776]);
        assert_eq!(summary.documents, 3 * BATCH_LINES as u64 + 17 - 8 - 8);
    }

    /// A line that is not UTF-8 and a line over the size limit are bad lines with their
    /// numbers; every good line before and after them is written.
    #[test]
    fn invalid_utf8_and_overlong_lines_are_reported_by_number() {
        let analyzer = Analyzer::new(Lang::De, Lexicon::bundled(Lang::De), None, false);
        let doc = |id: &str| format!("{{\"id\":\"{id}\",\"text\":\"Die Besatzer zogen ab.\"}}\n").into_bytes();
        let mut input = Vec::new();
        input.extend(doc("a"));
        input.extend(b"{\"id\":\"b\",\"text\":\"V\xF6lkermord\"}\n");
        input.extend(doc("c"));
        input.extend(format!("{{\"id\":\"d\",\"text\":\"{}\"}}\n", "x".repeat(300)).into_bytes());
        input.extend(doc("e"));
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        let summary = stream(&analyzer, &pool, &input[..], &mut out, "test", 200).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            summary.bad_lines,
            [
                BadLine { line: 2, message: "not UTF-8: invalid byte at column 20 (JSON text is UTF-8)".into() },
                BadLine {
                    line: 4,
                    message:
                        "line of 320 bytes is longer than the largest document allowed (200 bytes, see --max-doc-mb)"
                            .into()
                },
            ]
        );
        let ids: Vec<String> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["a", "c", "e"]);
        assert_eq!(summary.documents, 3);
    }

    #[test]
    fn a_line_exactly_at_the_limit_is_a_document() {
        let analyzer = Analyzer::new(Lang::De, Lexicon::bundled(Lang::De), None, false);
        let line = "{\"id\":\"a\",\"text\":\"Ein Satz.\"}";
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap_or_else(|e| panic!("{e}"));
        for (limit, documents, bad) in [(line.len(), 1, 0), (line.len() - 1, 0, 1)] {
            let mut out = Vec::new();
            let input = format!("{line}\n{line}");
            let summary =
                stream(&analyzer, &pool, input.as_bytes(), &mut out, "test", limit).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((summary.documents, summary.bad_lines.len()), (2 * documents, 2 * bad), "limit {limit}");
        }
    }

    #[test]
    fn bounded_lines_keep_at_most_the_limit() {
        let mut input = &b"0123456789\nab\n\nlast"[..];
        let mut buf = Vec::new();
        let mut lens = Vec::new();
        let mut kept = Vec::new();
        loop {
            buf.clear();
            let (len, newline) = read_bounded_line(&mut input, &mut buf, 4).unwrap();
            if len == 0 {
                break;
            }
            lens.push((len, newline));
            kept.push(String::from_utf8(buf.clone()).unwrap());
        }
        assert_eq!(lens, [(11, true), (3, true), (1, true), (4, false)]);
        assert_eq!(kept, ["0123", "ab\n", "\n", "last"]);
    }
}
