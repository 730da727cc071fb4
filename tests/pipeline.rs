//! Library-level properties of the pipeline.

use std::path::Path;

use framing::lexicon::Lexicon;
use framing::pipeline::{run, AnalyzeConfig, Analyzer};
use framing::report::{term_keys, write_terms, TermTally, MATCHES_HEADER};
use framing::Lang;
use proptest::prelude::*;

const FILES: [&str; 5] = ["sentences.csv", "matches.csv", "documents.csv", "terms.csv", "errors.csv"];

fn analyze(corpus: &Path, out: &Path, threads: usize) {
    let lexicon =
        Lexicon::load(&[crate::common::repo().join("tests/fixtures/analyze/lexicon.csv")]).expect("fixture lexicon");
    let cfg = AnalyzeConfig {
        corpus: corpus.to_path_buf(),
        extensions: vec!["txt".to_string()],
        meta: None,
        analyzer: Analyzer::new(Lang::De, lexicon, None, false),
        out: out.to_path_buf(),
        force: false,
        threads,
        max_doc_bytes: u64::MAX,
        follow: false,
        shard: None,
        command_line: vec![],
        summary: false,
    };
    run(&cfg, &|_, _| {}).expect("run");
}

const WORDS: &[&str] = &[
    "Die",
    "Besatzer",
    "Befreiung",
    "keine",
    "Besatzungsmacht",
    "Besatzungsmitglieder",
    "am",
    "25.",
    "November",
    "„Das",
    "war",
    "es“,",
    "sagte",
    "er.",
    "Dr.",
    "Weber",
    "z. B.",
    "3,5",
    "Prozent",
    "Größe",
    "über",
    "!",
    "?",
    "\n",
    "\n\n",
    "»Schutzmacht«",
    "nicht",
];

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..80).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Reports are byte-identical whatever the number of threads (up to 300 files: several
    /// batches, which workers may finish out of order).
    #[test]
    fn output_is_identical_for_any_thread_count(docs in prop::collection::vec(document(), 1..300)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let corpus = dir.path().join("corpus");
        for (i, text) in docs.iter().enumerate() {
            let path = corpus.join(format!("outlet{}/{i:03}.txt", i % 3));
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
        }
        analyze(&corpus, &dir.path().join("j1"), 1);
        analyze(&corpus, &dir.path().join("j3"), 3);
        for f in FILES {
            let a = std::fs::read_to_string(dir.path().join("j1").join(f)).expect("read");
            let b = std::fs::read_to_string(dir.path().join("j3").join(f)).expect("read");
            // The first differing line, not megabytes of both files.
            let first_diff = a.lines().zip(b.lines()).find(|(x, y)| x != y);
            prop_assert!(a == b, "{} differs: {:?}", f, first_diff);
        }
        let docs_csv = std::fs::read_to_string(dir.path().join("j1/documents.csv")).expect("read");
        prop_assert_eq!(docs_csv.lines().count(), docs.len() + 1);
    }
}

/// A document over 4 MiB is analysed and written in parts; the reports must be exactly what
/// analysing it whole gives (sentence ids, offsets, matches, document row, term counts).
#[test]
fn large_document_streamed_in_parts_equals_whole_analysis() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    let prose = "Die Besatzer kamen am 25. November. „Das war keine Befreiung“, sagte Dr. Weber.\n\n";
    let run_on = "Besatzungsmacht Regierung Befreiung Grenze ".repeat(3_000);
    let big = format!("{}{run_on}\n\n{}", prose.repeat(30_000), prose.repeat(20_000));
    assert!(big.len() > 4 << 20, "{} bytes", big.len());
    let docs = [
        ("a.txt", "Die Besatzer gingen. Es war eine Befreiung.".to_string()),
        ("big.txt", big),
        ("c.txt", prose.to_string()),
    ];
    for (name, text) in &docs {
        std::fs::write(corpus.join(name), text).expect("write");
    }
    let out = dir.path().join("out");
    analyze(&corpus, &out, 2);

    let lexicon =
        Lexicon::load(&[crate::common::repo().join("tests/fixtures/analyze/lexicon.csv")]).expect("fixture lexicon");
    let analyzer = Analyzer::new(Lang::De, lexicon.clone(), None, false);
    let columns = analyzer.columns();
    let mut expected = [
        columns.sentences_header().join(",") + "\n",
        MATCHES_HEADER.join(",") + "\n",
        columns.documents_header().join(",") + "\n",
    ]
    .map(String::into_bytes);
    let mut terms = TermTally::default();
    let format = framing::report::CsvFormat::new(&lexicon, None, columns);
    for (k, (name, _)) in docs.iter().enumerate() {
        // Walked as empty: the file is read whole anyway.
        let file = framing::corpus::CorpusFile { doc_id: (*name).into(), odd_path: None, bytes: 0 };
        let doc = framing::corpus::load_document(&file, &corpus, None).expect("load");
        let report = analyzer.analyze(&doc);
        let mut csv = framing::report::DocumentCsv::default();
        format.write_report(&mut csv, &report);
        expected[0].extend(csv.sentences);
        expected[1].extend(csv.matches);
        expected[2].extend(csv.documents);
        terms.add_document(k as u64, &report.matches);
    }
    for (file, want) in ["sentences.csv", "matches.csv", "documents.csv"].iter().zip(&expected) {
        let got = std::fs::read(out.join(file)).expect("read");
        assert!(&got == want, "{file} differs from the whole-document analysis");
    }
    let mut want_terms = Vec::new();
    let keys = term_keys(&lexicon);
    write_terms(&mut want_terms, keys.iter().map(|(i, key)| (key, terms.get(*i)))).expect("terms");
    assert_eq!(
        std::fs::read_to_string(out.join("terms.csv")).expect("read"),
        String::from_utf8(want_terms).expect("utf8")
    );
    // The run-on stretch (43 bytes × 3,000 = 129,000) became pieces of at most 4,000 bytes,
    // not one sentence: each piece is 93 groups = 3,999 bytes cut after a space, so 33 pieces
    // (129,000 / 3,999 = 32.3); each prose paragraph is two sentences.
    let sentences = crate::common::read_csv(&out.join("sentences.csv"));
    assert!(sentences.iter().all(|row| row[4].len() <= 4_000));
    assert_eq!(sentences.iter().filter(|row| row[0] == "big.txt").count(), 2 * 50_000 + 33);
}
