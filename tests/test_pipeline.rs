//! Library-level properties of the pipeline.

mod common;

use std::path::Path;

use framing::corpus::list_files;
use framing::lexicon::Lexicon;
use framing::pipeline::{run, AnalyzeConfig, Analyzer};
use framing::Lang;
use proptest::prelude::*;

const FILES: [&str; 5] = ["sentences.csv", "matches.csv", "documents.csv", "terms.csv", "errors.csv"];

fn analyze(corpus: &Path, out: &Path, threads: usize) {
    let lexicon = Lexicon::load(&[common::repo().join("tests/fixtures/analyze/lexicon.csv")]).expect("fixture lexicon");
    let cfg = AnalyzeConfig {
        corpus: corpus.to_path_buf(),
        listing: list_files(corpus, &["txt".to_string()], &|_| true).expect("list"),
        meta: None,
        analyzer: Analyzer::new(Lang::De, lexicon, None, false),
        out: out.to_path_buf(),
        force: false,
        threads,
        shard: None,
        command_line: vec![],
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

    /// Reports are byte-identical whatever the number of threads.
    #[test]
    fn output_is_identical_for_any_thread_count(docs in prop::collection::vec(document(), 1..40)) {
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
            let a = std::fs::read(dir.path().join("j1").join(f)).expect("read");
            let b = std::fs::read(dir.path().join("j3").join(f)).expect("read");
            prop_assert_eq!(a, b, "{} differs", f);
        }
        let docs_csv = std::fs::read_to_string(dir.path().join("j1/documents.csv")).expect("read");
        prop_assert_eq!(docs_csv.lines().count(), docs.len() + 1);
    }
}
