//! Never lose a user's data: each case of the hostile-user probes, run on the real binary.
//! `--force` replaces only an earlier report; the commit never replaces what it did not
//! check; interrupted runs leave nothing behind that the next run does not clean; bad
//! input is reported, never silently changed or fatal for the rest.

use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use crate::common::Workdir;
use predicates::str::contains;

/// A lexicon with the terms these tests look for.
const LEXICON: &str = "pattern,frame,target,polarity,weight,note\n\
    besatzer*,occupation,occupier,-1,1,test\n\
    völkermord*,genocide,,-1,1,test\n";

fn corpus_with_one_article(wd: &Workdir) {
    wd.write("corp/taz/a.txt", "Die Besatzer zogen ab.\n");
    wd.write("lex.csv", LEXICON);
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `framing analyze corp -o out --lexicon lex.csv` started in the background, held just
/// before its commit for `hold_ms`, once its temporary folder exists.
fn start_held_run(wd: &Workdir, out: &str, hold_ms: u64, extra: &[&str]) -> Child {
    let child = StdCommand::new(assert_cmd::cargo::cargo_bin("framing"))
        .current_dir(wd.path())
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", out])
        .args(extra)
        .env("FRAMING_TEST_HOLD_COMMIT_MS", hold_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start framing");
    let started = Instant::now();
    let temp_prefix = format!(".{out}.tmp-");
    while !entries(wd.path()).iter().any(|n| n.starts_with(&temp_prefix)) {
        assert!(started.elapsed() < Duration::from_secs(60), "the run never created its temporary folder");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Its reports are written before the hold; wait until the run holds.
    std::thread::sleep(Duration::from_millis(300));
    child
}

fn finish(child: Child) -> (Option<i32>, String) {
    let output = child.wait_with_output().expect("wait for framing");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

// 1. `--force` replaces only an earlier framing report.

#[test]
fn force_never_replaces_the_corpus_a_folder_around_it_or_a_folder_of_other_files() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    wd.write("photos/holiday.jpg", "jpg");
    let canonical = wd.path().canonicalize().expect("canonical");
    let cases = [
        ("corp", "corp: is an input of this run (the corpus); --force never replaces it".to_string()),
        (
            ".",
            format!(
                ".: contains an input of this run ({}); --force never replaces it",
                canonical.join("corp").display()
            ),
        ),
        (
            "photos",
            "photos: has no run.json: it does not look like a framing report, so --force does not replace it \
             (remove it yourself or choose another --out)"
                .to_string(),
        ),
    ];
    for (out, message) in cases {
        wd.framing()
            .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "--force", "-o", out])
            .assert()
            .code(2)
            .stderr(format!("framing: error: {message}\n"));
    }
    assert_eq!(wd.read("corp/taz/a.txt"), "Die Besatzer zogen ab.\n");
    assert_eq!(wd.read("photos/holiday.jpg"), "jpg");
    assert_eq!(entries(wd.path()), ["corp", "lex.csv", "photos"]);
}

#[test]
fn force_never_replaces_the_home_folder() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    wd.write("home/.bashrc", "alias ll='ls -l'");
    wd.framing()
        .env("HOME", wd.path().join("home"))
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "--force", "-o", "home"])
        .assert()
        .code(2)
        .stderr("framing: error: home: is the home folder; --force never replaces it\n");
    assert_eq!(wd.read("home/.bashrc"), "alias ll='ls -l'");
}

#[test]
fn force_replaces_an_earlier_report() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    let analyze = |extra: &[&str]| {
        let mut cmd = wd.framing();
        cmd.args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out"]).args(extra);
        cmd
    };
    analyze(&[]).assert().success();
    wd.write("corp/taz/a.txt", "Der Völkermord.\n");
    analyze(&["--force"]).assert().success();
    assert_eq!(wd.read_csv("out/matches.csv")[1][2], "Völkermord");
    assert_eq!(entries(wd.path()), ["corp", "lex.csv", "out"]);
}

// 2. A folder that appears at --out during a run is not replaced.

#[test]
fn a_folder_created_during_the_run_survives_and_the_new_reports_are_kept_beside_it() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    let child = start_held_run(&wd, "out", 1500, &[]);
    let pid = child.id();
    wd.write("out/thesis.tex", "\\chapter{Mine}");
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(2), "{stderr}");
    let kept = format!("out.new-{pid}");
    assert!(stderr.contains("out: changed during the run and was not replaced"), "{stderr}");
    assert!(stderr.contains(&format!("the new reports are in ./{kept}")), "{stderr}");
    assert_eq!(wd.read("out/thesis.tex"), "\\chapter{Mine}");
    assert_eq!(wd.read_csv(&format!("{kept}/matches.csv"))[1][2], "Besatzer");
    assert_eq!(entries(wd.path()), ["corp", "lex.csv", "out", kept.as_str()]);
}

// 3. One run at a time per --out; a killed run's leftovers are cleaned by the next one.

#[test]
fn a_second_run_on_the_same_out_fails_clearly_while_the_first_finishes() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    let first = start_held_run(&wd, "out", 1500, &[]);
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out"])
        .assert()
        .code(2)
        .stderr(contains("out: another framing run is writing this report folder (it holds ./.out.lock)"));
    let (code, stderr) = finish(first);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(wd.read_csv("out/matches.csv")[1][2], "Besatzer");
    assert_eq!(entries(wd.path()), ["corp", "lex.csv", "out"]);
}

#[test]
fn a_killed_run_is_cleaned_up_by_the_next_and_force_works_again() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    wd.framing().args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out"]).assert().success();
    let mut child = start_held_run(&wd, "out", 60_000, &["--force"]);
    let pid = child.id();
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    // What framing before this version left after a crash between its two renames.
    wd.write(".out.old/run.json", r#"{"framing_version": "0.1.0"}"#);
    assert_eq!(entries(wd.path()), [".out.lock", ".out.old", &format!(".out.tmp-{pid}"), "corp", "lex.csv", "out"]);
    wd.write("corp/taz/a.txt", "Der Völkermord.\n");
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "--no-model", "-o", "out", "--force"])
        .assert()
        .success()
        .stderr(contains(format!("framing: removed ./.out.tmp-{pid}, the unfinished report of an interrupted run")))
        .stderr(contains("framing: removed ./.out.old, the previous report left by an interrupted run"));
    assert_eq!(wd.read_csv("out/matches.csv")[1][2], "Völkermord");
    assert_eq!(entries(wd.path()), ["corp", "lex.csv", "out"]);
}

// 4. SIGTERM and Ctrl-C remove the temporary folder.

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_remove_the_unfinished_report() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let wd = Workdir::new();
        corpus_with_one_article(&wd);
        let child = start_held_run(&wd, "out", 60_000, &[]);
        let status = StdCommand::new("kill").arg(signal).arg(child.id().to_string()).status().expect("kill");
        assert!(status.success());
        let (exit, stderr) = finish(child);
        assert_eq!(exit, Some(code), "{stderr}");
        assert_eq!(stderr, "framing: interrupted; removed 1 unfinished report folder(s), nothing was replaced\n");
        assert_eq!(entries(wd.path()), ["corp", "lex.csv"]);
    }
}

// 5. A stray byte in UTF-8 text is repaired and listed, not guessed into mojibake.

#[test]
fn a_stray_byte_keeps_the_lexicon_hits_and_is_listed_as_repaired() {
    let wd = Workdir::new();
    wd.write("lex.csv", LEXICON);
    wd.write("corp/a.txt", b"Der V\xC3\xB6lkermord wurde \xE4hnlich genannt. Die Besatzer blieben.\n".as_slice());
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "--no-model", "-o", "out"])
        .assert()
        .code(1)
        .stderr(contains("framing: 1 documents (0 skipped, 1 repaired)"))
        .stderr(contains("framing: repaired a.txt: repaired: UTF-8 with 1 invalid byte sequence at byte offset(s) 22"));
    let matches = wd.read_csv("out/matches.csv");
    let surfaces: Vec<&str> = matches[1..].iter().map(|row| row[2].as_str()).collect();
    assert_eq!(surfaces, ["Völkermord", "Besatzer"]);
    assert_eq!(
        wd.read_csv("out/errors.csv"),
        [
            vec!["path", "kind", "message"],
            vec![
                "a.txt",
                "repaired",
                "UTF-8 with 1 invalid byte sequence at byte offset(s) 22: each replaced by U+FFFD, the rest analysed"
            ],
        ]
    );
    let run: serde_json::Value = serde_json::from_str(&wd.read("out/run.json")).expect("run.json");
    assert_eq!(run["counts"]["documents_ok"], 1);
    assert_eq!(run["counts"]["documents_skipped"], 0);
    assert_eq!(run["counts"]["documents_repaired"], 1);
}

// 6. File names with different invalid bytes keep different doc_ids.

#[cfg(unix)]
#[test]
fn names_with_different_invalid_bytes_are_different_documents() {
    use std::os::unix::ffi::OsStrExt;
    let wd = Workdir::new();
    wd.write("lex.csv", LEXICON);
    std::fs::create_dir(wd.path().join("corp")).expect("mkdir");
    for (name, text) in [(&b"caf\xe9.txt"[..], "Erster Text."), (b"caf\xe8.txt", "Zweiter Text.")] {
        std::fs::write(wd.path().join("corp").join(std::ffi::OsStr::from_bytes(name)), text).expect("write");
    }
    wd.framing().args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out"]).assert().success();
    let sentences = wd.read_csv("out/sentences.csv");
    let rows: Vec<(&str, &str)> = sentences[1..].iter().map(|r| (r[0].as_str(), r[4].as_str())).collect();
    assert_eq!(rows, [("caf\\xE8.txt", "Zweiter Text."), ("caf\\xE9.txt", "Erster Text.")]);
}

// 8. JSONL: a line that is not UTF-8 is a reported bad line; the good ones are all written.

#[test]
fn jsonl_reports_an_invalid_utf8_line_by_number_and_writes_every_good_one() {
    let wd = Workdir::new();
    let mut input = Vec::new();
    for n in 1..=40 {
        if n == 10 {
            input.extend_from_slice(b"{\"id\":\"d10\",\"text\":\"V\xF6lkermord\"}\n");
        } else {
            input.extend_from_slice(format!("{{\"id\":\"d{n}\",\"text\":\"Satz {n}.\"}}\n").as_bytes());
        }
    }
    input.extend_from_slice(format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n", "x".repeat(1_100_000)).as_bytes());
    let output = wd
        .framing()
        .args(["analyze", "--jsonl", "-", "--no-model", "--max-doc-mb", "1"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stderr(contains("framing: stdin:10: skipped: not UTF-8: invalid byte at column 22 (JSON text is UTF-8)"))
        .stderr(contains(
            "framing: stdin:41: skipped: line of 1100022 bytes is longer than the largest document allowed \
             (1000000 bytes, see --max-doc-mb)",
        ))
        .get_output()
        .stdout
        .clone();
    let ids: Vec<String> = String::from_utf8(output)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["doc_id"].as_str().expect("id").into())
        .collect();
    let expected: Vec<String> = (1..=40).filter(|&n| n != 10).map(|n| format!("d{n}")).collect();
    assert_eq!(ids, expected);
}

// 9. `-j` far past the cores is capped with a warning.

#[test]
fn a_huge_thread_count_is_capped_with_a_warning() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out", "-j", "100000"])
        .assert()
        .success()
        .stderr(format!("framing: warning: -j 100000 is more than 4 threads per core; using {}\n", 4 * cores));
    let run: serde_json::Value = serde_json::from_str(&wd.read("out/run.json")).expect("run.json");
    assert_eq!(run["threads"], 4 * cores);
}

// 11. Endless special files are refused where a whole file is read.

#[cfg(unix)]
#[test]
fn special_files_are_refused_as_lexicon_meta_and_text() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    let refused = "/dev/zero: is a device, FIFO or socket, not a regular file; give the path of a file";
    for args in [
        &["analyze", "corp", "--no-model", "-o", "out", "--lexicon", "/dev/zero"][..],
        &["analyze", "corp", "--no-model", "-o", "out", "--lexicon", "lex.csv", "--meta", "/dev/zero"],
        &["segment", "/dev/zero"],
        &["train", "--data", "/dev/zero", "--model", "m.json"],
    ] {
        wd.framing().args(args).timeout(Duration::from_secs(60)).assert().code(2).stderr(contains(refused));
    }
    assert_eq!(entries(wd.path()), ["corp", "lex.csv"]);
}

// 12. The smaller cases.

#[test]
fn an_empty_corpus_or_an_extension_typo_says_so_and_exits_one() {
    let wd = Workdir::new();
    wd.write("lex.csv", LEXICON);
    wd.write("corp/a.docx", "x");
    wd.write("corp/b.docx", "x");
    wd.write("corp/sub/c.pdf", "x");
    wd.write("corp/d.text", "Die Besatzer.");
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out", "--ext", "txt,md"])
        .assert()
        .code(1)
        .stderr(
            "framing: .docx ×2, .pdf ×1, .text ×1 not read (not in --ext txt,md)\n\
             framing: no documents were read: corp has no .txt or .md files (see --ext)\n",
        );
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out2", "--ext", "text"])
        .assert()
        .success();
    assert_eq!(wd.read_csv("out2/matches.csv")[1][2], "Besatzer");
}

#[test]
fn an_impossible_date_in_the_meta_table_is_refused_with_its_line() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    wd.write("meta.csv", "doc_id,date\ntaz/a.txt,2024-02-29\ntaz/b.txt,2024-02-31\n");
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out", "--meta", "meta.csv"])
        .assert()
        .code(2)
        .stderr("framing: error: meta.csv:3: bad date `2024-02-31`: expected YYYY-MM or YYYY-MM-DD\n");
}

#[test]
fn an_os_error_is_printed_once() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "missing.csv", "-q", "--no-model", "-o", "out"])
        .assert()
        .code(2)
        .stderr("framing: error: missing.csv: No such file or directory (os error 2)\n");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_corpus_are_listed_not_followed_unless_asked() {
    let wd = Workdir::new();
    corpus_with_one_article(&wd);
    wd.write("private/diary.txt", "Die Besatzer im Tagebuch.");
    wd.write("corp/inside.txt", "Innen.");
    std::os::unix::fs::symlink(wd.path().join("private"), wd.path().join("corp/linked")).expect("symlink");
    std::os::unix::fs::symlink(wd.path().join("corp/inside.txt"), wd.path().join("corp/same.txt")).expect("symlink");
    wd.framing().args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out"]).assert().code(1);
    let private = wd.path().join("private").canonicalize().expect("canonical");
    assert_eq!(
        wd.read_csv("out/errors.csv")[1..],
        [vec![
            "linked".to_string(),
            "symlink_outside".to_string(),
            format!("symbolic link to {}, outside the corpus: not followed (--follow reads it)", private.display()),
        ]]
    );
    let docs: Vec<String> = wd.read_csv("out/documents.csv")[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(docs, ["inside.txt", "same.txt", "taz/a.txt"]);
    wd.framing()
        .args(["analyze", "corp", "--lexicon", "lex.csv", "-q", "--no-model", "-o", "out2", "--follow"])
        .assert()
        .success();
    let docs: Vec<String> = wd.read_csv("out2/documents.csv")[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(docs, ["inside.txt", "linked/diary.txt", "same.txt", "taz/a.txt"]);
}
