//! Every check of a model file, with the message that names the field.

use super::*;
use crate::features::FeatureError;

/// The smallest valid model, shaped like the bundled one: two labels, two words with
/// weights and a lexicon feature whose weights were all pruned.
pub(crate) const MINIMAL: &str = r#"{"format_version":1,"framing_version":"0.1.0","algorithm":"logreg",
    "hyper":{"c":1.0,"alpha":0.1,"max_iter":300,"class_weight":"balanced","seed":13,"min_df":2,
        "max_features":0,"nb_weight":0.5},
    "lang":"de","multi_label":false,"labels":["negative","positive"],
    "features":{"min_token_chars":2,"bigrams":true,"stem":null,"target_window":3,"sublinear_tf":true,
        "char_ngrams":[0,0]},
    "frames":["conflict"],"lexicon_sha256":"","training_data_sha256":"","training_rows":4,
    "label_counts":[{"label":"negative","rows":2},{"label":"positive","rows":2}],
    "cv":null,"created_utc":"2026-01-01T00:00:00Z","bias":[0.5,-0.5],
    "terms":[{"name":"gut","idf":1.5,"w":[-1.0,1.0]},{"name":"schlecht","idf":1.5,"w":[1.0,-1.0]},
        {"name":"frame=conflict","idf":2.0}]}"#;

/// [`MINIMAL`] as JSON with `edit` applied.
pub(crate) fn minimal_with(edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
    edit(&mut v);
    v
}

/// The message of [`ModelFile::check`] on [`MINIMAL`] with `edit` applied (`ok` when it passes).
fn check_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let file: ModelFile = serde_json::from_value(minimal_with(edit)).unwrap_or_else(|e| panic!("{e}"));
    file.check().map_or_else(|e| e.to_string(), |()| "ok".into())
}

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("l{i}")).collect()
}

#[test]
fn the_minimal_model_passes() {
    assert_eq!(check_with(|_| {}), "ok");
    let file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.check_size(MINIMAL.len()), Ok(()));
}

#[test]
fn format_version_must_be_this_one() {
    assert_eq!(
        check_with(|v| v["format_version"] = 2.into()),
        "format_version 2: not supported (this framing reads version 1)"
    );
}

#[test]
fn labels_are_two_to_a_thousand_non_empty_and_unique() {
    let set = |labels: Vec<String>, multi: bool| {
        move |v: &mut serde_json::Value| {
            v["bias"] = serde_json::json!(vec![0.0; labels.len()]);
            v["terms"] = serde_json::json!([]);
            v["labels"] = serde_json::json!(labels);
            v["multi_label"] = multi.into();
        }
    };
    assert_eq!(check_with(set(labels(1), false)), "labels: 1 labels, expected 2 to 1000");
    assert_eq!(check_with(set(labels(1), true)), "ok");
    assert_eq!(check_with(set(labels(0), true)), "labels: 0 labels, expected 1 to 1000");
    assert_eq!(check_with(set(labels(1000), false)), "ok");
    assert_eq!(check_with(set(labels(1001), false)), "labels: 1001 labels, expected 2 to 1000");
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(check_with(set(names(&["a", ""]), false)), "labels[1]: empty label name");
    assert_eq!(check_with(set(names(&["a", "b", "a"]), false)), "labels[2] `a`: the same as labels[0]");
}

#[test]
fn one_finite_bias_per_label() {
    assert_eq!(check_with(|v| v["bias"] = serde_json::json!([0.0])), "bias: 1 values, expected 2 (one per label)");
    // JSON has no infinity for f64; a model built in memory can.
    let mut file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
    file.bias[1] = f64::INFINITY;
    assert_eq!(file.check().map_err(|e| e.to_string()), Err("bias[1] inf: expected a finite number".into()));
}

#[test]
fn hyper_values_are_finite() {
    for (field, message) in [("c", "hyper.c NaN"), ("alpha", "hyper.alpha NaN"), ("nb_weight", "hyper.nb_weight NaN")] {
        let mut file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
        match field {
            "c" => file.hyper.c = f64::NAN,
            "alpha" => file.hyper.alpha = f64::NAN,
            _ => file.hyper.nb_weight = f64::NAN,
        }
        assert_eq!(file.check().map_err(|e| e.to_string()), Err(format!("{message}: expected a finite number")));
    }
}

#[test]
fn feature_settings_are_bounded() {
    let set =
        |field: &'static str, value: serde_json::Value| move |v: &mut serde_json::Value| v["features"][field] = value;
    assert_eq!(
        check_with(set("char_ngrams", serde_json::json!([1, 100_000]))),
        "features.char_ngrams [1, 100000]: expected [0, 0] or 1 ≤ min ≤ max ≤ 10"
    );
    assert_eq!(check_with(set("char_ngrams", serde_json::json!([3, 5]))), "ok");
    assert_eq!(check_with(set("target_window", 51.into())), "features.target_window 51: expected at most 50");
    assert_eq!(check_with(set("min_token_chars", 21.into())), "features.min_token_chars 21: expected at most 20");
}

#[test]
fn terms_have_one_finite_weight_per_label_or_none() {
    assert_eq!(
        check_with(|v| v["terms"][0]["w"] = serde_json::json!([1.0])),
        "terms[0] `gut`: 1 weights, expected 2 (one per label) or 0"
    );
    // 1e39 is beyond f32: it parses as infinity.
    assert_eq!(check_with(|v| v["terms"][2]["idf"] = 1e39.into()), "terms[2].idf inf: expected a finite number");
    assert_eq!(
        check_with(|v| v["terms"][1]["w"] = serde_json::json!([1.0, -1e39])),
        "terms[1].w[1] -inf: expected a finite number"
    );
}

/// Regression (fuzzing, model_load): a finite but huge idf overflowed tf × idf in f32 and
/// the normalisation gave NaN probabilities.
#[test]
fn idf_weights_and_biases_stay_in_the_range_training_writes() {
    // 3e38 as f32 is 3.0000000054977558e+38 (Python: struct.unpack('f', struct.pack('f', 3e38))).
    assert_eq!(
        check_with(|v| v["terms"][0]["idf"] = 3e38.into()),
        "terms[0].idf 300000000549775580000000000000000000000: expected a number from 0 to 1000"
    );
    assert_eq!(
        check_with(|v| v["terms"][0]["idf"] = (-1.0).into()),
        "terms[0].idf -1: expected a number from 0 to 1000"
    );
    assert_eq!(
        check_with(|v| v["terms"][1]["w"] = serde_json::json!([1.0, 2e6])),
        "terms[1].w[1] 2000000: expected at most 1e6 in size"
    );
    assert_eq!(
        check_with(|v| v["bias"] = serde_json::json!([0.0, -5e7])),
        "bias[1] -50000000: expected at most 1e6 in size"
    );
}

#[test]
fn the_weight_table_is_bounded_and_no_larger_than_the_file() {
    let file: ModelFile = serde_json::from_str(MINIMAL).unwrap_or_else(|e| panic!("{e}"));
    // 3 terms × 2 labels.
    assert_eq!(file.check_size(6), Ok(()));
    assert_eq!(
        file.check_size(5).map_err(|e| e.to_string()),
        Err("terms × labels: 3 × 2 = 6 weights, more than a file of 5 bytes can hold (a weight takes at least \
             2 bytes)"
            .into())
    );
    // One term past 2^28 weights with 1000 labels (the terms carry no weights, so this
    // holds only ~15 MB of terms in memory).
    let mut big = file.clone();
    big.labels = labels(1000);
    big.bias = vec![0.0; 1000];
    let terms = MAX_WEIGHTS / 1000 + 1;
    big.terms = vec![Term { name: String::new(), idf: 1.0, w: Vec::new() }; terms];
    assert_eq!(
        big.check().map_err(|e| e.to_string()),
        Err("terms × labels: 268436 × 1000 weights, more than the 268435456 a model may have".into())
    );
    big.terms.truncate(terms - 1);
    assert_eq!(big.check(), Ok(()));
}

#[test]
fn every_hyper_parameter_is_checked_with_its_value() {
    let check = |edit: fn(&mut Hyper)| {
        let mut h = Hyper::default();
        edit(&mut h);
        h.check().map_err(|e| e.to_string())
    };
    assert_eq!(check(|_| {}), Ok(()));
    assert_eq!(check(|h| h.c = 0.0), Err("--c 0: expected a finite number > 0".into()));
    assert_eq!(check(|h| h.c = f64::INFINITY), Err("--c inf: expected a finite number > 0".into()));
    assert_eq!(check(|h| h.alpha = -0.5), Err("--alpha -0.5: expected a finite number > 0".into()));
    assert_eq!(
        check(|h| h.max_iter = 0),
        Err("--max-iter 0: expected at least 1 (with 0 iterations every label gets the same probability)".into())
    );
    assert_eq!(check(|h| h.max_iter = 1), Ok(()));
    assert_eq!(check(|h| h.nb_weight = -1.0), Err("--nb-weight -1: expected a finite number ≥ 0".into()));
    assert_eq!(check(|h| h.nb_weight = f64::NAN), Err("--nb-weight NaN: expected a finite number ≥ 0".into()));
    assert_eq!(check(|h| h.nb_weight = 0.0), Ok(()));
    assert_eq!(check(|h| h.min_df = 0), Err("--min-df 0: expected at least 1".into()));
    assert_eq!(check(|h| h.min_df = 1), Ok(()));
    assert_eq!(Hyper { c: -1.0, ..Hyper::default() }.check(), Err(HyperError::C(-1.0)));
}

#[test]
fn feature_errors_name_the_train_option() {
    let message = |e: FeatureError| HyperError::Features(e).to_string();
    assert_eq!(
        message(FeatureError::CharNgrams(1, 100_000)),
        "--char-ngrams 1-100000: expected MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 10"
    );
    assert_eq!(message(FeatureError::TargetWindow(51)), "--target-window 51: expected at most 50");
    assert_eq!(message(FeatureError::MinTokenChars(21)), "min_token_chars 21: expected at most 20");
    assert_eq!(HyperError::Folds(1).to_string(), "--folds 1: expected 0 (no cross-validation) or at least 2");
}

#[test]
fn timestamps_match_known_dates() {
    assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
    // `date -u -d @951782400` = 2000-02-29 00:00:00 (a leap day).
    assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
    // `date -u -d @1764067455` = 2025-11-25 10:44:15.
    assert_eq!(utc_timestamp(1_764_067_455), "2025-11-25T10:44:15Z");
}
