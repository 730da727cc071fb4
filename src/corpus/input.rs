//! Files read whole outside a corpus walk: a lexicon, the `--meta` table, labeled data, a
//! text for `segment` or `predict`, standard input. They are bounded in size and must be
//! regular files, so a wrong path (a device, a disk image) cannot take all memory.

use std::path::Path;

use super::decode::{decode, Decoded};
use crate::Error;

/// The largest input file read whole outside a corpus walk (lexicon, `--meta`, labeled
/// data, a text for `segment`): 1 GB, far above any real one, and a bound on what a wrong
/// path (a disk image, a log) can cost.
pub const MAX_INPUT_FILE_BYTES: u64 = 1 << 30;

/// Reads a whole input file of at most `max` bytes. Only regular files (or links to one)
/// are read: `/dev/zero`, a FIFO or a terminal would be read until memory runs out.
pub fn read_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a folder" } else { "a device, FIFO or socket" };
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("is {what}, not a regular file; give the path of a file"),
        ));
    }
    let too_large = |len: u64| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{len} bytes is larger than the {max} bytes an input file may have"),
        )
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read stops at the limit too.
    std::fs::File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads and decodes all of standard input, at most [`MAX_INPUT_FILE_BYTES`] (`segment -`,
/// `predict -`).
pub fn read_stdin_text() -> Result<Decoded, Error> {
    use std::io::Read;
    let name = "standard input";
    let max = MAX_INPUT_FILE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin().lock().take(max + 1).read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
    if bytes.len() as u64 > max {
        let message = format!("more than the {max} bytes an input may have");
        return Err(Error::io(name, std::io::Error::new(std::io::ErrorKind::InvalidInput, message)));
    }
    decode(&bytes).map_err(|e| Error::io(name, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Reads and decodes one file outside a corpus walk (for `segment`, `predict`, `lexicon test`).
pub fn read_text_file(path: &Path) -> Result<Decoded, Error> {
    let bytes = read_regular_file(path, MAX_INPUT_FILE_BYTES).map_err(|e| Error::io(path, e))?;
    decode(&bytes).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

/// A CSV file as a spreadsheet saves it, ready for the csv crate: its bytes (windows-1252
/// and UTF-16, as Excel's "CSV" and "Unicode text" are, decoded as `analyze` decodes text;
/// UTF-8 with stray bytes kept as it is, so that the reader names the line; a byte-order
/// mark removed), the separator (`;`, German Excel's, when the first line has more `;` than
/// `,`), and where each line ends (for line numbers: the csv crate's own count is off by
/// one on CRLF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpreadsheetCsv {
    /// The text, UTF-8 unless it had stray bytes.
    pub bytes: Vec<u8>,
    /// `,` or `;`.
    pub delimiter: u8,
    /// Byte offsets of the `\n`s.
    pub newlines: Vec<usize>,
}

impl SpreadsheetCsv {
    /// Reads `path` (at most `max` bytes).
    pub fn read(path: &Path, max: u64) -> std::io::Result<SpreadsheetCsv> {
        Ok(SpreadsheetCsv::from_bytes(read_regular_file(path, max)?))
    }

    /// The same from bytes already read.
    pub fn from_bytes(raw: Vec<u8>) -> SpreadsheetCsv {
        let mut bytes = match std::str::from_utf8(&raw) {
            Ok(_) => raw,
            Err(_) => match super::decode(&raw) {
                Ok(d) if d.repaired_at.is_empty() => d.text.into_bytes(),
                _ => raw,
            },
        };
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let count = |c: u8| first_line.iter().filter(|&&b| b == c).count();
        let delimiter = if count(b';') > count(b',') { b';' } else { b',' };
        let newlines = bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i).collect();
        SpreadsheetCsv { bytes, delimiter, newlines }
    }

    /// The 1-based line of the record the csv crate reports starting at byte `byte` (on
    /// CRLF the reported start is the `\n` ending the previous line, hence `<=`).
    pub fn line_at(&self, byte: u64) -> u64 {
        self.newlines.partition_point(|&nl| (nl as u64) <= byte) as u64 + 1
    }
}
