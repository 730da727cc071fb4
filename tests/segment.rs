//! Integration tests for `framing segment` and the segmenter's quality on external goldens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use framing::segment::Segmenter;
use framing::text::collapse_whitespace;
use framing::Lang;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/segment").join(name)
}

// ---- the binary -------------------------------------------------------------------------

/// Expected lines of `de_sample.txt`, split by hand.
const SAMPLE_LINES: &str = "Überschrift ohne Punkt\n\
Ärzte warnten am 25. November vor der Grippe.\n\
Dr. Müller sagte: „Wir sind bereit.“\n\
Die Zahl stieg um 3,5 Prozent.\n";

#[test]
fn cli_prints_one_sentence_per_line() {
    Command::cargo_bin("framing")
        .unwrap()
        .arg("segment")
        .arg(fixture("de_sample.txt"))
        .assert()
        .success()
        .stdout(SAMPLE_LINES);
}

#[test]
fn cli_reads_stdin() {
    let text = std::fs::read_to_string(fixture("de_sample.txt")).unwrap();
    Command::cargo_bin("framing")
        .unwrap()
        .args(["segment", "-"])
        .write_stdin(text)
        .assert()
        .success()
        .stdout(SAMPLE_LINES);
}

#[test]
fn cli_offsets_are_char_offsets() {
    // Hand-counted: "Überschrift ohne Punkt" is chars 0..22; "\n\n" puts the next sentence at
    // 24; "Ärzte … Grippe." has 45 chars → 24..69; " " → "Dr. Müller sagte:\n„Wir sind
    // bereit.“" (17 + 1 + 18 = 36 chars) 70..106; " " → "Die Zahl stieg um 3,5 Prozent." (30 chars)
    // 107..137. The
    // umlauts Ü, Ä, ü and the quotes „ “ make byte offsets differ from these.
    let expected = "0\t22\tÜberschrift ohne Punkt\n\
24\t69\tÄrzte warnten am 25. November vor der Grippe.\n\
70\t106\tDr. Müller sagte: „Wir sind bereit.“\n\
107\t137\tDie Zahl stieg um 3,5 Prozent.\n";
    Command::cargo_bin("framing")
        .unwrap()
        .args(["segment", "--offsets"])
        .arg(fixture("de_sample.txt"))
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn cli_english_rules() {
    Command::cargo_bin("framing")
        .unwrap()
        .args(["segment", "--lang", "en", "-"])
        .write_stdin("Mr. Smith paid $3.5 million for No. 5 Main St. in the U.S. He moved in.")
        .assert()
        .success()
        .stdout("Mr. Smith paid $3.5 million for No. 5 Main St. in the U.S.\nHe moved in.\n");
}

// ---- external goldens -------------------------------------------------------------------

/// exact_ws of BASELINES.md section 1: the predicted list equals the expected list after
/// collapsing whitespace in each sentence. Returns the ALL rate; prints a table per source.
fn exact_ws_rate(lang: Lang, file: Option<PathBuf>) -> Option<f64> {
    let file = file?;
    let data = std::fs::read_to_string(&file).expect("golden file");
    let seg = Segmenter::new(lang);
    let mut per_source: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut hits, mut total) = (0, 0);
    let mut spans = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let item: serde_json::Value = serde_json::from_str(line).expect("golden line is JSON");
        let text = item["text"].as_str().expect("text");
        let expected: Vec<String> = item["sentences"]
            .as_array()
            .expect("sentences")
            .iter()
            .map(|s| collapse_whitespace(s.as_str().expect("sentence")).into_owned())
            .filter(|s| !s.is_empty())
            .collect();
        spans.clear();
        seg.split_into(text, &mut spans);
        let predicted: Vec<String> = spans.iter().map(|r| collapse_whitespace(&text[r.clone()]).into_owned()).collect();
        let ok = predicted == expected;
        let entry = per_source.entry(item["source"].as_str().unwrap_or("?").to_string()).or_default();
        entry.0 += usize::from(ok);
        entry.1 += 1;
        hits += usize::from(ok);
        total += 1;
        if !ok && std::env::var_os("SEG_FAILURES").is_some() {
            eprintln!("FAIL {}\n  expected: {expected:?}\n  predicted: {predicted:?}", item["id"]);
        }
    }
    eprintln!("exact_ws on {} ({lang}):", file.display());
    for (source, (h, n)) in &per_source {
        eprintln!("  {source:<22} {h:>4}/{n:<4} {:.3}", *h as f64 / *n as f64);
    }
    let rate = hits as f64 / total as f64;
    eprintln!("  {:<22} {hits:>4}/{total:<4} {rate:.3}", "ALL");
    Some(rate)
}

fn golden(name: &str) -> Option<PathBuf> {
    crate::common::shared(&format!("data/segmentation/{name}"))
}

#[test]
fn german_goldens_beat_pysbd() {
    if let Some(rate) = exact_ws_rate(Lang::De, golden("de.jsonl")) {
        // pySBD scores 0.927 (BASELINES.md section 1).
        assert!(rate >= 0.93, "German exact_ws {rate:.3} < 0.93");
    }
}

#[test]
fn english_goldens_beat_pysbd() {
    if let Some(rate) = exact_ws_rate(Lang::En, golden("en.jsonl")) {
        // pySBD scores 0.814 (BASELINES.md section 1).
        assert!(rate >= 0.815, "English exact_ws {rate:.3} < 0.815");
    }
}

// ---- properties -------------------------------------------------------------------------

fn check_spans(text: &str, lang: Lang) -> Result<(), TestCaseError> {
    let spans = Segmenter::new(lang).split(text);
    let mut covered_to = 0;
    for r in &spans {
        prop_assert!(r.start >= covered_to && r.start < r.end && r.end <= text.len(), "bad span {r:?}");
        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let s = &text[r.clone()];
        prop_assert_eq!(s.trim(), s, "span not trimmed");
        prop_assert!(text[covered_to..r.start].trim().is_empty(), "lost text before {:?}", r);
        covered_to = r.end;
    }
    prop_assert!(text[covered_to..].trim().is_empty(), "lost text at the end");
    Ok(())
}

proptest! {
    #[test]
    fn spans_cover_all_text_in_order(
        parts in proptest::collection::vec(
            prop_oneof![
                "[a-zA-ZäöüÄÖÜß]{1,8}", "[0-9]{1,4}",
                Just(".".to_string()), Just("!".to_string()), Just("?".to_string()), Just("…".to_string()),
                Just("„".to_string()), Just("“".to_string()), Just("\"".to_string()), Just("»".to_string()),
                Just("«".to_string()), Just("(".to_string()), Just(")".to_string()), Just(" ".to_string()),
                Just("\n".to_string()), Just("\n\n".to_string()), Just("# ".to_string()), Just("z. B.".to_string()),
                // The marks of the English rules: single quotes, full-width marks, dashes
                // before quotes, separators, square brackets, typeset omissions, letter items.
                Just("'".to_string()), Just("‘".to_string()), Just("’".to_string()), Just("．".to_string()),
                Just("？".to_string()), Just("--".to_string()), Just("***".to_string()), Just("[".to_string()),
                Just("]".to_string()), Just(" . . . ".to_string()), Just("a. ".to_string()), Just("b. ".to_string()),
            ],
            0..60,
        )
    ) {
        let text = parts.concat();
        check_spans(&text, Lang::De)?;
        check_spans(&text, Lang::En)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn long_sentences_are_cut_without_losing_text(
        words in proptest::collection::vec(("[a-zäöüß]{1,40}", prop_oneof![Just(" "), Just("\n"), Just("")]), 0..600)
    ) {
        let text: String = words.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
        check_spans(&text, Lang::De)?;
        for r in Segmenter::new(Lang::De).split(&text) {
            prop_assert!(r.len() <= framing::segment::MAX_SENTENCE_BYTES, "{} bytes", r.len());
        }
    }
}

// ---- speed ------------------------------------------------------------------------------

#[test]
fn text_without_punctuation_is_cut_into_bounded_pieces() {
    // 20 MB without any sentence punctuation: 4,000-byte pieces cut after a space (the text
    // has no line breaks). "wort " is 5 bytes, so the last space inside a 4,000-byte window
    // ends the 800th word: every piece but the last is 799 words plus "wort" = 3,999 bytes.
    let text = "wort ".repeat(4_000_000);
    let spans = Segmenter::new(Lang::De).split(&text);
    assert_eq!(spans.len(), 5_000);
    assert_eq!(spans[0], 0..3_999);
    assert_eq!(spans[1], 4_000..7_999);
    assert!(spans.iter().all(|r| &text[r.clone()] == "wort ".repeat(800).trim_end()));
    assert_eq!(spans.last(), Some(&(19_996_000..19_999_999)));
}

#[test]
fn long_unpunctuated_text_is_cut_at_line_breaks_first() {
    // Lines of 61 bytes (60 + newline): the piece ends after the last line break in the
    // second half of the 4,000-byte window, i.e. after line 65 (65 × 61 = 3,965 bytes).
    let line = "Krieg Besatzung Befreiung Regierung Abkommen Grenze Berlin a\n";
    assert_eq!(line.len(), 61);
    let text = line.repeat(200);
    let spans = Segmenter::new(Lang::De).split(&text);
    assert_eq!(spans[0], 0..3_964);
    assert_eq!(spans[1], 3_965..7_929);
    assert_eq!(spans.len(), 4);
    assert_eq!(spans[3].end, text.len() - 1);
}

#[test]
fn one_long_word_is_cut_at_a_character_boundary() {
    // 3,000 × "ä" (2 bytes each) and no space at all: 4,000 bytes is a boundary.
    let text = "ä".repeat(3_000);
    let spans = Segmenter::new(Lang::De).split(&text);
    assert_eq!(spans, vec![0..4_000, 4_000..6_000]);
}

/// Throughput on German news prose (the PUD/GSD golden texts, repeated to ~50 MB).
/// Run: `cargo test --release --test tests segment::throughput -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput_mb_per_s() {
    throughput(Lang::De, "de.jsonl", |source| source.starts_with("ud_"));
}

/// Throughput on the English golden texts (all suites: literature, lists, abbreviations,
/// scientific prose), repeated to ~50 MB. `SEGMENT_THROUGHPUT_MB` sets another size (a small
/// one for instruction counts under valgrind).
#[test]
#[ignore]
fn english_throughput_mb_per_s() {
    throughput(Lang::En, "en.jsonl", |_| true);
}

fn throughput(lang: Lang, golden_name: &str, keep: impl Fn(&str) -> bool) {
    let Some(path) = golden(golden_name) else { return };
    let data = std::fs::read_to_string(path).expect("golden file");
    let mut prose = String::new();
    for line in data.lines() {
        let item: serde_json::Value = serde_json::from_str(line).expect("JSON");
        if item["source"].as_str().is_some_and(&keep) {
            prose.push_str(item["text"].as_str().expect("text"));
            prose.push_str("\n\n");
        }
    }
    let mb: usize = std::env::var("SEGMENT_THROUGHPUT_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let text = prose.repeat((mb * 1_000_000 / prose.len()).max(1));
    let seg = Segmenter::new(lang);
    let mut out = Vec::new();
    let mut best = f64::MAX;
    for _ in 0..5 {
        out.clear();
        let t = std::time::Instant::now();
        seg.split_into(&text, &mut out);
        best = best.min(t.elapsed().as_secs_f64());
    }
    eprintln!(
        "{lang}: {} MB, {} sentences, {:.0} MB/s",
        text.len() / 1_000_000,
        out.len(),
        text.len() as f64 / 1e6 / best
    );
}
