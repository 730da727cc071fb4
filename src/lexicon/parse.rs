//! Reading a lexicon CSV into entries, collecting every problem with its line and column.
//! The format is specified in `lexicons/README.md`, "File format".
//!
//! The CSV reader is hand-written (RFC 4180 quoting, `""` escapes, quoted line breaks) because
//! `check` must point at the column of the offending field, which the `csv` crate does not
//! report, and must go on after a malformed row.

use std::borrow::Cow;

use super::pattern::{can_match, normalise, Pattern};
use super::{Conditions, Entry, Problem};

/// Column names a lexicon header may use, in the canonical order.
pub(crate) const COLUMNS: [&str; 8] = ["pattern", "frame", "target", "polarity", "weight", "require", "forbid", "note"];

/// One field with the position of its first character; borrowed from the text unless it
/// had `""` escapes.
#[derive(Debug)]
struct Field<'a> {
    value: Cow<'a, str>,
    line: usize,
    column: usize,
    /// Written in double quotes (the value starts one column after `column`).
    quoted: bool,
}

/// One CSV record (row), starting on `line`.
#[derive(Debug, Default)]
struct Record<'a> {
    line: usize,
    fields: Vec<Field<'a>>,
    /// Cut short by an unbalanced quote (already reported).
    broken: bool,
}

/// The problems of one file, each with the file's path.
struct Problems<'p> {
    path: &'p str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn add(&mut self, line: usize, column: usize, message: String) {
        self.list.push(Problem { path: self.path.to_owned(), line, column, message });
    }
}

/// Entries, their context conditions and problems of one file.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) entries: Vec<Entry>,
    /// The conditions of the entries that have any, in line order.
    pub(crate) conditions: Vec<Conditions>,
    pub(crate) problems: Vec<Problem>,
}

/// Parses the text of a lexicon file named `path` (used in entries and problems). Records
/// are read one at a time (a lexicon of 10,000 rows is not held as records).
pub(crate) fn parse(text: &str, path: &str) -> Parsed {
    let mut problems = Problems { path, list: Vec::new() };
    let mut entries = Vec::new();
    let mut conditions = Vec::new();
    let mut records = Records::new(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut record = Record::default();
    let columns = if records.read_into(&mut record, &mut problems) {
        read_header(&record, &mut problems)
    } else {
        problems.add(1, 1, format!("missing header (expected `{}`)", COLUMNS.join(",")));
        None
    };
    if let Some(columns) = columns {
        // About one entry a line: sized once instead of rehashed as it grows.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut seen: crate::text::WordMap<(bool, String), usize> =
            crate::text::WordMap::with_capacity_and_hasher(lines, Default::default());
        while records.read_into(&mut record, &mut problems) {
            if record.broken {
                continue;
            }
            if record.fields.len() != columns.len() {
                let column = record.fields.get(columns.len()).map_or(1, |f| f.column);
                let message =
                    format!("expected {} fields as in the header, found {}", columns.len(), record.fields.len());
                problems.add(record.line, column, message);
                continue;
            }
            let before = problems.list.len();
            let found = read_conditions(&record, &columns, &mut problems);
            let Some(entry) = read_entry(&record, &columns, path, &mut problems) else { continue };
            let key = (entry.exclusion, normalise(&entry.pattern));
            if let Some(&earlier) = seen.get(&key) {
                let field = &record.fields[columns.pattern];
                let message = format!("duplicate pattern `{}` (same as line {earlier})", field.value.trim());
                problems.add(field.line, field.column, message);
                continue;
            }
            seen.insert(key, entry.line);
            if problems.list.len() == before {
                if !found.require.is_empty() || !found.forbid.is_empty() {
                    conditions.push(Conditions { line: entry.line, ..found });
                }
                entries.push(entry);
            }
        }
    }
    // Reading order, not detection order (a row's quoting problems are found first).
    problems.list.sort_by_key(|p| (p.line, p.column));
    Parsed { entries, conditions, problems: problems.list }
}

/// Where each column is in a row; `None` for omitted optional columns.
#[derive(Debug)]
struct ColumnPositions {
    pattern: usize,
    frame: usize,
    target: Option<usize>,
    polarity: Option<usize>,
    weight: Option<usize>,
    require: Option<usize>,
    forbid: Option<usize>,
    note: Option<usize>,
    len: usize,
}

impl ColumnPositions {
    fn len(&self) -> usize {
        self.len
    }
}

fn read_header(header: &Record<'_>, problems: &mut Problems<'_>) -> Option<ColumnPositions> {
    let mut found: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    let mut ok = true;
    for (i, field) in header.fields.iter().enumerate() {
        let name = field.value.trim();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if found[k].is_some() => {
                problems.add(field.line, field.column, format!("column `{name}` appears twice in the header"));
                ok = false;
            }
            Some(k) => found[k] = Some(i),
            None => {
                problems.add(
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
            problems.add(header.line, 1, format!("missing required column `{}` in the header", COLUMNS[required]));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(ColumnPositions {
        pattern: found[0]?,
        frame: found[1]?,
        target: found[2],
        polarity: found[3],
        weight: found[4],
        require: found[5],
        forbid: found[6],
        note: found[7],
        len: header.fields.len(),
    })
}

/// Builds the entry of one row; problems are reported and make it `None`.
fn read_entry(
    record: &Record<'_>,
    columns: &ColumnPositions,
    path: &str,
    problems: &mut Problems<'_>,
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
        problems.add(pattern_field.line, pattern_field.column, "empty pattern".to_owned());
        ok = false;
    } else if !can_match(pattern) {
        problems.add(
            pattern_field.line,
            pattern_field.column,
            format!("pattern `{raw}` would match every word: it needs a letter or digit"),
        );
        ok = false;
    }
    let frame_field = &record.fields[columns.frame];
    if frame_field.value.trim().is_empty() {
        problems.add(frame_field.line, frame_field.column, "empty frame".to_owned());
        ok = false;
    }
    let polarity = match read_polarity(text(columns.polarity)) {
        Some(p) => p,
        None => {
            if let Some(f) = field(columns.polarity) {
                problems.add(f.line, f.column, format!("bad polarity `{}` (expected -1, 0 or 1)", f.value.trim()));
            }
            ok = false;
            0
        }
    };
    let weight = match read_weight(text(columns.weight)) {
        Some(w) => w,
        None => {
            if let Some(f) = field(columns.weight) {
                problems.add(f.line, f.column, format!("bad weight `{}` (expected a number >= 0)", f.value.trim()));
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

/// The `require` and `forbid` lists of one row (line left 0), each problem reported.
fn read_conditions(record: &Record<'_>, columns: &ColumnPositions, problems: &mut Problems<'_>) -> Conditions {
    let blank = |i: Option<usize>| i.is_none_or(|i| record.fields[i].value.trim().is_empty());
    if blank(columns.require) && blank(columns.forbid) {
        return Conditions::default();
    }
    let own = own_words(record.fields[columns.pattern].value.trim());
    let mut read = |i: Option<usize>, name: &str| match i {
        Some(i) => read_condition_list(&record.fields[i], name, &own, problems),
        None => Vec::new(),
    };
    Conditions { line: 0, require: read(columns.require, "require"), forbid: read(columns.forbid, "forbid") }
}

/// The shortest words the row's pattern matches, one per word of the pattern that has a
/// letter (`besetzte*` → `besetzte`; `von * befreit` → `von`, `befreit`), lower-cased.
fn own_words(pattern: &str) -> Vec<String> {
    let pattern = pattern.strip_prefix('!').unwrap_or(pattern);
    Pattern::compile(pattern)
        .map(|p| p.words.iter().filter(|w| !w.parts.is_empty()).map(|w| w.parts.concat()).collect())
        .unwrap_or_default()
}

/// The patterns of a `;`-separated condition field (empty when the field is blank). Each
/// problem points at its pattern where the column can be counted (no `""` escape or line
/// break before it in a quoted field), otherwise at the field.
///
/// A one-word pattern that matches one of the row's `own` words is reported: it would make
/// a `require` always met, or a `forbid` drop every match of the row.
fn read_condition_list(field: &Field<'_>, name: &str, own: &[String], problems: &mut Problems<'_>) -> Vec<String> {
    let value: &str = &field.value;
    let mut list: Vec<String> = Vec::new();
    if value.trim().is_empty() {
        return list;
    }
    let mut keys: Vec<String> = Vec::new();
    let mut at = 0;
    for raw in value.split(';') {
        let start = at + (raw.len() - raw.trim_start().len());
        at += raw.len() + 1;
        let item = raw.trim();
        let before = &value[..start];
        let column = if before.contains(['"', '\n']) {
            field.column
        } else {
            field.column + usize::from(field.quoted) + before.chars().count()
        };
        let mut report = |message: String| problems.add(field.line, column, message);
        if item.is_empty() {
            report(format!("empty pattern in `{name}`: remove the extra `;`"));
        } else if item.starts_with('!') {
            report(format!("pattern `{item}` in `{name}` starts with `!`: conditions are plain patterns"));
        } else if !can_match(item) {
            report(format!("pattern `{item}` in `{name}` would match every word: it needs a letter or digit"));
        } else {
            let key = normalise(item);
            let glob = Pattern::compile(item).filter(|p| p.words.len() == 1);
            let own_word = glob.and_then(|p| own.iter().find(|w| p.words[0].matches(w)));
            if keys.contains(&key) {
                report(format!("pattern `{item}` appears twice in `{name}`"));
            } else if let Some(word) = own_word {
                let effect = if name == "require" { "the requirement is always met" } else { "the row never applies" };
                report(format!("pattern `{item}` in `{name}` matches the row's own word `{word}`: {effect}"));
            } else {
                keys.push(key);
                list.push(item.to_owned());
            }
        }
    }
    list
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

/// Reads CSV text record by record, skipping blank lines and lines starting with `#`.
/// Malformed quoting is reported; an unterminated quote ends the file. The characters
/// that structure a record (`"`, `,`, line breaks) are ASCII, so the text is read by bytes;
/// columns count characters.
struct Records<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    at: usize,
    line: usize,
    column: usize,
    /// An unterminated quote ended the text.
    ended: bool,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Self {
        Records { text, at: 0, line: 1, column: 1, ended: false }
    }

    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Steps over `n` bytes on one line.
    fn advance(&mut self, n: usize) {
        let bytes = &self.text.as_bytes()[self.at..self.at + n];
        // A character is one byte that is not a continuation byte.
        self.column += bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        self.at += n;
    }

    /// Steps over a line break.
    fn next_line(&mut self) {
        self.at += 1;
        self.line += 1;
        self.column = 1;
    }

    /// Reads the next record into `record`; false at the end of the text.
    fn read_into(&mut self, record: &mut Record<'a>, problems: &mut Problems<'_>) -> bool {
        record.fields.clear();
        record.broken = false;
        while !self.ended && self.column == 1 && self.at < self.text.len() && starts_skipped_line(&self.text[self.at..])
        {
            match self.text[self.at..].find('\n') {
                Some(i) => {
                    self.at += i;
                    self.next_line();
                }
                None => self.at = self.text.len(),
            }
        }
        if self.ended || self.at >= self.text.len() {
            return false;
        }
        record.line = self.line;
        loop {
            let (line, column) = (self.line, self.column);
            let quoted = self.byte() == Some(b'"');
            let value = if quoted {
                match self.quoted(problems) {
                    Ok(value) => value,
                    Err(partial) => {
                        problems.add(line, column, "unbalanced quote: the quoted field is never closed".to_owned());
                        record.fields.push(Field { value: partial, line, column, quoted: true });
                        record.broken = true;
                        self.ended = true;
                        return true;
                    }
                }
            } else {
                let rest = &self.text[self.at..];
                let len = rest.find([',', '\n']).unwrap_or(rest.len());
                self.advance(len);
                Cow::Borrowed(rest[..len].strip_suffix('\r').unwrap_or(&rest[..len]))
            };
            record.fields.push(Field { value, line, column, quoted });
            match self.byte() {
                Some(b',') => self.advance(1),
                Some(_) => {
                    self.next_line();
                    break;
                }
                None => break,
            }
        }
        true
    }

    /// Reads a quoted field from its opening quote up to the separator or line break after
    /// it (text after the closing quote is reported and skipped). `Err` with the value up to
    /// the end of the text when the quote is never closed.
    fn quoted(&mut self, problems: &mut Problems<'_>) -> Result<Cow<'a, str>, Cow<'a, str>> {
        self.advance(1);
        let mut unescaped: Option<String> = None;
        let mut run = self.at;
        let value = loop {
            let rest = &self.text.as_bytes()[self.at..];
            let Some(stop) = rest.iter().position(|&b| b == b'"' || b == b'\n') else {
                let last = &self.text[run..];
                return Err(match unescaped {
                    Some(value) => Cow::Owned(value + last),
                    None => Cow::Borrowed(last),
                });
            };
            self.advance(stop);
            if self.byte() == Some(b'\n') {
                self.next_line();
                continue;
            }
            if self.text.as_bytes().get(self.at + 1) == Some(&b'"') {
                // `""`: one quote of the value.
                unescaped.get_or_insert_with(String::new).push_str(&self.text[run..=self.at]);
                self.advance(2);
                run = self.at;
                continue;
            }
            let last = &self.text[run..self.at];
            self.advance(1);
            break match unescaped {
                Some(mut value) => {
                    value.push_str(last);
                    Cow::Owned(value)
                }
                None => Cow::Borrowed(last),
            };
        };
        // Only a separator or the end of the line may follow a closing quote.
        while matches!(self.byte(), Some(b' ' | b'\r')) {
            self.advance(1);
        }
        if !matches!(self.byte(), None | Some(b',' | b'\n')) {
            problems.add(self.line, self.column, "unbalanced quote: text after the closing quote".to_owned());
            let rest = &self.text[self.at..];
            self.advance(rest.find([',', '\n']).unwrap_or(rest.len()));
        }
        Ok(value)
    }
}

/// A comment line (`#` first) or a blank line.
fn starts_skipped_line(rest: &str) -> bool {
    rest.starts_with('#') || rest.split('\n').next().unwrap_or("").chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the reference reader below returns it: fields as (value, line, column).
    #[derive(Debug, PartialEq)]
    struct NaiveRecord {
        line: usize,
        fields: Vec<(String, usize, usize)>,
        broken: bool,
    }

    /// The reader as first written: the text as a `Vec<char>`, every field copied char by
    /// char. The reference the byte reader must equal.
    fn naive_records(text: &str, report: &mut dyn FnMut(usize, usize, String)) -> Vec<NaiveRecord> {
        let chars: Vec<char> = text.chars().collect();
        let mut records = Vec::new();
        let mut i = 0;
        let mut line = 1;
        let mut column = 1;
        while i < chars.len() {
            if column == 1 && naive_skipped_line(&chars[i..]) {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                i += 1;
                line += 1;
                continue;
            }
            let mut record = NaiveRecord { line, fields: Vec::new(), broken: false };
            loop {
                let mut field = (String::new(), line, column);
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
                                field.0.push('"');
                                i += 1;
                                column += 1;
                            } else {
                                closed = true;
                                break;
                            }
                        } else {
                            field.0.push(c);
                            if c == '\n' {
                                line += 1;
                                column = 1;
                            }
                        }
                    }
                    if !closed {
                        report(field.1, field.2, "unbalanced quote: the quoted field is never closed".to_owned());
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
                        field.0.push(chars[i]);
                        i += 1;
                        column += 1;
                    }
                    if field.0.ends_with('\r') {
                        field.0.pop();
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
    fn naive_skipped_line(rest: &[char]) -> bool {
        if rest.first() == Some(&'#') {
            return true;
        }
        rest.iter().take_while(|&&c| c != '\n').all(|c| c.is_whitespace())
    }

    /// Every record and problem of `Records` on `text`.
    fn byte_records(text: &str) -> (Vec<NaiveRecord>, Vec<Problem>) {
        let mut problems = Problems { path: "p", list: Vec::new() };
        let mut records = Records::new(text);
        let mut record = Record::default();
        let mut out = Vec::new();
        while records.read_into(&mut record, &mut problems) {
            let fields = record.fields.iter().map(|f| (f.value.to_string(), f.line, f.column)).collect();
            out.push(NaiveRecord { line: record.line, fields, broken: record.broken });
        }
        (out, problems.list)
    }

    fn naive(text: &str) -> (Vec<NaiveRecord>, Vec<Problem>) {
        let mut problems = Vec::new();
        let records = naive_records(text, &mut |line, column, message| {
            problems.push(Problem { path: "p".into(), line, column, message })
        });
        (records, problems)
    }

    #[test]
    fn reads_quotes_escapes_and_line_breaks_in_fields() {
        let text = "# comment\npattern,note\n\n\"a,b\",\"say \"\"hi\"\"\"\r\nä*,\"two\nlines\" x\n\"open";
        let (records, problems) = byte_records(text);
        assert_eq!((&records, &problems), (&naive(text).0, &naive(text).1));
        let values: Vec<Vec<&str>> = records.iter().map(|r| r.fields.iter().map(|f| f.0.as_str()).collect()).collect();
        assert_eq!(
            values,
            [vec!["pattern", "note"], vec!["a,b", "say \"hi\""], vec!["ä*", "two\nlines"], vec!["open"]]
        );
        // "two⏎lines" opens on line 5 at column 4 (ä is one character, two bytes).
        assert_eq!((records[2].fields[1].1, records[2].fields[1].2), (5, 4));
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            messages,
            [
                "p:6:8: unbalanced quote: text after the closing quote",
                "p:7:1: unbalanced quote: the quoted field is never closed"
            ]
        );
        assert!(records[3].broken);
    }

    proptest::proptest! {
        /// Any text of CSV's special characters, letters of one to three bytes, and spaces:
        /// the same records, positions and problems as the reference reader.
        #[test]
        fn byte_reader_equals_the_char_reader(text in "[\",\n\r #aä€ \u{a0}]{0,40}") {
            proptest::prop_assert_eq!(byte_records(&text), naive(&text));
        }
    }
}
