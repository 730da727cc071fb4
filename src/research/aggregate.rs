//! Reading one or more report folders into per-group, per-document aggregates, streaming
//! each row file once: `documents.csv` (one small record per document is kept, for the
//! cluster-robust intervals and the monthly lines), then `matches.csv`, whose rows are only
//! counted (sentences with a frame included), and `sentences.csv` only for `--terms all`.
//! Memory grows with documents, groups and distinct terms, never with sentences or matches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::stats::ClusterSums;
use super::ResearchError;
use crate::lexicon::voice::Voice;
use crate::report::files;
use crate::report::run::RunInfo;

/// How documents are put into groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// The `source` column (the outlet).
    Source,
    /// `YYYY-MM` of the `date` column.
    Month,
    /// `YYYY` of the `date` column.
    Year,
    /// Source and month: `globe/2024-11`.
    SourceMonth,
    /// Any other column of `documents.csv`.
    Column(String),
}

/// Group name of documents without the value grouped by.
pub const MISSING: &str = "(none)";

impl GroupBy {
    /// Parses `source`, `month`, `year`, `source,month` or a column name.
    pub fn parse(s: &str) -> Result<GroupBy, String> {
        Ok(match s.trim() {
            "" => return Err("--by needs a value: source, month, year, source,month or a documents.csv column".into()),
            "source" => GroupBy::Source,
            "month" => GroupBy::Month,
            "year" => GroupBy::Year,
            "source,month" => GroupBy::SourceMonth,
            other => GroupBy::Column(other.to_string()),
        })
    }

    /// The name in folder names and messages: `source`, `source-month`, the column.
    pub fn name(&self) -> String {
        match self {
            GroupBy::Source => "source".into(),
            GroupBy::Month => "month".into(),
            GroupBy::Year => "year".into(),
            GroupBy::SourceMonth => "source-month".into(),
            GroupBy::Column(c) => c.replace(|c: char| !c.is_alphanumeric() && c != '_' && c != '-', "_"),
        }
    }

    /// The group of a document from its source, date and the grouping column's value.
    fn group_of(&self, source: &str, date: &str, column: Option<&str>) -> String {
        let or_missing = |s: &str| if s.is_empty() { MISSING.to_string() } else { s.to_string() };
        match self {
            GroupBy::Source => or_missing(source),
            GroupBy::Month => month_of(date).map_or(MISSING.into(), str::to_string),
            GroupBy::Year => month_of(date).map_or(MISSING.into(), |m| m[..4].to_string()),
            GroupBy::SourceMonth => {
                format!("{}/{}", or_missing(source), month_of(date).unwrap_or(MISSING))
            }
            GroupBy::Column(_) => or_missing(column.unwrap_or("")),
        }
    }
}

/// `YYYY-MM` of a date that starts `YYYY-MM`.
pub fn month_of(date: &str) -> Option<&str> {
    let b = date.as_bytes();
    let ok =
        b.len() >= 7 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5..7].iter().all(u8::is_ascii_digit);
    ok.then(|| &date[..7])
}

/// The number of month `m` (`YYYY-MM`) in the order months are first seen (renumbered in
/// calendar order by [`finish_months`]); a string is made only for a month not seen yet.
fn month_number(month_index: &mut HashMap<String, u32>, m: &str) -> u32 {
    if let Some(&i) = month_index.get(m) {
        return i;
    }
    let i = month_index.len() as u32;
    month_index.insert(m.to_string(), i);
    i
}

/// Every month from `first` to `last` (both `YYYY-MM`, `first` ≤ `last`).
fn month_range(first: &str, last: &str) -> Vec<String> {
    let parse = |m: &str| -> Option<(u32, u32)> { Some((m[..4].parse().ok()?, m[5..7].parse().ok()?)) };
    let (Some((mut y, mut m)), Some(end)) = (parse(first), parse(last)) else {
        return vec![first.to_string()];
    };
    let mut out = Vec::new();
    // Bounded: a typo'd year (0024) must not make millions of months.
    while (y, m) <= end && out.len() < 1200 {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m >= 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// What one document contributes, as read from `documents.csv`: added into its group's
/// [`DocSums`] (and kept whole only for `--boot`, which resamples documents).
#[derive(Debug, Clone, PartialEq)]
pub struct DocAgg {
    /// Sentences.
    pub sentences: u64,
    /// Tokens.
    pub tokens: u64,
    /// Matches of each frame.
    pub frame_matches: Vec<u32>,
    /// Stance per target.
    pub stance: Vec<f64>,
    /// Mean probability per model label; empty when the model did not score the document.
    pub shares: Vec<f64>,
    /// The document's month as first seen by the reader (renumbered into
    /// [`Aggregates::months`] only in the group sums: `--boot` does not use it).
    pub month: Option<u32>,
}

/// What a group's documents add up to, for the statistics that take documents as clusters:
/// running sums, so memory is a few numbers per group, frame and month, however many
/// documents the corpus has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocSums {
    /// Documents.
    pub documents: u64,
    /// Sentences.
    pub sentences: u64,
    /// Tokens.
    pub tokens: u64,
    /// Matches of each frame over tokens.
    pub frames: Vec<ClusterSums>,
    /// Matches of all frames over tokens.
    pub all_frames: ClusterSums,
    /// Each stance target's value, a mean over documents.
    pub stance: Vec<ClusterSums>,
    /// Each model label's share over the sentences of the documents the model scored.
    pub labels: Vec<ClusterSums>,
    /// Documents and sentences the model scored.
    pub scored_documents: u64,
    pub scored_sentences: u64,
    /// Matches and tokens per month, indexed like [`Aggregates::months`].
    pub months: Vec<(u64, u64)>,
    /// Documents without a dated month.
    pub undated: u64,
}

impl DocSums {
    /// Adds document `d`.
    fn add(&mut self, d: &DocAgg) {
        self.documents += 1;
        self.sentences += d.sentences;
        self.tokens += d.tokens;
        let tokens = d.tokens as f64;
        if self.frames.len() < d.frame_matches.len() {
            self.frames.resize(d.frame_matches.len(), ClusterSums::default());
        }
        for (sums, &m) in self.frames.iter_mut().zip(&d.frame_matches) {
            sums.add(f64::from(m), tokens);
        }
        let all: u64 = d.frame_matches.iter().map(|&m| u64::from(m)).sum();
        self.all_frames.add(all as f64, tokens);
        if self.stance.len() < d.stance.len() {
            self.stance.resize(d.stance.len(), ClusterSums::default());
        }
        for (sums, &v) in self.stance.iter_mut().zip(&d.stance) {
            sums.add(v, 1.0);
        }
        // Only the documents the model scored (with `--lang auto`, those in its language);
        // each document's mean over its sentences, weighted back by its sentences: the share
        // over all sentences, documents as clusters.
        if !d.shares.is_empty() {
            self.scored_documents += 1;
            self.scored_sentences += d.sentences;
            if self.labels.len() < d.shares.len() {
                self.labels.resize(d.shares.len(), ClusterSums::default());
            }
            for (sums, &p) in self.labels.iter_mut().zip(&d.shares) {
                sums.add(p * d.sentences as f64, d.sentences as f64);
            }
        }
        match d.month {
            Some(m) => {
                let m = m as usize;
                if self.months.len() <= m {
                    self.months.resize(m + 1, (0, 0));
                }
                self.months[m].0 += all;
                self.months[m].1 += d.tokens;
            }
            None => self.undated += 1,
        }
    }

    /// The months renumbered: month `i` becomes `renumber[i]` of `count`.
    fn renumber_months(&mut self, renumber: &[u32], count: usize) {
        let mut months = vec![(0, 0); count];
        for (i, sums) in self.months.iter().enumerate() {
            let to = renumber[i] as usize;
            months[to].0 += sums.0;
            months[to].1 += sums.1;
        }
        self.months = months;
    }
}

/// A keyword-in-context example of a match: its four strings in one (thousands of
/// examples are kept while a run counts its matches, and one allocation each is a quarter
/// of four).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kwic {
    /// Left context, surface, right context and `doc_id`, one after the other.
    text: String,
    /// Where the surface, the right context and the `doc_id` start in `text`.
    surface_at: usize,
    right_at: usize,
    doc_at: usize,
}

impl Kwic {
    /// The example of a match written `surface` between `left` and `right` in `doc_id`.
    pub fn new(left: &str, surface: &str, right: &str, doc_id: &str) -> Kwic {
        let mut text = String::with_capacity(left.len() + surface.len() + right.len() + doc_id.len());
        text.push_str(left);
        let surface_at = text.len();
        text.push_str(surface);
        let right_at = text.len();
        text.push_str(right);
        let doc_at = text.len();
        text.push_str(doc_id);
        Kwic { text, surface_at, right_at, doc_at }
    }

    /// Text before the match.
    pub fn left(&self) -> &str {
        &self.text[..self.surface_at]
    }

    /// The match as written.
    pub fn surface(&self) -> &str {
        &self.text[self.surface_at..self.right_at]
    }

    /// Text after the match.
    pub fn right(&self) -> &str {
        &self.text[self.right_at..self.doc_at]
    }

    /// Document it comes from.
    pub fn doc_id(&self) -> &str {
        &self.text[self.doc_at..]
    }
}

/// Examples kept per group and lexicon entry for the summary page: the first ones in report
/// order, so a run that counts its matches as it writes them keeps the same ones as a read
/// of `matches.csv`. The page shows at most this many per term.
pub const KWIC_PER_TERM: usize = 3;

/// A lexicon entry as `matches.csv` names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryKey {
    /// Its pattern.
    pub pattern: String,
    /// Its frame.
    pub frame: String,
    /// `file:line` of the lexicon.
    pub lexicon: String,
}

/// Everything one group adds up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupAgg {
    /// Its name.
    pub name: String,
    /// What its documents add up to.
    pub sums: DocSums,
    /// Its documents, in the order read: only with [`ReadOptions::documents`] (`--boot`).
    pub docs: Vec<DocAgg>,
    /// Sentences that have at least one match of each frame.
    pub sentences_with_frame: Vec<u64>,
    /// Matches per frame and voice (authorial, quoted, reported, scare quote).
    pub voice: Vec<[u64; 4]>,
    /// Matches per lexicon entry, indexed like [`Aggregates::entries`] (a vector, not a
    /// map: it is counted once per match; shorter than the entries when the last ones have
    /// no match in this group).
    pub entry_counts: Vec<u64>,
    /// Matches per lower-cased surface form (empty unless [`ReadOptions::surfaces`]).
    pub surface_counts: HashMap<String, u64>,
    /// Words of the sentences (lower-cased), with `--terms all`.
    pub word_counts: HashMap<String, u64>,
    /// The first [`KWIC_PER_TERM`] examples of each entry, indexed like `entry_counts`.
    /// (Only entries have examples: the page shows no surface form's.)
    pub entry_examples: Vec<Vec<Kwic>>,
    /// Earliest and latest date.
    pub dates: Option<(String, String)>,
}

impl GroupAgg {
    /// An empty group named `name`, for a report with `frames` frames.
    fn new(name: String, frames: usize) -> GroupAgg {
        GroupAgg { name, sentences_with_frame: vec![0; frames], voice: vec![[0; 4]; frames], ..Default::default() }
    }

    /// Documents.
    pub fn documents(&self) -> u64 {
        self.sums.documents
    }

    /// Sentences.
    pub fn sentences(&self) -> u64 {
        self.sums.sentences
    }

    /// Tokens.
    pub fn tokens(&self) -> u64 {
        self.sums.tokens
    }

    /// Adds document `d`, keeping it whole when `keep` (for `--boot`).
    fn add_document(&mut self, d: DocAgg, keep: bool) {
        self.sums.add(&d);
        if keep {
            self.docs.push(d);
        }
    }
}

/// The aggregates of one or more reports, grouped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aggregates {
    /// How documents were grouped.
    pub by: Option<GroupBy>,
    /// The report folders read.
    pub reports: Vec<PathBuf>,
    /// Their `run.json`.
    pub runs: Vec<RunInfo>,
    /// Frame names.
    pub frames: Vec<String>,
    /// Stance targets.
    pub targets: Vec<String>,
    /// Model labels (empty when the reports were not scored).
    pub labels: Vec<String>,
    /// Groups, sorted by name.
    pub groups: Vec<GroupAgg>,
    /// Lexicon entries seen in the matches.
    pub entries: Vec<EntryKey>,
    /// Months seen in the dates, sorted.
    pub months: Vec<String>,
    /// Rows of `errors.csv`: inputs the runs skipped.
    pub skipped: u64,
}

/// What to read besides the counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Count every word of `sentences.csv` (`--terms all`).
    pub words: bool,
    /// Count the matches' surface forms (`compare_terms.csv`; the page shows entries only,
    /// so it leaves them out: lower-casing and hashing each match's surface was most of
    /// what counting the matches cost a run).
    pub surfaces: bool,
    /// Keep every document's numbers (`--boot` resamples them; everything else needs only
    /// each group's running sums).
    pub documents: bool,
}

fn csv_error(path: &Path, e: &csv::Error) -> ResearchError {
    let line = e.position().map_or(0, |p| p.line());
    ResearchError::Csv { path: path.to_path_buf(), line, message: e.to_string() }
}

fn open(path: &Path) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord), ResearchError> {
    let file = std::fs::File::open(path).map_err(|source| ResearchError::Io { path: path.to_path_buf(), source })?;
    let mut reader = csv::ReaderBuilder::new().buffer_capacity(1 << 16).from_reader(file);
    let header = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    Ok((reader, header))
}

fn column(header: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, ResearchError> {
    header.iter().position(|h| h == name).ok_or_else(|| ResearchError::Report {
        path: path.to_path_buf(),
        message: format!("has no `{name}` column; is it a framing report?"),
    })
}

fn prefixed(header: &csv::StringRecord, prefix: &str) -> (Vec<String>, Vec<usize>) {
    header.iter().enumerate().filter_map(|(i, h)| h.strip_prefix(prefix).map(|n| (n.to_string(), i))).unzip()
}

fn number<T: std::str::FromStr>(record: &csv::StringRecord, i: usize, path: &Path) -> Result<T, ResearchError> {
    let cell = record.get(i).unwrap_or("");
    cell.parse().map_err(|_| ResearchError::Csv {
        path: path.to_path_buf(),
        line: record.position().map_or(0, |p| p.line()),
        message: format!("`{cell}` is not a number"),
    })
}

/// [`number`] for a float cell; `0`, which most stance cells are, without the general
/// parser (a third of reading `documents.csv` was parsing them).
fn float(record: &csv::StringRecord, i: usize, path: &Path) -> Result<f64, ResearchError> {
    if record.get(i) == Some("0") {
        return Ok(0.0);
    }
    number(record, i, path)
}

/// Reads the reports in `dirs` and groups their documents `by`.
pub fn read(dirs: &[PathBuf], by: &GroupBy, options: ReadOptions) -> Result<Aggregates, ResearchError> {
    let mut agg = Aggregates { by: Some(by.clone()), reports: dirs.to_vec(), ..Default::default() };
    let mut group_index: HashMap<String, usize> = HashMap::new();
    let mut month_index: HashMap<String, u32> = HashMap::new();
    let mut entry_index: HashMap<String, u32> = HashMap::new();
    for (r, dir) in dirs.iter().enumerate() {
        agg.runs.push(read_run(dir)?);
        read_documents(dir, r == 0, by, options.documents, &mut agg, &mut group_index, &mut month_index)?;
        // Sentences with a frame are counted from the matches (3 to 5 times smaller than
        // sentences.csv); the sentences are read only for their words.
        if options.words {
            read_words(dir, &mut DocGroups::open(dir, by, &group_index)?, &mut agg.groups)?;
        }
        read_matches(dir, &mut DocGroups::open(dir, by, &group_index)?, &mut agg, &mut entry_index, options.surfaces)?;
        agg.skipped += count_rows(&dir.join(files::ERRORS))?;
    }
    finish_months(&mut agg, month_index);
    Ok(agg)
}

/// Months from the first to the last, with the ones no document has (a time axis keeps its
/// gaps); the groups' month sums are indexed by month as first seen, so they are renumbered.
/// Groups are sorted.
fn finish_months(agg: &mut Aggregates, month_index: HashMap<String, u32>) {
    let mut seen: Vec<(String, u32)> = month_index.into_iter().collect();
    seen.sort();
    let all = match (seen.first(), seen.last()) {
        (Some(first), Some(last)) => month_range(&first.0, &last.0),
        _ => Vec::new(),
    };
    let mut renumber = vec![0u32; seen.len()];
    for (month, old) in &seen {
        renumber[*old as usize] = all.iter().position(|m| m == month).unwrap_or(0) as u32;
    }
    for g in &mut agg.groups {
        g.sums.renumber_months(&renumber, all.len());
    }
    agg.months = all;
    agg.groups.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The `run.json` of the report in `dir`.
fn read_run(dir: &Path) -> Result<RunInfo, ResearchError> {
    let path = dir.join(files::RUN);
    let text = std::fs::read_to_string(&path).map_err(|source| ResearchError::Io { path: path.clone(), source })?;
    serde_json::from_str(&text)
        .map_err(|e| ResearchError::Report { path, message: format!("not a framing run.json: {e}") })
}

fn count_rows(path: &Path) -> Result<u64, ResearchError> {
    if !path.exists() {
        return Ok(0);
    }
    let (mut reader, _) = open(path)?;
    let mut n = 0;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| csv_error(path, &e))? {
        n += 1;
    }
    Ok(n)
}

fn read_documents(
    dir: &Path,
    first: bool,
    by: &GroupBy,
    keep_documents: bool,
    agg: &mut Aggregates,
    group_index: &mut HashMap<String, usize>,
    month_index: &mut HashMap<String, u32>,
) -> Result<(), ResearchError> {
    let path = dir.join(files::DOCUMENTS);
    let (mut reader, header) = open(&path)?;
    let [doc_id, source, date, n_sentences, n_tokens] =
        ["doc_id", "source", "date", "n_sentences", "n_tokens"].map(|c| column(&header, c, &path));
    // doc_id is checked here and read by DocGroups.
    let (_, source, date, n_sentences, n_tokens) = (doc_id?, source?, date?, n_sentences?, n_tokens?);
    let group_column = match by {
        GroupBy::Column(c) => Some(column(&header, c, &path).map_err(|_| ResearchError::Report {
            path: path.clone(),
            message: format!(
                "has no column `{c}` to group by (--by takes source, month, year, source,month or one of: {})",
                header.iter().collect::<Vec<_>>().join(", ")
            ),
        })?),
        _ => None,
    };
    let (frames, frame_cols) = prefixed(&header, "frame_");
    let (targets, target_cols) = prefixed(&header, "stance_");
    let (labels, label_cols) = prefixed(&header, "share_");
    if first {
        (agg.frames, agg.targets, agg.labels) = (frames, targets, labels);
    } else if (&frames, &targets, &labels) != (&agg.frames, &agg.targets, &agg.labels) {
        return Err(ResearchError::Report {
            path: path.clone(),
            message: format!(
                "has other frames, targets or labels than {}; compare reports made with the same lexicon and model",
                agg.reports[0].join(files::DOCUMENTS).display()
            ),
        });
    }
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| csv_error(&path, &e))? {
        let cell = |i: usize| record.get(i).unwrap_or("");
        let name = by.group_of(cell(source), cell(date), group_column.map(cell));
        let g = *group_index.entry(name.clone()).or_insert_with(|| {
            agg.groups.push(GroupAgg::new(name, agg.frames.len()));
            agg.groups.len() - 1
        });
        let month = month_of(cell(date)).map(|m| month_number(month_index, m));
        let numbers = |cols: &[usize]| cols.iter().map(|&i| float(&record, i, &path)).collect::<Result<Vec<_>, _>>();
        let doc = DocAgg {
            sentences: number(&record, n_sentences, &path)?,
            tokens: number(&record, n_tokens, &path)?,
            frame_matches: frame_cols.iter().map(|&i| number(&record, i, &path)).collect::<Result<_, _>>()?,
            stance: numbers(&target_cols)?,
            // Empty cells: the model did not score this document (`--lang auto`, another
            // language); it is left out of the label means.
            shares: if label_cols.iter().all(|&i| cell(i).is_empty()) { Vec::new() } else { numbers(&label_cols)? },
            month,
        };
        let group = &mut agg.groups[g];
        note_date(group, cell(date));
        group.add_document(doc, keep_documents);
    }
    Ok(())
}

/// The group of each document of a report, for its `sentences.csv` and `matches.csv`.
/// Those list the documents in the order of `documents.csv`, so a second reader walks
/// `documents.csv` beside them and nothing is kept per document (memory does not grow with
/// the corpus). A file in another order (sorted by hand, say) falls back to a map of every
/// document's group.
struct DocGroups<'a> {
    path: PathBuf,
    by: &'a GroupBy,
    group_index: &'a HashMap<String, usize>,
    reader: csv::Reader<std::fs::File>,
    /// Columns `doc_id`, `source`, `date` and the one grouped by.
    columns: (usize, usize, usize, Option<usize>),
    record: csv::StringRecord,
    /// The document the reader stands at, and its group.
    current: Option<(String, usize)>,
    /// Every document's group, once a file was found out of order.
    map: Option<HashMap<String, usize>>,
}

impl<'a> DocGroups<'a> {
    fn open(
        dir: &Path,
        by: &'a GroupBy,
        group_index: &'a HashMap<String, usize>,
    ) -> Result<DocGroups<'a>, ResearchError> {
        let path = dir.join(files::DOCUMENTS);
        let (reader, header) = open(&path)?;
        let group_column = match by {
            GroupBy::Column(c) => Some(column(&header, c, &path)?),
            _ => None,
        };
        let columns = (
            column(&header, "doc_id", &path)?,
            column(&header, "source", &path)?,
            column(&header, "date", &path)?,
            group_column,
        );
        Ok(DocGroups {
            path,
            by,
            group_index,
            reader,
            columns,
            record: csv::StringRecord::new(),
            current: None,
            map: None,
        })
    }

    /// The group of the document at the reader's record.
    fn record_group(&self) -> (String, usize) {
        let cell = |i: usize| self.record.get(i).unwrap_or("");
        let (doc_id, source, date, group_column) = self.columns;
        let name = self.by.group_of(cell(source), cell(date), group_column.map(cell));
        // read_documents made a group for every row of the same file.
        (cell(doc_id).to_string(), self.group_index.get(&name).copied().unwrap_or(0))
    }

    /// The group of document `id` (`None`: not in `documents.csv`).
    fn group(&mut self, id: &str) -> Result<Option<usize>, ResearchError> {
        if let Some(map) = &self.map {
            return Ok(map.get(id).copied());
        }
        if let Some((doc, g)) = &self.current {
            if doc == id {
                return Ok(Some(*g));
            }
        }
        while self.reader.read_record(&mut self.record).map_err(|e| csv_error(&self.path, &e))? {
            let (doc, g) = self.record_group();
            if doc == id {
                self.current = Some((doc, g));
                return Ok(Some(g));
            }
        }
        // Not ahead of the reader: another order, or a document documents.csv lacks.
        let (mut reader, _) = open(&self.path)?;
        let mut map = HashMap::new();
        while reader.read_record(&mut self.record).map_err(|e| csv_error(&self.path, &e))? {
            let (doc, g) = self.record_group();
            map.insert(doc, g);
        }
        let found = map.get(id).copied();
        self.map = Some(map);
        Ok(found)
    }
}

fn unknown_doc(path: &Path, record: &csv::StringRecord, id: &str) -> ResearchError {
    ResearchError::Csv {
        path: path.to_path_buf(),
        line: record.position().map_or(0, |p| p.line()),
        message: format!("document `{id}` is not in documents.csv"),
    }
}

fn read_words(dir: &Path, docs: &mut DocGroups<'_>, groups: &mut [GroupAgg]) -> Result<(), ResearchError> {
    let path = dir.join(files::SENTENCES);
    let (mut reader, header) = open(&path)?;
    let doc_id = column(&header, "doc_id", &path)?;
    let text_col = column(&header, "text", &path)?;
    let mut record = csv::StringRecord::new();
    let mut word = String::new();
    while reader.read_record(&mut record).map_err(|e| csv_error(&path, &e))? {
        let id = record.get(doc_id).unwrap_or("");
        let g = docs.group(id)?.ok_or_else(|| unknown_doc(&path, &record, id))?;
        let group = &mut groups[g];
        for w in words(record.get(text_col).unwrap_or("")) {
            word.clear();
            word.extend(w.chars().flat_map(char::to_lowercase));
            match group.word_counts.get_mut(word.as_str()) {
                Some(n) => *n += 1,
                None => {
                    group.word_counts.insert(word.clone(), 1);
                }
            }
        }
    }
    Ok(())
}

/// The words of a text: runs of letters and digits (hyphenated compounds stay whole).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().any(char::is_alphabetic))
}

fn read_matches(
    dir: &Path,
    docs: &mut DocGroups<'_>,
    agg: &mut Aggregates,
    entry_index: &mut HashMap<String, u32>,
    surfaces: bool,
) -> Result<(), ResearchError> {
    let path = dir.join(files::MATCHES);
    let (mut reader, header) = open(&path)?;
    let cols: Vec<usize> =
        ["doc_id", "surface", "pattern", "frame", "voice", "lexicon", "left_context", "right_context", "sentence_id"]
            .iter()
            .map(|c| column(&header, c, &path))
            .collect::<Result<_, _>>()?;
    let mut counter = MatchCounter::new(&agg.frames, surfaces);
    // Entries already known (from an earlier report) get their frame index here.
    for e in &agg.entries {
        counter.add_entry(&e.frame);
    }
    let mut key = String::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| csv_error(&path, &e))? {
        let cell = |i: usize| record.get(cols[i]).unwrap_or("");
        let id = cell(0);
        let g = docs.group(id)?.ok_or_else(|| unknown_doc(&path, &record, id))?;
        // The entry's key as one reused string: no allocation for entries seen before.
        key.clear();
        for part in [cell(2), cell(3), cell(5)] {
            key.push_str(part);
            key.push('\u{1f}');
        }
        let entry = match entry_index.get(key.as_str()) {
            Some(&e) => e,
            None => {
                let e = agg.entries.len() as u32;
                agg.entries.push(EntryKey {
                    pattern: cell(2).to_string(),
                    frame: cell(3).to_string(),
                    lexicon: cell(5).to_string(),
                });
                counter.add_entry(cell(3));
                entry_index.insert(key.clone(), e);
                e
            }
        };
        let fact = MatchFact {
            doc_id: id,
            sentence: number(&record, cols[8], &path)?,
            entry,
            voice: Voice::from_name(cell(4)),
            surface: cell(1),
            left: cell(6),
            right: cell(7),
        };
        counter.add(&mut agg.groups[g], &fact);
    }
    Ok(())
}

/// One match as the counts need it.
struct MatchFact<'a> {
    doc_id: &'a str,
    sentence: u64,
    /// Index into [`Aggregates::entries`] (and [`MatchCounter::entry_frame`]).
    entry: u32,
    voice: Option<Voice>,
    surface: &'a str,
    left: &'a str,
    right: &'a str,
}

/// Adds matches to their group's counts, in report order. Called once per match of a run
/// (for the page `analyze` writes), so it hashes one string per match (the surface form)
/// and indexes vectors for the rest.
struct MatchCounter {
    /// Whether surface forms are counted (see [`ReadOptions::surfaces`]).
    surfaces: bool,
    frame_index: HashMap<String, usize>,
    /// Frame index of each entry (index into [`Aggregates::entries`]); `None` for a frame
    /// `documents.csv` has no column of.
    entry_frame: Vec<Option<usize>>,
    /// A sentence counts once per frame. A report lists a document's matches together and,
    /// as the run writes them, in sentence order: then a (sentence, frame) pair is new
    /// exactly when it is not the frame's last one (no hashing per match). The pairs are
    /// kept too, in a vector while the sentences come in order and in a set once they do
    /// not (a file whose rows were reordered within a document).
    current_doc: String,
    last_sentence: Vec<Option<u64>>,
    previous_sentence: u64,
    pairs: Vec<(u64, usize)>,
    out_of_order: Option<std::collections::HashSet<(u64, usize)>>,
    /// The current match's surface, lower-cased.
    lower: String,
}

impl MatchCounter {
    fn new(frames: &[String], surfaces: bool) -> MatchCounter {
        MatchCounter {
            surfaces,
            frame_index: frames.iter().enumerate().map(|(i, f)| (f.clone(), i)).collect(),
            entry_frame: Vec::new(),
            current_doc: String::new(),
            last_sentence: vec![None; frames.len()],
            previous_sentence: 0,
            pairs: Vec::new(),
            out_of_order: None,
            lower: String::new(),
        }
    }

    /// Registers the next entry (entries are numbered in the order added) with its frame.
    fn add_entry(&mut self, frame: &str) {
        self.entry_frame.push(self.frame_index.get(frame).copied());
    }

    /// Whether sentence `sentence` of the current document is counted for frame `f` the
    /// first time.
    fn first_in_sentence(&mut self, sentence: u64, f: usize) -> bool {
        if self.last_sentence[f] == Some(sentence) {
            return false;
        }
        self.last_sentence[f] = Some(sentence);
        if self.out_of_order.is_none() && sentence < self.previous_sentence {
            self.out_of_order = Some(self.pairs.drain(..).collect());
        }
        self.previous_sentence = sentence;
        match &mut self.out_of_order {
            Some(set) => set.insert((sentence, f)),
            None => {
                self.pairs.push((sentence, f));
                true
            }
        }
    }

    fn add(&mut self, group: &mut GroupAgg, m: &MatchFact<'_>) {
        if m.doc_id != self.current_doc {
            self.current_doc.clear();
            self.current_doc.push_str(m.doc_id);
            self.last_sentence.fill(None);
            self.previous_sentence = 0;
            self.pairs.clear();
            self.out_of_order = None;
        }
        let entry = m.entry as usize;
        let frame = self.entry_frame.get(entry).copied().flatten();
        if let Some(f) = frame {
            if self.first_in_sentence(m.sentence, f) {
                group.sentences_with_frame[f] += 1;
            }
        }
        if let (Some(f), Some(v)) = (frame, m.voice) {
            let slot = match v {
                Voice::Authorial => 0,
                Voice::Quoted => 1,
                Voice::Reported => 2,
                Voice::ScareQuote => 3,
            };
            group.voice[f][slot] += 1;
        }
        if group.entry_counts.len() <= entry {
            group.entry_counts.resize(entry + 1, 0);
            group.entry_examples.resize_with(entry + 1, Vec::new);
        }
        group.entry_counts[entry] += 1;
        let examples = &mut group.entry_examples[entry];
        if examples.len() < KWIC_PER_TERM {
            examples.push(Kwic::new(m.left, m.surface, m.right, m.doc_id));
        }
        if !self.surfaces {
            return;
        }
        // The lower-cased surface in a reused buffer: a string is allocated only for a
        // surface form the group has not had yet.
        self.lower.clear();
        if m.surface.is_ascii() {
            self.lower.push_str(m.surface);
            self.lower.make_ascii_lowercase();
        } else if m.surface.contains('Σ') {
            // A final sigma lower-cases by its position: only `str::to_lowercase` knows.
            self.lower.push_str(&m.surface.to_lowercase());
        } else {
            // Char by char (`Extend<char>` with `flat_map` cost as much as the rest of
            // the counting); ASCII letters need no table.
            for c in m.surface.chars() {
                if c.is_ascii() {
                    self.lower.push(c.to_ascii_lowercase());
                } else {
                    for l in c.to_lowercase() {
                        self.lower.push(l);
                    }
                }
            }
        }
        match group.surface_counts.get_mut(self.lower.as_str()) {
            Some(n) => *n += 1,
            None => {
                group.surface_counts.insert(self.lower.clone(), 1);
            }
        }
    }
}

/// The matches of a run counted per source as the run writes them, so that the page
/// `analyze` writes need not read `matches.csv` back (that read-back cost a third of a run).
/// Holds counts per source and entry and a few examples, never the matches; like
/// [`read`] with the default [`ReadOptions`], it counts no surface forms.
#[derive(Debug)]
pub struct RunTally {
    frames: Vec<String>,
    targets: Vec<String>,
    labels: Vec<String>,
    /// Months of the documents' dates, numbered as first seen (see [`finish_months`]).
    month_index: HashMap<String, u32>,
    /// Entries in the order first matched; `entry_of[i]` is lexicon entry `i`'s index here.
    entries: Vec<EntryKey>,
    entry_of: Vec<Option<u32>>,
    groups: Vec<GroupAgg>,
    group_index: HashMap<String, usize>,
    counter: MatchCounterBox,
}

/// [`MatchCounter`] is private; this keeps [`RunTally`]'s Debug simple.
struct MatchCounterBox(MatchCounter);

impl std::fmt::Debug for MatchCounterBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchCounter")
    }
}

/// One match of a run, as the pipeline hands it to [`RunTally::add`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunMatch<'a> {
    /// Its document's `doc_id`.
    pub doc_id: &'a str,
    /// The sentence's `sentence_id`.
    pub sentence: u64,
    /// Index of the lexicon entry in the run's lexicon.
    pub entry: usize,
    /// The match's voice.
    pub voice: Voice,
    /// The match as written, and its context, as in `matches.csv`.
    pub surface: &'a str,
    /// Left context.
    pub left: &'a str,
    /// Right context.
    pub right: &'a str,
}

impl RunTally {
    /// An empty tally for a run whose `documents.csv` has these `columns` (frames, stance
    /// targets, model labels) and whose lexicon has `lexicon_entries` entries.
    pub fn new(columns: &crate::report::Columns, lexicon_entries: usize) -> RunTally {
        let frames = &columns.frames;
        RunTally {
            frames: frames.to_vec(),
            targets: columns.targets.clone(),
            labels: columns.labels.clone(),
            month_index: HashMap::new(),
            entries: Vec::new(),
            entry_of: vec![None; lexicon_entries],
            groups: Vec::new(),
            group_index: HashMap::new(),
            // The page shows no surface form: they are not counted.
            counter: MatchCounterBox(MatchCounter::new(frames, false)),
        }
    }

    /// The group of documents from `source` (asked once per document and once per
    /// document's matches).
    pub fn group(&mut self, source: &str) -> usize {
        let name = GroupBy::Source.group_of(source, "", None);
        if let Some(&g) = self.group_index.get(&name) {
            return g;
        }
        self.groups.push(GroupAgg::new(name.clone(), self.frames.len()));
        self.group_index.insert(name, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Adds a finished document, in the order of `documents.csv` (the cluster statistics
    /// add documents up in that order).
    pub fn add_document(&mut self, doc: RunDocument) {
        let g = self.group(&doc.source);
        let RunDocument { date, mut numbers, .. } = doc;
        numbers.month = month_of(&date).map(|m| month_number(&mut self.month_index, m));
        let group = &mut self.groups[g];
        note_date(group, &date);
        group.add_document(numbers, false);
    }

    /// Counts one match into group `g` (see [`RunTally::group`]); matches come in report
    /// order (documents in order, each document's matches together). `entry_key` names
    /// entry `m.entry` the first time it is seen.
    pub fn add(&mut self, g: usize, m: &RunMatch<'_>, entry_key: impl FnOnce() -> EntryKey) {
        let entry = match self.entry_of.get(m.entry).copied().flatten() {
            Some(e) => e,
            None => {
                let key = entry_key();
                // The same pattern, frame and line twice (not in one lexicon) share a row,
                // as they do when matches.csv is read.
                let e = self.entries.iter().position(|k| *k == key).unwrap_or_else(|| {
                    self.counter.0.add_entry(&key.frame);
                    self.entries.push(key);
                    self.entries.len() - 1
                }) as u32;
                if let Some(slot) = self.entry_of.get_mut(m.entry) {
                    *slot = Some(e);
                }
                e
            }
        };
        let fact = MatchFact {
            doc_id: m.doc_id,
            sentence: m.sentence,
            entry,
            voice: Some(m.voice),
            surface: m.surface,
            left: m.left,
            right: m.right,
        };
        self.counter.0.add(&mut self.groups[g], &fact);
    }
}

/// What the summary page keeps of one finished document of a run: its `documents.csv`
/// numbers as a reader of that file gets them (see [`crate::report::numfmt::num_as_read`]),
/// so the page `analyze` writes equals the one `summarize` makes from the files. Made by
/// the workers, so that the run need not read `documents.csv` back (that cost as much as
/// counting the matches).
#[derive(Debug, Clone, PartialEq)]
pub struct RunDocument {
    /// The `source` cell (its group).
    pub source: String,
    /// The `date` cell.
    pub date: String,
    /// The numbers of the row, as [`read`] takes them from `documents.csv`; the month is
    /// numbered when the tally adds the document.
    pub numbers: DocAgg,
}

impl RunDocument {
    /// The page's numbers of a document's `documents.csv` row.
    pub fn of(row: &crate::report::DocumentRow) -> RunDocument {
        use crate::report::numfmt::{num_as_read, prob_as_read};
        RunDocument {
            source: row.meta.source.clone(),
            date: row.meta.date.clone(),
            numbers: DocAgg {
                sentences: row.n_sentences as u64,
                tokens: row.n_tokens as u64,
                frame_matches: row.frame_counts.clone(),
                stance: row.stance.iter().map(|&x| num_as_read(x)).collect(),
                shares: row.shares.iter().map(|&p| prob_as_read(p)).collect(),
                month: None,
            },
        }
    }
}

/// Widens a group's date range by `date` (empty: no date).
fn note_date(group: &mut GroupAgg, date: &str) {
    if date.is_empty() {
        return;
    }
    match &mut group.dates {
        None => group.dates = Some((date.to_string(), date.to_string())),
        Some((first, last)) => {
            if date < first.as_str() {
                *first = date.to_string();
            }
            if date > last.as_str() {
                *last = date.to_string();
            }
        }
    }
}

/// The aggregates of a report a run has just written into `dir`, grouped by source, from
/// what `tally` counted as the run wrote it: as [`read`] gives them, reading only
/// `run.json` and `errors.csv` (not the documents, matches or sentences).
pub fn read_with_tally(dir: &Path, tally: RunTally) -> Result<Aggregates, ResearchError> {
    let RunTally { frames, targets, labels, month_index, entries, groups, .. } = tally;
    let mut agg = Aggregates {
        by: Some(GroupBy::Source),
        reports: vec![dir.to_path_buf()],
        runs: vec![read_run(dir)?],
        frames,
        targets,
        labels,
        groups,
        entries,
        skipped: count_rows(&dir.join(files::ERRORS))?,
        ..Default::default()
    };
    finish_months(&mut agg, month_index);
    Ok(agg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_source_month_and_year() {
        assert_eq!(GroupBy::Month.group_of("globe", "2024-11-25", None), "2024-11");
        assert_eq!(GroupBy::Year.group_of("globe", "2024-11-25", None), "2024");
        assert_eq!(GroupBy::SourceMonth.group_of("globe", "2024-11-25", None), "globe/2024-11");
        assert_eq!(GroupBy::Month.group_of("globe", "", None), MISSING);
        assert_eq!(GroupBy::Source.group_of("", "", None), MISSING);
        assert_eq!(GroupBy::parse("source,month"), Ok(GroupBy::SourceMonth));
        assert_eq!(GroupBy::parse("encoding").map(|b| b.name()), Ok("encoding".into()));
        assert_eq!(GroupBy::SourceMonth.name(), "source-month");
        assert_eq!(month_range("2024-11", "2025-02"), ["2024-11", "2024-12", "2025-01", "2025-02"]);
    }

    #[test]
    fn words_are_runs_of_letters() {
        let w: Vec<&str> = words("Die „Besatzer“ zogen ab – 25. November, Nord-Stadt!").collect();
        assert_eq!(w, ["Die", "Besatzer", "zogen", "ab", "November", "Nord-Stadt"]);
    }
}
