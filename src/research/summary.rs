//! `summary.html`: one self-contained page (inline CSS and SVG, no script, no font or
//! image from anywhere) from the aggregates and tables of a comparison. Numbers on the
//! page are the CSV's cells ([`cell`], [`cell_p`]), so both always agree.

use serde::Serialize;

use super::aggregate::{Aggregates, GroupAgg, GroupBy};
use super::charts::{self, DotRow, Line, StackRow};
use super::compare::{cell, cell_p, entry_terms, Comparison, VOICES};
use super::stats::Interval;
use super::ResearchError;

/// The page template (minijinja; auto-escaping as HTML).
const TEMPLATE: &str = include_str!("summary.html.jinja");

/// Entries shown per group under "what sets each group apart".
pub const TERMS_PER_GROUP: usize = 5;

/// Examples shown per term.
pub const EXAMPLES_PER_TERM: usize = 3;

/// Voice bars need this many matches (fewer make shares that mean little).
pub const MIN_VOICE_MATCHES: u64 = 5;

/// Groups beyond which the monthly lines are left out (a panel each would fill pages).
pub const MAX_TIME_PANELS: usize = 12;

/// Difference threshold for the ✔ marks.
const ALPHA: f64 = 0.05;

/// Marker characters matching the chart markers of each group.
const MARKERS: [&str; charts::MARKER_COUNT] = ["●", "▲", "✕", "■", "○", "◆", "□"];

#[derive(Serialize)]
struct Totals {
    documents: u64,
    sentences: u64,
    tokens: u64,
    matches: u64,
    dates: String,
    skipped: u64,
}

#[derive(Serialize)]
struct GlanceRow {
    group: String,
    documents: u64,
    sentences: u64,
    tokens: u64,
    matches: u64,
    per_1k: String,
    dates: String,
    small: bool,
}

#[derive(Serialize)]
struct GroupKey {
    name: String,
    marker: &'static str,
    colour: String,
}

#[derive(Serialize)]
struct RateRow {
    frame: String,
    group: String,
    matches: u64,
    per_1k: String,
    per_1k_low: String,
    per_1k_high: String,
    share: String,
    chi2: String,
    q: String,
    cramers_v: String,
    survives: bool,
    small: bool,
}

#[derive(Serialize)]
struct VoiceKey {
    name: String,
    colour: String,
}

#[derive(Serialize)]
struct Example {
    left: String,
    surface: String,
    right: String,
    doc_id: String,
}

/// Contexts are cut at 60 characters; a shorter one reaches the sentence's edge.
const CONTEXT_CUT: usize = 58;

impl Example {
    /// The example as it reads: contexts are stored trimmed, so the space between them
    /// and the term is put back unless a quotation mark or bracket sits there, and `…`
    /// marks a context cut short (not the sentence's own start or end).
    fn new(k: &super::aggregate::Kwic) -> Example {
        let opens = |c: char| "„“”\"‚‘'«»([".contains(c);
        let closes = |c: char| ".,;:!?“”\"‘’'»«)]…".contains(c);
        let mut left = k.left().to_string();
        if left.chars().count() >= CONTEXT_CUT {
            left.insert(0, '…');
        }
        if left.chars().last().is_some_and(|c| !opens(c)) {
            left.push(' ');
        }
        let mut right = String::new();
        if k.right().chars().next().is_some_and(|c| !closes(c)) {
            right.push(' ');
        }
        right.push_str(k.right());
        if k.right().chars().count() >= CONTEXT_CUT {
            right.push('…');
        }
        Example { left, surface: k.surface().to_string(), right, doc_id: k.doc_id().to_string() }
    }
}

#[derive(Serialize)]
struct TermView {
    term: String,
    z: String,
    count_group: u64,
    count_rest: u64,
    examples: Vec<Example>,
}

#[derive(Serialize)]
struct GroupTerms {
    group: String,
    terms: Vec<TermView>,
}

#[derive(Serialize)]
struct RunView {
    command: String,
    version: String,
    documents: u64,
}

#[derive(Serialize)]
struct LexiconView {
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct Page {
    title: String,
    by: String,
    reports: Vec<String>,
    totals: Totals,
    glance: Vec<GlanceRow>,
    min_docs: u64,
    groups: Vec<GroupKey>,
    rate_chart: String,
    rate_rows: Vec<RateRow>,
    time_chart: Option<String>,
    months_missing: u64,
    voices: Vec<VoiceKey>,
    voice_chart: Option<String>,
    terms: Vec<GroupTerms>,
    label_chart: Option<String>,
    model: Option<String>,
    runs: Vec<RunView>,
    command: String,
    lexicons: Vec<LexiconView>,
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Shell-like quoting of a command line for the method box; the program is named by its
/// file name (where it was installed says nothing about the method).
fn command_line(args: &[String]) -> String {
    let program = args
        .first()
        .map(|p| std::path::Path::new(p).file_name().map_or_else(|| p.clone(), |n| n.to_string_lossy().into_owned()));
    program
        .iter()
        .chain(args.iter().skip(1))
        .map(|a| {
            if !a.is_empty() && a.chars().all(|c| c.is_alphanumeric() || "-_./,=:@".contains(c)) {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn date_range(dates: &Option<(String, String)>) -> String {
    match dates {
        Some((a, b)) if a == b => a.clone(),
        Some((a, b)) => format!("{a} – {b}"),
        None => "no dates".into(),
    }
}

fn all_matches(g: &GroupAgg) -> u64 {
    g.sums.all_frames.sum_y() as u64
}

fn group_rate(g: &GroupAgg) -> Interval {
    g.sums.all_frames.ratio().scaled(1000.0)
}

/// Renders the page. `title` heads it; `command` is this run's command line.
pub fn render(
    agg: &Aggregates,
    comparison: &Comparison,
    min_docs: u64,
    title: &str,
    command: &[String],
) -> Result<String, ResearchError> {
    let by = agg.by.as_ref().map_or("group".to_string(), |b| b.name().replace('-', " and "));
    let group_index = |name: &str| agg.groups.iter().position(|g| g.name == name).unwrap_or(0);

    // At a glance.
    let all_dates: Vec<&(String, String)> = agg.groups.iter().filter_map(|g| g.dates.as_ref()).collect();
    let span = all_dates.iter().map(|d| d.0.clone()).min().zip(all_dates.iter().map(|d| d.1.clone()).max());
    let totals = Totals {
        documents: agg.groups.iter().map(GroupAgg::documents).sum(),
        sentences: agg.groups.iter().map(GroupAgg::sentences).sum(),
        tokens: agg.groups.iter().map(GroupAgg::tokens).sum(),
        matches: agg.groups.iter().map(all_matches).sum(),
        dates: date_range(&span),
        skipped: agg.skipped,
    };
    let glance = agg
        .groups
        .iter()
        .map(|g| GlanceRow {
            group: g.name.clone(),
            documents: g.documents(),
            sentences: g.sentences(),
            tokens: g.tokens(),
            matches: all_matches(g),
            per_1k: cell(group_rate(g).estimate),
            dates: date_range(&g.dates),
            small: g.documents() < min_docs,
        })
        .collect();
    let groups = agg
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| GroupKey {
            name: g.name.clone(),
            marker: MARKERS[i % MARKERS.len()],
            colour: hex(charts::PALETTE[i % charts::PALETTE.len()]),
        })
        .collect();

    // Rates per frame: frames some group uses.
    let used: Vec<&String> =
        agg.frames.iter().filter(|f| comparison.frames.iter().any(|r| &r.frame == *f && r.matches > 0)).collect();
    let mut rate_rows = Vec::new();
    let mut dots = Vec::new();
    for (f, frame) in used.iter().enumerate() {
        for r in comparison.frames.iter().filter(|r| &&r.frame == frame) {
            let mark = if r.q < ALPHA { " ✔" } else { "" };
            dots.push(DotRow {
                label: format!("{}{mark}: {}", r.frame, r.group),
                series: group_index(&r.group),
                value: r.per_1k,
                shade: f % 2 == 0,
            });
            rate_rows.push(RateRow {
                frame: r.frame.clone(),
                group: r.group.clone(),
                matches: r.matches,
                per_1k: cell(r.per_1k.estimate),
                per_1k_low: cell(r.per_1k.low),
                per_1k_high: cell(r.per_1k.high),
                share: cell(r.share.estimate),
                chi2: r.test.map_or(String::new(), |t| cell(t.statistic)),
                q: cell_p(r.q),
                cramers_v: r.test.map_or(String::new(), |t| cell(t.cramers_v)),
                survives: r.q < ALPHA,
                small: r.small,
            });
        }
    }
    let rate_chart = charts::dot_whisker(&dots, "loaded terms per 1,000 tokens (95 % interval)")?;

    // Over time: every loaded term per 1,000 tokens, per group and month.
    // Lines per group over months only when groups are not themselves periods, and few
    // enough to draw a panel each.
    let by_time = matches!(agg.by, Some(GroupBy::Month | GroupBy::Year | GroupBy::SourceMonth));
    let time_chart = if agg.months.len() >= 2 && !by_time && agg.groups.len() <= MAX_TIME_PANELS {
        let lines: Vec<Line> = agg
            .groups
            .iter()
            .map(|g| {
                let values = (0..agg.months.len())
                    .map(|m| match g.sums.months.get(m) {
                        Some(&(y, x)) if x > 0 => 1000.0 * y as f64 / x as f64,
                        _ => f64::NAN,
                    })
                    .collect();
                Line { name: g.name.clone(), values }
            })
            .collect();
        Some(charts::lines(&agg.months, &lines, "loaded terms per 1,000 tokens")?)
    } else {
        None
    };
    let months_missing = agg.groups.iter().map(|g| g.sums.undated).sum::<u64>();

    // Voice.
    let stack_rows: Vec<StackRow> = agg
        .frames
        .iter()
        .flat_map(|f| comparison.voice.iter().filter(move |r| &r.frame == f))
        .filter(|r| r.matches >= MIN_VOICE_MATCHES)
        .map(|r| StackRow {
            label: format!("{}: {} ({})", r.frame, r.group, r.matches),
            parts: r.shares.iter().map(|s| s.estimate).collect(),
        })
        .collect();
    let voice_chart =
        if stack_rows.is_empty() { None } else { Some(charts::stacked(&stack_rows, "share of the frame's matches")?) };
    let voices = VOICES
        .iter()
        .zip(charts::VOICE_COLOURS)
        .map(|(v, c)| VoiceKey { name: v.replace('_', " "), colour: hex(c) })
        .collect();

    // Distinctive entries with examples.
    let entry_terms = entry_terms(agg);
    let terms = agg
        .groups
        .iter()
        .map(|g| {
            let terms = comparison
                .terms
                .iter()
                .filter(|t| t.group == g.name && t.kind == "entry" && t.log_odds.z > 0.0 && t.count_group > 0)
                .take(TERMS_PER_GROUP)
                .map(|t| {
                    let entry = entry_terms.iter().position(|term| *term == t.term);
                    let examples = entry
                        .and_then(|e| g.entry_examples.get(e))
                        .map(|ks| ks.iter().take(EXAMPLES_PER_TERM).map(Example::new).collect())
                        .unwrap_or_default();
                    TermView {
                        term: t.term.clone(),
                        z: cell(t.log_odds.z),
                        count_group: t.count_group,
                        count_rest: t.count_rest,
                        examples,
                    }
                })
                .collect();
            GroupTerms { group: g.name.clone(), terms }
        })
        .collect();

    // Model labels.
    let label_chart = if comparison.labels.is_empty() {
        None
    } else {
        let rows: Vec<DotRow> = agg
            .labels
            .iter()
            .flat_map(|l| comparison.labels.iter().filter(move |r| &r.name == l))
            .map(|r| DotRow {
                label: format!("{}: {}", r.name, r.group),
                series: group_index(&r.group),
                value: r.mean,
                shade: agg.labels.iter().position(|l| *l == r.name).is_some_and(|i| i % 2 == 0),
            })
            .collect();
        Some(charts::dot_whisker(&rows, "mean label probability (95 % interval)")?)
    };
    let model = agg.runs.iter().find_map(|r| r.model.as_ref().map(|m| m.version.clone()));

    let mut lexicons: Vec<LexiconView> = Vec::new();
    for run in &agg.runs {
        for l in &run.lexicons {
            if !lexicons.iter().any(|x| x.path == l.path && x.sha256 == l.sha256) {
                lexicons.push(LexiconView { path: l.path.clone(), sha256: l.sha256.clone() });
            }
        }
    }
    let page = Page {
        title: title.to_string(),
        by,
        reports: agg.reports.iter().map(|r| r.display().to_string()).collect(),
        totals,
        glance,
        min_docs,
        groups,
        rate_chart,
        rate_rows,
        time_chart,
        months_missing,
        voices,
        voice_chart,
        terms,
        label_chart,
        model,
        runs: agg
            .runs
            .iter()
            .map(|r| RunView {
                command: command_line(&r.command_line),
                version: r.framing_version.clone(),
                documents: r.counts.documents_ok,
            })
            .collect(),
        command: command_line(command),
        lexicons,
    };
    let mut env = minijinja::Environment::new();
    env.add_template("summary.html", TEMPLATE).map_err(|e| ResearchError::Render(e.to_string()))?;
    let template = env.get_template("summary.html").map_err(|e| ResearchError::Render(e.to_string()))?;
    template.render(minijinja::value::Serde(&page)).map_err(|e| ResearchError::Render(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_quoted_for_a_shell() {
        let args = ["/usr/local/bin/framing", "compare", "my reports/x", "--by", "source,month"].map(String::from);
        assert_eq!(command_line(&args), "framing compare 'my reports/x' --by source,month");
    }
}
