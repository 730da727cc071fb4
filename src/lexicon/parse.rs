//! Reading a lexicon CSV into entries, collecting every problem with its line and column.
//!
//! The CSV reader is hand-written (RFC 4180 quoting, `""` escapes, quoted line breaks) because
//! `check` must point at the column of the offending field, which the `csv` crate does not
//! report, and must go on after a malformed row.

use super::pattern::{can_match, normalise};
use super::{Entry, Problem};

/// Column names a lexicon header may use, in the canonical order.
pub(crate) const COLUMNS: [&str; 6] = ["pattern", "frame", "target", "polarity", "weight", "note"];

/// One field with the position of its first character.
#[derive(Debug)]
struct Field {
    value: String,
    line: usize,
    column: usize,
}

/// One CSV record (row), starting on `line`.
#[derive(Debug)]
struct Record {
    line: usize,
    fields: Vec<Field>,
    /// Cut short by an unbalanced quote (already reported).
    broken: bool,
}

/// Entries and problems of one file.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) entries: Vec<Entry>,
    pub(crate) problems: Vec<Problem>,
}

/// Parses the text of a lexicon file named `path` (used in entries and problems).
pub(crate) fn parse(text: &str, path: &str) -> Parsed {
    let mut out = Parsed::default();
    let problem =
        |line: usize, column: usize, message: String| Problem { path: path.to_owned(), line, column, message };
    let records =
        read_records(text.strip_prefix('\u{feff}').unwrap_or(text), &mut |l, c, m| out.problems.push(problem(l, c, m)));
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        out.problems.push(problem(1, 1, format!("missing header (expected `{}`)", COLUMNS.join(","))));
        return out;
    };
    let Some(columns) = read_header(&header, &mut |l, c, m| out.problems.push(problem(l, c, m))) else {
        return out;
    };
    let mut seen: crate::text::WordMap<(bool, String), usize> = Default::default();
    for record in records.filter(|r| !r.broken) {
        if record.fields.len() != columns.len() {
            let column = record.fields.get(columns.len()).map_or(1, |f| f.column);
            out.problems.push(problem(
                record.line,
                column,
                format!("expected {} fields as in the header, found {}", columns.len(), record.fields.len()),
            ));
            continue;
        }
        let before = out.problems.len();
        let entry = read_entry(&record, &columns, path, &mut |l, c, m| out.problems.push(problem(l, c, m)));
        let Some(entry) = entry else { continue };
        let key = (entry.exclusion, normalise(&entry.pattern));
        if let Some(&earlier) = seen.get(&key) {
            let field = &record.fields[columns.pattern];
            out.problems.push(problem(
                field.line,
                field.column,
                format!("duplicate pattern `{}` (same as line {earlier})", field.value.trim()),
            ));
            continue;
        }
        seen.insert(key, entry.line);
        if out.problems.len() == before {
            out.entries.push(entry);
        }
    }
    // Reading order, not detection order (quoting problems are found first).
    out.problems.sort_by_key(|p| (p.line, p.column));
    out
}

/// Where each column is in a row; `None` for omitted optional columns.
#[derive(Debug)]
struct Columns {
    pattern: usize,
    frame: usize,
    target: Option<usize>,
    polarity: Option<usize>,
    weight: Option<usize>,
    note: Option<usize>,
    len: usize,
}

impl Columns {
    fn len(&self) -> usize {
        self.len
    }
}

fn read_header(header: &Record, report: &mut dyn FnMut(usize, usize, String)) -> Option<Columns> {
    let mut found: [Option<usize>; 6] = [None; 6];
    let mut ok = true;
    for (i, field) in header.fields.iter().enumerate() {
        let name = field.value.trim();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if found[k].is_some() => {
                report(field.line, field.column, format!("column `{name}` appears twice in the header"));
                ok = false;
            }
            Some(k) => found[k] = Some(i),
            None => {
                report(
                    field.line,
                    field.column,
                    format!("unknown column `{name}` (expected some of {})", COLUMNS.join(",")),
                );
                ok = false;
            }
        }
    }
    for required in [0, 1] {
        if found[required].is_none() {
            report(header.line, 1, format!("missing required column `{}` in the header", COLUMNS[required]));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(Columns {
        pattern: found[0]?,
        frame: found[1]?,
        target: found[2],
        polarity: found[3],
        weight: found[4],
        note: found[5],
        len: header.fields.len(),
    })
}

/// Builds the entry of one row; problems are reported and make it `None`.
fn read_entry(
    record: &Record,
    columns: &Columns,
    path: &str,
    report: &mut dyn FnMut(usize, usize, String),
) -> Option<Entry> {
    let field = |i: Option<usize>| i.map(|i| &record.fields[i]);
    let text = |i: Option<usize>| field(i).map_or("", |f| f.value.trim());
    let mut ok = true;

    let pattern_field = &record.fields[columns.pattern];
    let raw = pattern_field.value.trim();
    let (exclusion, pattern) = match raw.strip_prefix('!') {
        Some(rest) => (true, rest.trim()),
        None => (false, raw),
    };
    if pattern.is_empty() {
        report(pattern_field.line, pattern_field.column, "empty pattern".to_owned());
        ok = false;
    } else if !can_match(pattern) {
        report(
            pattern_field.line,
            pattern_field.column,
            format!("pattern `{raw}` would match every word: it needs a letter or digit"),
        );
        ok = false;
    }
    let frame_field = &record.fields[columns.frame];
    if frame_field.value.trim().is_empty() {
        report(frame_field.line, frame_field.column, "empty frame".to_owned());
        ok = false;
    }
    let polarity = match read_polarity(text(columns.polarity)) {
        Some(p) => p,
        None => {
            if let Some(f) = field(columns.polarity) {
                report(f.line, f.column, format!("bad polarity `{}` (expected -1, 0 or 1)", f.value.trim()));
            }
            ok = false;
            0
        }
    };
    let weight = match read_weight(text(columns.weight)) {
        Some(w) => w,
        None => {
            if let Some(f) = field(columns.weight) {
                report(f.line, f.column, format!("bad weight `{}` (expected a number >= 0)", f.value.trim()));
            }
            ok = false;
            1.0
        }
    };
    if !ok {
        return None;
    }
    Some(Entry {
        pattern: pattern.to_owned(),
        frame: frame_field.value.trim().to_owned(),
        target: text(columns.target).to_owned(),
        polarity,
        weight,
        note: text(columns.note).to_owned(),
        exclusion,
        file: path.to_owned(),
        line: record.line,
    })
}

/// -1, 0 or 1; empty means 0.
fn read_polarity(s: &str) -> Option<i8> {
    if s.is_empty() {
        return Some(0);
    }
    s.parse::<i8>().ok().filter(|p| (-1..=1).contains(p))
}

/// A finite number >= 0; empty means 1.
fn read_weight(s: &str) -> Option<f64> {
    if s.is_empty() {
        return Some(1.0);
    }
    s.parse::<f64>().ok().filter(|w| w.is_finite() && *w >= 0.0)
}

/// Splits CSV text into records, skipping blank lines and lines starting with `#`.
/// Malformed quoting is reported; an unterminated quote ends the file.
fn read_records(text: &str, report: &mut dyn FnMut(usize, usize, String)) -> Vec<Record> {
    let chars: Vec<char> = text.chars().collect();
    let mut records = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut column = 1;
    while i < chars.len() {
        if column == 1 && starts_skipped_line(&chars[i..]) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            i += 1;
            line += 1;
            continue;
        }
        let mut record = Record { line, fields: Vec::new(), broken: false };
        loop {
            let mut field = Field { value: String::new(), line, column };
            if chars.get(i) == Some(&'"') {
                i += 1;
                column += 1;
                let mut closed = false;
                while i < chars.len() {
                    let c = chars[i];
                    i += 1;
                    column += 1;
                    if c == '"' {
                        if chars.get(i) == Some(&'"') {
                            field.value.push('"');
                            i += 1;
                            column += 1;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        field.value.push(c);
                        if c == '\n' {
                            line += 1;
                            column = 1;
                        }
                    }
                }
                if !closed {
                    report(field.line, field.column, "unbalanced quote: the quoted field is never closed".to_owned());
                    record.fields.push(field);
                    record.broken = true;
                    records.push(record);
                    return records;
                }
                // Only a separator or the end of the line may follow a closing quote.
                while matches!(chars.get(i), Some(' ' | '\r')) {
                    i += 1;
                    column += 1;
                }
                if i < chars.len() && !matches!(chars[i], ',' | '\n') {
                    report(line, column, "unbalanced quote: text after the closing quote".to_owned());
                    while i < chars.len() && !matches!(chars[i], ',' | '\n') {
                        i += 1;
                        column += 1;
                    }
                }
            } else {
                while i < chars.len() && !matches!(chars[i], ',' | '\n') {
                    field.value.push(chars[i]);
                    i += 1;
                    column += 1;
                }
                if field.value.ends_with('\r') {
                    field.value.pop();
                }
            }
            record.fields.push(field);
            match chars.get(i) {
                Some(',') => {
                    i += 1;
                    column += 1;
                }
                Some(_) => {
                    i += 1;
                    line += 1;
                    column = 1;
                    break;
                }
                None => break,
            }
        }
        records.push(record);
    }
    records
}

/// A comment line (`#` first) or a blank line.
fn starts_skipped_line(rest: &[char]) -> bool {
    if rest.first() == Some(&'#') {
        return true;
    }
    rest.iter().take_while(|&&c| c != '\n').all(|c| c.is_whitespace())
}
