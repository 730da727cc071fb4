//! Drawing sentences of a report for review, in one pass over `sentences.csv` and
//! `matches.csv` (read in step: a sentence's `n_matches` says how many match rows are its).
//!
//! Every sentence gets a random key from the seed and its `review_id` alone, and each group
//! keeps the sentences with the smallest keys (bottom-k sampling, a reservoir sample whose
//! result does not depend on reading order). Memory is bounded by `--n` per group, not by
//! the report's size; only the document table (`source`, `date` per document) is held whole.

use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::path::{Path, PathBuf};

use super::{review_id, text_check, ReviewError};
use crate::model::cv::SplitMix64;
use crate::report::files;

/// How sentences are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Strategy {
    /// Equal numbers per group where groups are big enough, the rest spread proportionally.
    Stratified,
    /// The sentences the model is least sure of (smallest margin of the two highest
    /// probabilities).
    Uncertain,
    /// A simple random sample.
    Random,
}

/// What groups a stratified sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// The sentence's first frame.
    Frame,
    /// The model's label.
    Label,
    /// The document's source.
    Source,
    /// The sentence's first matched term.
    Term,
    /// The document's month (`YYYY-MM`).
    Month,
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct SampleConfig {
    /// Sentences to draw.
    pub n: usize,
    /// How.
    pub strategy: Strategy,
    /// Groups of a stratified sample.
    pub by: By,
    /// Seed of the keys.
    pub seed: u64,
    /// Only sentences with a lexicon match.
    pub only_matched: bool,
    /// `review_id`s never to draw again.
    pub exclude: HashSet<String>,
}

/// A lexicon match inside a drawn sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The matched text.
    pub surface: String,
    /// Who says it (`authorial`, `quoted`, `reported`, `scare_quote`).
    pub voice: String,
}

/// A drawn sentence with its context: one row of a review sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    /// Stable id.
    pub review_id: String,
    /// Document.
    pub doc_id: String,
    /// Sentence number.
    pub sentence_id: u64,
    /// Source of the document.
    pub source: String,
    /// Date of the document.
    pub date: String,
    /// The sentence before (empty at the start of a document).
    pub previous: String,
    /// The sentence.
    pub text: String,
    /// The sentence after.
    pub next: String,
    /// Matched terms cell.
    pub terms: String,
    /// Frames cell.
    pub frames: String,
    /// The matches, in text order.
    pub hits: Vec<Hit>,
    /// The model's label and confidence, when the report has a model.
    pub predicted: Option<(String, f64)>,
    /// The group it was drawn from.
    pub group: String,
    /// Hash of the text (see [`text_check`]).
    pub check: String,
}

impl ReviewRow {
    /// The voices of the matches, joined by `;` in text order.
    pub fn voices(&self) -> String {
        self.hits.iter().map(|h| h.voice.as_str()).collect::<Vec<_>>().join(";")
    }
}

/// How many sentences a group had and how many were drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// The group.
    pub group: String,
    /// Sentences available (after `--only-matched` and `--exclude`).
    pub available: u64,
    /// Sentences drawn.
    pub drawn: u64,
}

/// The sample and its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Drawn rows, in key order (random, reproducible).
    pub rows: Vec<ReviewRow>,
    /// Per group, in group order.
    pub groups: Vec<GroupCount>,
    /// Sentences read.
    pub sentences: u64,
    /// Sentences left out because an earlier sheet has them.
    pub excluded: u64,
    /// Labels of the report's model, if any.
    pub model_labels: Vec<String>,
}

/// A candidate in a group's reservoir, ordered by key (largest first in the heap).
#[derive(Debug)]
struct Keyed {
    key: (u64, u64),
    row: ReviewRow,
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Keyed {}
impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// A group's bottom-k reservoir.
#[derive(Debug, Default)]
struct Reservoir {
    heap: BinaryHeap<Keyed>,
    available: u64,
}

impl Reservoir {
    /// Whether a candidate of `key` would be kept.
    fn wants(&self, key: (u64, u64), cap: usize) -> bool {
        cap > 0 && (self.heap.len() < cap || self.heap.peek().is_some_and(|top| key < top.key))
    }

    fn offer(&mut self, item: Keyed, cap: usize) {
        if self.wants(item.key, cap) {
            self.heap.push(item);
            if self.heap.len() > cap {
                self.heap.pop();
            }
        }
    }
}

/// The random key of a sentence: seed and review id, nothing else.
fn random_key(seed: u64, id: &str) -> u64 {
    SplitMix64::new(seed ^ crate::text::Fnv1a::hash(id.as_bytes())).next_u64()
}

/// Opens a report CSV.
fn open_csv(dir: &Path, name: &str) -> Result<(PathBuf, csv::Reader<std::fs::File>), ReviewError> {
    let path = dir.join(name);
    let file = std::fs::File::open(&path).map_err(|e| ReviewError::io(&path, e))?;
    Ok((path, csv::ReaderBuilder::new().from_reader(file)))
}

/// Index of a column of a report file.
fn col(path: &Path, header: &csv::StringRecord, name: &str) -> Result<usize, ReviewError> {
    header.iter().position(|h| h == name).ok_or_else(|| ReviewError::Csv {
        path: path.to_path_buf(),
        message: format!("no `{name}` column: is this a report of `framing analyze`?"),
    })
}

/// `matches.csv` read in step with `sentences.csv`: both are in document and sentence
/// order, and a sentence's `n_matches` says how many match rows are its.
pub struct MatchSteps {
    path: PathBuf,
    reader: csv::Reader<std::fs::File>,
    rec: csv::StringRecord,
    cols: [usize; 4],
}

impl MatchSteps {
    /// Opens `matches.csv` of the report in `dir`.
    pub fn open(dir: &Path) -> Result<MatchSteps, ReviewError> {
        let (path, mut reader) = open_csv(dir, files::MATCHES)?;
        let header =
            reader.headers().map_err(|e| ReviewError::Csv { path: path.clone(), message: e.to_string() })?.clone();
        let mut cols = [0; 4];
        for (c, name) in cols.iter_mut().zip(["doc_id", "sentence_id", "surface", "voice"]) {
            *c = col(&path, &header, name)?;
        }
        Ok(MatchSteps { path, reader, rec: csv::StringRecord::new(), cols })
    }

    /// The next `n` matches, which must be those of sentence `sentence_id` of `doc_id` (at
    /// `line` of `sentences`).
    pub fn take(
        &mut self,
        doc_id: &str,
        sentence_id: &str,
        n: usize,
        sentences: &Path,
        line: u64,
    ) -> Result<Vec<Hit>, ReviewError> {
        let [m_doc, m_sid, m_surface, m_voice] = self.cols;
        let mut hits = Vec::with_capacity(n);
        for _ in 0..n {
            let more = self
                .reader
                .read_record(&mut self.rec)
                .map_err(|e| ReviewError::Csv { path: self.path.clone(), message: e.to_string() })?;
            if !more {
                return Err(ReviewError::Csv {
                    path: self.path.clone(),
                    message: format!("ends before the matches of {} line {line}", sentences.display()),
                });
            }
            if self.rec.get(m_doc) != Some(doc_id) || self.rec.get(m_sid) != Some(sentence_id) {
                return Err(ReviewError::Csv {
                    path: self.path.clone(),
                    message: format!(
                        "out of step with {} at line {line}: not a report of one run",
                        sentences.display()
                    ),
                });
            }
            hits.push(Hit {
                surface: self.rec.get(m_surface).unwrap_or("").to_string(),
                voice: self.rec.get(m_voice).unwrap_or("").to_string(),
            });
        }
        Ok(hits)
    }
}

/// A sentence read and waiting for the next one (its `next` context).
struct Pending {
    row: ReviewRow,
    key: (u64, u64),
}

/// Draws a sample from the report in `dir`.
pub fn draw(dir: &Path, config: &SampleConfig) -> Result<Sample, ReviewError> {
    let docs = read_documents(dir)?;
    let (s_path, mut sentences) = open_csv(dir, files::SENTENCES)?;
    let mut steps = MatchSteps::open(dir)?;
    let csv_err = |path: &Path, e: csv::Error| ReviewError::Csv { path: path.to_path_buf(), message: e.to_string() };
    let sh = sentences.headers().map_err(|e| csv_err(&s_path, e))?.clone();
    let [s_doc, s_sid, s_text, s_nm, s_frames, s_terms] =
        ["doc_id", "sentence_id", "text", "n_matches", "frames", "terms"].map(|n| col(&s_path, &sh, n));
    let (s_doc, s_sid, s_text, s_nm, s_frames, s_terms) = (s_doc?, s_sid?, s_text?, s_nm?, s_frames?, s_terms?);
    let s_label = sh.iter().position(|h| h == "label");
    let s_conf = sh.iter().position(|h| h == "confidence");
    let probs: Vec<usize> = sh.iter().enumerate().filter(|(_, h)| h.starts_with("p_")).map(|(i, _)| i).collect();
    let model_labels: Vec<String> =
        sh.iter().filter_map(|h| h.strip_prefix("p_")).map(String::from).collect::<Vec<_>>();
    if config.strategy == Strategy::Uncertain && probs.len() < 2 {
        return Err(ReviewError::Invalid(format!(
            "--strategy uncertain needs a report made with a model (no p_ columns in {})",
            s_path.display()
        )));
    }
    if config.strategy == Strategy::Stratified && config.by == By::Label && s_label.is_none() {
        return Err(ReviewError::Invalid(format!(
            "--by label needs a report made with a model (no label column in {})",
            s_path.display()
        )));
    }
    let cap = config.n;
    let mut groups: BTreeMap<String, Reservoir> = BTreeMap::new();
    let mut pending: Option<Pending> = None;
    let mut previous = String::new();
    let mut last_doc = String::new();
    let (mut n_sentences, mut excluded) = (0u64, 0u64);
    let mut srec = csv::StringRecord::new();
    let finish = |p: Pending, next: String, groups: &mut BTreeMap<String, Reservoir>| {
        let g = groups.entry(p.row.group.clone()).or_default();
        let mut row = p.row;
        row.next = next;
        g.offer(Keyed { key: p.key, row }, cap);
    };
    while sentences.read_record(&mut srec).map_err(|e| csv_err(&s_path, e))? {
        n_sentences += 1;
        let line = srec.position().map(|p| p.line()).unwrap_or(0);
        let doc_id = srec.get(s_doc).unwrap_or("");
        let sid_text = srec.get(s_sid).unwrap_or("");
        let text = srec.get(s_text).unwrap_or("");
        let n_matches: usize = srec.get(s_nm).and_then(|n| n.parse().ok()).unwrap_or(0);
        let hits = steps.take(doc_id, sid_text, n_matches, &s_path, line)?;
        if doc_id != last_doc {
            if let Some(p) = pending.take() {
                finish(p, String::new(), &mut groups);
            }
            previous.clear();
            last_doc.clear();
            last_doc.push_str(doc_id);
        }
        if let Some(p) = pending.take() {
            finish(p, text.to_string(), &mut groups);
        }
        let id = review_id(doc_id, sid_text);
        let skip_unmatched = config.only_matched && n_matches == 0;
        if config.exclude.contains(&id) {
            excluded += 1;
        }
        // A sentence the model did not score (`--lang auto`, another language) has no margin.
        let unscored =
            config.strategy == Strategy::Uncertain && s_label.and_then(|c| srec.get(c)).is_none_or(str::is_empty);
        if !skip_unmatched && !unscored && !config.exclude.contains(&id) {
            let (source, date) = docs.get(doc_id).cloned().unwrap_or_default();
            let frames = srec.get(s_frames).unwrap_or("");
            let terms = srec.get(s_terms).unwrap_or("");
            let first = |cell: &str| cell.split(';').next().unwrap_or("").trim().to_string();
            let group = match (config.strategy, config.by) {
                (Strategy::Stratified, By::Frame) => first(frames),
                (Strategy::Stratified, By::Term) => first(terms),
                (Strategy::Stratified, By::Label) => s_label.and_then(|c| srec.get(c)).unwrap_or("").to_string(),
                (Strategy::Stratified, By::Source) => source.clone(),
                (Strategy::Stratified, By::Month) => date.get(..7).unwrap_or("").to_string(),
                _ => "all".to_string(),
            };
            let group = if group.is_empty() { "(none)".to_string() } else { group };
            let random = random_key(config.seed, &id);
            let key = if config.strategy == Strategy::Uncertain {
                let mut p: Vec<f64> =
                    probs.iter().map(|&c| srec.get(c).and_then(|v| v.parse().ok()).unwrap_or(0.0)).collect();
                p.sort_by(|a, b| b.total_cmp(a));
                // Margins in millionths: smaller first, then the random key.
                (((p[0] - p[1]).max(0.0) * 1e6).round() as u64, random)
            } else {
                (random, 0)
            };
            let reservoir = groups.entry(group.clone()).or_default();
            reservoir.available += 1;
            if reservoir.wants(key, cap) {
                let predicted = match (s_label.and_then(|c| srec.get(c)), s_conf.and_then(|c| srec.get(c))) {
                    (Some(l), Some(c)) if !l.is_empty() => Some((l.to_string(), c.parse().unwrap_or(f64::NAN))),
                    _ => None,
                };
                pending = Some(Pending {
                    key,
                    row: ReviewRow {
                        review_id: id,
                        doc_id: doc_id.to_string(),
                        sentence_id: sid_text.parse().unwrap_or(0),
                        source,
                        date,
                        previous: previous.clone(),
                        text: text.to_string(),
                        next: String::new(),
                        terms: terms.to_string(),
                        frames: frames.to_string(),
                        hits,
                        predicted,
                        group,
                        check: text_check(text),
                    },
                });
            }
        }
        previous.clear();
        previous.push_str(text);
    }
    if let Some(p) = pending.take() {
        finish(p, String::new(), &mut groups);
    }
    let available: Vec<u64> = groups.values().map(|g| g.available).collect();
    let quotas = allocate(config.n, &available);
    let mut rows = Vec::new();
    let mut counts = Vec::new();
    for ((name, reservoir), quota) in groups.into_iter().zip(quotas) {
        let mut kept = reservoir.heap.into_sorted_vec();
        kept.truncate(quota as usize);
        counts.push(GroupCount { group: name, available: reservoir.available, drawn: kept.len() as u64 });
        rows.extend(kept);
    }
    rows.sort();
    Ok(Sample {
        rows: rows.into_iter().map(|k| k.row).collect(),
        groups: counts,
        sentences: n_sentences,
        excluded,
        model_labels,
    })
}

/// `source` and `date` per document from `documents.csv`.
fn read_documents(dir: &Path) -> Result<std::collections::HashMap<String, (String, String)>, ReviewError> {
    let (path, mut reader) = open_csv(dir, files::DOCUMENTS)?;
    let header = reader.headers().map_err(|e| ReviewError::Csv { path: path.clone(), message: e.to_string() })?.clone();
    let (d, s, t) = (col(&path, &header, "doc_id")?, col(&path, &header, "source")?, col(&path, &header, "date")?);
    let mut out = std::collections::HashMap::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| ReviewError::Csv { path: path.clone(), message: e.to_string() })?;
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        out.insert(get(d), (get(s), get(t)));
    }
    Ok(out)
}

/// How many to draw from each group of `available` sizes: equal shares where groups are
/// big enough (a group smaller than its share gives all it has and the rest is shared
/// again), then what is left, fewer than the groups still open, one each to the groups with
/// the most sentences left (in group order on ties), i.e. proportionally.
pub fn allocate(n: usize, available: &[u64]) -> Vec<u64> {
    let mut quota = vec![0u64; available.len()];
    let mut remaining = n as u64;
    loop {
        let open: Vec<usize> = (0..available.len()).filter(|&i| quota[i] < available[i]).collect();
        if open.is_empty() || remaining == 0 {
            return quota;
        }
        let share = remaining / open.len() as u64;
        if share == 0 {
            let mut by_left = open;
            by_left.sort_by_key(|&i| (std::cmp::Reverse(available[i] - quota[i]), i));
            for &i in by_left.iter().take(remaining as usize) {
                quota[i] += 1;
            }
            return quota;
        }
        for &i in &open {
            let take = share.min(available[i] - quota[i]);
            quota[i] += take;
            remaining -= take;
        }
    }
}

/// The sheets of a review: one, or one per coder. `overlap` (0..1) of the sample goes to
/// every coder, the rest is dealt round-robin; each sheet is shuffled on its own.
pub fn split_for_coders(rows: &[ReviewRow], coders: &[String], overlap: f64, seed: u64) -> Vec<Vec<ReviewRow>> {
    if coders.is_empty() {
        let mut all = rows.to_vec();
        SplitMix64::new(seed).shuffle(&mut all);
        return vec![all];
    }
    let shared = ((rows.len() as f64) * overlap.clamp(0.0, 1.0)).round() as usize;
    let mut sheets: Vec<Vec<ReviewRow>> = vec![rows[..shared].to_vec(); coders.len()];
    for (i, row) in rows[shared..].iter().enumerate() {
        sheets[i % coders.len()].push(row.clone());
    }
    for (sheet, coder) in sheets.iter_mut().zip(coders) {
        SplitMix64::new(seed ^ crate::text::Fnv1a::hash(coder.as_bytes())).shuffle(sheet);
    }
    sheets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_is_equal_where_groups_are_big_and_spreads_the_rest() {
        assert_eq!(allocate(9, &[100, 100, 100]), vec![3, 3, 3]);
        // The small group gives all 2; the other two share the remaining 8.
        assert_eq!(allocate(10, &[2, 50, 50]), vec![2, 4, 4]);
        // One left over goes to the group with the most left.
        assert_eq!(allocate(10, &[50, 80, 50]), vec![3, 4, 3]);
        assert_eq!(allocate(10, &[1, 2]), vec![1, 2]);
        assert_eq!(allocate(0, &[5]), vec![0]);
    }

    #[test]
    fn coders_share_the_overlap_and_split_the_rest() {
        let row = |i: u64| ReviewRow {
            review_id: format!("r{i}"),
            doc_id: "d".into(),
            sentence_id: i,
            source: String::new(),
            date: String::new(),
            previous: String::new(),
            text: String::new(),
            next: String::new(),
            terms: String::new(),
            frames: String::new(),
            hits: Vec::new(),
            predicted: None,
            group: String::new(),
            check: String::new(),
        };
        let rows: Vec<ReviewRow> = (0..10).map(row).collect();
        let sheets = split_for_coders(&rows, &["anna".into(), "ben".into()], 0.2, 1);
        assert_eq!(sheets[0].len(), 6);
        assert_eq!(sheets[1].len(), 6);
        let ids = |s: &[ReviewRow]| s.iter().map(|r| r.review_id.clone()).collect::<HashSet<_>>();
        let both: HashSet<_> = ids(&sheets[0]).intersection(&ids(&sheets[1])).cloned().collect();
        assert_eq!(both, ["r0".to_string(), "r1".to_string()].into_iter().collect());
    }
}
