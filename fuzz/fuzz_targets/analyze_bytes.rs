//! Arbitrary file bytes through the per-document pipeline: `corpus::decode` (and
//! `decode_owned`, which must agree), `corpus::document_from_text` (header/front matter),
//! sentence segmentation (German via the `Analyzer`, English via a `Segmenter`), the bundled
//! German lexicon's `Matcher` (`find_into` per sentence against `scan` + `find_in_span`), and
//! `Analyzer::analyze` with the bundled German model (voice, negation, contexts, scores).
//!
//! Invariants checked (the segment and lexicon module contracts): sentence spans are
//! non-empty, in bounds, on char boundaries, in order, non-overlapping, at most
//! `MAX_SENTENCE_BYTES`, trimmed, and only whitespace lies between them; lexicon hits are
//! the same either way, in bounds, on char boundaries, sorted, non-overlapping; the report
//! has one row per span with char offsets that count the characters before the span.

#![no_main]

mod common;

use std::sync::OnceLock;

use framing::corpus::{decode, decode_owned, document_from_text};
use framing::lexicon::{Hit, Lexicon, Matcher};
use framing::model::Model;
use framing::pipeline::Analyzer;
use framing::segment::{Segmenter, MAX_SENTENCE_BYTES};
use framing::Lang;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    analyzer: Analyzer,
    matcher: Matcher,
    english: Segmenter,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let lexicon = Lexicon::bundled(Lang::De);
        let matcher = Matcher::new(&lexicon);
        let model = match Model::bundled(Lang::De) {
            Some(Ok(model)) => Some(model),
            Some(Err(e)) => panic!("fuzz harness: bundled German model does not load: {e}"),
            None => None,
        };
        Fixture { analyzer: Analyzer::new(Lang::De, lexicon, model, true), matcher, english: Segmenter::new(Lang::En) }
    })
}

fn check_sentences(what: &str, text: &str, from: usize, spans: &[std::ops::Range<usize>]) {
    common::check_spans(what, text, from, spans, true);
    for s in spans {
        let sentence = &text[s.clone()];
        assert!(s.len() <= MAX_SENTENCE_BYTES, "{what}: sentence {s:?} longer than MAX_SENTENCE_BYTES");
        assert!(sentence.trim() == sentence, "{what}: sentence {s:?} not trimmed: {sentence:?}");
    }
}

fn check_hits(what: &str, sentence: &str, hits: &[Hit], entries: usize) {
    let spans: Vec<_> = hits.iter().map(|h| h.span.clone()).collect();
    common::check_spans(what, sentence, 0, &spans, false);
    for h in hits {
        assert!(h.entry < entries, "{what}: hit {h:?} names entry {} of {entries}", h.entry);
    }
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    let decoded = decode(data);
    let owned = decode_owned(data.to_vec());
    assert_eq!(decoded, owned, "decode and decode_owned disagree");
    let Ok(decoded) = decoded else { return };

    let doc = document_from_text("fuzz/doc.txt", decoded.text, decoded.encoding, data.len() as u64, None);
    let text = doc.text.as_str();
    assert!(
        doc.body_start <= text.len() && text.is_char_boundary(doc.body_start),
        "body_start {} not a char boundary of a {}-byte text",
        doc.body_start,
        text.len()
    );

    // Segmentation, German (the Analyzer's spans are offsets into the whole text) and English.
    let spans = fx.analyzer.sentence_spans(&doc);
    check_sentences("de sentence", text, doc.body_start, &spans);
    let en = fx.english.split(doc.body());
    check_sentences("en sentence", doc.body(), 0, &en);

    // Lexicon matching, per sentence and with the whole-document scan; they must agree.
    let entries = fx.analyzer.lexicon().entries.len();
    let scanned = fx.matcher.scan(text);
    let mut expected: Vec<Vec<Hit>> = Vec::with_capacity(spans.len());
    for span in &spans {
        let sentence = &text[span.clone()];
        let mut alone = Vec::new();
        fx.matcher.find_into(sentence, &mut alone);
        check_hits("hit", sentence, &alone, entries);
        let mut in_span = Vec::new();
        fx.matcher.find_in_span(text, span.clone(), scanned.as_ref(), &mut in_span);
        assert_eq!(alone, in_span, "find_into and find_in_span disagree on sentence {span:?}");
        expected.push(alone);
    }

    // The whole analysis: one row per span, char offsets, matches as found above, scores.
    let report = fx.analyzer.analyze(&doc);
    assert_eq!(report.sentences.len(), spans.len(), "sentence rows != spans");
    assert_eq!(report.document.n_sentences, spans.len());
    let n_hits: usize = expected.iter().map(Vec::len).sum();
    assert_eq!(report.matches.len(), n_hits, "match rows != matcher hits");
    assert_eq!(report.document.n_matches, n_hits);
    let mut matches = report.matches.iter();
    for ((row, span), hits) in report.sentences.iter().zip(&spans).zip(&expected) {
        let char_start = text[..span.start].chars().count();
        let char_end = char_start + text[span.clone()].chars().count();
        assert_eq!((row.char_start, row.char_end), (char_start, char_end), "sentence {} char offsets", row.sentence_id);
        assert_eq!(row.n_matches, hits.len());
        for hit in hits {
            let m = matches.next().expect("counted above");
            assert_eq!(m.sentence_id, row.sentence_id);
            assert_eq!(m.entry, hit.entry);
            let m_start = char_start + text[span.start..span.start + hit.span.start].chars().count();
            let m_end = m_start + text[span.start + hit.span.start..span.start + hit.span.end].chars().count();
            assert_eq!(
                (m.char_start, m.char_end),
                (m_start, m_end),
                "match char offsets in sentence {}",
                row.sentence_id
            );
        }
        if let Some(scores) = &row.scores {
            assert!(scores.probs.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)), "probs {:?}", scores.probs);
            let sum: f64 = scores.probs.iter().sum();
            assert!((sum - 1.0).abs() < 1e-6, "probs sum to {sum}");
        }
    }
});
