//! Arbitrary bytes as a model JSON file: `Model::load` (size check, serde into `ModelFile`,
//! `Model::from_file`'s version/shape checks, the vectorizer's vocabulary). A model that
//! loads scores and explains one short sentence with the bundled lexicon's hits of its
//! language, as `framing predict` does; the probabilities must be finite, in [0, 1], sum to 1
//! (single-label) and `best` must index a label.
//!
//! A hostile model (huge `char_ngrams` ranges, label × term tables) may be slow or allocate a
//! lot: run with `-rss_limit_mb=2048 -timeout=10` (as `fuzz/run.sh` does).

#![no_main]

mod common;

use std::sync::OnceLock;

use framing::features::LexiconHit;
use framing::lexicon::voice::Voice;
use framing::lexicon::{Lexicon, Matcher};
use framing::model::Model;
use framing::Lang;
use libfuzzer_sys::fuzz_target;

const SENTENCE_DE: &str = "Die russischen Besatzer haben die „Befreiung“ nicht gebracht, sagte die Ministerin.";
const SENTENCE_EN: &str = "The occupiers did not bring „liberation“, the minister said.";

fn lexicon(lang: Lang) -> &'static (Lexicon, Matcher) {
    static DE: OnceLock<(Lexicon, Matcher)> = OnceLock::new();
    static EN: OnceLock<(Lexicon, Matcher)> = OnceLock::new();
    let cell = match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        let lexicon = Lexicon::bundled(lang);
        let matcher = Matcher::new(&lexicon);
        (lexicon, matcher)
    })
}

fn check(model: &Model, sentence: &str, hits: &[LexiconHit<'_>]) {
    let scores = model.score(sentence, hits);
    let k = model.labels().len();
    assert_eq!(scores.probs.len(), k, "one probability per label");
    assert!(scores.best < k, "best {} of {k} labels", scores.best);
    assert!(scores.probs.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)), "probs {:?}", scores.probs);
    if !model.is_multi_label() {
        let sum: f64 = scores.probs.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6, "probs sum to {sum}");
    }
    for (name, contribution) in model.explain(sentence, hits, 5) {
        assert!(contribution.is_finite(), "explain: {name} contributes {contribution}");
    }
}

fuzz_target!(|data: &[u8]| {
    let path = common::write_temp("model_load", "json", data);
    let Ok(model) = Model::load(&path) else { return };
    let _ = (model.version(), model.sha256(), model.file());
    let lang = model.lang();
    let sentence = match lang {
        Lang::De => SENTENCE_DE,
        Lang::En => SENTENCE_EN,
    };
    let (lex, matcher) = lexicon(lang);
    let mut found = Vec::new();
    matcher.find_into(sentence, &mut found);
    let hits: Vec<LexiconHit<'_>> = found
        .iter()
        .map(|h| LexiconHit { frame: &lex.entries[h.entry].frame, voice: Voice::Authorial, negated: false })
        .collect();
    check(&model, sentence, &hits);
    check(&model, sentence, &[]);
    check(&model, "", &[]);
});
