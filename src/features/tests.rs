//! Tokens against the standard library's Unicode classes, the fast paths against the plain
//! ones, and the names of features against their keys.

use super::tokens::{gap_run, plain_ascii_end, word_keys_direct, word_run, Wide, LATIN1};
use super::*;
use crate::lexicon::voice::Voice;
use std::collections::HashMap;

proptest::proptest! {
    /// The chunked search ends ASCII runs where a byte-by-byte search does, wherever the
    /// stop byte falls relative to the 16-byte chunks.
    #[test]
    fn ascii_run_end_equals_a_plain_search(
        bytes in proptest::collection::vec(proptest::prop_oneof![16 => 0u8..0x80, 1 => 0x80u8..=0xff, 1 => proptest::strategy::Just(0x80u8), 1 => proptest::strategy::Just(0x7fu8), 1 => proptest::strategy::Just(b'<')], 0..80),
        from in 0usize..80,
    ) {
        let from = from.min(bytes.len());
        let plain = bytes[from..].iter().position(|&c| c >= 0x80 || c == b'<').map_or(bytes.len(), |p| from + p);
        proptest::prop_assert_eq!(plain_ascii_end(&bytes, from), plain);
    }
}

proptest::proptest! {
    /// Tokens are the runs of alphanumeric characters (and `_`) of the lower-cased
    /// sentence with at least `min_token_chars` characters, as the standard library's
    /// Unicode classes split them.
    #[test]
    fn tokens_are_long_enough_alphanumeric_runs(sentence in "[a-zA-Z0-9_ .,;!?-]{0,30}|[aÄé_ ,„“3ΩБ\u{2009}x]{0,40}|[\u{80}-\u{ff}İẞΣa ]{0,30}|[\u{2000}-\u{2050}a1 ]{0,30}") {
        let ex = Extractor::new(FeatureConfig::default());
        let mut scratch = KeyBuffers::default();
        ex.tokenize(&sentence, &mut scratch);
        let lower = scratch.lower.trim_end_matches(' ').to_string();
        // Each character lower-cased on its own (Σ stays σ at a word's end).
        let lowered: String = sentence.chars().flat_map(char::to_lowercase).collect();
        proptest::prop_assert_eq!(&lower, lowered.trim_end_matches(' '));
        let got: Vec<&str> = scratch.tokens.iter().map(|t| &scratch.lower[t.clone()]).collect();
        let reference: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| w.chars().count() >= 2)
            .collect();
        proptest::prop_assert_eq!(got, reference);
    }
}

proptest::proptest! {
    /// The eight-at-a-time runs of word bytes and of gaps end where byte scans end them,
    /// with every byte that the case fold or a borrow could confuse.
    #[test]
    fn word_and_gap_runs_equal_byte_scans(
        bytes in proptest::collection::vec(proptest::sample::select(vec![
            b'a', b'z', b'A', b'Z', b'0', b'9', b'_', b'`', b'{', b'@', b'[', b'/', b':', b'^', b'<', b'=',
            b';', b' ', 0x7F, 0x00, 0x80, 0xC1, 0xC3, 0xE1, 0xFF, 0xDA, 0xFA, 0xDF, 0xB0, b'm', b'm',
        ]), 0..40),
        from in 0usize..40,
    ) {
        let from = from.min(bytes.len());
        let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let words = bytes[from..].iter().position(|b| !is_word(b)).unwrap_or(bytes.len() - from);
        proptest::prop_assert_eq!(word_run(&bytes, from), words);
        let gap = bytes[from..].iter().position(|b| !b.is_ascii() || is_word(b) || *b == b'<').unwrap_or(bytes.len() - from);
        proptest::prop_assert_eq!(gap_run(&bytes, from), gap);
    }
}

proptest::proptest! {
    /// Scoring reads word keys off the sentence; training (which records names) always
    /// lower-cases a copy first. Both must give the same keys, in the same order.
    #[test]
    fn direct_word_keys_equal_those_of_the_lower_cased_copy(
        sentence in "[a-zA-Z0-9_ .,;!?-]{0,40}|[aÄé_ ,„“3ΩωБб€\u{2009}xÜ]{0,40}|[\u{80}-\u{ff}İẞΣσa <>t/]{0,30}|[\u{2000}-\u{2050}a1 ]{0,30}|(Die |Müller |„Zitat“ |<t>Ziel</t> |MASKENPFLICHT |ist, ){0,8}",
        min_token_chars in 1usize..4,
    ) {
        let ex = Extractor::new(FeatureConfig { min_token_chars, ..FeatureConfig::default() });
        let hits = [LexiconHit { frame: "occupation", voice: Voice::Authorial, negated: true }];
        let (mut direct, mut copied) = (Vec::new(), Vec::new());
        ex.keys_into(&sentence, &hits, &mut KeyBuffers::default(), &mut direct, None);
        ex.keys_into(&sentence, &hits, &mut KeyBuffers::default(), &mut copied, Some(&mut HashMap::new()));
        proptest::prop_assert_eq!(direct, copied);
    }
}

#[test]
fn usual_sentences_are_read_directly_and_the_others_are_not() {
    let direct = |s: &str| word_keys_direct(s, 2, &mut KeyBuffers::default());
    assert!(direct("Die Besatzer zogen am 25. November ab, sagte Müller „heute“ – für 8 €."));
    assert!(direct("ω und б sind klein, ß auch"), "their own lower case");
    assert!(!direct("ΩМИР sind Großbuchstaben"), "Ω lower-cases to ω");
    assert!(!direct("İstanbul"), "İ lower-cases to two characters");
    assert!(!direct("Die <t>Maskenpflicht</t> gilt"), "target tags");
    assert!(!direct("a < b"));
}

#[test]
fn latin1_table_agrees_with_the_standard_library() {
    for (i, &(lower, is_word)) in LATIN1.iter().enumerate() {
        let c = char::from_u32(0x80 + i as u32).expect("Latin-1 code point");
        let expected: Vec<char> = c.to_lowercase().collect();
        assert_eq!(vec![lower], expected, "{c:?}");
        assert_eq!(is_word, lower.is_alphanumeric(), "{c:?}");
    }
}

#[test]
fn general_punctuation_is_no_word_and_its_own_lower_case() {
    for c in '\u{2000}'..='\u{203f}' {
        assert!(!c.is_alphanumeric(), "{c:?}");
        assert_eq!(c.to_lowercase().collect::<Vec<_>>(), vec![c], "{c:?}");
        assert!(matches!(Wide::at(c.encode_utf8(&mut [0u8; 4]), 0), (Wide::Punctuation, 3)), "{c:?}");
    }
    assert!(matches!(Wide::at("\u{2040}", 0), (Wide::Other('\u{2040}'), 3)));
}

#[test]
fn target_tags_become_spaces_and_mark_the_span() {
    let ex = Extractor::new(FeatureConfig::default());
    let mut scratch = KeyBuffers::default();
    ex.tokenize("Über <t>die Größe</t>!", &mut scratch);
    assert_eq!(scratch.lower.trim_end(), "über  die größe !");
    let target = scratch.target.clone().expect("target");
    assert_eq!(&scratch.lower[target], " die größe");
    let tokens: Vec<&str> = scratch.tokens.iter().map(|t| &scratch.lower[t.clone()]).collect();
    assert_eq!(tokens, ["über", "die", "größe"]);
}

fn names(sentence: &str, hits: &[LexiconHit<'_>]) -> Vec<String> {
    let ex = Extractor::new(FeatureConfig::default());
    let mut keys = Vec::new();
    let mut map = HashMap::new();
    ex.keys_into(sentence, hits, &mut KeyBuffers::default(), &mut keys, Some(&mut map));
    keys.iter().map(|k| map[k].clone()).collect()
}

#[test]
fn words_bigrams_targets_and_frames_with_names_that_give_back_the_keys() {
    let hits = [LexiconHit { frame: "occupation", voice: Voice::Quoted, negated: false }];
    let got = names("Die <t>Maskenpflicht</t> ist ÜBERFLÜSSIG, sagt er.", &hits);
    assert_eq!(
        got,
        [
            "die",
            "maskenpflicht",
            "ist",
            "überflüssig",
            "sagt",
            "er",
            "die maskenpflicht",
            "maskenpflicht ist",
            "ist überflüssig",
            "überflüssig sagt",
            "sagt er",
            "t:die",
            "t:ist",
            "t:überflüssig",
            "t:sagt",
            "frame=occupation|quoted"
        ]
    );
    let ex = Extractor::new(FeatureConfig::default());
    let mut keys = Vec::new();
    ex.keys_into(
        "Die <t>Maskenpflicht</t> ist ÜBERFLÜSSIG, sagt er.",
        &hits,
        &mut KeyBuffers::default(),
        &mut keys,
        None,
    );
    let from_names: Vec<u64> = got.iter().map(|n| key_of_name(n)).collect();
    assert_eq!(keys, from_names);
}

#[test]
fn char_ngrams_pad_each_word_like_scikit_learn_char_wb() {
    let ex = Extractor::new(FeatureConfig { bigrams: false, char_ngrams: [4, 4], ..FeatureConfig::default() });
    let mut keys = Vec::new();
    let mut map = HashMap::new();
    ex.keys_into("Öl ist", &[], &mut KeyBuffers::default(), &mut keys, Some(&mut map));
    let got: Vec<&str> = keys.iter().map(|k| map[k].as_str()).collect();
    // char_wb n=4 of " öl " and " ist ": " öl ", " ist", "ist ".
    assert_eq!(got, ["öl", "ist", "c: öl ", "c: ist", "c:ist "]);
    let from_names: Vec<u64> = got.iter().map(|n| key_of_name(n)).collect();
    assert_eq!(keys, from_names);
}

#[test]
fn single_letters_are_dropped_like_scikit_learn() {
    assert_eq!(names("a b cd", &[]), ["cd"]);
}

#[test]
fn feature_settings_are_checked_against_their_bounds() {
    let with = |char_ngrams, target_window, min_token_chars| {
        FeatureConfig { char_ngrams, target_window, min_token_chars, ..FeatureConfig::default() }.check()
    };
    for ok in [[0, 0], [1, 1], [4, 4], [3, 5], [1, 10], [10, 10]] {
        assert_eq!(with(ok, 3, 2), Ok(()), "{ok:?}");
    }
    for bad in [[1, 100_000], [0, 4], [5, 3], [4, 0], [11, 11], [1, 11]] {
        assert_eq!(with(bad, 3, 2), Err(FeatureError::CharNgrams(bad[0], bad[1])), "{bad:?}");
    }
    assert_eq!(
        FeatureError::CharNgrams(1, 100_000).to_string(),
        "char_ngrams [1, 100000]: expected [0, 0] or 1 ≤ min ≤ max ≤ 10"
    );
    assert_eq!(with([0, 0], 50, 2), Ok(()));
    assert_eq!(with([0, 0], 51, 2), Err(FeatureError::TargetWindow(51)));
    assert_eq!(FeatureError::TargetWindow(51).to_string(), "target_window 51: expected at most 50");
    assert_eq!(with([0, 0], 3, 20), Ok(()));
    assert_eq!(with([0, 0], 3, 21), Err(FeatureError::MinTokenChars(21)));
    assert_eq!(FeatureError::MinTokenChars(21).to_string(), "min_token_chars 21: expected at most 20");
}
