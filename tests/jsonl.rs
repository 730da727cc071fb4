//! `framing analyze --jsonl`: the streaming mode for cluster engines.

use crate::common::{repo, Workdir};
use predicates::str::contains;

#[test]
fn one_json_object_per_sentence_with_matches() {
    let wd = Workdir::new();
    let input = concat!(
        r#"{"id":"taz/1","text":"Die Besatzer zogen ab.\n\nViele sprachen von „Befreiung“.","source":"taz","date":"2024-11-25"}"#,
        "\n",
        r#"{"id":"zeit/2","text":"Keine Besatzung."}"#,
        "\n"
    );
    let out = wd
        .framing()
        .args(["analyze", "--jsonl", "-", "-q", "--lexicon"])
        .arg(repo().join("tests/fixtures/analyze/lexicon.csv"))
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).expect("utf-8").lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["doc_id"], "taz/1");
    assert_eq!(lines[0]["text"], "Die Besatzer zogen ab.");
    assert_eq!(lines[0]["source"], "taz");
    // Eight words are too few to tell the language.
    assert_eq!(lines[0]["lang"], "");
    assert_eq!(lines[0]["matches"][0]["surface"], "Besatzer");
    assert_eq!(lines[0]["matches"][0]["voice"], "authorial");
    assert_eq!(lines[0]["matches"][0]["char_start"], 4);
    assert_eq!(lines[0]["matches"][0]["char_end"], 12);
    assert_eq!(lines[1]["sentence_id"], 2);
    // "sprachen von „…“": the quotation is the speakers' (no name: "Viele").
    assert_eq!(lines[1]["matches"][0]["voice"], "quoted");
    assert_eq!(lines[2]["doc_id"], "zeit/2");
    assert_eq!(lines[2]["source"], "zeit");
    assert_eq!(lines[2]["matches"][0]["negated"], true);
}

/// Each voice with its speaker: a scare quote, reported speech with a named source, a
/// Konjunktiv sentence continuing it, direct speech, and a negation the "sondern" part escapes.
#[test]
fn matches_carry_voice_speaker_and_negation() {
    let wd = Workdir::new();
    let text = "Die „Befreiung“ kam spät. Die Ministerin sagte, die Besatzer seien abgezogen. \
                Die Besatzung sei vorbei. „Das ist eine Befreiung für alle“, sagte der Bürgermeister. \
                Es war keine Befreiung, sondern eine neue Besatzung.";
    let input = serde_json::json!({ "id": "v", "text": text }).to_string() + "\n";
    let out = wd
        .framing()
        .args(["analyze", "--jsonl", "-", "-q", "--lexicon"])
        .arg(repo().join("tests/fixtures/analyze/lexicon.csv"))
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<(String, String, String, bool)> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .flat_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["matches"].as_array().cloned().unwrap_or_default()
        })
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or("").to_string();
            (s("surface"), s("voice"), s("speaker"), m["negated"].as_bool().unwrap_or(false))
        })
        .collect();
    let row = |surface: &str, voice: &str, speaker: &str, negated| {
        (surface.to_string(), voice.to_string(), speaker.to_string(), negated)
    };
    assert_eq!(
        rows,
        [
            row("Befreiung", "scare_quote", "", false),
            row("Besatzer", "reported", "Die Ministerin", false),
            row("Besatzung", "reported", "Die Ministerin", false),
            row("Befreiung", "quoted", "der Bürgermeister", false),
            row("Befreiung", "authorial", "", true),
            row("Besatzung", "authorial", "", false),
        ]
    );
}

#[test]
fn bad_lines_are_reported_and_skipped() {
    let wd = Workdir::new();
    let input = concat!(
        "{\"id\":\"a\",\"text\":\"Eins.\"}\n",
        "not json\n",
        "{\"text\":\"ohne id\"}\n",
        "{\"id\":\"c\",\"text\":\"x\\u0000y\"}\n",
        "{\"id\":\"b\",\"text\":\"Zwei.\"}\n"
    );
    let assert = wd
        .framing()
        .args(["analyze", "--jsonl", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stderr(contains("framing: stdin:2: skipped: expected a JSON object"))
        .stderr(contains("framing: stdin:3: skipped:"))
        .stderr(contains("missing field `id`"))
        .stderr(contains("framing: stdin:4: skipped: \"text\": binary file: NUL byte at offset 1"));
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).expect("utf-8");
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["doc_id"].as_str().unwrap_or("").to_string()
        })
        .collect();
    assert_eq!(ids, ["a", "b"]);
}
