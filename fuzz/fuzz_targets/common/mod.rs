//! Helpers shared by the fuzz targets (each target includes this module with `mod common;`).

#![allow(dead_code)]

use std::ops::Range;
use std::path::PathBuf;

/// Writes `data` to a file of this process in the temp directory and returns its path, for
/// the APIs that take a path (`Lexicon::load`, `Model::load`, `MetaTable::load`). The same
/// file is overwritten on every run; `fuzz/run.sh` points `TMPDIR` at its work directory.
pub fn write_temp(target: &str, extension: &str, data: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("framing-fuzz-{target}-{}.{extension}", std::process::id()));
    if let Err(e) = std::fs::write(&path, data) {
        // Not a finding about framing: stop loudly rather than fuzz a stale file.
        panic!("fuzz harness: cannot write {}: {e}", path.display());
    }
    path
}

/// Checks byte spans into `text`: each non-empty, in bounds, on char boundaries, and all in
/// order without overlap; with `gaps_are_space`, what lies between them (from `from` to the
/// end of `text`) is whitespace only.
pub fn check_spans(what: &str, text: &str, from: usize, spans: &[Range<usize>], gaps_are_space: bool) {
    let mut prev = from;
    for (i, s) in spans.iter().enumerate() {
        assert!(s.start < s.end, "{what} {i}: empty or reversed span {s:?}");
        assert!(s.end <= text.len(), "{what} {i}: span {s:?} beyond the text ({} bytes)", text.len());
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "{what} {i}: span {s:?} not on char boundaries"
        );
        assert!(s.start >= prev, "{what} {i}: span {s:?} overlaps or precedes the one before (ends {prev})");
        if gaps_are_space {
            let gap = &text[prev..s.start];
            assert!(gap.trim().is_empty(), "{what} {i}: non-whitespace {gap:?} left between sentences before {s:?}");
        }
        prev = s.end;
    }
    if gaps_are_space {
        let tail = &text[prev..];
        assert!(tail.trim().is_empty(), "{what}: non-whitespace {tail:?} left after the last sentence");
    }
}
