//! `framing analyze`: the real binary on fixture corpora.

use crate::common::{read_csv, repo, Workdir};
use predicates::str::contains;

const GOLDEN_FILES: [&str; 5] = ["sentences.csv", "matches.csv", "documents.csv", "terms.csv", "errors.csv"];

fn fixture(rel: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/analyze").join(rel)
}

/// The hand-checked German fixture: every report file equals its reviewed golden file.
#[test]
fn golden_reports_for_the_german_fixture() {
    let wd = Workdir::new();
    wd.framing()
        .arg("analyze")
        .arg(fixture("corpus"))
        .arg("--lexicon")
        .arg(fixture("lexicon.csv"))
        .args(["-o", "out", "-q", "--no-model"])
        .assert()
        .code(1); // scan.txt is binary: skipped and listed
    for file in GOLDEN_FILES {
        let golden = std::fs::read_to_string(repo().join("tests/golden/analyze").join(file)).expect("golden file");
        let actual = wd.read(&format!("out/{file}"));
        // The lexicon column holds the path as given; normalise it to the repo-relative one.
        let actual = actual.replace(&format!("{}/", repo().display()), "");
        assert_eq!(actual, golden, "{file} differs from tests/golden/analyze/{file}");
    }
    let run: serde_json::Value = serde_json::from_str(&wd.read("out/run.json")).expect("run.json");
    assert_eq!(run["counts"]["documents_ok"], 2);
    assert_eq!(run["counts"]["documents_skipped"], 1);
    assert_eq!(run["lexicons"][0]["sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn outputs_are_identical_for_any_thread_count() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    for j in ["1", "2", "5"] {
        wd.framing().arg("analyze").arg(&corpus).args(["-o", &format!("out{j}"), "-q", "-j", j]).assert().success();
    }
    for file in GOLDEN_FILES {
        let one = wd.read(&format!("out1/{file}"));
        assert!(one.lines().count() > 1 || file == "errors.csv", "{file} is empty");
        assert_eq!(one, wd.read(&format!("out2/{file}")), "{file}: -j 1 vs -j 2");
        assert_eq!(one, wd.read(&format!("out5/{file}")), "{file}: -j 1 vs -j 5");
    }
}

#[test]
fn clean_corpus_exits_zero_with_header_only_errors_csv() {
    let wd = Workdir::new();
    wd.write("news/taz/a.txt", "Die Besatzer zogen ab.\n");
    wd.framing().args(["analyze", "news", "-q"]).assert().success();
    // Default output: reports/<corpus folder name>/ under the working directory.
    assert_eq!(wd.read("reports/news/errors.csv"), "path,kind,message\n");
    let docs = wd.read_csv("reports/news/documents.csv");
    // Four words are too few to tell the language: `lang` stays empty.
    assert_eq!(docs[1][..7], ["taz/a.txt", "taz", "", "", "UTF-8", "", "1"]);
}

/// The example corpus mixes German outlets with an English one (`globe`).
#[test]
fn lang_auto_analyses_each_document_in_its_own_language() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    let out = wd.framing().arg("analyze").arg(&corpus).args(["-o", "de", "-j", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "framing: warning: 4 document(s) look written in another language than --lang de (4 English): they \
             were analysed with the German rules, lexicon and model"
        ),
        "{err}"
    );
    let out = wd.framing().arg("analyze").arg(&corpus).args(["-o", "auto", "--lang", "auto"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("framing: documents by language: 13 German, 4 English"), "{err}");

    let docs = wd.read_csv("auto/documents.csv");
    let lang = docs[0].iter().position(|c| c == "lang").unwrap();
    let by_outlet =
        |outlet: &str| -> Vec<&str> { docs[1..].iter().filter(|d| d[1] == outlet).map(|d| d[lang].as_str()).collect() };
    assert_eq!(by_outlet("globe"), ["en"; 4]);
    assert_eq!(by_outlet("tagesblatt"), ["de"; 7]);
    // The English article's "condemns occupation" is matched by the English lexicon; the
    // German model does not score English sentences, so their model cells are empty.
    let sentences = wd.read_csv("auto/sentences.csv");
    let headline = sentences.iter().find(|s| s[0] == "globe/2024/2024-11-25-dravik.txt" && s[1] == "1").unwrap();
    assert_eq!(
        headline[4..],
        [
            "Talmerian forces take Dravik as Ardosia condemns occupation",
            "8",
            "1",
            "occupation",
            "occupation",
            "",
            "",
            "",
            "",
            "",
            ""
        ]
    );
    let matches = wd.read_csv("auto/matches.csv");
    let first = matches.iter().find(|m| m[0] == "globe/2024/2024-11-25-dravik.txt").unwrap();
    assert_eq!((first[2].as_str(), first[15].as_str()), ("occupation", "lexicons/en/conflict.csv:14"));
    // German documents are scored as in a German run.
    let de = wd.read_csv("de/sentences.csv");
    let german = |rows: &[Vec<String>]| -> Vec<Vec<String>> {
        rows.iter().filter(|s| s[0].starts_with("rundschau/")).cloned().collect()
    };
    assert_eq!(german(&sentences), german(&de));
    let run: serde_json::Value = serde_json::from_str(&wd.read("auto/run.json")).unwrap();
    assert_eq!(run["languages"], serde_json::json!(["de", "en"]));
    assert_eq!(run["counts"]["languages"], serde_json::json!({"de": 13, "en": 4}));
}

#[test]
fn refuses_a_non_empty_output_directory_without_force() {
    let wd = Workdir::new();
    wd.write("news/a.txt", "Ein Satz.\n");
    wd.framing().args(["analyze", "news", "-o", "out", "-q"]).assert().success();
    wd.write("news/a.txt", "Ein anderer Satz.\n");
    wd.framing()
        .args(["analyze", "news", "-o", "out", "-q"])
        .assert()
        .code(2)
        .stderr(contains("out: folder exists and is not empty (use --force to replace an earlier framing report)"));
    assert_eq!(wd.read_csv("out/sentences.csv")[1][4], "Ein Satz.");
    wd.framing().args(["analyze", "news", "-o", "out", "-q", "--force"]).assert().success();
    assert_eq!(wd.read_csv("out/sentences.csv")[1][4], "Ein anderer Satz.");
}

#[test]
fn broken_lexicon_is_fatal_before_reading_the_corpus() {
    let wd = Workdir::new();
    wd.write("news/a.txt", "Ein Satz.\n");
    wd.write("bad.csv", "pattern,frame,colour\nbefreiung,liberation,red\n");
    wd.framing()
        .args(["analyze", "news", "-o", "out", "--lexicon", "bad.csv"])
        .assert()
        .code(2)
        .stderr(contains("bad.csv:1:"))
        .stderr(contains("framing: error:"));
    assert!(!wd.path().join("out").exists(), "no report may be written");
}

#[test]
fn missing_corpus_is_fatal_and_named() {
    let wd = Workdir::new();
    wd.framing().args(["analyze", "nowhere", "-o", "out"]).assert().code(2).stderr(contains("nowhere"));
}

#[test]
fn decodes_utf16_and_legacy_encodings() {
    let wd = Workdir::new();
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain("Größere Befreiung.\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    wd.write("news/a-utf16.txt", utf16);
    wd.write("news/b-latin1.txt", b"Die Stra\xDFe geh\xF6rt den B\xFCrgern. Gr\xFC\xDFe aus M\xFCnchen.\n");
    wd.framing().args(["analyze", "news", "-o", "out", "-q"]).assert().success();
    let docs = wd.read_csv("out/documents.csv");
    assert_eq!((docs[1][0].as_str(), docs[1][4].as_str()), ("a-utf16.txt", "UTF-16LE"));
    assert_eq!((docs[2][0].as_str(), docs[2][4].as_str()), ("b-latin1.txt", "windows-1252"));
    let sentences = wd.read_csv("out/sentences.csv");
    assert_eq!(sentences[1][4], "Größere Befreiung.");
    assert_eq!(sentences[2][4], "Die Straße gehört den Bürgern.");
}

#[test]
fn metadata_csv_wins_over_file_metadata() {
    let wd = Workdir::new();
    wd.write("news/taz/a.txt", "---\ntitle: Alt\ndate: 2024-01-02\n---\nText hier.\n");
    wd.write("news/zeit/b.txt", " date 2023-05 Text dort.\n");
    wd.write("meta.csv", "doc_id,title,source\ntaz/a.txt,Neu,TAZ\n");
    wd.framing().args(["analyze", "news", "-o", "out", "-q", "--meta", "meta.csv"]).assert().success();
    let docs = wd.read_csv("out/documents.csv");
    assert_eq!(docs[1][..4], ["taz/a.txt", "TAZ", "2024-01-02", "Neu"]);
    assert_eq!(docs[2][..4], ["zeit/b.txt", "zeit", "2023-05", ""]);
    // The date prefix is metadata, not text.
    assert_eq!(wd.read_csv("out/sentences.csv")[2][4], "Text dort.");
}

#[test]
fn metadata_rows_without_a_file_are_warned_about_once_the_corpus_is_walked() {
    let wd = Workdir::new();
    wd.write("news/taz/a.txt", "Text hier.\n");
    wd.write("news/zeit/b.txt", "Text dort.\n");
    wd.write("meta.csv", "doc_id,title\nzeit/b.txt,B\ntaz/c.txt,C\ntaz/a.txt,A\ntaz/0.txt,Null\n");
    wd.framing()
        .args(["analyze", "news", "-o", "out", "-q", "--meta", "meta.csv"])
        .assert()
        .success()
        .stderr("framing: warning: 2 doc_id(s) in the metadata file are not in the corpus, e.g. `taz/0.txt`\n");
    let docs = wd.read_csv("out/documents.csv");
    assert_eq!((docs[1][3].as_str(), docs[2][3].as_str()), ("A", "B"));
    // A shard sees only part of the corpus, so it does not warn.
    wd.framing()
        .args(["analyze", "news", "-o", "part", "-q", "--meta", "meta.csv", "--shard", "1/2"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn bad_metadata_csv_names_file_and_line() {
    let wd = Workdir::new();
    wd.write("news/a.txt", "Text.\n");
    wd.write("meta.csv", "doc_id,date\na.txt,2024-01-02\nb.txt,gestern\n");
    wd.framing()
        .args(["analyze", "news", "-o", "out", "--meta", "meta.csv"])
        .assert()
        .code(2)
        .stderr(contains("meta.csv:3: bad date `gestern`: expected YYYY-MM or YYYY-MM-DD"));
}

#[test]
fn hidden_files_and_other_extensions_are_ignored() {
    let wd = Workdir::new();
    wd.write("news/a.txt", "Eins.\n");
    wd.write("news/.hidden.txt", "Versteckt.\n");
    wd.write("news/.git/b.txt", "Versteckt.\n");
    wd.write("news/c.pdf", "Kein Text.\n");
    wd.write("news/d.text", "Zwei.\n");
    wd.framing().args(["analyze", "news", "-o", "out", "-q", "--ext", "txt,text"]).assert().success();
    let ids: Vec<String> = wd.read_csv("out/documents.csv").iter().skip(1).map(|r| r[0].clone()).collect();
    assert_eq!(ids, ["a.txt", "d.text"]);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_listed_not_followed() {
    let wd = Workdir::new();
    wd.write("news/a/x.txt", "Eins.\n");
    std::os::unix::fs::symlink("..", wd.path().join("news/a/loop")).expect("symlink");
    wd.framing().args(["analyze", "news", "-o", "out", "-q"]).assert().code(1);
    let errors = wd.read_csv("out/errors.csv");
    assert_eq!(errors[1][..2], ["a/loop", "symlink_loop"]);
    assert_eq!(wd.read_csv("out/documents.csv").len(), 2);
}

#[test]
fn sharded_runs_merge_to_the_unsharded_report() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "full", "-q"]).assert().success();
    for k in 1..=3 {
        wd.framing()
            .arg("analyze")
            .arg(&corpus)
            .args(["-o", &format!("part{k}"), "-q", "--shard", &format!("{k}/3")])
            .assert()
            .success();
    }
    wd.framing().args(["merge", "merged", "part1", "part2", "part3", "-q"]).assert().success();
    for file in GOLDEN_FILES {
        assert_eq!(wd.read(&format!("merged/{file}")), wd.read(&format!("full/{file}")), "{file}");
    }
    assert!(wd.read_csv("full/documents.csv").len() > 10, "the example corpus has more than ten documents");
    let parts: usize = (1..=3).map(|k| read_csv(&wd.path().join(format!("part{k}/documents.csv"))).len() - 1).sum();
    assert_eq!(parts, wd.read_csv("full/documents.csv").len() - 1, "shards partition the corpus");
}

/// A sharded run merged ends with the page a single run writes: the same corpus view,
/// charts, numbers and examples (the page reads what merge wrote, and that is byte for byte
/// what the single run wrote). The report's path and the method box differ by right: they
/// name the folder and the command (`merge`, not `analyze`) that made the report.
#[test]
fn a_merged_run_has_the_summary_page_of_a_single_run() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "single/report", "-q"]).assert().success();
    for k in 1..=2 {
        let (out, shard) = (format!("part{k}"), format!("{k}/2"));
        wd.framing().arg("analyze").arg(&corpus).args(["-o", &out, "-q", "--shard", &shard]).assert().success();
    }
    wd.framing().args(["merge", "merged/report", "part1", "part2", "-q"]).assert().success();
    let single = wd.read("single/report/summary.html");
    let merged = wd.read("merged/report/summary.html");
    let cut = |page: &str| -> (String, String, String) {
        let glance = page.find("<h2 id=\"glance\">").expect("the corpus at a glance");
        let method = page.find("<h2 id=\"method\">").expect("the method box");
        (page[..glance].to_string(), page[glance..method].to_string(), page[method..].to_string())
    };
    let (single_head, single_body, single_method) = cut(&single);
    let (merged_head, merged_body, merged_method) = cut(&merged);
    assert_eq!(merged_body, single_body, "charts, numbers and examples");
    assert!(single_body.contains("<svg"), "the page has its charts");
    assert_eq!(
        merged_head.replace("merged&#x2f;report", "single&#x2f;report"),
        single_head,
        "title and introduction, apart from the report's path"
    );
    assert!(merged_head.contains("<title>framing summary: report</title>"), "{merged_head}");
    assert!(
        merged_method.contains("<code>framing merge merged&#x2f;report part1 part2 -q</code> (framing "),
        "the merged report's command line: {merged_method}"
    );
    assert!(single_method.contains("<code>framing analyze "), "{single_method}");
    // The lexicons and the rest of the method box are the same.
    let lexicons = |m: &str| m[m.find("<p><b>Lexicons:</b>").expect("lexicons")..].to_string();
    assert_eq!(lexicons(&merged_method), lexicons(&single_method));

    wd.framing().args(["merge", "bare", "part1", "part2", "-q", "--no-summary"]).assert().success();
    assert!(!wd.path().join("bare/summary.html").exists(), "--no-summary writes no page");
    assert_eq!(wd.read("bare/documents.csv"), wd.read("single/report/documents.csv"));
}

#[test]
fn merge_refuses_incomplete_or_mixed_parts() {
    let wd = Workdir::new();
    wd.write("news/a.txt", "Eins.\n");
    wd.framing().args(["analyze", "news", "-o", "full", "-q"]).assert().success();
    wd.framing()
        .args(["merge", "m", "full"])
        .assert()
        .code(2)
        .stderr(contains("is not a partial report (run.json has no shard)"));
    wd.framing().args(["analyze", "news", "-o", "p1", "-q", "--shard", "1/2"]).assert().success();
    // A missing shard: exit 2 and nothing written, unless --allow-partial.
    let out = wd.framing().args(["merge", "m", "p1"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "framing: error: m: shard 2 of 2 was not given; pass every part, or --allow-partial to merge these anyway\n"
    );
    assert!(!wd.path().join("m").exists());
    let out = wd.framing().args(["merge", "m", "p1", "-q", "--allow-partial"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "framing: warning: shard 2 of 2 was not given; the merged report is partial\n"
    );
    assert_eq!(wd.read("m/documents.csv"), wd.read("p1/documents.csv"));
    // The same shard twice, or parts of another N: refused even with --allow-partial.
    wd.framing().args(["analyze", "news", "-o", "p1again", "-q", "--shard", "1/2"]).assert().success();
    wd.framing().args(["analyze", "news", "-o", "q2", "-q", "--shard", "2/3"]).assert().success();
    for (parts, message) in [
        (["p1", "p1again"], "framing: error: p1again: shard 1/2 is given twice\n"),
        (["p1", "q2"], "framing: error: q2: is shard 2/3, but other parts have N = 2\n"),
    ] {
        let out = wd.framing().args(["merge", "m2"]).args(parts).arg("--allow-partial").output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{parts:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), message, "{parts:?}");
        assert!(!wd.path().join("m2").exists());
    }
}
