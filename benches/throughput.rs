//! Throughput micro-benchmarks of the per-document stages, in bytes of input per second.
//!
//! `cargo bench` (all groups, a few minutes on 2 cores) or `cargo bench -- lexicon` (one
//! group). The text is ~1 MB from the corpus generator (examples/gen_corpus.rs), so the
//! figures are comparable with `bench/run.sh`.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use framing::corpus::{document_from_text, Document};
use framing::lexicon::{Hit, Lexicon, Matcher};
use framing::model::Model;
use framing::pipeline::Analyzer;
use framing::segment::Segmenter;
use framing::Lang;

// The generator's own unit tests come along and are not run here.
#[allow(unused_imports)]
#[path = "../examples/gen_corpus.rs"]
mod gen;

/// Bytes of generated text each benchmark runs over.
const SAMPLE_BYTES: usize = 1_000_000;
/// Seed of the generated text (the same as bench/run.sh's default).
const SEED: u64 = 1;
/// Size of the synthetic large lexicon.
const BIG_LEXICON_ROWS: usize = 10_000;

/// Short runs: the whole suite must finish in a few minutes on a shared 2-core machine.
fn configured() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args()
}

/// The generated documents, as the pipeline would load them.
fn sample_documents() -> Vec<Document> {
    let mut docs = Vec::new();
    let mut bytes = 0;
    let mut i = 0;
    while bytes < SAMPLE_BYTES {
        let doc = gen::document(SEED, i);
        bytes += doc.text.len();
        let len = doc.text.len() as u64;
        docs.push(document_from_text(&doc.rel_path, doc.text, "UTF-8", len, None));
        i += 1;
    }
    docs
}

fn total_bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text.len() as u64).sum()
}

/// The sentences of every document as (document index, byte span), split once up front.
fn sentence_spans(docs: &[Document]) -> Vec<(usize, Range<usize>)> {
    let segmenter = Segmenter::new(Lang::De);
    let mut spans = Vec::new();
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        out.clear();
        segmenter.split_into(&doc.text, &mut out);
        spans.extend(out.iter().map(|s| (i, s.clone())));
    }
    spans
}

/// The shared 345-row benchmark lexicon, or the bundled one when it is absent: its name,
/// the loaded lexicon and its CSV text.
fn shared_lexicon() -> (String, Lexicon, String) {
    let bundled = || ("bundled".to_string(), Lexicon::bundled(Lang::De), BUNDLED_CSV.to_string());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/lexicon.csv");
    if !path.exists() {
        eprintln!("lexicon: {} not found; using the bundled German lexicon", path.display());
        return bundled();
    }
    match (Lexicon::load(std::slice::from_ref(&path)), std::fs::read_to_string(&path)) {
        (Ok(lex), Ok(text)) => ("shared".into(), lex, text),
        (Err(e), _) => {
            eprintln!("lexicon: cannot load {}: {e}; using the bundled German lexicon", path.display());
            bundled()
        }
        (_, Err(e)) => {
            eprintln!("lexicon: cannot read {}: {e}; using the bundled German lexicon", path.display());
            bundled()
        }
    }
}

/// The bundled German lexicon's CSV, the base of the large lexicon without the shared one.
const BUNDLED_CSV: &str = include_str!("../lexicons/de/conflict.csv");

/// A 10,000-row lexicon written to a temp file and loaded the way the CLI does: the shared
/// lexicon's rows (the bundled German one without it) plus generated pseudo-word patterns
/// (see `gen_corpus --lexicon`), so it keeps the real matches and adds rare patterns.
fn big_lexicon(base: &str) -> Option<(tempfile::NamedTempFile, Lexicon)> {
    let file = temp_csv(&gen::lexicon_csv(Some(base), BIG_LEXICON_ROWS, SEED))?;
    let path: PathBuf = file.path().to_path_buf();
    match Lexicon::load(&[path]) {
        Ok(lex) => Some((file, lex)),
        Err(e) => {
            eprintln!("lexicon: generated lexicon rejected ({e}); skipping the 10k-pattern benchmark");
            None
        }
    }
}

/// `csv` in a temp file (`None`, said on stderr, when it cannot be written).
fn temp_csv(csv: &str) -> Option<tempfile::NamedTempFile> {
    let written = tempfile::Builder::new().suffix(".csv").tempfile().and_then(|mut file| {
        file.write_all(csv.as_bytes())?;
        Ok(file)
    });
    written.map_err(|e| eprintln!("lexicon: cannot write a temp file ({e}); skipping the benchmarks that need it")).ok()
}

/// The first `models/*.json`, if any.
fn default_model() -> Option<Model> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let path = paths.into_iter().next()?;
    match Model::load(&path) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("model: cannot load {} ({e}); skipping", path.display());
            None
        }
    }
}

fn bench_segmenter(c: &mut Criterion) {
    let docs = sample_documents();
    let segmenter = Segmenter::new(Lang::De);
    let mut group = c.benchmark_group("segmenter");
    group.throughput(Throughput::Bytes(total_bytes(&docs)));
    group.bench_function("de_1mb", |b| {
        let mut out = Vec::with_capacity(64);
        b.iter(|| {
            let mut n = 0;
            for doc in &docs {
                out.clear();
                segmenter.split_into(black_box(&doc.text), &mut out);
                n += out.len();
            }
            n
        })
    });
    group.finish();
}

fn bench_lexicon(c: &mut Criterion) {
    let docs = sample_documents();
    let spans = sentence_spans(&docs);
    let (name, shared, base_csv) = shared_lexicon();
    let mut lexicons = vec![(name.clone(), shared)];
    let big = big_lexicon(&base_csv);
    if let Some((_, lex)) = &big {
        lexicons.push((format!("{name}_plus_generated"), lex.clone()));
    }
    let mut group = c.benchmark_group("lexicon");
    group.throughput(Throughput::Bytes(spans.iter().map(|(_, s)| s.len() as u64).sum()));
    for (name, lexicon) in &lexicons {
        let matcher = Matcher::new(lexicon);
        let id = BenchmarkId::new("match_sentences", format!("{name}_{}_rows", lexicon.entries.len()));
        group.bench_function(id, |b| {
            let mut hits: Vec<Hit> = Vec::new();
            b.iter(|| {
                let mut n = 0;
                for (d, span) in &spans {
                    hits.clear();
                    matcher.find_into(black_box(&docs[*d].text[span.clone()]), &mut hits);
                    n += hits.len();
                }
                n
            })
        });
        // What `analyze` does: one scan per document, then each sentence's span.
        let id = BenchmarkId::new("match_documents", format!("{name}_{}_rows", lexicon.entries.len()));
        group.bench_function(id, |b| {
            let mut hits: Vec<Hit> = Vec::new();
            b.iter(|| {
                let mut n = 0;
                let mut scanned = None;
                let mut scanned_doc = usize::MAX;
                for (d, span) in &spans {
                    let text = black_box(docs[*d].text.as_str());
                    if *d != scanned_doc {
                        scanned = matcher.scan(text);
                        scanned_doc = *d;
                    }
                    hits.clear();
                    matcher.find_in_span(text, span.clone(), scanned.as_ref(), &mut hits);
                    n += hits.len();
                }
                n
            })
        });
    }
    group.finish();
}

/// What `analyze` does before the first document: load the lexicon file and build the
/// stages (automaton, report cells). Serial work, so it counts whole in the run's time.
fn bench_setup(c: &mut Criterion) {
    let (name, _, base_csv) = shared_lexicon();
    let files = [
        (name.clone(), temp_csv(&base_csv)),
        (format!("{name}_plus_generated"), big_lexicon(&base_csv).map(|(f, _)| f)),
    ];
    let mut group = c.benchmark_group("setup");
    for (name, file) in &files {
        let Some(file) = file else { continue };
        let path = file.path().to_path_buf();
        let rows = match Lexicon::load(std::slice::from_ref(&path)) {
            Ok(lexicon) => lexicon.entries.len(),
            Err(e) => {
                eprintln!("setup: {name} lexicon rejected ({e}); skipping it");
                continue;
            }
        };
        group.bench_function(format!("lexicon_and_stages_{name}_{rows}_rows"), |b| {
            b.iter(|| {
                // Loaded once above: the same file cannot fail now.
                let lexicon = Lexicon::load(std::slice::from_ref(&path)).unwrap_or_default();
                Analyzer::new(Lang::De, lexicon, None, false)
            })
        });
    }
    group.finish();
}

fn bench_analyze(c: &mut Criterion) {
    let docs = sample_documents();
    let (name, lexicon, _) = shared_lexicon();
    let analyzer = Analyzer::new(Lang::De, lexicon, None, false);
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Bytes(total_bytes(&docs)));
    group.bench_function(format!("documents_{name}_lexicon_no_model"), |b| {
        b.iter(|| docs.iter().map(|d| analyzer.analyze(black_box(d)).sentences.len()).sum::<usize>())
    });
    group.finish();
}

fn bench_model(c: &mut Criterion) {
    let Some(model) = default_model() else {
        eprintln!("model: no loadable models/*.json; skipping the model benchmark");
        return;
    };
    let docs = sample_documents();
    let spans = sentence_spans(&docs);
    let mut group = c.benchmark_group("model");
    group.throughput(Throughput::Bytes(spans.iter().map(|(_, s)| s.len() as u64).sum()));
    group.bench_function("score_sentences", |b| {
        b.iter(|| {
            let mut best = 0;
            for (d, span) in &spans {
                best += model.score(black_box(&docs[*d].text[span.clone()]), &[]).best;
            }
            best
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = configured();
    targets = bench_segmenter, bench_lexicon, bench_setup, bench_analyze, bench_model
}
criterion_main!(benches);
