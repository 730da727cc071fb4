//! Arbitrary bytes as a lexicon CSV file: `lexicon::check_file` and `Lexicon::load` (decode,
//! the hand-written CSV reader, header, fields, pattern validation, duplicate detection).
//! Errors are fine, panics are not. A lexicon that loads is compiled with `Matcher::new` and
//! run over a fixed German text and over the file's own text; the hits must be in bounds, on
//! char boundaries, sorted and non-overlapping, and name existing entries.
//!
//! Invariants: `check_file` and `load` agree (problems ⇔ `Invalid`), and every problem has
//! a 1-based line and column.

#![no_main]

mod common;

use framing::corpus::decode;
use framing::lexicon::{check_file, Hit, Lexicon, LexiconError, Matcher};
use libfuzzer_sys::fuzz_target;

const SAMPLE: &str = "Die russischen Besatzer zogen ab. Viele sprachen von „Befreiung“ – andere nicht.\n\
    Der Terroranschlag in Dravik: „Wir sind keine Besatzungsmacht“, sagte er. ÄÖÜ ẞ İstanbul straße.";

fn check_hits(text: &str, hits: &[Hit], entries: usize) {
    let spans: Vec<_> = hits.iter().map(|h| h.span.clone()).collect();
    common::check_spans("hit", text, 0, &spans, false);
    for h in hits {
        assert!(h.entry < entries, "hit {h:?} names entry {} of {entries}", h.entry);
    }
}

fuzz_target!(|data: &[u8]| {
    let path = common::write_temp("lexicon_parse", "csv", data);
    let problems = check_file(&path);
    let loaded = Lexicon::load(std::slice::from_ref(&path));
    match (&problems, &loaded) {
        (Ok(p), Ok(_)) => assert!(p.is_empty(), "load accepted a file check_file finds problems in: {p:?}"),
        (Ok(p), Err(LexiconError::Invalid(q))) => {
            assert!(!p.is_empty(), "load refused a file check_file finds no problems in");
            assert_eq!(p, q, "check_file and load list different problems");
        }
        (Err(LexiconError::Io { .. }), Err(LexiconError::Io { .. })) => return,
        (p, l) => panic!("check_file and load disagree: {p:?} vs {l:?}"),
    }
    if let Ok(p) = &problems {
        for problem in p {
            assert!(problem.line >= 1 && problem.column >= 1, "problem at line/column 0: {problem}");
        }
    }
    let Ok(lexicon) = loaded else { return };
    let matcher = Matcher::new(&lexicon);
    let entries = lexicon.entries.len();
    let mut hits = Vec::new();
    matcher.find_into(SAMPLE, &mut hits);
    check_hits(SAMPLE, &hits, entries);
    // The file's own text: every pattern is in it, so there is something to find.
    if let Ok(own) = decode(data) {
        hits.clear();
        matcher.find_into(&own.text, &mut hits);
        check_hits(&own.text, &hits, entries);
    }
    let _ = (lexicon.frames(), lexicon.targets(), lexicon.exclusion_count());
});
