//! The tables of `framing compare`, computed from [`Aggregates`], and their CSV files.
//! The summary page shows the same rows, formatted by the same [`cell`] functions.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::aggregate::{Aggregates, GroupAgg};
use super::stats::{self, ChiSquare, Interval};
use super::ResearchError;
use crate::report::{csv_writer, fmt_num};

/// File names of a compare folder.
pub mod files {
    /// Per group × frame.
    pub const FRAMES: &str = "compare_frames.csv";
    /// Voice shares per group × frame.
    pub const VOICE: &str = "compare_voice.csv";
    /// Distinctive terms per group.
    pub const TERMS: &str = "compare_terms.csv";
    /// Mean stance per group × target.
    pub const STANCE: &str = "compare_stance.csv";
    /// Model label shares per group × label (scored reports only).
    pub const LABELS: &str = "compare_labels.csv";
    /// Every file a compare folder may hold.
    pub const ALL: [&str; 5] = [FRAMES, VOICE, TERMS, STANCE, LABELS];
}

/// Header of `compare_frames.csv`.
pub const FRAMES_HEADER: [&str; 19] = [
    "group",
    "frame",
    "documents",
    "sentences",
    "tokens",
    "matches",
    "sentences_with_frame",
    "share",
    "share_low",
    "share_high",
    "per_1k",
    "per_1k_low",
    "per_1k_high",
    "chi2",
    "df",
    "p",
    "cramers_v",
    "q",
    "small",
];

/// The voices of `compare_voice.csv`, in the order of [`GroupAgg::voice`].
pub const VOICES: [&str; 4] = ["authorial", "quoted", "reported", "scare_quote"];

/// Header of `compare_terms.csv`.
pub const TERMS_HEADER: [&str; 7] = ["group", "kind", "term", "count_group", "count_rest", "log_odds", "z"];

/// Header of `compare_stance.csv`.
pub const STANCE_HEADER: [&str; 6] = ["group", "target", "documents", "mean", "mean_low", "mean_high"];

/// Header of `compare_labels.csv`.
pub const LABELS_HEADER: [&str; 7] = ["group", "label", "documents", "sentences", "share", "share_low", "share_high"];

/// Words listed per group with `--terms all` (the vocabulary is long; the top is what is read).
pub const WORDS_PER_GROUP: usize = 50;

/// A number as the compare files and the summary page write it: [`fmt_num`] (up to six
/// decimals), empty when there is none.
pub fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        fmt_num(x)
    }
}

/// A p- or q-value: as [`cell`], but values below 0.000001 in scientific notation
/// (`3.2e-9`) rather than rounded to 0.
pub fn cell_p(p: f64) -> String {
    if p > 0.0 && p < 1e-6 {
        format!("{p:.1e}")
    } else {
        cell(p)
    }
}

/// One row of `compare_frames.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRow {
    /// Group.
    pub group: String,
    /// Frame.
    pub frame: String,
    /// Documents in the group.
    pub documents: u64,
    /// Sentences in the group.
    pub sentences: u64,
    /// Tokens in the group.
    pub tokens: u64,
    /// Matches of the frame in the group.
    pub matches: u64,
    /// Sentences with at least one match of the frame.
    pub sentences_with_frame: u64,
    /// Their share of the sentences, Wilson interval.
    pub share: Interval,
    /// Matches per 1,000 tokens, documents as clusters.
    pub per_1k: Interval,
    /// The frame's test across groups (the same on each row of the frame).
    pub test: Option<ChiSquare>,
    /// Benjamini–Hochberg q-value of the test across frames.
    pub q: f64,
    /// Fewer documents than `--min-docs`.
    pub small: bool,
    /// The per-1k interval of a seeded document bootstrap (`--boot N`), for comparison.
    pub boot: Option<Interval>,
}

/// A seeded document bootstrap: `replicates` resamples, generator seeded with `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boot {
    /// Resamples.
    pub replicates: u32,
    /// Seed.
    pub seed: u64,
}

/// One row of `compare_voice.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceRow {
    /// Group.
    pub group: String,
    /// Frame.
    pub frame: String,
    /// Matches of the frame in the group.
    pub matches: u64,
    /// Share of each voice ([`VOICES`] order), Wilson interval.
    pub shares: [Interval; 4],
}

/// One row of `compare_terms.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    /// Group.
    pub group: String,
    /// `entry` (lexicon pattern), `surface` (form as written) or `word`.
    pub kind: &'static str,
    /// The term.
    pub term: String,
    /// Its count in the group.
    pub count_group: u64,
    /// Its count in all other groups.
    pub count_rest: u64,
    /// Weighted log-odds and z.
    pub log_odds: stats::LogOdds,
}

/// One row of `compare_stance.csv` or `compare_labels.csv`: a mean per group and column.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanRow {
    /// Group.
    pub group: String,
    /// Target or label.
    pub name: String,
    /// Documents.
    pub documents: u64,
    /// Sentences (labels only).
    pub sentences: u64,
    /// The mean with its interval.
    pub mean: Interval,
}

/// All tables of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// `compare_frames.csv`, by group then frame.
    pub frames: Vec<FrameRow>,
    /// `compare_voice.csv`.
    pub voice: Vec<VoiceRow>,
    /// `compare_terms.csv`, by group, kind, then z descending.
    pub terms: Vec<TermRow>,
    /// `compare_stance.csv`.
    pub stance: Vec<MeanRow>,
    /// `compare_labels.csv` (empty when the reports were not scored).
    pub labels: Vec<MeanRow>,
}

/// Computes every table; groups with fewer than `min_docs` documents are flagged `small`;
/// with `boot`, the per-1k rates also get bootstrap intervals.
pub fn compare(agg: &Aggregates, min_docs: u64, boot: Option<Boot>) -> Comparison {
    Comparison {
        frames: frame_rows(agg, min_docs, boot),
        voice: voice_rows(agg),
        terms: term_rows(agg),
        stance: stance_rows(agg),
        labels: label_rows(agg),
    }
}

fn frame_rows(agg: &Aggregates, min_docs: u64, boot: Option<Boot>) -> Vec<FrameRow> {
    let tests: Vec<Option<ChiSquare>> = (0..agg.frames.len())
        .map(|f| {
            let table: Vec<(u64, u64)> = agg
                .groups
                .iter()
                .map(|g| (g.sentences_with_frame[f], g.sentences().saturating_sub(g.sentences_with_frame[f])))
                .collect();
            stats::chi_square_k2(&table)
        })
        .collect();
    let q = stats::benjamini_hochberg(&tests.iter().map(|t| t.map_or(f64::NAN, |t| t.p)).collect::<Vec<_>>());
    let mut rows = Vec::new();
    for (gi, g) in agg.groups.iter().enumerate() {
        let (sentences, tokens) = (g.sentences(), g.tokens());
        let boots = boot.map(|b| {
            let x: Vec<f64> = g.docs.iter().map(|d| d.tokens as f64).collect();
            let y: Vec<Vec<f64>> =
                g.docs.iter().map(|d| d.frame_matches.iter().map(|&m| f64::from(m)).collect()).collect();
            // Each group its own stream, so adding a group does not change another's.
            stats::bootstrap_ratios(&x, &y, b.replicates, b.seed ^ (gi as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        });
        for (f, frame) in agg.frames.iter().enumerate() {
            let sums = g.sums.frames.get(f).copied().unwrap_or_default();
            rows.push(FrameRow {
                group: g.name.clone(),
                frame: frame.clone(),
                documents: g.documents(),
                sentences,
                tokens,
                matches: sums.sum_y() as u64,
                sentences_with_frame: g.sentences_with_frame[f],
                share: stats::wilson(g.sentences_with_frame[f], sentences),
                per_1k: sums.ratio().scaled(1000.0),
                test: tests[f],
                q: q[f],
                small: g.documents() < min_docs,
                boot: boots.as_ref().map(|b| b[f].scaled(1000.0)),
            });
        }
    }
    rows
}

fn voice_rows(agg: &Aggregates) -> Vec<VoiceRow> {
    let mut rows = Vec::new();
    for g in &agg.groups {
        for (f, frame) in agg.frames.iter().enumerate() {
            let counts = g.voice[f];
            let n: u64 = counts.iter().sum();
            rows.push(VoiceRow {
                group: g.name.clone(),
                frame: frame.clone(),
                matches: n,
                shares: counts.map(|k| stats::wilson(k, n)),
            });
        }
    }
    rows
}

/// Log-odds rows of one kind of term: `counts` gives each group's counts.
fn keyness<'a>(
    agg: &'a Aggregates,
    kind: &'static str,
    counts: impl Fn(&'a GroupAgg) -> Vec<(String, u64)>,
    limit: Option<usize>,
) -> Vec<TermRow> {
    let per_group: Vec<Vec<(String, u64)>> = agg.groups.iter().map(&counts).collect();
    let mut totals: HashMap<&str, u64> = HashMap::new();
    for counts in &per_group {
        for (term, n) in counts {
            *totals.entry(term.as_str()).or_insert(0) += n;
        }
    }
    let all: u64 = totals.values().sum();
    let mut rows = Vec::new();
    for (g, counts) in agg.groups.iter().zip(&per_group) {
        let n_group: u64 = counts.iter().map(|c| c.1).sum();
        // Summed: two lexicon lines with the same pattern and frame are one term.
        let mut own: HashMap<&str, u64> = HashMap::new();
        for (t, n) in counts {
            *own.entry(t.as_str()).or_insert(0) += n;
        }
        let mut group_rows: Vec<TermRow> = totals
            .iter()
            .filter_map(|(&term, &total)| {
                let y = own.get(term).copied().unwrap_or(0);
                // Words: only those the group uses (the vocabulary of the rest is long).
                if limit.is_some() && y == 0 {
                    return None;
                }
                let lo = stats::log_odds(
                    y as f64,
                    n_group as f64,
                    (total - y) as f64,
                    (all - n_group) as f64,
                    total as f64,
                    all as f64,
                )?;
                Some(TermRow {
                    group: g.name.clone(),
                    kind,
                    term: term.to_string(),
                    count_group: y,
                    count_rest: total - y,
                    log_odds: lo,
                })
            })
            .collect();
        group_rows.sort_by(|a, b| b.log_odds.z.total_cmp(&a.log_odds.z).then_with(|| a.term.cmp(&b.term)));
        if let Some(limit) = limit {
            group_rows.truncate(limit);
        }
        rows.extend(group_rows);
    }
    rows
}

/// The term of each lexicon entry of `agg.entries`: its pattern, with its frame when two
/// entries share the pattern. (All at once: asked entry by entry, counting the pattern's
/// entries made the page quadratic in the lexicon.)
pub fn entry_terms(agg: &Aggregates) -> Vec<String> {
    let mut entries_of: HashMap<&str, usize> = HashMap::new();
    for key in &agg.entries {
        *entries_of.entry(key.pattern.as_str()).or_insert(0) += 1;
    }
    agg.entries
        .iter()
        .map(|key| {
            if entries_of.get(key.pattern.as_str()).copied().unwrap_or(0) > 1 {
                format!("{} ({})", key.pattern, key.frame)
            } else {
                key.pattern.clone()
            }
        })
        .collect()
}

fn term_rows(agg: &Aggregates) -> Vec<TermRow> {
    let terms = entry_terms(agg);
    let entries = keyness(
        agg,
        "entry",
        |g| g.entry_counts.iter().zip(&terms).filter(|(&n, _)| n > 0).map(|(&n, t)| (t.clone(), n)).collect(),
        None,
    );
    let surfaces = keyness(agg, "surface", |g| g.surface_counts.iter().map(|(s, &n)| (s.clone(), n)).collect(), None);
    let words =
        keyness(agg, "word", |g| g.word_counts.iter().map(|(s, &n)| (s.clone(), n)).collect(), Some(WORDS_PER_GROUP));
    // By group, then kind (entry, surface, word), then z: each part is sorted by z already.
    let mut rows: Vec<TermRow> = entries.into_iter().chain(surfaces).chain(words).collect();
    let kind_order = |k: &str| ["entry", "surface", "word"].iter().position(|x| *x == k).unwrap_or(3);
    rows.sort_by(|a, b| a.group.cmp(&b.group).then(kind_order(a.kind).cmp(&kind_order(b.kind))));
    rows
}

fn stance_rows(agg: &Aggregates) -> Vec<MeanRow> {
    let mut rows = Vec::new();
    for g in &agg.groups {
        for (t, target) in agg.targets.iter().enumerate() {
            rows.push(MeanRow {
                group: g.name.clone(),
                name: target.clone(),
                documents: g.documents(),
                sentences: g.sentences(),
                mean: g.sums.stance.get(t).copied().unwrap_or_default().ratio(),
            });
        }
    }
    rows
}

fn label_rows(agg: &Aggregates) -> Vec<MeanRow> {
    let mut rows = Vec::new();
    for g in &agg.groups {
        // Only the documents the model scored (with `--lang auto`, those in its language);
        // see [`super::aggregate::DocSums`] for the weighting.
        if g.sums.scored_documents == 0 {
            continue;
        }
        for (l, label) in agg.labels.iter().enumerate() {
            rows.push(MeanRow {
                group: g.name.clone(),
                name: label.clone(),
                documents: g.sums.scored_documents,
                sentences: g.sums.scored_sentences,
                mean: g.sums.labels.get(l).copied().unwrap_or_default().ratio(),
            });
        }
    }
    rows
}

impl FrameRow {
    /// The row's cells, in [`FRAMES_HEADER`] order.
    pub fn cells(&self) -> Vec<String> {
        let t = self.test;
        let mut cells = vec![
            self.group.clone(),
            self.frame.clone(),
            self.documents.to_string(),
            self.sentences.to_string(),
            self.tokens.to_string(),
            self.matches.to_string(),
            self.sentences_with_frame.to_string(),
            cell(self.share.estimate),
            cell(self.share.low),
            cell(self.share.high),
            cell(self.per_1k.estimate),
            cell(self.per_1k.low),
            cell(self.per_1k.high),
            t.map_or(String::new(), |t| cell(t.statistic)),
            t.map_or(String::new(), |t| t.df.to_string()),
            t.map_or(String::new(), |t| cell_p(t.p)),
            t.map_or(String::new(), |t| cell(t.cramers_v)),
            cell_p(self.q),
            self.small.to_string(),
        ];
        if let Some(b) = self.boot {
            cells.extend([cell(b.low), cell(b.high)]);
        }
        cells
    }
}

fn write_csv(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), ResearchError> {
    let path = dir.join(name);
    let io = |source: std::io::Error| ResearchError::Io { path: path.clone(), source };
    let file = std::fs::File::create(&path).map_err(io)?;
    let mut w = csv_writer(std::io::BufWriter::new(file));
    let csv_err = |e: csv::Error| ResearchError::Csv { path: path.clone(), line: 0, message: e.to_string() };
    w.write_record(header).map_err(csv_err)?;
    for row in rows {
        w.write_record(&row).map_err(csv_err)?;
    }
    let mut inner = w.into_inner().map_err(|e| io(e.into_error()))?;
    inner.flush().map_err(io)?;
    inner.get_ref().sync_all().map_err(io)
}

/// Writes the compare files into `dir` (`compare_labels.csv` only for scored reports).
pub fn write(c: &Comparison, labels: bool, dir: &Path) -> Result<(), ResearchError> {
    let mut frames_header = FRAMES_HEADER.to_vec();
    if c.frames.first().is_some_and(|r| r.boot.is_some()) {
        frames_header.extend(["per_1k_boot_low", "per_1k_boot_high"]);
    }
    write_csv(dir, files::FRAMES, &frames_header, c.frames.iter().map(FrameRow::cells))?;
    let mut voice_header = vec!["group", "frame", "matches"];
    let names: Vec<String> =
        VOICES.iter().flat_map(|v| [v.to_string(), format!("{v}_low"), format!("{v}_high")]).collect();
    voice_header.extend(names.iter().map(String::as_str));
    write_csv(
        dir,
        files::VOICE,
        &voice_header,
        c.voice.iter().map(|r| {
            let mut cells = vec![r.group.clone(), r.frame.clone(), r.matches.to_string()];
            for s in r.shares {
                cells.extend([cell(s.estimate), cell(s.low), cell(s.high)]);
            }
            cells
        }),
    )?;
    write_csv(
        dir,
        files::TERMS,
        &TERMS_HEADER,
        c.terms.iter().map(|r| {
            vec![
                r.group.clone(),
                r.kind.to_string(),
                r.term.clone(),
                r.count_group.to_string(),
                r.count_rest.to_string(),
                cell(r.log_odds.log_odds),
                cell(r.log_odds.z),
            ]
        }),
    )?;
    write_csv(
        dir,
        files::STANCE,
        &STANCE_HEADER,
        c.stance.iter().map(|r| {
            vec![
                r.group.clone(),
                r.name.clone(),
                r.documents.to_string(),
                cell(r.mean.estimate),
                cell(r.mean.low),
                cell(r.mean.high),
            ]
        }),
    )?;
    if labels {
        write_csv(
            dir,
            files::LABELS,
            &LABELS_HEADER,
            c.labels.iter().map(|r| {
                vec![
                    r.group.clone(),
                    r.name.clone(),
                    r.documents.to_string(),
                    r.sentences.to_string(),
                    cell(r.mean.estimate),
                    cell(r.mean.low),
                    cell(r.mean.high),
                ]
            }),
        )?;
    }
    Ok(())
}

/// The short human summary: the frames whose difference across groups survives the
/// Benjamini–Hochberg correction at `alpha`, each with the groups ranked by rate, then one
/// line naming the frames that do not.
pub fn summary_lines(c: &Comparison, alpha: f64) -> Vec<String> {
    let mut frames: Vec<&str> = Vec::new();
    for r in &c.frames {
        if !frames.contains(&r.frame.as_str()) {
            frames.push(&r.frame);
        }
    }
    let mut lines = Vec::new();
    let (mut noise, mut untested) = (Vec::new(), Vec::new());
    for frame in frames {
        let rows: Vec<&FrameRow> = c.frames.iter().filter(|r| r.frame == frame).collect();
        let (Some(t), q) = (rows[0].test, rows[0].q) else {
            untested.push(frame);
            continue;
        };
        if q >= alpha {
            noise.push(frame.to_string());
            continue;
        }
        let mut ranked = rows.clone();
        ranked.sort_by(|a, b| b.per_1k.estimate.total_cmp(&a.per_1k.estimate));
        let groups: Vec<String> = ranked
            .iter()
            .map(|r| {
                let small = if r.small { " (small)" } else { "" };
                format!(
                    "{} {} [{}, {}]{small}",
                    r.group,
                    cell(r.per_1k.estimate),
                    cell(r.per_1k.low),
                    cell(r.per_1k.high)
                )
            })
            .collect();
        lines.push(format!(
            "{frame} differs (chi2 = {}, df = {}, q = {}, Cramér's V = {}); per 1,000 tokens: {}",
            cell(t.statistic),
            t.df,
            cell_p(q),
            cell(t.cramers_v),
            groups.join(" > ")
        ));
    }
    if lines.is_empty() {
        lines.push(format!("no frame differs across groups beyond noise (BH q < {})", cell(alpha)));
    }
    if !noise.is_empty() {
        lines.push(format!("not different beyond noise (q ≥ {}): {}", cell(alpha), noise.join(", ")));
    }
    if !untested.is_empty() {
        lines.push(format!(
            "not tested (fewer than two groups with sentences, or no sentence or every one has the frame): {}",
            untested.join(", ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_keep_their_size() {
        assert_eq!(cell_p(0.0010165800439692072), "0.001017");
        assert_eq!(cell_p(3.2e-9), "3.2e-9");
        assert_eq!(cell_p(0.0), "0");
        assert_eq!(cell(f64::NAN), "");
    }
}
