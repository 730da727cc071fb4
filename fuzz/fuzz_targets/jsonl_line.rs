//! Arbitrary bytes as `--jsonl` input: `jsonl::stream` over a `&[u8]` reader into a
//! `Vec<u8>` writer, with the bundled German lexicon and model (with `explain`) on a
//! one-thread pool. That covers the line reader, serde into the document struct, decoding of
//! `text`, `document_from_text`, `Analyzer::analyze` and the JSON writer, each input run
//! with a realistic line limit (64 MB) and a small one (512 bytes) so the bounded line reader
//! is crossed. A bad line (not UTF-8, not a document, too long) is reported and skipped
//! (fine); panics are not.
//!
//! Invariants: `stream` never fails on in-memory input; every output line is a JSON object;
//! one output line per sentence; documents + bad lines never exceed the input's lines, bad
//! line numbers ascend; the small limit only turns documents into bad lines.

#![no_main]

use std::sync::OnceLock;

use framing::jsonl::stream;
use framing::lexicon::Lexicon;
use framing::model::Model;
use framing::pipeline::Analyzer;
use framing::Lang;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    analyzer: Analyzer,
    pool: rayon::ThreadPool,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let model = match Model::bundled(Lang::De) {
            Some(Ok(model)) => Some(model),
            Some(Err(e)) => panic!("fuzz harness: bundled German model does not load: {e}"),
            None => None,
        };
        let analyzer = Analyzer::new(Lang::De, Lexicon::bundled(Lang::De), model, true);
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
            Ok(pool) => pool,
            Err(e) => panic!("fuzz harness: no thread pool: {e}"),
        };
        Fixture { analyzer, pool }
    })
}

/// The line limit of a real run (`--max-doc-mb`'s order of magnitude), and a small one
/// that fuzz inputs cross.
const LIMITS: [usize; 2] = [64 << 20, 512];

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    // Lines as `stream` numbers them: a last line without `\n` counts, an empty tail not.
    let lines = data.split(|&b| b == b'\n').count() as u64 - u64::from(data.is_empty() || data.ends_with(b"\n"));
    let mut handled = Vec::new();
    for max_line_bytes in LIMITS {
        let mut out = Vec::new();
        let summary = match stream(&fx.analyzer, &fx.pool, data, &mut out, "fuzz", max_line_bytes) {
            Ok(summary) => summary,
            // Reading a `&[u8]` and writing a `Vec` cannot fail: bad input is a bad line.
            Err(e) => panic!("stream failed on in-memory input (limit {max_line_bytes}): {e}"),
        };
        let bad = summary.bad_lines.len() as u64;
        assert!(
            summary.documents + bad <= lines,
            "{} documents + {bad} bad lines from {lines} lines (limit {max_line_bytes})",
            summary.documents
        );
        let mut last = 0;
        for b in &summary.bad_lines {
            assert!(
                b.line > last && b.line <= lines,
                "bad line numbers out of order or range: {:?}",
                summary.bad_lines
            );
            last = b.line;
        }
        let text = std::str::from_utf8(&out).expect("output is UTF-8");
        let mut sentences = 0;
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("every output line is JSON");
            assert!(value.is_object(), "output line is not an object: {line}");
            sentences += 1;
        }
        assert_eq!(sentences, summary.sentences, "one output line per sentence (limit {max_line_bytes})");
        handled.push((summary.documents, bad));
    }
    // A smaller limit can only turn documents into bad lines.
    let [(docs_big, bad_big), (docs_small, bad_small)] = handled[..] else { unreachable!() };
    assert!(docs_small <= docs_big, "the small limit analysed more documents ({docs_small} > {docs_big})");
    assert!(docs_small + bad_small >= docs_big + bad_big, "the small limit lost lines");
});
