//! `framing predict` end to end, save/load round trip, explain, and model-file checks.

use std::path::PathBuf;

use assert_cmd::Command;
use framing::features::{FeatureConfig, LexiconHit};
use framing::lexicon::voice::Voice;
use framing::lexicon::Lexicon;
use framing::model::data::read_labeled;
use framing::model::file::{Algorithm, Hyper};
use framing::model::train::{annotate, fit, parse_targets, TrainConfig};
use framing::model::{Existing, Model, ModelError};
use framing::Lang;

fn fixture(name: &str) -> PathBuf {
    crate::common::labeled_fixture(name)
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
        let sha = Model::save(&file, &path, Existing::Keep).unwrap();
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
    // First the label's bias, then the function words ("die", "den") in one sum.
    assert_eq!((all[0].0.as_str(), all[1].0.as_str()), ("(bias)", "(function words)"), "{all:?}");
    let features = &all[2..];
    assert!(features.windows(2).all(|w| w[0].1 >= w[1].1), "sorted, largest first");
    assert!(features.iter().all(|(f, _)| !matches!(f.as_str(), "die" | "den")), "{all:?}");
    let top = model.explain(SENTENCES[1], &hits, 2);
    assert_eq!(top, all[..all.len().min(4)]);
    // "Skandal" occurs only in negative rows of the fixture.
    assert_eq!(features[0].0, "skandal", "{all:?}");
    // Softmax: the centred decision value of the label is ln p_best − mean ln p, computed
    // here from the probabilities, not from the weights explain reads.
    let logs: Vec<f64> = s.probs.iter().map(|p| p.ln()).collect();
    let centred = logs[s.best] - logs.iter().sum::<f64>() / logs.len() as f64;
    let total: f64 = all.iter().map(|(_, c)| c).sum();
    assert!((total - centred).abs() < 1e-4, "explain adds up to {total}, the decision value is {centred}");
}

#[test]
fn corrupt_model_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_value(trained(Algorithm::Logreg)).unwrap();
    let first = good["terms"][0]["name"].as_str().unwrap().to_string();
    let cases: Vec<(&str, serde_json::Value, String)> = vec![
        (
            "version.json",
            {
                let mut v = good.clone();
                v["format_version"] = 99.into();
                v
            },
            "format_version 99: not supported (this framing reads version 1)".into(),
        ),
        (
            "bias.json",
            {
                let mut v = good.clone();
                v["bias"] = serde_json::json!([0.0]);
                v
            },
            "bias: 1 values, expected 3 (one per label)".into(),
        ),
        (
            "weights.json",
            {
                let mut v = good.clone();
                v["terms"][0]["w"] = serde_json::json!([1.0, 2.0]);
                v
            },
            format!("terms[0] `{first}`: 2 weights, expected 3 (one per label) or 0"),
        ),
    ];
    for (name, value, message) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(&value).unwrap()).unwrap();
        match Model::load(&p) {
            Err(e @ ModelError::Invalid { .. }) => assert_eq!(e.to_string(), format!("{}: {message}", p.display())),
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
    let model = crate::common::train_tone_model(dir.path());
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
    let model = crate::common::train_tone_model(dir.path());
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

/// Runs `framing predict --model MODEL -` on a 100 KB document, killed after 30 s; returns
/// the exit code and stderr.
fn predict_with_model(model: &std::path::Path) -> (Option<i32>, String) {
    let document = "Die Regierung hat die Wahl gewonnen. ".repeat(2_800);
    assert!(document.len() > 100_000);
    let out = Command::cargo_bin("framing")
        .unwrap()
        .args(["predict", "--model"])
        .arg(model)
        .arg("-")
        .write_stdin(document)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn hostile_model_files_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_value(trained(Algorithm::Logreg)).unwrap();
    let write = |name: &str, value: &serde_json::Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(value).unwrap()).unwrap();
        p
    };

    // Character n-grams of every length up to 100,000: minutes per document if scored.
    let mut slow = good.clone();
    slow["features"]["char_ngrams"] = serde_json::json!([1, 100_000]);
    let slow = write("slow.json", &slow);
    let started = std::time::Instant::now();
    let (code, err) = predict_with_model(&slow);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err,
        format!(
            "framing: error: {}: features.char_ngrams [1, 100000]: expected [0, 0] or 1 ≤ min ≤ max ≤ 10\n",
            slow.display()
        )
    );
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());

    // 200,000 labels over a short terms list: a 200,000 × terms table would abort the process.
    let mut wide = good.clone();
    let labels: Vec<String> = (0..200_000).map(|i| format!("l{i}")).collect();
    wide["bias"] = serde_json::json!(vec![0.0; labels.len()]);
    wide["labels"] = serde_json::json!(labels);
    wide["terms"] = serde_json::json!([{"name": "gut", "idf": 1.0}]);
    let wide = write("wide.json", &wide);
    let (code, err) = predict_with_model(&wide);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err, format!("framing: error: {}: labels: 200000 labels, expected 2 to 1000\n", wide.display()));

    // Labels within bounds, but 30,000 terms without weights × 1000 labels: 30,000,000
    // weights claimed by a file of under 1 MB.
    let mut tall = good.clone();
    let labels: Vec<String> = (0..1000).map(|i| format!("l{i}")).collect();
    tall["bias"] = serde_json::json!(vec![0.0; labels.len()]);
    tall["labels"] = serde_json::json!(labels);
    tall["terms"] = (0..30_000).map(|i| serde_json::json!({"name": format!("w{i}"), "idf": 1.0})).collect();
    let tall = write("tall.json", &tall);
    let bytes = std::fs::metadata(&tall).unwrap().len();
    let (code, err) = predict_with_model(&tall);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err,
        format!(
            "framing: error: {}: terms × labels: 30000 × 1000 = 30000000 weights, more than a file of {bytes} bytes \
             can hold (a weight takes at least 2 bytes)\n",
            tall.display()
        )
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_not_read_as_models() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("model.fifo");
    // No writer ever opens the FIFO: opening it to read would block forever.
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for model in [std::path::Path::new("/dev/zero"), &fifo, dir.path()] {
        let (code, err) = predict_with_model(model);
        assert_eq!(code, Some(2), "{err}");
        assert_eq!(err, format!("framing: error: {}: not a regular file\n", model.display()));
    }
}

#[test]
fn predict_out_keeps_an_existing_file_unless_force() {
    let dir = tempfile::tempdir().unwrap();
    let model = crate::common::train_tone_model(dir.path());
    let out = dir.path().join("scored.csv");
    std::fs::write(&out, "the user's data\n").unwrap();
    let predict = |extra: &[&str]| {
        Command::cargo_bin("framing")
            .unwrap()
            .args(["predict", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(fixture("de-tone-test.csv"))
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = predict(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(refused.stderr).unwrap(),
        format!("framing: error: {}: exists (use --force to replace it)\n", out.display())
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the user's data\n");
    predict(&["--force"]).status.success().then_some(()).expect("--force replaces");
    let replaced = std::fs::read_to_string(&out).unwrap();
    assert!(replaced.starts_with("id,text,label,predicted_label,confidence,"), "{replaced}");
    assert_eq!(replaced.lines().count(), 10);
}
