//! The facts of a run that `analyze` writes and `merge` reads: `run.json` ([`RunInfo`]),
//! its [`Counts`], and the [`Shard`] a partial run covers. Both commands use them from here,
//! so neither imports the other.

use crate::Lang;

/// A deterministic subset of a corpus: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("bad shard `{s}`: expected K/N, e.g. 2/8"))?;
        let index: u32 = k.trim().parse().map_err(|_| format!("bad shard `{s}`: K must be a number"))?;
        let count: u32 = n.trim().parse().map_err(|_| format!("bad shard `{s}`: N must be a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("bad shard `{s}`: expected 1 ≤ K ≤ N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether a document belongs to this shard: FNV-1a of the `doc_id`, stable across
    /// machines and releases.
    pub fn contains(&self, doc_id: &str) -> bool {
        crate::text::Fnv1a::hash(doc_id.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Documents analysed.
    pub documents_ok: u64,
    /// Documents (and walk entries) skipped, listed in `errors.csv`.
    pub documents_skipped: u64,
    /// Documents analysed after invalid bytes were replaced, listed in `errors.csv` as
    /// `repaired` (also counted in `documents_ok`).
    #[serde(default)]
    pub documents_repaired: u64,
    /// Sentences written.
    pub sentences: u64,
    /// Matches written.
    pub matches: u64,
    /// Bytes of input read.
    pub bytes: u64,
    /// Documents analysed per identified language (`de`, `en`, another ISO 639-3 code, or
    /// `""` when unsure; see [`crate::lang::identify`]).
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, u64>,
}

/// `run.json`: what produced the reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunInfo {
    /// Version of framing.
    pub framing_version: String,
    /// Arguments of the process.
    pub command_line: Vec<String>,
    /// Corpus root.
    pub corpus: String,
    /// Rules language (with `--lang auto`, the one for documents in other languages).
    pub lang: Lang,
    /// With `--lang auto`, the languages whose rules each document could get, else empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Lang>,
    /// Lexicon files and their hashes.
    pub lexicons: Vec<FileHash>,
    /// The lexicon's identity as a model file records it (`lexicon_sha256`: the sha256 of
    /// the files' sha256s, one per line), so a report and a model can be compared directly.
    /// Empty in reports written before 0.2.
    #[serde(default)]
    pub lexicon_sha256: String,
    /// The model, if any.
    pub model: Option<ModelInfo>,
    /// Worker threads.
    pub threads: usize,
    /// `K/N` when sharded.
    pub shard: Option<String>,
    /// Counts.
    pub counts: Counts,
    /// Wall time in seconds.
    pub elapsed_seconds: f64,
}

/// A file and its sha256.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileHash {
    /// Path as given.
    pub path: String,
    /// Hex sha256.
    pub sha256: String,
}

/// The model of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelInfo {
    /// `NAME@hash` as in `sentences.csv`.
    pub version: String,
    /// Hex sha256 of the model file.
    pub sha256: String,
    /// Its labels.
    pub labels: Vec<String>,
    /// The lexicon identity the model was trained with (compare with the run's
    /// `lexicon_sha256`); empty for models trained without lexicon features.
    #[serde(default)]
    pub lexicon_sha256: String,
}
