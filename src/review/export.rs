//! A report as one workbook that a spreadsheet opens correctly: a sheet per report file
//! (numbers as numbers, dates as dates, text as string cells, matched terms highlighted in
//! the sentences), an `about` sheet from run.json, and sheets past the format's row limit cut
//! with a note. Sheets are streamed (rust_xlsxwriter's constant-memory mode), so memory does
//! not grow with the report.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign};

use super::sample::MatchSteps;
use super::xlsx::{about_sheet, deterministic_workbook, fit, header_format, write_highlighted, About, RunFormats};
use super::ReviewError;
use crate::report::files;
use crate::report::run::RunInfo;

/// Data rows a sheet can hold: 1,048,576 rows less the header.
pub const MAX_DATA_ROWS: u32 = 1_048_575;

/// The report files exported, in sheet order.
pub const SHEETS: [&str; 5] = [files::DOCUMENTS, files::TERMS, files::MATCHES, files::SENTENCES, files::ERRORS];

/// A sheet cut at the row limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The sheet.
    pub sheet: String,
    /// Rows written.
    pub written: u64,
    /// Rows left out.
    pub left_out: u64,
}

/// What an export made.
pub struct Exported {
    /// The workbook, its sheets streamed to temp files; [`Exported::save`] writes it.
    pub workbook: rust_xlsxwriter::Workbook,
    /// Rows written per sheet.
    pub rows: Vec<(String, u64)>,
    /// Sheets cut at the row limit.
    pub cuts: Vec<Cut>,
}

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Probability,
    Date,
    /// The sentence, with its matches highlighted.
    Sentence,
}

/// The kind of a report column, by name: counts, offsets and shares are numbers; `date`
/// is a date when it is one (`YYYY-MM-DD`); everything else is text.
fn kind(file: &str, name: &str) -> Kind {
    const NUMBERS: [&str; 9] = [
        "sentence_id",
        "char_start",
        "char_end",
        "polarity",
        "weight",
        "matches_per_1k_tokens",
        "n_docs",
        "n_sentences",
        "n_tokens",
    ];
    if file == files::SENTENCES && name == "text" {
        Kind::Sentence
    } else if name == "confidence" || name.starts_with("p_") || name.starts_with("share_") {
        Kind::Probability
    } else if NUMBERS.contains(&name)
        || name.starts_with("n_")
        || name.starts_with("frame_")
        || name.starts_with("stance_")
    {
        Kind::Number
    } else if name == "date" {
        Kind::Date
    } else {
        Kind::Text
    }
}

/// `YYYY-MM-DD` as a date.
fn parse_date(s: &str) -> Option<ExcelDateTime> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u16 = s[..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..].parse().ok()?;
    ExcelDateTime::from_ymd(y, m, d).ok()
}

/// Column width by kind and name.
fn width(kind: Kind, name: &str) -> f64 {
    match (kind, name) {
        (Kind::Sentence, _) => 90.0,
        (_, "left_context" | "right_context" | "title" | "message" | "top_surfaces" | "path") => 40.0,
        (_, "doc_id" | "lexicon") => 28.0,
        (Kind::Date, _) => 11.0,
        (Kind::Number | Kind::Probability, _) => 10.0,
        _ => 16.0,
    }
}

/// Exports the report in `dir`; sheets hold at most `max_rows` data rows (at most
/// [`MAX_DATA_ROWS`]).
pub fn export(dir: &Path, max_rows: u32) -> Result<Exported, ReviewError> {
    let max_rows = max_rows.min(MAX_DATA_ROWS);
    let run_path = dir.join(files::RUN);
    let run: RunInfo = match std::fs::read(&run_path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| ReviewError::Csv {
            path: run_path.clone(),
            message: format!("not a run.json of framing: {e}"),
        })?,
        Err(e) => return Err(ReviewError::io(&run_path, e)),
    };
    let mut wb = deterministic_workbook()?;
    let mut rows_written = Vec::new();
    let mut cuts = Vec::new();
    let header_fmt = header_format();
    let text_fmt = Format::new().set_align(FormatAlign::Top);
    let number_fmt = Format::new().set_align(FormatAlign::Top);
    let prob_fmt = Format::new().set_align(FormatAlign::Top).set_num_format("0.0000");
    let date_fmt = Format::new().set_align(FormatAlign::Top).set_num_format("yyyy-mm-dd");
    let runs = RunFormats::new(&text_fmt);
    for file in SHEETS {
        let path = dir.join(file);
        if !path.exists() {
            continue;
        }
        let csv_err = |e: csv::Error| ReviewError::Csv { path: path.clone(), message: e.to_string() };
        let mut reader = csv::ReaderBuilder::new().from_path(&path).map_err(csv_err)?;
        let header = reader.headers().map_err(csv_err)?.clone();
        let kinds: Vec<Kind> = header.iter().map(|h| kind(file, h)).collect();
        let mut steps = if file == files::SENTENCES { Some(MatchSteps::open(dir)?) } else { None };
        let col = |name: &str| header.iter().position(|h| h == name);
        let (c_doc, c_sid, c_nm) = (col("doc_id"), col("sentence_id"), col("n_matches"));
        let ws = wb.add_worksheet_with_constant_memory()?;
        let name = file.trim_end_matches(".csv");
        ws.set_name(name)?;
        for (i, (h, k)) in header.iter().zip(&kinds).enumerate() {
            ws.set_column_width(i as u16, width(*k, h))?;
            ws.write_string_with_format(0, i as u16, h, &header_fmt)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let mut rec = csv::StringRecord::new();
        let mut written: u64 = 0;
        let mut left_out: u64 = 0;
        while reader.read_record(&mut rec).map_err(csv_err)? {
            // Past the limit only the rows left out are counted.
            if written >= u64::from(max_rows) {
                left_out += 1;
                continue;
            }
            let hits = match (&mut steps, c_doc, c_sid, c_nm) {
                (Some(steps), Some(d), Some(s), Some(n)) => {
                    let n: usize = rec.get(n).and_then(|v| v.parse().ok()).unwrap_or(0);
                    let line = rec.position().map(|p| p.line()).unwrap_or(0);
                    steps.take(rec.get(d).unwrap_or(""), rec.get(s).unwrap_or(""), n, &path, line)?
                }
                _ => Vec::new(),
            };
            written += 1;
            let r = written as u32;
            for (i, (cell, k)) in rec.iter().zip(&kinds).enumerate() {
                let c = i as u16;
                if cell.is_empty() {
                    continue;
                }
                let number = || cell.parse::<f64>().ok().filter(|v| v.is_finite());
                match (k, number(), parse_date(cell)) {
                    (Kind::Number, Some(v), _) => ws.write_number_with_format(r, c, v, &number_fmt).map(|_| ())?,
                    (Kind::Probability, Some(v), _) => ws.write_number_with_format(r, c, v, &prob_fmt).map(|_| ())?,
                    (Kind::Date, _, Some(d)) => ws.write_datetime_with_format(r, c, d, &date_fmt).map(|_| ())?,
                    (Kind::Sentence, _, _) => write_highlighted(ws, r, c, fit(cell), &hits, &runs)?,
                    _ => ws.write_string_with_format(r, c, fit(cell), &text_fmt).map(|_| ())?,
                }
            }
        }
        if !header.is_empty() {
            ws.autofilter(0, 0, written as u32, (header.len() - 1) as u16)?;
        }
        rows_written.push((name.to_string(), written));
        if left_out > 0 {
            cuts.push(Cut { sheet: name.to_string(), written, left_out });
        }
    }
    let mut about: About = vec![
        ("framing version".into(), run.framing_version.clone()),
        ("command line".into(), run.command_line.join(" ")),
        ("corpus".into(), run.corpus.clone()),
        ("language".into(), format!("{:?}", run.lang).to_lowercase()),
    ];
    for l in &run.lexicons {
        about.push((format!("lexicon {}", l.path), format!("sha256 {}", l.sha256)));
    }
    match &run.model {
        Some(m) => {
            about.push((format!("model {}", m.version), format!("sha256 {}; labels {}", m.sha256, m.labels.join(", "))))
        }
        None => about.push(("model".into(), "none".into())),
    }
    let c = &run.counts;
    about.extend([
        (
            "documents".into(),
            format!("{} analysed, {} skipped, {} repaired", c.documents_ok, c.documents_skipped, c.documents_repaired),
        ),
        ("sentences".into(), c.sentences.to_string()),
        ("matches".into(), c.matches.to_string()),
        ("bytes read".into(), c.bytes.to_string()),
        ("threads".into(), run.threads.to_string()),
        ("shard".into(), run.shard.clone().unwrap_or_else(|| "-".into())),
    ]);
    for (sheet, n) in &rows_written {
        about.push((format!("sheet {sheet}"), format!("{n} rows")));
    }
    for cut in &cuts {
        about.push((
            format!("cut: {}", cut.sheet),
            format!(
                "{} rows left out: the sheet holds the first {} (a sheet holds at most 1,048,576 rows); the full table is {}",
                cut.left_out,
                cut.written,
                dir.join(format!("{}.csv", cut.sheet)).display()
            ),
        ));
    }
    about_sheet(&mut wb, &about)?;
    Ok(Exported { workbook: wb, rows: rows_written, cuts })
}

impl Exported {
    /// Writes the workbook to `path` whole or not at all, as `existing` allows, without
    /// holding the zipped file in memory.
    pub fn save(&mut self, path: &Path, existing: crate::model::Existing) -> std::io::Result<()> {
        crate::model::write_atomic_with(path, existing, |f| {
            self.workbook.save_to_writer(f).map_err(std::io::Error::other)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_get_their_kind_by_name() {
        assert_eq!(kind(files::SENTENCES, "text"), Kind::Sentence);
        assert_eq!(kind(files::MATCHES, "text"), Kind::Text);
        assert_eq!(kind(files::DOCUMENTS, "n_tokens"), Kind::Number);
        assert_eq!(kind(files::DOCUMENTS, "frame_security"), Kind::Number);
        assert_eq!(kind(files::SENTENCES, "p_negative"), Kind::Probability);
        assert_eq!(kind(files::DOCUMENTS, "date"), Kind::Date);
        assert_eq!(kind(files::MATCHES, "surface"), Kind::Text);
        assert!(parse_date("2024-10-15").is_some());
        assert!(parse_date("2024-10").is_none());
        assert!(parse_date("15.10.2024").is_none());
    }
}
