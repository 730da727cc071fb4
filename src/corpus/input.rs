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
