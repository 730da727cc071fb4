//! Metric code against independent values, and `framing evaluate` end to end.

use std::path::PathBuf;

use assert_cmd::Command;
use framing::model::metrics::Report;

fn labels(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn hand_worked_three_by_three_confusion_matrix() {
    // gold a: 5 a, 1 b; gold b: 2 a, 3 b, 1 c; gold c: 2 b, 6 c.
    // a: P 5/7, R 5/6, F1 10/13; b: P 3/6, R 3/6, F1 1/2; c: P 6/7, R 6/8, F1 12/15.
    let r = Report::from_confusion(&labels(&["a", "b", "c"]), vec![vec![5, 1, 0], vec![2, 3, 1], vec![0, 2, 6]]);
    let a = &r.per_label[0];
    assert!(close(a.precision, 5.0 / 7.0) && close(a.recall, 5.0 / 6.0) && close(a.f1, 10.0 / 13.0));
    assert!(close(r.per_label[1].f1, 0.5));
    assert!(close(r.per_label[2].precision, 6.0 / 7.0) && close(r.per_label[2].recall, 0.75));
    assert!(close(r.per_label[2].f1, 0.8));
    assert!(close(r.accuracy, 14.0 / 20.0));
    assert!(close(r.macro_avg.f1, (10.0 / 13.0 + 0.5 + 0.8) / 3.0));
    assert!(close(r.weighted_avg.f1, (6.0 * 10.0 / 13.0 + 6.0 * 0.5 + 8.0 * 0.8) / 20.0));
    assert_eq!(r.per_label.iter().map(|m| m.support).collect::<Vec<_>>(), [6, 6, 8]);
    assert_eq!(r.confusion_csv(), "gold,a,b,c\na,5,1,0\nb,2,3,1\nc,0,2,6\n");
    assert_eq!(
        r.metrics_csv(),
        "label,precision,recall,f1,support\n\
         a,0.7143,0.8333,0.7692,6\n\
         b,0.5000,0.5000,0.5000,6\n\
         c,0.8571,0.7500,0.8000,8\n\
         macro avg,0.6905,0.6944,0.6897,20\n\
         weighted avg,0.7071,0.7000,0.7008,20\n\
         accuracy,,,0.7000,20\n"
    );
}

#[test]
fn matches_scikit_learn_precision_recall_fscore_support() {
    // Reference figures computed once with scikit-learn 1.x:
    // precision_recall_fscore_support(yt, yp, average=None|'macro'|'weighted', zero_division=0)
    let yt = [0, 0, 1, 2, 2, 1, 0, 2, 1, 1, 0, 2, 2, 0, 1, 2, 0, 0, 1, 2];
    let yp = [0, 1, 1, 2, 0, 1, 0, 2, 2, 1, 0, 1, 2, 2, 1, 2, 0, 1, 0, 2];
    let r = Report::new(&labels(&["x", "y", "z"]), &yt, &yp);
    let p: Vec<f64> = r.per_label.iter().map(|m| m.precision).collect();
    let rc: Vec<f64> = r.per_label.iter().map(|m| m.recall).collect();
    let f: Vec<f64> = r.per_label.iter().map(|m| m.f1).collect();
    for (got, want) in p.iter().zip([0.66666667, 0.57142857, 0.71428571]) {
        assert!((got - want).abs() < 1e-8, "{got} {want}");
    }
    for (got, want) in rc.iter().zip([0.57142857, 0.66666667, 0.71428571]) {
        assert!((got - want).abs() < 1e-8);
    }
    for (got, want) in f.iter().zip([0.61538462, 0.61538462, 0.71428571]) {
        assert!((got - want).abs() < 1e-8);
    }
    assert!((r.macro_avg.precision - 0.6507936507936508).abs() < 1e-12);
    assert!((r.macro_avg.f1 - 0.6483516483516484).abs() < 1e-12);
    assert!((r.weighted_avg.precision - 0.6547619047619048).abs() < 1e-12);
    assert!((r.weighted_avg.recall - 0.65).abs() < 1e-12);
    assert!((r.weighted_avg.f1 - 0.65).abs() < 1e-12);
    assert!((r.accuracy - 0.65).abs() < 1e-12);
    // zero_division=0: a label never predicted nor present scores 0, and counts in the macro mean.
    let z = Report::new(&labels(&["x", "y", "z"]), &[0, 0, 1, 1], &[0, 0, 0, 0]);
    assert_eq!(z.per_label.iter().map(|m| m.f1).collect::<Vec<_>>()[1..], [0.0, 0.0]);
    assert!((z.macro_avg.precision - 0.16666666666666666).abs() < 1e-12);
    assert!((z.macro_avg.f1 - 0.2222222222222222).abs() < 1e-12);
}

#[test]
fn multi_label_metrics_per_dimension_and_exact_match_accuracy() {
    // Rows: {a}, {a,b}, {}, {b}; predicted: {a}, {a}, {b}, {b}.
    let gold = vec![vec![true, false], vec![true, true], vec![false, false], vec![false, true]];
    let pred = vec![vec![true, false], vec![true, false], vec![false, true], vec![false, true]];
    let r = Report::multi_label(&labels(&["a", "b"]), &gold, &pred);
    // a: tp 2, fp 0, fn 0 -> F1 1. b: tp 1, fp 1, fn 1 -> P 1/2, R 1/2, F1 1/2.
    assert!(close(r.per_label[0].f1, 1.0) && close(r.per_label[1].f1, 0.5));
    assert!(close(r.macro_avg.f1, 0.75));
    assert!(close(r.accuracy, 0.5));
    assert_eq!(r.confusion_csv(), "label,tp,fp,fn,tn\na,2,0,0,2\nb,1,1,1,1\n");
}

fn fixture(name: &str) -> PathBuf {
    crate::common::labeled_fixture(name)
}

#[test]
fn evaluate_writes_metrics_for_held_out_rows_and_refuses_unknown_labels() {
    let dir = tempfile::tempdir().unwrap();
    let model = crate::common::train_tone_model(dir.path());
    Command::cargo_bin("framing")
        .unwrap()
        .args(["evaluate", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(fixture("de-tone-test.csv"))
        .assert()
        .success();
    let out = dir.path().join("tone.eval/de-tone-test");
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(metrics.ends_with(",9\n") && metrics.contains("\naccuracy,,,"), "{metrics}");
    let confusion = std::fs::read_to_string(out.join("confusion.csv")).unwrap();
    let total: usize =
        confusion.lines().skip(1).flat_map(|l| l.split(',').skip(1).map(|c| c.parse::<usize>().unwrap())).sum();
    assert_eq!(total, 9);

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,text,label\r\n1,Die Sitzung beginnt.,neutral\r\n2,Ein Satz.,ironic\r\n").unwrap();
    let out = Command::cargo_bin("framing")
        .unwrap()
        .args(["evaluate", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.csv:3: label `ironic` is not one of the model's labels (negative, neutral, positive)"),
        "{err}"
    );
}

#[test]
fn evaluate_keeps_an_existing_evaluation_unless_force() {
    let dir = tempfile::tempdir().unwrap();
    let model = crate::common::train_tone_model(dir.path());
    let evaluate = |extra: &[&str]| {
        Command::cargo_bin("framing")
            .unwrap()
            .args(["evaluate", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(fixture("de-tone-test.csv"))
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(evaluate(&[]).status.success());
    let out = dir.path().join("tone.eval/de-tone-test");
    // A note the user put beside the figures: without --force nothing in the folder changes.
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let metrics = std::fs::read(out.join("metrics.csv")).unwrap();
    let refused = evaluate(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(refused.stderr).unwrap(),
        format!(
            "framing: error: {}: folder exists and is not empty (use --force to replace an earlier framing evaluation)\n",
            out.display()
        )
    );
    assert_eq!(std::fs::read(out.join("metrics.csv")).unwrap(), metrics);
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "keep me");
    // Nor with --force: the user's note is not framing's to remove.
    let refused = evaluate(&["--force"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8(refused.stderr).unwrap().ends_with(
        "holds `notes.txt`, which framing does not write: it does not look like a framing evaluation, \
             so --force does not replace it (remove it yourself or choose another --out)\n"
    ),);
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "keep me");
    // An evaluation framing wrote is replaced whole.
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    assert!(evaluate(&["--force"]).status.success());
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["confusion.csv", "metrics.csv"]);
    assert_eq!(std::fs::read(out.join("metrics.csv")).unwrap(), metrics);
}
