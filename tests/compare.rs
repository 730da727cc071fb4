//! `framing compare` and `framing summarize`: the real binary on a hand-made report whose
//! statistics come from scipy/statsmodels (`bench/compare_reference.py`), and on the
//! example corpus end to end.

use crate::common::{repo, Workdir};

/// A hand-made report: groups x (documents x1, x2), y (y1, y2), z (z1); every sentence has
/// 10 tokens; frame a in 12/100, 30/100, 5/50 sentences, frame b in 1/100, 1/100, 0/50
/// (one match per such sentence). x's frame-a matches: 9 authorial, 3 quoted.
fn hand_made_report(wd: &Workdir) {
    // (doc_id, source, date, sentences, sentences with a, sentences with b)
    let docs = [
        ("x1", "x", "2024-01-10", 60, 8, 1),
        ("x2", "x", "2024-02-10", 40, 4, 0),
        ("y1", "y", "2024-01-05", 50, 15, 1),
        ("y2", "y", "2024-02-05", 50, 15, 0),
        ("z1", "z", "2024-02-01", 50, 5, 0),
    ];
    let mut documents = String::from(
        "doc_id,source,date,title,encoding,n_sentences,n_tokens,n_matches,n_authorial,n_quoted,n_reported,\
         n_scare_quote,matches_per_1k_tokens,frame_a,frame_b,stance_t\n",
    );
    let mut sentences = String::from("doc_id,sentence_id,char_start,char_end,text,n_tokens,n_matches,frames,terms\n");
    let mut matches = String::from(
        "doc_id,sentence_id,surface,pattern,frame,target,polarity,weight,voice,speaker,negated,char_start,\
         char_end,left_context,right_context,lexicon\n",
    );
    let mut quoted_left = 3; // x's first three frame-a matches are quoted
    for (id, source, date, n, with_a, with_b) in docs {
        let stance = if source == "x" { "-1" } else { "0" };
        documents.push_str(&format!(
            "{id},{source},{date},,UTF-8,{n},{},{},0,0,0,0,0,{with_a},{with_b},{stance}\n",
            n * 10,
            with_a + with_b
        ));
        for s in 1..=n {
            let (frames, terms) = match (s <= with_a, s > with_a && s <= with_a + with_b) {
                (true, _) => ("a", "Alpha"),
                (_, true) => ("b", "Beta"),
                _ => ("", ""),
            };
            sentences.push_str(&format!(
                "{id},{s},0,10,Eins zwei drei vier fünf sechs sieben acht neun zehn.,10,{},{frames},{terms}\n",
                usize::from(!frames.is_empty())
            ));
            if !frames.is_empty() {
                let voice = if source == "x" && frames == "a" && quoted_left > 0 {
                    quoted_left -= 1;
                    "quoted"
                } else {
                    "authorial"
                };
                let pattern = if frames == "a" { "alpha" } else { "beta" };
                matches.push_str(&format!(
                    "{id},{s},{terms},{pattern},{frames},,1,1,{voice},,false,0,5,links,rechts,lex.csv:{}\n",
                    if frames == "a" { 2 } else { 3 }
                ));
            }
        }
    }
    wd.write("hand/documents.csv", documents);
    wd.write("hand/sentences.csv", sentences);
    wd.write("hand/matches.csv", matches);
    wd.write(
        "hand/terms.csv",
        "pattern,frame,n_matches,n_docs,n_authorial,n_quoted,n_reported,n_scare_quote,n_negated,top_surfaces,lexicon\n",
    );
    wd.write("hand/errors.csv", "path,kind,message\n");
    wd.write(
        "hand/run.json",
        r#"{"framing_version": "0.2.0", "command_line": ["framing", "analyze", "hand"], "corpus": "hand",
            "lang": "de", "lexicons": [{"path": "lex.csv", "sha256": "00ff"}], "model": null, "threads": 1,
            "shard": null, "counts": {"documents_ok": 5, "documents_skipped": 0, "sentences": 250,
            "matches": 49, "bytes": 1000}, "elapsed_seconds": 0.1}"#,
    );
}

fn row<'a>(rows: &'a [Vec<String>], key: &[&str]) -> &'a [String] {
    rows.iter()
        .find(|r| r.iter().zip(key).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row starting {key:?} in {rows:?}"))
}

#[test]
fn compare_frames_match_scipy_and_statsmodels() {
    let wd = Workdir::new();
    hand_made_report(&wd);
    wd.framing().args(["compare", "hand", "--min-docs", "2", "-q"]).assert().success();
    let frames = wd.read_csv("hand/compare-source/compare_frames.csv");
    assert_eq!(
        frames[0].join(","),
        "group,frame,documents,sentences,tokens,matches,sentences_with_frame,share,share_low,share_high,\
         per_1k,per_1k_low,per_1k_high,chi2,df,p,cramers_v,q,small"
    );
    assert_eq!(frames.len(), 1 + 3 * 2);
    // chi2_contingency([[12, 88], [30, 70], [5, 45]], correction=False) -> 13.782622366628235,
    //   p 0.0010165800439692072; V = sqrt(chi2 / 250) = 0.23479882765148752;
    // multipletests([0.0010165800439692072, 0.7772322019645913], method="fdr_bh")[1][0]
    //   -> 0.0020331600879384144;
    // proportion_confint(12, 100, alpha=0.05, method="wilson") -> (0.06999406437019488, 0.19812099426711421);
    // per 1,000 tokens, documents (8 matches, 600 tokens), (4, 400): R = 0.012, residuals
    //   ±0.8, var = 2 · 1.28 / 1000² = 2.56e-6, se = 0.0016, 12 ± 1.959964 · 1.6 = [8.864058, 15.135942].
    assert_eq!(
        row(&frames, &["x", "a"]).join(","),
        "x,a,2,100,1000,12,12,0.12,0.069994,0.198121,12,8.864058,15.135942,13.782622,2,0.001017,0.234799,0.002033,false"
    );
    // chi2_contingency([[1, 99], [1, 99], [0, 50]], correction=False) -> 0.5040322580645161,
    //   p 0.7772322019645913; V = 0.04490132550669373; BH q = p (the larger of two).
    assert_eq!(row(&frames, &["z", "b"])[13..].join(","), "0.504032,2,0.777232,0.044901,0.777232,true");
    assert_eq!(row(&frames, &["y", "a"])[..7].join(","), "y,a,2,100,1000,30,30");

    // proportion_confint(9, 12, alpha=0.05, method="wilson") -> (0.46769466506643426, 0.9110583316059453)
    let voice = wd.read_csv("hand/compare-source/compare_voice.csv");
    assert_eq!(
        voice[0].join(","),
        "group,frame,matches,authorial,authorial_low,authorial_high,quoted,quoted_low,quoted_high,reported,\
         reported_low,reported_high,scare_quote,scare_quote_low,scare_quote_high"
    );
    assert_eq!(row(&voice, &["x", "a"])[..9].join(","), "x,a,12,0.75,0.467695,0.911058,0.25,0.088942,0.532305");

    // bench/compare_reference.py, Monroe et al.: x's alpha -0.32918180335853364, z -1.928231599797594;
    // beta 0.32918180335853364, z 0.40316372541879864.
    let terms = wd.read_csv("hand/compare-source/compare_terms.csv");
    assert_eq!(terms[0].join(","), "group,kind,term,count_group,count_rest,log_odds,z");
    let x_entries: Vec<String> = terms.iter().filter(|r| r[0] == "x" && r[1] == "entry").map(|r| r.join(",")).collect();
    assert_eq!(x_entries, ["x,entry,beta,1,1,0.329182,0.403164", "x,entry,alpha,12,35,-0.329182,-1.928232"]);
    let x_surfaces: Vec<&str> =
        terms.iter().filter(|r| r[0] == "x" && r[1] == "surface").map(|r| r[2].as_str()).collect();
    assert_eq!(x_surfaces, ["beta", "alpha"]);

    // Stance: x's documents both −1: mean −1 with no spread.
    let stance = wd.read_csv("hand/compare-source/compare_stance.csv");
    assert_eq!(stance[0].join(","), "group,target,documents,mean,mean_low,mean_high");
    assert_eq!(row(&stance, &["x", "t"]).join(","), "x,t,2,-1,-1,-1");
    assert_eq!(row(&stance, &["z", "t"]).join(","), "z,t,1,0,,");
    // Not scored: no labels file.
    assert!(!wd.path().join("hand/compare-source/compare_labels.csv").exists());
}

#[test]
fn compare_by_month_and_the_printed_summary() {
    let wd = Workdir::new();
    hand_made_report(&wd);
    let out = wd.framing().args(["compare", "hand", "--by", "month", "--min-docs", "1"]).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("compared 2 groups by month: 2024-01 (2 documents), 2024-02 (3 documents)"), "{stderr}");
    let frames = wd.read_csv("hand/compare-month/compare_frames.csv");
    let groups: Vec<&str> = frames[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(groups, ["2024-01", "2024-01", "2024-02", "2024-02"]);
    // x1 + y1 in January: 8 + 15 of 110 sentences.
    assert_eq!(row(&frames, &["2024-01", "a"])[3..7].join(","), "110,1100,23,23");

    // By source, frame a survives BH and is printed with the groups ranked; b is not.
    let out = wd.framing().args(["compare", "hand", "--min-docs", "1"]).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "a differs (chi2 = 13.782622, df = 2, q = 0.002033, Cramér's V = 0.234799); per 1,000 tokens: y 30"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("not different beyond noise (q ≥ 0.05): b"), "{stderr}");

    // A second run needs --force, and replaces only a comparison.
    wd.framing().args(["compare", "hand", "-q"]).assert().code(2);
    wd.framing().args(["compare", "hand", "-q", "--force"]).assert().success();
    // An unknown column says which there are.
    let out = wd.framing().args(["compare", "hand", "--by", "outlet", "-q"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("has no column `outlet` to group by"), "{stderr}");
}

#[test]
fn compare_two_reports_as_one() {
    let wd = Workdir::new();
    hand_made_report(&wd);
    for f in ["documents.csv", "sentences.csv", "matches.csv", "terms.csv", "errors.csv", "run.json"] {
        let text = wd.read(&format!("hand/{f}"));
        wd.write(&format!("hand2/{f}"), text.replace(",x,", ",w,"));
    }
    wd.framing().args(["compare", "hand", "hand2", "--out", "both", "-q"]).assert().success();
    let frames = wd.read_csv("both/compare_frames.csv");
    let groups: Vec<&str> = frames[1..].iter().step_by(2).map(|r| r[0].as_str()).collect();
    assert_eq!(groups, ["w", "x", "y", "z"]);
    // y is in both reports: its documents add up.
    assert_eq!(row(&frames, &["y", "a"])[2..7].join(","), "4,200,2000,60,60");
}

#[test]
fn a_report_whose_rows_were_reordered_compares_the_same() {
    // compare walks documents.csv beside matches.csv and sentences.csv, which list the
    // documents in the same order; a file sorted otherwise takes the slower way round.
    let wd = Workdir::new();
    hand_made_report(&wd);
    for f in ["documents.csv", "terms.csv", "errors.csv", "run.json"] {
        wd.write(&format!("shuffled/{f}"), wd.read(&format!("hand/{f}")));
    }
    for f in ["sentences.csv", "matches.csv"] {
        let text = wd.read(&format!("hand/{f}"));
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1..].reverse();
        wd.write(&format!("shuffled/{f}"), lines.join("\n") + "\n");
    }
    for dir in ["hand", "shuffled"] {
        wd.framing().args(["compare", dir, "--terms", "all", "--out", &format!("{dir}-out"), "-q"]).assert().success();
    }
    for f in ["compare_frames.csv", "compare_voice.csv", "compare_terms.csv", "compare_stance.csv"] {
        let (a, b) = (wd.read(&format!("hand-out/{f}")), wd.read(&format!("shuffled-out/{f}")));
        assert!(a.lines().count() > 1, "{f}");
        assert_eq!(a, b, "{f}");
    }
    assert_eq!(row(&wd.read_csv("shuffled-out/compare_frames.csv"), &["x", "a"])[2..7].join(","), "2,100,1000,12,12");
}

#[test]
fn analyze_then_compare_the_example_corpus() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "rep", "-q"]).assert().success();
    wd.framing().args(["compare", "rep", "--min-docs", "5", "-q", "--terms", "all"]).assert().success();
    let dir = "rep/compare-source";
    let frames = wd.read_csv(&format!("{dir}/compare_frames.csv"));
    assert_eq!(
        row(&frames, &["tagesblatt", "humanitarian"]).join(","),
        "tagesblatt,humanitarian,7,106,1621,22,18,0.169811,0.1102,0.252518,13.571869,2.535461,24.608278,\
         17.762562,2,0.000139,0.266021,0.001529,false"
    );
    assert_eq!(row(&frames, &["globe", "humanitarian"])[18], "true"); // 4 documents < 5
    let labels = wd.read_csv(&format!("{dir}/compare_labels.csv"));
    assert_eq!(labels[0].join(","), "group,label,documents,sentences,share,share_low,share_high");
    assert_eq!(labels.len(), 1 + 3 * 3);
    let terms = wd.read_csv(&format!("{dir}/compare_terms.csv"));
    let kinds: std::collections::BTreeSet<&str> = terms[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["entry", "surface", "word"]);
    let voice = wd.read_csv(&format!("{dir}/compare_voice.csv"));
    assert_eq!(
        row(&voice, &["tagesblatt", "humanitarian"])[..6].join(","),
        // 9 of 22 in the author's voice, 12 reported (Wilson 95 %: 0.2326–0.6126 by hand).
        "tagesblatt,humanitarian,22,0.409091,0.232558,0.612652"
    );
    let stance = wd.read_csv(&format!("{dir}/compare_stance.csv"));
    assert_eq!(row(&stance, &["tagesblatt", "russia"]).join(","), "tagesblatt,russia,7,-0.285714,-0.845704,0.274275");
    // The report with its comparison inside can still be replaced by analyze --force.
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "rep", "-q", "--force"]).assert().success();
}

#[test]
fn summarize_writes_one_self_contained_page_with_the_csv_numbers() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "rep", "-q"]).assert().success();
    wd.framing().args(["compare", "rep", "--min-docs", "5", "-q"]).assert().success();
    wd.framing().args(["summarize", "rep", "--min-docs", "5", "-q"]).assert().success();
    let html = wd.read("rep/summary.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing is fetched: no address, no script, no outside style or font.
    for outside in ["http://", "https://", "src=", "href=", "<script", "<link", "@import", "url("] {
        assert!(!html.contains(outside), "the page holds `{outside}`");
    }
    // One SVG per chart: rates, over time (the corpus spans months), voice, model labels.
    assert_eq!(html.matches("<svg").count(), 4);
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 4);
    for id in ["chart-rates", "chart-time", "chart-voice", "chart-labels"] {
        assert!(html.contains(&format!("id=\"{id}\"><div class=\"scroll\"><svg")), "{id}");
    }
    // Every rate shown is the CSV's cell, interval included.
    let frames = wd.read_csv("rep/compare-source/compare_frames.csv");
    let mut shown = 0;
    for r in frames[1..].iter().filter(|r| r[5] != "0") {
        let cells = format!(
            "<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} – {}</td><td class=\"n\">{}</td>",
            r[0], r[5], r[10], r[11], r[12], r[7]
        );
        assert!(html.contains(&cells), "{cells}");
        shown += 1;
    }
    assert!(shown > 10, "{shown}");
    assert!(html.contains("humanitarian <b>✔</b></td><td>tagesblatt</td>"));
    // Distinctive terms come with examples, the term highlighted.
    assert!(html.contains("<mark>"));
    // The method box names the lexicon with its hash, and the model.
    let run: serde_json::Value = serde_json::from_str(&wd.read("rep/run.json")).expect("run.json");
    assert!(html.contains(run["lexicons"][0]["sha256"].as_str().expect("a hash")));
    assert!(html.contains(run["model"]["version"].as_str().expect("a model")));
    // A second run replaces the page; a file that is not one is left alone.
    wd.framing().args(["summarize", "rep", "-q"]).assert().success();
    wd.write("notes.html", "<p>mine</p>");
    wd.framing().args(["summarize", "rep", "-q", "--out", "notes.html"]).assert().code(2);
    assert_eq!(wd.read("notes.html"), "<p>mine</p>");
}

#[test]
fn analyze_writes_the_summary_page_unless_told_not_to() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "with", "-q"]).assert().success();
    let html = wd.read("with/summary.html");
    // Named after the report folder, not the temporary folder the run wrote into.
    assert!(html.contains("<title>framing summary: with</title>"), "{}", &html[..400]);
    assert!(!html.contains(".tmp-"));
    assert_eq!(html.matches("<svg").count(), 4);
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "without", "-q", "--no-summary"]).assert().success();
    assert!(!wd.path().join("without/summary.html").exists());
    // A report with its page is replaced by --force like any other.
    wd.framing().arg("analyze").arg(&corpus).args(["-o", "with", "-q", "--force"]).assert().success();
}

#[test]
fn compare_with_a_seeded_bootstrap() {
    let wd = Workdir::new();
    hand_made_report(&wd);
    let args = ["compare", "hand", "--boot", "400", "--seed", "3", "-q", "--force"];
    wd.framing().args(args).assert().success();
    let first = wd.read("hand/compare-source/compare_frames.csv");
    wd.framing().args(args).assert().success();
    assert_eq!(first, wd.read("hand/compare-source/compare_frames.csv"), "same seed, same intervals");
    let frames = wd.read_csv("hand/compare-source/compare_frames.csv");
    assert_eq!(frames[0][19..], ["per_1k_boot_low", "per_1k_boot_high"]);
    // x's two documents (8 matches / 600 tokens, 4 / 400): a resample is both x1 (13.333333
    // per 1,000), both x2 (10) or one of each (12), so the 2.5th and 97.5th percentiles of
    // 400 resamples are 10 and 13.333333.
    assert_eq!(row(&frames, &["x", "a"])[19..].join(","), "10,13.333333");
    // One document: no interval.
    assert_eq!(row(&frames, &["z", "a"])[19..].join(","), ",");
    // --seed needs --boot.
    wd.framing().args(["compare", "hand", "--seed", "3", "-q", "--force"]).assert().code(2);
}

#[test]
fn summarize_by_month_draws_no_lines_over_months() {
    let wd = Workdir::new();
    hand_made_report(&wd);
    wd.framing().args(["summarize", "hand", "--by", "month", "-q"]).assert().success();
    let html = wd.read("hand/summary.html");
    // Rates and voice only: the groups are the months, and the report has no model.
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(!html.contains("chart-time") && !html.contains("chart-labels"));
    assert!(html.contains("<td>2024-01</td>"));
}

#[test]
fn a_broken_report_is_named_with_its_file_and_line() {
    let wd = Workdir::new();
    hand_made_report(&wd);
    let docs = wd.read("hand/documents.csv").replacen("x1,x,2024-01-10,,UTF-8,60,", "x1,x,2024-01-10,,UTF-8,sixty,", 1);
    wd.write("hand/documents.csv", docs);
    let out = wd.framing().args(["compare", "hand", "-q"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr, "framing: error: hand/documents.csv:2: `sixty` is not a number\n");
    let out = wd.framing().args(["summarize", "nowhere", "-q"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.starts_with("framing: error: nowhere/run.json: "), "{stderr}");
    assert!(!wd.path().join("hand/compare-source").exists(), "nothing written on failure");
}

/// With `--lang auto` the German model scores only the German documents: the English
/// outlet's model cells are empty, and the label means leave it out instead of failing.
#[test]
fn a_lang_auto_report_compares_and_summarizes() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    let out = wd.framing().arg("analyze").arg(&corpus).args(["-o", "rep", "-q", "--lang", "auto"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no warning: the page was written");
    assert!(wd.read("rep/summary.html").contains("<svg"));
    wd.framing().args(["compare", "rep", "--min-docs", "5", "-q"]).assert().success();
    let labels = wd.read_csv("rep/compare-source/compare_labels.csv");
    let groups: std::collections::BTreeSet<&str> = labels[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(groups.into_iter().collect::<Vec<_>>(), ["rundschau", "tagesblatt"]);
    // All seven tagesblatt articles are German, scored, with their 106 sentences.
    assert_eq!(labels[1..].iter().find(|r| r[0] == "tagesblatt").map(|r| r[2..4].join(",")), Some("7,106".into()));
}

/// The page `analyze` writes counts the matches as the run writes them; `summarize` reads
/// `matches.csv` back. Both must show the same page (only the command line differs).
#[test]
fn the_page_analyze_writes_equals_the_page_summarize_reads() {
    let wd = Workdir::new();
    let corpus = repo().join("examples/corpus");
    for lang in ["de", "auto"] {
        let rep = format!("rep-{lang}");
        wd.framing().arg("analyze").arg(&corpus).args(["-o", &rep, "-q", "--lang", lang, "-j", "2"]).assert().success();
        let read_page = format!("read-{lang}.html");
        wd.framing().args(["summarize", &rep, "--out", &read_page, "-q"]).assert().success();
        let without_command = |page: String| -> Vec<String> {
            page.split("><").filter(|part| !part.contains("This page:")).map(String::from).collect()
        };
        let written = without_command(wd.read(&format!("{rep}/summary.html")));
        let read = without_command(wd.read(&read_page));
        assert!(written.len() > 500, "{}", written.len());
        assert_eq!(written, read, "--lang {lang}");
    }
}
