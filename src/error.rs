//! The crate's top-level error: every stage's typed error converts into it.

use std::path::PathBuf;

/// Any fatal error of a library call; per-document problems are not errors but
/// [`crate::corpus::Skip`] records.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a path failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A CSV file (metadata, labels) is malformed.
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The output directory cannot be used.
    #[error("{path}: {message}")]
    Output {
        /// The directory.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A lexicon could not be loaded.
    #[error(transparent)]
    Lexicon(#[from] crate::lexicon::LexiconError),
    /// A model could not be loaded or used.
    #[error(transparent)]
    Model(#[from] crate::model::ModelError),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}
