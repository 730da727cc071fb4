//! Lexicon loading, checking, matching and the `framing lexicon` subcommands.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use framing::lexicon::{check_file, Conditions, Entry, Hit, Lexicon, LexiconError, LexiconFile, Matcher};
use framing::Lang;
use proptest::prelude::*;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest().join("tests/fixtures/lexicon").join(name)
}

/// A lexicon from `pattern,frame` pairs written inline (line = position + 2, as in a file).
fn lexicon(patterns: &[&str]) -> Lexicon {
    let entries = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (exclusion, pattern) = match p.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, *p),
            };
            Entry {
                pattern: pattern.to_owned(),
                frame: "f".to_owned(),
                target: String::new(),
                polarity: 0,
                weight: 1.0,
                note: String::new(),
                exclusion,
                file: "inline".to_owned(),
                line: i + 2,
            }
        })
        .collect();
    Lexicon { entries, files: Vec::new() }
}

/// `(surface, pattern)` of every hit.
fn find<'t>(patterns: &[&str], text: &'t str) -> Vec<(&'t str, String)> {
    let lex = lexicon(patterns);
    let mut hits = Vec::new();
    Matcher::new(&lex).find_into(text, &mut hits);
    hits.iter().map(|h| (&text[h.span.clone()], lex.entries[h.entry].pattern.clone())).collect()
}

fn pairs<'a>(expected: &[(&'a str, &str)]) -> Vec<(&'a str, String)> {
    expected.iter().map(|(s, p)| (*s, p.to_string())).collect()
}

#[test]
fn whole_words_prefixes_suffixes_infixes() {
    let pats = ["befreiung", "besatzer*", "*anschlag", "*besatzung*"];
    let text = "Befreiung, Befreiungsschlag, Ex-Besatzer, Besatzern, Besatzers, Bombenanschlag, \
                Anschlagsserie, Besatzungsmacht, Ex-Besatzungszone, Besatzung.";
    assert_eq!(
        find(&pats, text),
        pairs(&[
            ("Befreiung", "befreiung"),
            ("Besatzer", "besatzer*"),
            ("Besatzern", "besatzer*"),
            ("Besatzers", "besatzer*"),
            ("Bombenanschlag", "*anschlag"),
            ("Besatzungsmacht", "*besatzung*"),
            ("Besatzungszone", "*besatzung*"),
            ("Besatzung", "*besatzung*"),
        ])
    );
}

#[test]
fn case_insensitive_with_umlauts_and_sharp_s() {
    let pats = ["überfall*", "straße", "völkerrechtswidrig*"];
    assert_eq!(
        find(&pats, "ÜBERFALL auf die STRAẞE, Überfälle; völkerrechtswidrige Annexion, Strasse"),
        pairs(&[("ÜBERFALL", "überfall*"), ("STRAẞE", "straße"), ("völkerrechtswidrige", "völkerrechtswidrig*")])
    );
}

#[test]
fn spans_are_bytes_of_the_original_text_when_lower_case_changes_length() {
    // İ (2 bytes) lower-cases to "i̇" (3 bytes), ẞ (3 bytes) to ß (2 bytes).
    let text = "İİİ ẞẞ Besatzer in İzmir";
    let lex = lexicon(&["besatzer*", "*zmir"]);
    let mut hits = Vec::new();
    Matcher::new(&lex).find_into(text, &mut hits);
    assert_eq!(hits, vec![Hit { span: 14..22, entry: 0 }, Hit { span: 26..32, entry: 1 }]);
    assert_eq!(&text[14..22], "Besatzer");
    assert_eq!(&text[26..32], "İzmir");
}

#[test]
fn phrases_need_whitespace_only_between_words() {
    let pats = ["unter besatzung", "von * befreit"];
    let text = "unter\n  Besatzung; unter, Besatzung; von der Besatzung befreit; von befreit; von Kiew  befreit";
    assert_eq!(
        find(&pats, text),
        pairs(&[("unter\n  Besatzung", "unter besatzung"), ("von Kiew  befreit", "von * befreit"),])
    );
}

#[test]
fn punctuation_in_a_pattern_must_appear_exactly() {
    let pats = ["anti-terror-*", "pull-faktor*"];
    let text = "Anti-Terror-Einsatz, Anti-Terror- Einsatz, Antiterroreinsatz, Pull-Faktoren, Pull Faktor";
    assert_eq!(
        find(&pats, text),
        pairs(&[("Anti-Terror-Einsatz", "anti-terror-*"), ("Pull-Faktoren", "pull-faktor*")])
    );
}

#[test]
fn exclusions_drop_overlapping_hits() {
    let pats = ["*besatzung*", "!besatzungsmitglied*", "israelische* besatzung*"];
    let text = "Die Besatzungsmitglieder der ISS landeten. Die israelische Besatzung dauert an. \
                israelische Besatzungsmitglieder";
    assert_eq!(find(&pats, text), pairs(&[("israelische Besatzung", "israelische* besatzung*")]));
}

#[test]
fn overlaps_prefer_longest_then_earlier_entry() {
    // Both single-word entries match "Besatzungstruppen" with the same span: the earlier wins.
    let pats = ["*besatzung*", "besatzungstruppen", "illegale* besatzung*", "besatzung* der"];
    assert_eq!(
        find(&pats, "Besatzungstruppen und illegale Besatzung der Stadt"),
        pairs(&[("Besatzungstruppen", "*besatzung*"), ("illegale Besatzung", "illegale* besatzung*")])
    );
    // "Besatzung der" (13 bytes) loses to "illegale Besatzung" (18 bytes); then it cannot be
    // placed because it overlaps.
    assert_eq!(
        find(&["besatzung* der", "illegale* besatzung*"], "illegale Besatzung der"),
        pairs(&[("illegale Besatzung", "illegale* besatzung*")])
    );
}

#[test]
fn matcher_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Matcher>();
    assert_send_sync::<framing::lexicon::voice::Quotations>();
}

#[test]
fn good_fixture_loads_in_file_order_with_hash() {
    let path = fixture("good.csv");
    let lex = Lexicon::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    let summary: Vec<(String, bool, usize)> =
        lex.entries.iter().map(|e| (e.pattern.clone(), e.exclusion, e.line)).collect();
    assert_eq!(
        summary,
        vec![
            ("besatzer*".into(), false, 3),
            ("*besatzung*".into(), false, 4),
            ("besatzungsmitglied*".into(), true, 5),
            ("unter besatzung".into(), false, 7),
            ("von * befreit".into(), false, 8),
            ("befreiung".into(), false, 9),
            ("anti-terror-*".into(), false, 10),
        ]
    );
    assert_eq!(lex.entries[0].weight, 1.5);
    assert_eq!(lex.entries[0].polarity, -1);
    assert_eq!(lex.entries[1].note, "Besatzung, Besatzungsmacht");
    assert_eq!(lex.frames(), vec!["occupation", "liberation", "security"]);
    assert_eq!(lex.targets(), vec!["occupier"]);
    // sha256 of the fixture bytes, from `sha256sum tests/fixtures/lexicon/good.csv`.
    assert_eq!(lex.files[0].sha256, include_str!("fixtures/lexicon/good.csv.sha256").trim());
}

#[test]
fn reordered_and_omitted_columns_take_defaults() {
    let lex = Lexicon::load(&[fixture("reordered.csv")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lex.entries.len(), 1);
    let e = &lex.entries[0];
    assert_eq!((e.pattern.as_str(), e.frame.as_str(), e.polarity, e.weight), ("Besatzer*", "occupation", 0, 1.0));
}

fn bad_problems() -> Vec<String> {
    [
        "3:1: empty pattern",
        "4:11: empty frame",
        "5:12: bad polarity `2` (expected -1, 0 or 1)",
        "6:18: bad weight `-1` (expected a number >= 0)",
        "7:1: duplicate pattern `Befreiung` (same as line 2)",
        "8:1: pattern `* *` would match every word: it needs a letter or digit",
        "9:34: expected 6 fields as in the header, found 7",
        "10:1: unbalanced quote: the quoted field is never closed",
    ]
    .iter()
    .map(|s| format!("tests/fixtures/lexicon/bad.csv:{s}"))
    .collect()
}

#[test]
fn check_file_lists_every_problem_with_line_and_column() {
    let problems = check_file(Path::new("tests/fixtures/lexicon/bad.csv")).unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown, bad_problems());
}

#[test]
fn load_reports_problems_of_all_files() {
    let paths = [fixture("bad.csv"), fixture("bad_header.csv"), fixture("good.csv")];
    match Lexicon::load(&paths) {
        Err(LexiconError::Invalid(problems)) => {
            assert_eq!(problems.len(), 9);
            assert_eq!(problems[8].line, 1);
            assert_eq!(problems[8].column, 15);
            assert_eq!(
                problems[8].message,
                "unknown column `colour` (expected some of pattern,frame,target,polarity,weight,require,forbid,note)"
            );
        }
        other => panic!("expected problems, got {other:?}"),
    }
    assert!(matches!(Lexicon::load(&[fixture("missing.csv")]), Err(LexiconError::Io { .. })));
}

#[test]
fn bundled_lexicons_load_without_problems() {
    for lang in [Lang::De, Lang::En] {
        assert_eq!(Lexicon::bundled_problems(lang), Vec::new(), "bundled {lang}");
        let lex = Lexicon::bundled(lang);
        assert!(!lex.entries.is_empty(), "bundled {lang} has entries");
        assert_eq!(lex.entries[0].file, format!("lexicons/{lang}/conflict.csv"));
        assert_eq!(lex.files[0].sha256.len(), 64);
    }
}

fn shared_lexicon() -> Option<PathBuf> {
    crate::common::shared("bench/lexicon.csv")
}

#[test]
fn shared_benchmark_lexicon_loads_and_matches() {
    let Some(path) = shared_lexicon() else { return };
    let lex = Lexicon::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    // README: 344 rows, 330 patterns and 14 `!` exclusions.
    assert_eq!(lex.entries.len(), 344);
    assert_eq!(lex.exclusion_count(), 14);
    let matcher = Matcher::new(&lex);
    let text = "Die Schiffsbesatzung sah die russischen Besatzer. Ein Anti-Terror-Einsatz unter Besatzung.";
    let mut hits = Vec::new();
    matcher.find_into(text, &mut hits);
    let found: Vec<(&str, &str)> =
        hits.iter().map(|h| (&text[h.span.clone()], lex.entries[h.entry].pattern.as_str())).collect();
    assert_eq!(
        found,
        vec![
            ("russischen Besatzer", "russische* besatzer*"),
            ("Anti-Terror-Einsatz", "anti-terror-*"),
            ("unter Besatzung", "unter besatzung"),
        ]
    );
}

fn framing() -> Command {
    let mut cmd = Command::cargo_bin("framing").unwrap_or_else(|e| panic!("{e}"));
    cmd.current_dir(manifest());
    cmd
}

#[test]
fn cli_check_prints_problems_and_exits_2() {
    let out = framing()
        .args(["lexicon", "check", "tests/fixtures/lexicon/bad.csv"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().map(str::to_owned).collect::<Vec<_>>(), bad_problems());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "framing: error: 8 problem(s) in 1 lexicon file(s)\n");
}

#[test]
fn cli_check_ok_summary() {
    framing()
        .args(["lexicon", "check", "tests/fixtures/lexicon/good.csv", "tests/fixtures/lexicon/reordered.csv"])
        .assert()
        .success()
        .stdout(
            "tests/fixtures/lexicon/good.csv: 7 entries (1 exclusions), 3 frames: ok\n\
             tests/fixtures/lexicon/reordered.csv: 1 entries (0 exclusions), 1 frames: ok\n",
        );
}

/// Negation must head the term: not a negated verb after it, not "nicht nur".
#[test]
fn cli_test_negates_only_terms_a_negator_heads() {
    framing()
        .args([
            "lexicon",
            "test",
            "tests/fixtures/lexicon/good.csv",
            "Die Nato will nicht in die Befreiung eingreifen, es war keine Befreiung und nicht nur Besatzer.",
        ])
        .assert()
        .success()
        .stdout(
            "27-36\tBefreiung\tbefreiung\tliberation\tauthorial\tfalse\ttests/fixtures/lexicon/good.csv:9\n\
             62-71\tBefreiung\tbefreiung\tliberation\tauthorial\ttrue\ttests/fixtures/lexicon/good.csv:9\n\
             86-94\tBesatzer\tbesatzer*\toccupation\tauthorial\tfalse\ttests/fixtures/lexicon/good.csv:3\n",
        );
}

#[test]
fn cli_test_prints_hits_with_voice_and_negation() {
    framing()
        .args([
            "lexicon",
            "test",
            "tests/fixtures/lexicon/good.csv",
            "Keine Befreiung: „Besatzer“ raus, sagen Ex-Besatzungsmitglieder.",
        ])
        .assert()
        .success()
        .stdout(
            "6-15\tBefreiung\tbefreiung\tliberation\tauthorial\ttrue\ttests/fixtures/lexicon/good.csv:9\n\
             18-26\tBesatzer\tbesatzer*\toccupation\tquoted\tfalse\ttests/fixtures/lexicon/good.csv:3\n",
        );
    framing()
        .args(["lexicon", "test", "tests/fixtures/lexicon/good.csv", "Frieden."])
        .assert()
        .success()
        .stdout("no matches\n");
}

/// The problems of `bad.csv` on stderr, one per line, then the error: what every command that
/// loads a lexicon prints (`framing lexicon check` lists them on stdout instead).
fn bad_lexicon_stderr() -> String {
    let mut expected: String = bad_problems().iter().map(|p| format!("{p}\n")).collect();
    expected.push_str(
        "framing: error: 8 problem(s) in lexicon tests/fixtures/lexicon/bad.csv; fix them (see `framing lexicon check`)\n",
    );
    expected
}

#[test]
fn every_command_lists_every_problem_of_a_bad_lexicon() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = |name: &str| dir.path().join(name).display().to_string();
    let (model, tone) = ("models/de-sentiment-gerntsa.json", "tests/fixtures/labeled/de-tone.csv");
    let bad = "tests/fixtures/lexicon/bad.csv";
    let commands: [Vec<String>; 5] = [
        vec!["analyze".into(), "tests/fixtures/analyze/corpus".into(), "-o".into(), out("report"), "--lexicon".into()],
        vec!["train".into(), "--data".into(), tone.into(), "--model".into(), out("m.json"), "--lexicon".into()],
        vec![
            "evaluate".into(),
            "--model".into(),
            model.into(),
            "--data".into(),
            tone.into(),
            "--out".into(),
            out("eval"),
            "--lexicon".into(),
        ],
        vec![
            "predict".into(),
            "--model".into(),
            model.into(),
            "tests/fixtures/labeled/README.md".into(),
            "--lexicon".into(),
        ],
        vec!["lexicon".into(), "test".into()],
    ];
    for mut args in commands {
        args.push(bad.into());
        if args[0] == "lexicon" {
            args.push("Frieden.".into());
        }
        let run = framing().args(&args).output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&run.stdout), "", "{args:?}");
        assert_eq!(String::from_utf8_lossy(&run.stderr), bad_lexicon_stderr(), "{args:?}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).map(Iterator::count).unwrap_or(1), 0, "nothing written");
}

#[test]
fn cli_help_has_examples() {
    for sub in ["check", "test"] {
        framing()
            .args(["lexicon", sub, "--help"])
            .assert()
            .success()
            .stdout(predicates::str::contains(format!("framing lexicon {sub} ")));
    }
}

// ---- context conditions: `require` and `forbid` ----

/// `csv` written to a file in a fresh temp dir (kept alive by the returned guard).
fn temp_lexicon(csv: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("lexicon.csv");
    std::fs::write(&path, csv).unwrap_or_else(|e| panic!("{e}"));
    (dir, path)
}

/// `(surface, pattern)` of every hit of the lexicon in `csv`.
fn find_csv<'t>(csv: &str, text: &'t str) -> Vec<(&'t str, String)> {
    let (_dir, path) = temp_lexicon(csv);
    let lex = Lexicon::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    let mut hits = Vec::new();
    Matcher::new(&lex).find_into(text, &mut hits);
    hits.iter().map(|h| (&text[h.span.clone()], lex.entries[h.entry].pattern.clone())).collect()
}

const CONDITIONAL: &str = "\
pattern,frame,require,forbid,note
verhandlung*,diplomacy,,gericht*;prozess*;tarif*,talks between parties; not a court hearing
flüchtling*,humanitarian,krieg*; kriegs*;flucht vor dem krieg,,refugees of a war only
opfer,victimhood,anschlag*;angriff*,,victims of violence
unter * besatzung,occupation,,schiffs*,phrase with a condition
*besatzung*,occupation,,,the plain glob
";

#[test]
fn a_row_with_conditions_matches_only_where_they_hold_in_the_sentence() {
    // forbid: a court context drops the match; without it the match stays.
    assert_eq!(find_csv(CONDITIONAL, "Die Verhandlung vor dem Gericht wurde vertagt."), pairs(&[]));
    assert_eq!(
        find_csv(CONDITIONAL, "Die Verhandlungen über eine Waffenruhe gehen weiter."),
        pairs(&[("Verhandlungen", "verhandlung*")])
    );
    // require: any one of the patterns, anywhere in the sentence, before or after the match.
    assert_eq!(find_csv(CONDITIONAL, "Flüchtlinge sollen schneller arbeiten dürfen."), pairs(&[]));
    assert_eq!(
        find_csv(CONDITIONAL, "Flüchtlinge aus dem Kriegsgebiet kamen an."),
        pairs(&[("Flüchtlinge", "flüchtling*")])
    );
    assert_eq!(
        find_csv(CONDITIONAL, "Nach dem Krieg kehrten die Flüchtlinge zurück."),
        pairs(&[("Flüchtlinge", "flüchtling*")])
    );
    // Condition patterns follow the pattern language: whole words, globs, phrases.
    assert_eq!(find_csv(CONDITIONAL, "Ein Opfer des Überfalls auf die Tankstelle."), pairs(&[]));
    assert_eq!(find_csv(CONDITIONAL, "Ein Opfer des Anschlags."), pairs(&[("Opfer", "opfer")]));
    // Each row by its own conditions: Opfer stays (Angriffs), Verhandlung goes (Prozess).
    assert_eq!(
        find_csv(CONDITIONAL, "Das Opfer des Angriffs sagte im Prozess aus; die Verhandlung."),
        pairs(&[("Opfer", "opfer")])
    );
}

#[test]
fn a_dropped_match_does_not_block_an_overlapping_one() {
    // `unter russischer Besatzung` is dropped by its forbid, so the shorter glob takes the word.
    assert_eq!(
        find_csv(CONDITIONAL, "Unter russischer Besatzung lag auch die Schiffswerft."),
        pairs(&[("Besatzung", "*besatzung*")])
    );
    assert_eq!(
        find_csv(CONDITIONAL, "Unter russischer Besatzung lag die Stadt."),
        pairs(&[("Unter russischer Besatzung", "unter * besatzung")])
    );
}

#[test]
fn conditions_see_only_the_searched_sentence() {
    // `analyze` searches sentence by sentence: a condition word in the next sentence does not count.
    let (_dir, path) = temp_lexicon(CONDITIONAL);
    let lex = Lexicon::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    let matcher = Matcher::new(&lex);
    let text = "Die Flüchtlinge kamen an. Der Krieg dauert an.";
    let first = 0..text.find(" Der").unwrap_or(0);
    let scanned = matcher.scan(text);
    let mut hits = Vec::new();
    matcher.find_in_span(text, first.clone(), scanned.as_ref(), &mut hits);
    assert_eq!(hits, Vec::new());
    matcher.find_into(text, &mut hits);
    assert_eq!(hits.len(), 1, "the whole text as one sentence has the war context");
}

#[test]
fn an_exclusion_with_conditions_applies_only_where_they_hold() {
    let csv = "\
pattern,frame,require,forbid,note
von der * befreit,liberation,,,liberation phrase
!befreit,liberation,*pflicht*;gebühr*,,exempted from a duty or fee: not liberation
";
    assert_eq!(find_csv(csv, "Sie wurden von der Maskenpflicht befreit."), pairs(&[]));
    assert_eq!(
        find_csv(csv, "Die Stadt wurde von der Besatzung befreit."),
        pairs(&[("von der Besatzung befreit", "von der * befreit")])
    );
}

#[test]
fn files_without_condition_columns_load_without_conditions() {
    let lex = Lexicon::load(&[fixture("good.csv")]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lex.conditional_count(), 0);
    assert!((0..lex.entries.len()).all(|i| lex.conditions(i).is_none()));
    let (_dir, path) = temp_lexicon(CONDITIONAL);
    let lex = Lexicon::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lex.conditional_count(), 4);
    let c = lex.conditions(1).unwrap_or_else(|| panic!("flüchtling* has conditions"));
    assert_eq!(c.line, 3);
    assert_eq!(c.require, ["krieg*", "kriegs*", "flucht vor dem krieg"]);
    assert!(c.forbid.is_empty());
    assert!(lex.conditions(4).is_none());
}

#[test]
fn check_reports_bad_conditions_at_their_pattern() {
    let csv = "\
pattern,frame,require,forbid,note
a*,f,\"x;;y\",!b,empty pattern; exclusion mark
c*,f, * ; z ;Z,\"q\"\"r;;s\",matches every word; duplicate; after a quote escape: the field's column
d*,f,;,,only separators
e*,f,  ,  ,blank fields: no conditions
besetzte*,f,besetzt*;*truppen,besetzte,the row's own word
";
    let (_dir, path) = temp_lexicon(csv);
    let problems = check_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = problems.iter().map(|p| format!("{}:{}: {}", p.line, p.column, p.message)).collect();
    assert_eq!(
        shown,
        [
            "2:9: empty pattern in `require`: remove the extra `;`",
            "2:13: pattern `!b` in `forbid` starts with `!`: conditions are plain patterns",
            "3:7: pattern `*` in `require` would match every word: it needs a letter or digit",
            "3:14: pattern `Z` appears twice in `require`",
            "3:16: empty pattern in `forbid`: remove the extra `;`",
            "4:6: empty pattern in `require`: remove the extra `;`",
            "4:7: empty pattern in `require`: remove the extra `;`",
            "6:13: pattern `besetzt*` in `require` matches the row's own word `besetzte`: the requirement is always met",
            "6:31: pattern `besetzte` in `forbid` matches the row's own word `besetzte`: the row never applies",
        ]
    );
}

#[test]
fn cli_check_counts_rows_with_conditions() {
    let (_dir, path) = temp_lexicon(CONDITIONAL);
    framing()
        .args(["lexicon", "check"])
        .arg(&path)
        .assert()
        .success()
        .stdout(format!("{}: 5 entries (0 exclusions, 4 with conditions), 4 frames: ok\n", path.display()));
}

#[test]
fn cli_test_shows_matches_a_condition_dropped() {
    let (_dir, path) = temp_lexicon(CONDITIONAL);
    let p = path.display();
    framing()
        .args(["lexicon", "test"])
        .arg(&path)
        .arg("Die Verhandlung vor Gericht: Flüchtlinge, Opfer eines Anschlags.")
        .assert()
        .success()
        .stdout(format!(
            "4-15\tVerhandlung\tverhandlung*\tdiplomacy\tdropped\tforbid `gericht*` matched „Gericht“ at 20-27\t{p}:2\n\
             29-40\tFlüchtlinge\tflüchtling*\thumanitarian\tdropped\tno `require` pattern in the sentence (krieg*; kriegs*; flucht vor dem krieg)\t{p}:3\n\
             42-47\tOpfer\topfer\tvictimhood\tauthorial\tfalse\t{p}:4\n"
        ));
}

/// The bundled German lexicon on invented sentences: each sense its conditions separate.
#[test]
fn bundled_german_conditions_separate_the_senses() {
    let lex = Lexicon::bundled(Lang::De);
    let matcher = Matcher::new(&lex);
    let patterns = |text: &str| -> Vec<String> {
        let mut hits = Vec::new();
        matcher.find_into(text, &mut hits);
        hits.iter().map(|h| lex.entries[h.entry].pattern.clone()).collect()
    };
    let cases: [(&str, &[&str]); 14] = [
        ("Die Verhandlung vor dem Amtsgericht wurde vertagt.", &[]),
        ("Die Verhandlungen über eine Feuerpause gehen weiter.", &["verhandlung*", "feuerpause*"]),
        ("Die Koalitionsverhandlungen stocken, die Verhandlungen über den Haushalt auch.", &[]),
        ("Die Partei will weniger Flüchtlinge aufnehmen.", &[]),
        ("Flüchtlinge aus der Ukraine kamen in Leipzig an.", &["flüchtling*"]),
        ("Die Kinder wurden vom Maskentragen befreit.", &[]),
        ("Der Fahrer war eingeklemmt und wurde von der Feuerwehr befreit.", &[]),
        ("Die Armee hat das Dorf von den Besatzern befreit.", &["von den * befreit"]),
        ("Er leistete Widerstand gegen die Festnahme.", &[]),
        ("Der Widerstand gegen das Regime wächst.", &["widerstand", "regime"]),
        ("Das Opfer des Raubüberfalls kam ins Krankenhaus.", &[]),
        ("Die Opfer des Anschlags wurden beigesetzt.", &["opfer", "anschlags"]),
        ("Die Stelle des Sprechers ist seit Mai besetzt.", &[]),
        ("Seit Kriegsbeginn gelten Sanktionen gegen Oligarchen.", &["*kriegs*", "*sanktion*", "oligarch*"]),
    ];
    for (text, expected) in cases {
        assert_eq!(patterns(text), expected, "{text}");
    }
}

// ---- property test: the automaton equals a naive scan over the same tokenisation ----

/// Naive reference: per pattern, per word position, compare globs (as regexes) and gaps.
mod naive {
    use std::ops::Range;

    use regex::Regex;

    pub struct Compiled {
        words: Vec<Regex>,
        gaps: Vec<Regex>,
        exclusion: bool,
    }

    fn split(pattern: &str) -> (Vec<String>, Vec<String>) {
        let spaced = pattern.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut words = Vec::new();
        let mut gaps = Vec::new();
        let mut cur = String::new();
        let mut gap = String::new();
        for c in spaced.chars() {
            if c.is_alphanumeric() || c == '*' {
                if cur.is_empty() && !words.is_empty() {
                    gaps.push(std::mem::take(&mut gap));
                }
                cur.push(c);
            } else {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                if !words.is_empty() {
                    gap.push(c);
                }
            }
        }
        if !cur.is_empty() {
            words.push(cur);
        }
        (words, gaps)
    }

    pub fn compile(pattern: &str, exclusion: bool) -> Compiled {
        let (words, gaps) = split(pattern);
        let words = words
            .iter()
            .map(|w| {
                let body: Vec<String> = w.to_lowercase().split('*').map(regex::escape).collect();
                Regex::new(&format!("^(?s:{})$", body.join(".*"))).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        let gaps = gaps
            .iter()
            .map(|g| {
                let body: String = g
                    .chars()
                    .map(|c| if c == ' ' { r"\s+".to_owned() } else { regex::escape(&c.to_string()) })
                    .collect();
                Regex::new(&format!("^{body}$")).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        Compiled { words, gaps, exclusion }
    }

    fn words(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push(s..text.len());
        }
        out
    }

    pub fn find(patterns: &[Compiled], text: &str) -> Vec<(Range<usize>, usize)> {
        find_where(patterns, text, |_| true)
    }

    /// Whether `p` matches somewhere in `text` (exclusions and overlaps aside).
    pub fn occurs(p: &Compiled, text: &str) -> bool {
        !find(std::slice::from_ref(p), text).is_empty()
    }

    /// [`find`] with only the patterns `applies` accepts (rows whose conditions hold).
    pub fn find_where(
        patterns: &[Compiled],
        text: &str,
        applies: impl Fn(usize) -> bool,
    ) -> Vec<(Range<usize>, usize)> {
        let ws = words(text);
        let mut incl = Vec::new();
        let mut excl = Vec::new();
        for (pi, p) in patterns.iter().enumerate().filter(|(pi, _)| applies(*pi)) {
            for i in 0..ws.len() {
                let n = p.words.len();
                if i + n > ws.len() {
                    break;
                }
                let ok = (0..n).all(|k| p.words[k].is_match(&text[ws[i + k].clone()].to_lowercase()))
                    && (0..n - 1).all(|k| p.gaps[k].is_match(&text[ws[i + k].end..ws[i + k + 1].start]));
                if ok {
                    let span = ws[i].start..ws[i + n - 1].end;
                    if p.exclusion {
                        excl.push(span);
                    } else {
                        incl.push((span, pi));
                    }
                }
            }
        }
        incl.retain(|(s, _)| !excl.iter().any(|e| e.start < s.end && s.start < e.end));
        incl.sort_by(|a, b| {
            (b.0.end - b.0.start).cmp(&(a.0.end - a.0.start)).then(a.1.cmp(&b.1)).then(a.0.start.cmp(&b.0.start))
        });
        let mut chosen: Vec<(Range<usize>, usize)> = Vec::new();
        for (s, p) in incl {
            if !chosen.iter().any(|(c, _)| c.start < s.end && s.start < c.end) {
                chosen.push((s, p));
            }
        }
        chosen.sort_by_key(|(s, _)| s.start);
        chosen
    }
}

const PROP_PATTERNS: &[&str] = &[
    "besatzer*",
    "*besatzung*",
    "!besatzungsmitglied*",
    "unter besatzung",
    "von * befreit",
    "befreiung",
    "befreit*",
    "ärger",
    "straße",
    "*stanbul",
    "İstanbul",
    "anti-terror-*",
    "krieg",
    "!kriegen",
    "der stadt",
    "stadt",
    "*a*",
    "illegale* besatzung*",
    "besatzung* der",
    // Anchor longer than the searched prefix, cut before a two-byte ä.
    "panzerfäuste*",
];

const VOCAB: &[&str] = &[
    "Besatzer",
    "besatzern",
    "Ex-Besatzer",
    "Besatzungsmacht",
    "Besatzung",
    "BESATZUNG",
    "Besatzungsmitglieder",
    "unter",
    "Unter",
    "von",
    "der",
    "Stadt",
    "befreit",
    "Befreiung",
    "Befreiungsschlag",
    "ÄRGER",
    "ärger",
    "Straße",
    "STRAẞE",
    "İstanbul",
    "istanbul",
    "Anti-Terror-Einsatz",
    "anti",
    "Terror",
    "Krieg",
    "Kriegen",
    "illegale",
    "Maß",
    "42",
    "Panzerfäuste",
    "PANZERFÄUSTEN",
    "Panzerfahrer",
];

const SEPARATORS: &[&str] = &[" ", "  ", "\n", " \n ", ", ", ". ", "-", " „", "“ ", "'", "\t"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn matcher_equals_naive_scan(parts in proptest::collection::vec((0..VOCAB.len(), 0..SEPARATORS.len()), 0..40)) {
        let mut text = String::new();
        for (w, s) in parts {
            text.push_str(VOCAB[w]);
            text.push_str(SEPARATORS[s]);
        }
        let lex = lexicon(PROP_PATTERNS);
        let mut hits = Vec::new();
        Matcher::new(&lex).find_into(&text, &mut hits);
        let got: Vec<_> = hits.into_iter().map(|h| (h.span, h.entry)).collect();
        let reference: Vec<naive::Compiled> =
            lex.entries.iter().map(|e| naive::compile(&e.pattern, e.exclusion)).collect();
        prop_assert_eq!(got, naive::find(&reference, &text));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Searching spans of a document with one scan of the whole document gives exactly what
    /// searching each span's text on its own gives: spans cut anywhere (mid-word too), texts
    /// long enough for the four-lane scan, and texts that need the lower-cased search (ẞ, İ).
    #[test]
    fn span_search_with_document_scan_equals_slice_search(
        parts in proptest::collection::vec((0..VOCAB.len(), 0..SEPARATORS.len()), 0..120),
        cuts in proptest::collection::vec(0usize..2000, 0..12),
    ) {
        let mut text = String::new();
        for (w, s) in parts {
            text.push_str(VOCAB[w]);
            text.push_str(SEPARATORS[s]);
        }
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c % (text.len() + 1)).collect();
        bounds.retain(|&b| text.is_char_boundary(b));
        bounds.extend([0, text.len()]);
        bounds.sort_unstable();
        bounds.dedup();
        let matcher = Matcher::new(&lexicon(PROP_PATTERNS));
        let scanned = matcher.scan(&text);
        for span in bounds.windows(2).map(|w| w[0]..w[1]) {
            let mut by_scan = Vec::new();
            matcher.find_in_span(&text, span.clone(), scanned.as_ref(), &mut by_scan);
            let mut by_slice = Vec::new();
            matcher.find_into(&text[span.clone()], &mut by_slice);
            prop_assert_eq!(by_scan, by_slice, "span {:?} of {:?}", span, text);
        }
    }
}

/// Conditions on some of [`PROP_PATTERNS`] (by pattern): `(require, forbid)`.
const PROP_CONDITIONS: &[(&str, &[&str], &[&str])] = &[
    ("*besatzung*", &[], &["der stadt", "mitglied*"]),
    ("befreit*", &["von", "krieg"], &[]),
    ("!kriegen", &["stadt"], &[]),
    ("unter besatzung", &[], &["illegale"]),
    ("straße", &["ärger"], &["*stanbul"]),
    ("stadt", &["anti-terror-*", "panzer*"], &["İstanbul"]),
];

/// [`PROP_PATTERNS`] with [`PROP_CONDITIONS`], as if read from the file `inline`.
fn conditional_prop_lexicon() -> Lexicon {
    let mut lex = lexicon(PROP_PATTERNS);
    let conditions = PROP_CONDITIONS
        .iter()
        .map(|(pattern, require, forbid)| {
            let entry = PROP_PATTERNS.iter().position(|p| p == pattern).unwrap_or_else(|| panic!("{pattern}"));
            let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
            Conditions { line: entry + 2, require: strings(require), forbid: strings(forbid) }
        })
        .collect::<Vec<_>>();
    let mut conditions = conditions;
    conditions.sort_by_key(|c| c.line);
    lex.files.push(LexiconFile { path: "inline".into(), sha256: String::new(), conditions });
    lex
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    /// With conditions: a row applies where at least one `require` pattern (if any) and no
    /// `forbid` pattern occurs in the text; the rest as without them. And searching spans of
    /// a scanned document gives what searching each span alone gives.
    #[test]
    fn conditional_matcher_equals_naive_scan(
        parts in proptest::collection::vec((0..VOCAB.len(), 0..SEPARATORS.len()), 0..60),
        cuts in proptest::collection::vec(0usize..1000, 0..6),
    ) {
        let mut text = String::new();
        for (w, s) in parts {
            text.push_str(VOCAB[w]);
            text.push_str(SEPARATORS[s]);
        }
        let lex = conditional_prop_lexicon();
        let matcher = Matcher::new(&lex);
        let reference: Vec<naive::Compiled> =
            lex.entries.iter().map(|e| naive::compile(&e.pattern, e.exclusion)).collect();
        let holds = |text: &str, entry: usize| match lex.conditions(entry) {
            None => true,
            Some(c) => {
                let occurs = |p: &String| naive::occurs(&naive::compile(p, false), text);
                (c.require.is_empty() || c.require.iter().any(occurs)) && !c.forbid.iter().any(occurs)
            }
        };
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c % (text.len() + 1)).collect();
        bounds.retain(|&b| text.is_char_boundary(b));
        bounds.extend([0, text.len()]);
        bounds.sort_unstable();
        bounds.dedup();
        let scanned = matcher.scan(&text);
        for span in bounds.windows(2).map(|w| w[0]..w[1]) {
            let sentence = &text[span.clone()];
            let mut hits = Vec::new();
            matcher.find_into(sentence, &mut hits);
            let got: Vec<_> = hits.iter().map(|h| (h.span.clone(), h.entry)).collect();
            prop_assert_eq!(got, naive::find_where(&reference, sentence, |e| holds(sentence, e)), "{:?}", sentence);
            let mut by_scan = Vec::new();
            matcher.find_in_span(&text, span.clone(), scanned.as_ref(), &mut by_scan);
            prop_assert_eq!(by_scan, hits, "span {:?} of {:?}", span, text);
        }
    }
}

#[test]
fn document_scan_is_skipped_where_lower_casing_changes_lengths() {
    let matcher = Matcher::new(&lexicon(&["besatzung*"]));
    assert!(matcher.scan("Die Besatzungsmacht zog ab.").is_some());
    assert!(matcher.scan("Die STRAẞE der Besatzungsmacht.").is_none());
}

// ---- throughput (run with: cargo test --release --test tests lexicon:: -- --ignored --nocapture) ----

/// German news prose: the generated bench corpus in $FRAMING_BENCH_CORPUS when set, else
/// hand-written sentences repeated.
fn prose() -> String {
    if let Ok(dir) = std::env::var("FRAMING_BENCH_CORPUS") {
        let mut text = String::new();
        for e in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
            if e.file_type().is_file() {
                text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        return text;
    }
    let para = "Die Verhandlungen in Brüssel wurden am Donnerstag fortgesetzt. Nach Angaben der \
                Regierung sollen die Gespräche über einen Waffenstillstand noch in dieser Woche \
                abgeschlossen werden. Kritiker sprachen von einer „Besatzung“, die Regierung wies \
                das zurück. Mehr als 254.301 Menschen verfolgten die Debatte im Livestream. Die \
                belagerte Stadt ist seit 23 Tagen ohne Strom; Hilfsorganisationen fordern einen \
                humanitären Korridor für die Zivilbevölkerung.\n\n";
    para.repeat(20_000)
}

/// The shared lexicon plus generated entries up to `n`: pseudo-German words as whole words,
/// prefixes, suffixes, infixes and two-word phrases.
fn big_lexicon(base: &Lexicon, n: usize) -> Lexicon {
    const SYL: &[&str] = &[
        "ver", "hand", "lung", "kriegs", "front", "wehr", "schutz", "bund", "land", "macht", "feld", "zug", "stell",
        "ober", "grenz", "reich", "volk", "angriff", "stoß", "bahn", "bruch", "not", "sperr", "wacht", "kampf",
    ];
    let mut lex = base.clone();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let template = lex.entries[0].clone();
    while lex.entries.len() < n {
        let syllables = 3 + (next() % 3) as usize;
        let word: String = (0..syllables).map(|_| SYL[(next() % SYL.len() as u64) as usize]).collect();
        let pattern = match next() % 5 {
            0 => word,
            1 => format!("{word}*"),
            2 => format!("*{word}"),
            3 => format!("*{word}*"),
            _ => format!("{word}* {}*", SYL[(next() % SYL.len() as u64) as usize]),
        };
        lex.entries.push(Entry { pattern, line: lex.entries.len() + 2, ..template.clone() });
    }
    lex
}

/// Nanoseconds this thread has run on a CPU (Linux), so that a busy shared machine does not
/// distort the figure; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// (MB/s by wall clock, MB/s by thread CPU time, hits of the last round).
fn measure(matcher: &Matcher, text: &str) -> (f64, f64, usize) {
    let mut hits = Vec::new();
    let start = std::time::Instant::now();
    let cpu_start = thread_cpu_ns();
    let mut rounds = 0;
    while start.elapsed().as_secs_f64() < 3.0 {
        hits.clear();
        // Per paragraph, as the pipeline calls it per document or sentence.
        for para in text.split("\n\n") {
            matcher.find_into(para, &mut hits);
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = match (cpu_start, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => secs,
    };
    let bytes = text.len() as f64 * rounds as f64;
    (bytes / secs / 1e6, bytes / cpu_secs / 1e6, hits.len())
}

#[test]
#[ignore = "throughput measurement; prints MB/s"]
fn throughput_shared_and_10000_patterns() {
    let Some(path) = shared_lexicon() else { return };
    let base = Lexicon::load(&[path]).unwrap_or_else(|e| panic!("{e}"));
    let text = prose();
    let (wall, cpu, hits) = measure(&Matcher::new(&base), &text);
    eprintln!(
        "{} MB text, {} patterns: {wall:.0} MB/s wall, {cpu:.0} MB/s CPU time ({hits} hits)",
        text.len() / 1_000_000,
        base.entries.len()
    );
    let big = big_lexicon(&base, 10_000);
    let built = std::time::Instant::now();
    let matcher = Matcher::new(&big);
    eprintln!("compiled {} patterns in {:.2} s", big.entries.len(), built.elapsed().as_secs_f64());
    let (wall, cpu, hits) = measure(&matcher, &text);
    eprintln!("{} patterns: {wall:.0} MB/s wall, {cpu:.0} MB/s CPU time ({hits} hits)", big.entries.len());
}

/// What context conditions cost: the bundled German lexicon (72 rows with conditions) against
/// the same lexicon with its conditions removed, by thread CPU time, searched as `analyze`
/// does (one scan per paragraph, then each sentence's span).
#[test]
#[ignore = "throughput measurement; prints MB/s"]
fn throughput_bundled_german_with_and_without_conditions() {
    let text = prose();
    let segmenter = framing::segment::Segmenter::new(Lang::De);
    let paragraphs: Vec<(&str, Vec<std::ops::Range<usize>>)> = text
        .split("\n\n")
        .map(|p| {
            let mut spans = Vec::new();
            segmenter.split_into(p, &mut spans);
            (p, spans)
        })
        .collect();
    let with = Lexicon::bundled(Lang::De);
    let mut without = with.clone();
    for file in &mut without.files {
        file.conditions.clear();
    }
    let run = |matcher: &Matcher| {
        let mut hits = Vec::new();
        let start = std::time::Instant::now();
        let cpu_start = thread_cpu_ns();
        let (mut rounds, mut n) = (0, 0);
        while start.elapsed().as_secs_f64() < 3.0 {
            n = 0;
            for (p, spans) in &paragraphs {
                let scanned = matcher.scan(p);
                for span in spans {
                    hits.clear();
                    matcher.find_in_span(p, span.clone(), scanned.as_ref(), &mut hits);
                    n += hits.len();
                }
            }
            rounds += 1;
        }
        let secs = match (cpu_start, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e9,
            _ => start.elapsed().as_secs_f64(),
        };
        (text.len() as f64 * rounds as f64 / secs / 1e6, n)
    };
    let (with, without) = (Matcher::new(&with), Matcher::new(&without));
    for round in 1..=3 {
        let (mb_with, hits_with) = run(&with);
        let (mb_without, hits_without) = run(&without);
        eprintln!(
            "round {round}: with conditions {mb_with:.0} MB/s CPU ({hits_with} hits), without \
             {mb_without:.0} MB/s CPU ({hits_without} hits)"
        );
    }
}

/// Regression: overlap resolution inserted each chosen hit into a sorted Vec, quadratic in
/// the hits of one text; a 50 MB document without punctuation (one "sentence", 1.5 M hits)
/// never finished. 200,000 hits in one text must resolve in well under a second.
#[test]
fn many_hits_in_one_text_resolve_in_order() {
    let text = "Besatzer und Befreiung ".repeat(100_000);
    let lex = lexicon(&["besatzer*", "befreiung"]);
    let mut hits: Vec<Hit> = Vec::new();
    Matcher::new(&lex).find_into(&text, &mut hits);
    assert_eq!(hits.len(), 200_000);
    assert_eq!(hits[1].span, 13..22);
    assert!(hits.windows(2).all(|w| w[0].span.end <= w[1].span.start));
}
