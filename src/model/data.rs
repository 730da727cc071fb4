//! Reading labeled CSV files (header row; CRLF or LF; RFC 4180 quoting) with errors that
//! name the file and the line.

use std::path::{Path, PathBuf};

/// A labeled row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line of the record in the file (the header is line 1).
    pub line: u64,
    /// Text column.
    pub text: String,
    /// Label column, trimmed.
    pub label: String,
}

/// Why a labeled file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A problem at a line of the file.
    #[error("{path}:{line}: {message}")]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A problem with the file as a whole.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A CSV file's header and its records with their 1-based line numbers.
pub type Records = (Vec<String>, Vec<(u64, Vec<String>)>);

/// Reads a whole CSV file as records with their line numbers: the header and the rows.
///
/// Read the way a spreadsheet saves CSV: a UTF-8 byte-order mark is dropped; a file in a
/// legacy encoding (Excel's "CSV" is windows-1252) or with a UTF-16 byte-order mark is
/// decoded as `analyze` decodes text; the separator is `;` (German Excel) when the header
/// line has more `;` than `,`. UTF-8 with a few stray bytes stays an error naming the line,
/// as guessing would garble its umlauts.
pub fn read_records(path: &Path) -> Result<Records, DataError> {
    let sheet = crate::corpus::SpreadsheetCsv::read(path, crate::corpus::MAX_INPUT_FILE_BYTES)
        .map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    let (bytes, delimiter) = (&sheet.bytes[..], sheet.delimiter);
    let line_at = |byte: u64| sheet.line_at(byte);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(false).delimiter(delimiter).from_reader(bytes);
    let mut records = reader.byte_records();
    let row_err = |line: u64, message: String| DataError::Row { path: path.to_path_buf(), line, message };
    let to_strings = |line: u64, rec: &csv::ByteRecord| -> Result<Vec<String>, DataError> {
        rec.iter()
            .map(|f| {
                String::from_utf8(f.to_vec()).map(|s| s.trim_end_matches('\r').to_string()).map_err(|e| {
                    row_err(
                        line,
                        format!(
                            "not UTF-8 (byte {} of a field); re-encode the file as UTF-8",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                })
            })
            .collect()
    };
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
        row_err(line, format!("malformed CSV: {e}"))
    };
    let header = match records.next() {
        Some(rec) => {
            let rec = rec.map_err(csv_err)?;
            to_strings(1, &rec)?
        }
        None => return Err(DataError::File { path: path.to_path_buf(), message: "empty file (no header)".into() }),
    };
    let mut rows = Vec::new();
    for rec in records {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map(|p| line_at(p.byte())).unwrap_or(0);
        rows.push((line, to_strings(line, &rec)?));
    }
    Ok((header, rows))
}

/// Index of a named column, or an error listing the columns there are.
pub fn column(path: &Path, header: &[String], name: &str) -> Result<usize, DataError> {
    header.iter().position(|h| h.trim() == name).ok_or_else(|| DataError::File {
        path: path.to_path_buf(),
        message: format!("no column `{name}` in the header (columns: {})", header.join(", ")),
    })
}

/// Reads the text and label columns; empty texts or labels are errors naming the line.
pub fn read_labeled(path: &Path, text_col: &str, label_col: &str) -> Result<Vec<Row>, DataError> {
    let (header, records) = read_records(path)?;
    let ti = column(path, &header, text_col)?;
    let li = column(path, &header, label_col)?;
    let mut rows = Vec::with_capacity(records.len());
    for (line, rec) in records {
        let text = rec.get(ti).cloned().unwrap_or_default();
        let label = rec.get(li).map(|s| s.trim().to_string()).unwrap_or_default();
        let err = |message: String| DataError::Row { path: path.to_path_buf(), line, message };
        if text.trim().is_empty() {
            return Err(err(format!("empty text in column `{text_col}`")));
        }
        if label.is_empty() {
            return Err(err(format!("empty label in column `{label_col}`")));
        }
        rows.push(Row { line, text, label });
    }
    if rows.is_empty() {
        return Err(DataError::File { path: path.to_path_buf(), message: "no data rows".into() });
    }
    Ok(rows)
}
