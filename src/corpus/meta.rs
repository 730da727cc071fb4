//! Metadata besides the outlet folder: a `date YYYY-MM[-DD]` prefix and a front-matter block
//! at the top of a text ([`parse_header`]), and the `--meta` table ([`MetaTable`]). How they
//! are merged is [`load_document`](super::load_document)'s business.

use std::collections::HashMap;
use std::path::Path;

use super::input::{read_regular_file, MAX_INPUT_FILE_BYTES};
use super::Metadata;
use crate::Error;

/// Metadata from a `--meta` CSV, keyed by `doc_id`.
#[derive(Debug, Clone, Default)]
pub struct MetaTable {
    rows: HashMap<String, Metadata>,
}

impl MetaTable {
    /// Reads a CSV with a `doc_id` column and any of `date`, `source`, `title`, `url`.
    /// Other columns are refused so that a typo does not silently lose a field.
    pub fn load(path: &Path) -> Result<MetaTable, Error> {
        let csv_err = |line: u64, message: String| Error::Csv { path: path.to_path_buf(), line, message };
        let bytes = read_regular_file(path, MAX_INPUT_FILE_BYTES).map_err(|e| Error::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(&bytes[..]);
        let headers = reader.headers().map_err(|e| csv_err(1, e.to_string()))?.clone();
        let mut columns = [None; 5];
        for (i, name) in headers.iter().enumerate() {
            let slot = match name.trim() {
                "doc_id" => 0,
                "source" => 1,
                "date" => 2,
                "title" => 3,
                "url" => 4,
                other => {
                    return Err(csv_err(
                        1,
                        format!("unknown column `{other}`: expected doc_id, source, date, title, url"),
                    ));
                }
            };
            columns[slot] = Some(i);
        }
        let Some(id_col) = columns[0] else {
            return Err(csv_err(1, "missing column `doc_id`".into()));
        };
        let mut rows = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line());
            let get = |slot: usize| columns[slot].and_then(|i| record.get(i)).unwrap_or("").trim().to_string();
            let doc_id = record.get(id_col).unwrap_or("").trim().to_string();
            if doc_id.is_empty() {
                return Err(csv_err(line, "empty doc_id".into()));
            }
            let date = get(2);
            if !date.is_empty() && parse_date(&date).is_none() {
                return Err(csv_err(line, format!("bad date `{date}`: expected YYYY-MM or YYYY-MM-DD")));
            }
            let meta = Metadata { source: get(1), date, title: get(3), url: get(4) };
            if rows.insert(doc_id.clone(), meta).is_some() {
                return Err(csv_err(line, format!("duplicate doc_id `{doc_id}`")));
            }
        }
        Ok(MetaTable { rows })
    }

    /// Metadata for a document, if the table has a row for it.
    pub fn get(&self, doc_id: &str) -> Option<&Metadata> {
        self.rows.get(doc_id)
    }

    /// `doc_id`s in the table for which `is_in_corpus` is false (sorted), to warn about typos.
    pub fn unknown_ids(&self, is_in_corpus: impl Fn(&str) -> bool) -> Vec<&str> {
        let mut out: Vec<&str> = self.rows.keys().map(String::as_str).filter(|id| !is_in_corpus(id)).collect();
        out.sort_unstable();
        out
    }
}

/// Metadata found at the top of a text and where the body starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// Fields found (date prefix, then front matter overriding it).
    pub meta: Metadata,
    /// Byte offset of the body.
    pub body_start: usize,
}

/// Reads a `date YYYY-MM[-DD]` prefix on the first line and a `---` front-matter block.
pub fn parse_header(text: &str) -> Header {
    let mut header = Header::default();
    let mut pos = 0;
    if let Some((date, end)) = date_prefix(text) {
        header.meta.date = date.to_string();
        pos = end;
    }
    if let Some((fields, end)) = front_matter(&text[pos..]) {
        header.meta.update(&fields);
        pos += end;
    }
    // The body starts at its first non-whitespace character.
    let rest = &text[pos..];
    header.body_start = pos + (rest.len() - rest.trim_start().len());
    header
}

/// ` date 2025-07 Text…` → (`2025-07`, offset after the date). Only on the first line.
fn date_prefix(text: &str) -> Option<(&str, usize)> {
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let rest = text[lead..].strip_prefix("date")?;
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t', ':']).len();
    if spaces == 0 {
        return None;
    }
    let after = &rest[spaces..];
    let date_len = after.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(after.len());
    let date = &after[..date_len];
    parse_date(date)?;
    // The date must end at whitespace or the end of the text, not run into a word.
    if after[date_len..].chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    Some((date, lead + 4 + spaces + date_len))
}

/// Checks `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
pub fn parse_date(s: &str) -> Option<(u16, u8, Option<u8>)> {
    let mut parts = s.split('-');
    let year = parts.next().filter(|p| p.len() == 4)?.parse::<u16>().ok()?;
    let month = parts.next().filter(|p| p.len() == 2)?.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?;
    let day = match parts.next() {
        None => None,
        Some(p) if p.len() == 2 => Some(p.parse::<u8>().ok().filter(|d| (1..=days_in_month(year, month)).contains(d))?),
        Some(_) => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((year, month, day))
}

/// Days of a month in the proleptic Gregorian calendar (2024-02-29 exists, 2023-02-29 and
/// 2024-02-31 do not).
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A leading `---` line, `key: value` lines, and a closing `---` line.
fn front_matter(text: &str) -> Option<(Metadata, usize)> {
    let text_start = text.len() - text.trim_start().len();
    let mut lines = LineIter { text, pos: text_start };
    let (first, _) = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut meta = Metadata::default();
    for (line, end) in lines.by_ref() {
        let line = line.trim_end();
        if line == "---" {
            return Some((meta, end));
        }
        let (key, value) = line.split_once(':')?;
        let value = value.trim().trim_matches('"').to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "date" => meta.date = value,
            "source" => meta.source = value,
            "title" => meta.title = value,
            "url" => meta.url = value,
            _ => {} // other keys (author, tags…) are allowed and ignored
        }
    }
    None
}

/// Lines with the byte offset just after each one (its line break included).
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (line, consumed) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += consumed;
        Some((line.strip_suffix('\r').unwrap_or(line), self.pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefix_with_text_on_same_line() {
        let h = parse_header(" date 2025-07 Im Zuge des Waffenstillstands kam es.");
        assert_eq!(h.meta.date, "2025-07");
        assert_eq!(
            &" date 2025-07 Im Zuge des Waffenstillstands kam es."[h.body_start..],
            "Im Zuge des Waffenstillstands kam es."
        );
    }

    #[test]
    fn dates_must_exist_in_the_calendar() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, Some(29))));
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, Some(29))));
        assert_eq!(parse_date("2024-02-31"), None);
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(parse_date("2025-04-31"), None);
        assert_eq!(parse_date("2025-12-31"), Some((2025, 12, Some(31))));
    }

    #[test]
    fn date_prefix_needs_a_real_date() {
        assert_eq!(parse_header("date 2025-13 Text").meta.date, "");
        assert_eq!(parse_header("dates 2025-07 Text").meta.date, "");
        assert_eq!(parse_header("Das date 2025-07 Text").meta.date, "");
        assert_eq!(parse_header("date 2025-07-31\nText").meta.date, "2025-07-31");
    }

    #[test]
    fn front_matter_sets_fields_and_body() {
        let text = "---\ntitle: \"Waffenruhe hält\"\nsource: taz\ndate: 2024-11-25\nauthor: X\n---\n\nDer Text.";
        let h = parse_header(text);
        assert_eq!(
            h.meta,
            Metadata {
                source: "taz".into(),
                date: "2024-11-25".into(),
                title: "Waffenruhe hält".into(),
                url: String::new()
            }
        );
        assert_eq!(&text[h.body_start..], "Der Text.");
    }

    #[test]
    fn unterminated_front_matter_is_text() {
        let h = parse_header("---\ntitle: x\nDer Text.");
        assert_eq!(h, Header::default());
    }
}
