//! `framing predict` end to end, save/load round trip, explain, and model-file checks.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;
use framing::features::{FeatureConfig, LexiconHit};
use framing::lexicon::voice::Voice;
use framing::lexicon::Lexicon;
use framing::model::data::read_labeled;
use framing::model::file::{Algorithm, Hyper};
use framing::model::train::{annotate, fit, parse_targets, TrainConfig};
use framing::model::{Model, ModelError};
use framing::Lang;

fn fixture(name: &str) -> PathBuf {
    common::labeled_fixture(name)
}

fn trained(algorithm: Algorithm) -> framing::model::ModelFile {
    let path = fixture("de-tone.csv");
    let rows = read_labeled(&path, "text", "label").unwrap();
    let (labels, y) = parse_targets(&path, &rows, false, false).unwrap();
    let texts: Vec<String> = rows.iter().map(|r| r.text.clone()).collect();
    let lexicon = Lexicon::default();
    let examples = annotate(&lexicon, Lang::De, &texts);
    let config = TrainConfig {
        algorithm,
        hyper: Hyper::default(),
        features: FeatureConfig::default(),
        multi_label: false,
        lang: Lang::De,
    };
    fit(&config, &labels, &["conflict".to_string()], &examples, &y).expect("native fit")
}

const SENTENCES: [&str; 3] = [
    "Die Helfer freuen sich über den großartigen Erfolg.",
    "Die Opposition kritisiert den Skandal scharf.",
    "Die Sitzung beginnt am Montag im Rathaus.",
];

#[test]
fn save_load_round_trip_gives_identical_predictions() {
    for algorithm in [Algorithm::Logreg, Algorithm::Nb] {
        let file = trained(algorithm);
        let in_memory = Model::from_file(file.clone(), "tone", String::new()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tone.json");
        let sha = Model::save(&file, &path).unwrap();
        let loaded = Model::load(&path).unwrap();
        assert_eq!(loaded.sha256(), sha);
        assert_eq!(loaded.version(), format!("tone@{}", &sha[..12]));
        for s in SENTENCES {
            assert_eq!(in_memory.score(s, &[]), loaded.score(s, &[]));
        }
        // The fixture's three tones come out as written (hand-labelled sentences).
        let best: Vec<&str> = SENTENCES.iter().map(|s| loaded.labels()[loaded.score(s, &[]).best].as_str()).collect();
        assert_eq!(best, ["positive", "negative", "neutral"], "{algorithm:?}");
    }
}

#[test]
fn scores_are_probabilities_and_explain_adds_up_to_the_centred_decision_value() {
    let model = Model::from_file(trained(Algorithm::Logreg), "tone", String::new()).unwrap();
    let hits = [LexiconHit { frame: "conflict", voice: Voice::Authorial, negated: false }];
    let s = model.score(SENTENCES[1], &hits);
    assert!((s.probs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(s.probs.iter().all(|p| p.is_finite() && *p > 0.0));
    let all = model.explain(SENTENCES[1], &hits, usize::MAX);
    assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "sorted, largest first");
    let top = model.explain(SENTENCES[1], &hits, 2);
    assert_eq!(top, all[..2]);
    // "Skandal" occurs only in negative rows of the fixture.
    assert_eq!(all[0].0, "skandal", "{all:?}");
}

#[test]
fn corrupt_model_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_value(trained(Algorithm::Logreg)).unwrap();
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        (
            "version.json",
            {
                let mut v = good.clone();
                v["format_version"] = 99.into();
                v
            },
            "model format version 99 is not supported",
        ),
        (
            "bias.json",
            {
                let mut v = good.clone();
                v["bias"] = serde_json::json!([0.0]);
                v
            },
            "bias has 1 finite values, expected 3",
        ),
        (
            "weights.json",
            {
                let mut v = good.clone();
                v["terms"][0]["w"] = serde_json::json!([1.0, 2.0]);
                v
            },
            "has 2 weights, expected 3 or 0",
        ),
    ];
    for (name, value, message) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(&value).unwrap()).unwrap();
        match Model::load(&p) {
            Err(ModelError::Invalid { message: m, .. }) => assert!(m.contains(message), "{name}: {m}"),
            other => panic!("{name}: expected Invalid, got {other:?}"),
        }
    }
    let p = dir.path().join("garbage.json");
    std::fs::write(&p, b"{\"format_version\": 1, \"labels\": [").unwrap();
    assert!(matches!(Model::load(&p), Err(ModelError::Invalid { .. })));
}

#[test]
fn predict_segments_text_and_prints_one_row_per_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::train_tone_model(dir.path());
    // The segmenter stub of this branch splits at blank lines; real rules split sentences.
    let text = format!("{}\n\n{}\n", SENTENCES[0], SENTENCES[2]);
    let out = Command::cargo_bin("framing")
        .unwrap()
        .args(["predict", "--model"])
        .arg(&model)
        .arg("-")
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "sentence_id,text,label,confidence,p_negative,p_neutral,p_positive");
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with(&format!("1,{},positive,", SENTENCES[0])), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("2,{},neutral,", SENTENCES[2])), "{}", lines[2]);
}

#[test]
fn predict_data_appends_columns_to_the_rows_and_explains() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::train_tone_model(dir.path());
    let out = dir.path().join("scored.csv");
    Command::cargo_bin("framing")
        .unwrap()
        .args(["predict", "--explain", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(fixture("de-tone-test.csv"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "id,text,label,predicted_label,confidence,p_negative,p_neutral,p_positive,explain");
    assert_eq!(lines.len(), 10);
    assert!(
        lines[1].starts_with("t-01,Die Helfer freuen sich über den großartigen Erfolg der Aktion.,positive,positive,")
    );
    let explain = lines[1].rsplit(',').next().unwrap();
    assert!(
        explain.split(';').all(|p| p.rsplit_once(':').is_some_and(|(_, v)| v.starts_with('+') || v.starts_with('-'))),
        "{explain}"
    );
}
