//! Sheets as tables of text: reading `.xlsx` (calamine) and `.csv` in the flavours
//! spreadsheets save (BOM or not, `,` or `;`, CRLF or LF), and writing spreadsheet-bound CSV.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use super::ReviewError;

/// A sheet read as text: its header and its rows, each with the row number the
/// spreadsheet shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file.
    pub file: PathBuf,
    /// The sheet's name (for CSV the file stem, as a spreadsheet names it).
    pub sheet: String,
    /// Header cells, trimmed.
    pub header: Vec<String>,
    /// Rows after the header with their 1-based spreadsheet row numbers.
    pub rows: Vec<(u32, Vec<String>)>,
}

impl Table {
    /// Index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Cell `col` of `row` (empty when the row is short).
    pub fn cell(row: &[String], col: Option<usize>) -> &str {
        col.and_then(|c| row.get(c)).map(String::as_str).unwrap_or("")
    }
}

/// Whether a path names a workbook (by extension).
pub fn is_xlsx(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Reads sheet `name` of a workbook (or its first sheet when `name` is `None` or absent)
/// as a table; `None` when the workbook has no such sheet and `required` is false.
pub fn read_xlsx(path: &Path, name: Option<&str>) -> Result<Table, ReviewError> {
    let wb_err = |message: String| ReviewError::Workbook { path: path.to_path_buf(), message };
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| wb_err(e.to_string()))?;
    let names = book.sheet_names();
    let sheet = match name {
        Some(n) if names.iter().any(|s| s == n) => n.to_string(),
        _ => names.first().cloned().ok_or_else(|| wb_err("no sheets".into()))?,
    };
    let range = book.worksheet_range(&sheet).map_err(|e| wb_err(e.to_string()))?;
    Ok(table_of_range(path, &sheet, &range))
}

/// Sheet `name` of a workbook as a table, or `None` when there is no such sheet.
pub fn read_xlsx_sheet(path: &Path, name: &str) -> Result<Option<Table>, ReviewError> {
    let wb_err = |message: String| ReviewError::Workbook { path: path.to_path_buf(), message };
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| wb_err(e.to_string()))?;
    if !book.sheet_names().iter().any(|s| s == name) {
        return Ok(None);
    }
    let range = book.worksheet_range(name).map_err(|e| wb_err(e.to_string()))?;
    Ok(Some(table_of_range(path, name, &range)))
}

/// The cells of a range as text, rows numbered as the spreadsheet shows them.
fn table_of_range(path: &Path, sheet: &str, range: &calamine::Range<Data>) -> Table {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        // Cells left of the range's first column are empty; keep columns aligned with A.
        let mut row: Vec<String> = vec![String::new(); first_col as usize];
        row.extend(cells.iter().map(cell_text));
        (first_row + i as u32 + 1, row)
    });
    let header = rows.next().map(|(_, h)| h.into_iter().map(|c| c.trim().to_string()).collect()).unwrap_or_default();
    let rows = rows.filter(|(_, r)| r.iter().any(|c| !c.is_empty())).collect();
    Table { file: path.to_path_buf(), sheet: sheet.to_string(), header, rows }
}

/// A cell as the text a person sees: whole numbers without `.0`.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads a CSV file as a spreadsheet saved it: a UTF-8 byte-order mark is dropped, a
/// legacy encoding or UTF-16 decoded, the
/// separator is `;` when the header has more `;` than `,`, line ends may be CRLF.
pub fn read_csv(path: &Path) -> Result<Table, ReviewError> {
    // Excel's plain "CSV" is windows-1252, "Unicode text" UTF-16: decoded as `analyze`
    // decodes text; UTF-8 with stray bytes stays an error naming the line.
    let sheet = crate::corpus::SpreadsheetCsv::read(path, crate::corpus::MAX_INPUT_FILE_BYTES)
        .map_err(|e| ReviewError::io(path, e))?;
    let (bytes, delimiter) = (&sheet.bytes[..], sheet.delimiter);
    let line_at = |byte: u64| sheet.line_at(byte) as u32;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let csv_err = |message: String| ReviewError::Csv { path: path.to_path_buf(), message };
    let mut all = Vec::new();
    for rec in reader.byte_records() {
        let rec = rec.map_err(|e| csv_err(format!("malformed CSV: {e}")))?;
        let line = rec.position().map(|p| line_at(p.byte())).unwrap_or(0);
        let cells = rec
            .iter()
            .map(|f| {
                String::from_utf8(f.to_vec())
                    .map(|s| s.trim_end_matches('\r').to_string())
                    .map_err(|_| csv_err(format!("line {line}: not UTF-8; save the sheet as CSV UTF-8")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        all.push((line, cells));
    }
    let mut rows = all.into_iter();
    let header = rows.next().map(|(_, h)| h.into_iter().map(|c| c.trim().to_string()).collect()).unwrap_or_default();
    let sheet = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let rows = rows.filter(|(_, r)| r.iter().any(|c| !c.is_empty())).collect();
    Ok(Table { file: path.to_path_buf(), sheet, header, rows })
}

/// Reads the coding sheet of a file: sheet [`super::REVIEW_SHEET`] of a workbook (or its
/// first sheet), or a CSV file.
pub fn read_sheet(path: &Path) -> Result<Table, ReviewError> {
    if is_xlsx(path) {
        read_xlsx(path, Some(super::REVIEW_SHEET))
    } else {
        read_csv(path)
    }
}

/// The flavour of a spreadsheet-bound CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFlavour {
    /// UTF-8, `,`, `\n`.
    Plain,
    /// What a German Excel opens right by double-click: UTF-8 with a byte-order mark, `;`,
    /// CRLF.
    Excel,
    /// Data for programs (`framing train`): UTF-8, `,`, `\n`, cells byte-faithful (not
    /// defused).
    Data,
}

/// A cell made safe for a spreadsheet (OWASP CSV injection): text starting with `=`, `+`,
/// `-`, `@`, tab or CR gets a leading `'`, so it is shown as text and never run as a formula.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Undoes [`defuse`] on a cell read back.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if matches!(rest.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) => rest,
        _ => cell,
    }
}

/// Spreadsheet-bound CSV text of a header and rows, every cell defused.
pub fn csv_bytes(flavour: CsvFlavour, header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, ReviewError> {
    let mut out = Vec::new();
    let (delimiter, terminator) = match flavour {
        CsvFlavour::Plain | CsvFlavour::Data => (b',', csv::Terminator::Any(b'\n')),
        CsvFlavour::Excel => {
            out.extend_from_slice(b"\xEF\xBB\xBF");
            (b';', csv::Terminator::CRLF)
        }
    };
    {
        let mut w = csv::WriterBuilder::new().delimiter(delimiter).terminator(terminator).from_writer(&mut out);
        let err = |e: csv::Error| ReviewError::Invalid(format!("cannot write CSV: {e}"));
        w.write_record(header).map_err(err)?;
        for row in rows {
            if flavour == CsvFlavour::Data {
                w.write_record(row).map_err(err)?;
            } else {
                w.write_record(row.iter().map(|c| defuse(c).into_owned())).map_err(err)?;
            }
        }
        w.flush().map_err(|e| ReviewError::Invalid(format!("cannot write CSV: {e}")))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_restored() {
        for s in ["=HYPERLINK(\"http://x\",\"y\")", "+++ Eilmeldung +++", "- 3 Tote", "@a", "\tx"] {
            let d = defuse(s);
            assert_eq!(d.as_bytes()[0], b'\'');
            assert_eq!(restore(&d), s);
        }
        assert_eq!(defuse("Bürger"), "Bürger");
        assert_eq!(restore("'quoted'"), "'quoted'");
    }

    #[test]
    fn excel_csv_is_bom_semicolon_crlf_and_reads_back() {
        let header = vec!["a".to_string(), "b".to_string()];
        let rows = vec![vec!["Bürger; „so“".to_string(), "=1+1".to_string()]];
        let bytes = csv_bytes(CsvFlavour::Excel, &header, &rows).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert_eq!(String::from_utf8_lossy(&bytes[3..]), "a;b\r\n\"Bürger; „so“\";'=1+1\r\n");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        std::fs::write(&p, &bytes).unwrap();
        let t = read_csv(&p).unwrap();
        assert_eq!(t.header, header);
        assert_eq!(t.rows, vec![(2, vec!["Bürger; „so“".to_string(), "'=1+1".to_string()])]);
        assert_eq!(t.sheet, "s");
    }
}
