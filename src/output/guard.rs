//! What `--force` may replace: an earlier framing report, and nothing a user could lose.

use std::path::{Path, PathBuf};

use crate::report::files;

/// What a folder that `--force` may replace holds: the files one command writes, one of
/// which (the marker) shows that the command wrote them.
#[derive(Debug)]
pub struct Layout {
    /// What such a folder is called in messages.
    pub what: &'static str,
    /// The file that must be there, and text it must contain.
    pub marker: (&'static str, &'static str),
    /// Every file name the folder may hold.
    pub files: &'static [&'static str],
    /// The layout of subfolders it may hold (none when `None`).
    pub subfolders: Option<&'static Layout>,
}

/// A report folder of `analyze` or `merge`: its files, the summary page, and the
/// comparisons made from it (they are derived from the report, so replacing it may drop them).
pub const REPORT: Layout = Layout {
    what: "framing report",
    marker: (files::RUN, "\"framing_version\""),
    files: &REPORT_FILES,
    subfolders: Some(&COMPARISON),
};

const REPORT_FILES: [&str; 8] = [
    files::SENTENCES,
    files::MATCHES,
    files::DOCUMENTS,
    files::TERMS,
    files::ERRORS,
    files::RUN,
    files::XLSX,
    crate::research::SUMMARY_FILE,
];

/// A folder of `compare` (`REPORT/compare-BY/`, or `--out`).
pub const COMPARISON: Layout = Layout {
    what: "framing comparison",
    marker: (crate::research::compare::files::FRAMES, "group,frame,documents"),
    files: &crate::research::compare::files::ALL,
    subfolders: None,
};

/// One evaluation of `evaluate` (`NAME.eval/DATA/`, or `--out`).
pub const EVALUATION: Layout = Layout {
    what: "framing evaluation",
    marker: ("metrics.csv", "label,precision,recall,f1,support"),
    files: &["metrics.csv", "confusion.csv"],
    subfolders: None,
};

/// The cross-validation folder of `train` (`NAME.eval/`), with the evaluations in it.
pub const CROSS_VALIDATION: Layout = Layout {
    what: "framing evaluation",
    marker: ("metrics.csv", "label,precision,recall,f1,support"),
    files: &["metrics.csv", "confusion.csv", "folds.csv"],
    subfolders: Some(&EVALUATION),
};

/// What is at a report folder's path when it is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Nothing.
    Nothing,
    /// An empty folder.
    EmptyFolder,
    /// A folder holding a framing report and nothing else.
    Report,
}

/// Why a folder must not be replaced.
pub type Refusal = String;

/// Looks at `target` and decides whether a run may write there: a missing or empty folder
/// always; a non-empty one only with `force` and only when it holds what the command wrote
/// before (`layout`) and is none of the folders a user could lose (`/`, the home folder, an
/// input of the run, a folder containing one or lying inside one).
pub fn inspect(target: &Path, force: bool, inputs: &[PathBuf], layout: &Layout) -> Result<Found, Refusal> {
    let meta = match std::fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(e.to_string()),
    };
    if !meta.is_dir() {
        return Err("exists and is not a folder; it is not replaced".into());
    }
    let mut entries = std::fs::read_dir(target).map_err(|e| e.to_string())?;
    if entries.next().is_none() {
        return Ok(Found::EmptyFolder);
    }
    if !force {
        return Err(format!("folder exists and is not empty (use --force to replace an earlier {})", layout.what));
    }
    let canonical = target.canonicalize().map_err(|e| e.to_string())?;
    if canonical.parent().is_none() {
        return Err("is the root folder; --force never replaces it".into());
    }
    if home().is_some_and(|home| home == canonical) {
        return Err("is the home folder; --force never replaces it".into());
    }
    for input in inputs {
        let Ok(input) = input.canonicalize() else { continue };
        if input == canonical {
            return Err("is an input of this run (the corpus); --force never replaces it".into());
        }
        if input.starts_with(&canonical) {
            return Err(format!("contains an input of this run ({}); --force never replaces it", input.display()));
        }
        if canonical.starts_with(&input) {
            return Err(format!("lies inside an input of this run ({}); --force never replaces it", input.display()));
        }
    }
    holds_only(target, layout)?;
    Ok(Found::Report)
}

/// Whether a folder holds what `layout` describes and nothing else.
pub fn holds_only(folder: &Path, layout: &Layout) -> Result<(), Refusal> {
    let not_ours = |what: String| {
        format!(
            "{what}: it does not look like a {}, so --force does not replace it (remove it yourself or choose another --out)",
            layout.what
        )
    };
    let (marker, text) = layout.marker;
    let content = std::fs::read(folder.join(marker)).map_err(|_| not_ours(format!("has no {marker}")))?;
    if !content.windows(text.len()).any(|w| w == text.as_bytes()) {
        return Err(not_ours(format!("its {marker} was not written by framing")));
    }
    for entry in std::fs::read_dir(folder).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        let known = name.to_str().is_some_and(|n| layout.files.contains(&n));
        match (kind.is_file() && known, layout.subfolders) {
            (true, _) => {}
            (false, Some(inner)) if kind.is_dir() => holds_only(&entry.path(), inner)?,
            _ => {
                return Err(not_ours(format!("holds `{}`, which framing does not write", name.to_string_lossy())));
            }
        }
    }
    Ok(())
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).and_then(|h| PathBuf::from(h).canonicalize().ok())
}
